//! Recomputing on change: a new sample type or sort rebuilds the table
//! view; new filters or granularity rebuild the aggregate first. Either way
//! the selected function is found again by identity.

use super::app::App;
use super::app::LastSearch;
use super::finder::Finder;
use super::model::{Aggregate, Identity, View};
use crate::analysis::Filters;

impl App<'_> {
    pub(super) fn set_sample(&mut self, k: usize) {
        self.k = k;
        self.rebuild_view();
    }

    pub(super) fn set_filters(&mut self, filters: Filters) {
        self.filters = filters;
        self.rebuild_aggregate();
    }

    pub(super) fn rebuild_aggregate(&mut self) {
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        self.agg = Aggregate::build(
            self.profile,
            &self.measures,
            self.granularity,
            &self.filters,
            self.inline_frames,
        );
        self.finish_rebuild(keep);
    }

    pub(super) fn rebuild_view(&mut self) {
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        self.finish_rebuild(keep);
    }

    pub(super) fn finish_rebuild(&mut self, keep: Option<Identity>) {
        let calls_cursor = self.calls.cursor;
        let old_node = self.calls.node;
        self.view = View::build(
            self.profile,
            &self.agg,
            &self.reports[self.k],
            self.k,
            self.sort,
            &self.table,
        );
        self.cursor = keep.as_ref().and_then(|id| self.locate(id)).unwrap_or(0);
        self.refresh_calls();
        if self.calls.node == old_node {
            self.calls.cursor = calls_cursor.min(self.calls.len().saturating_sub(1));
        }
        if let Some(search) = &self.search {
            // Node ids and rows changed: run the last search again.
            let mut finder = Finder::new(&self.view.rows);
            finder.set_query(search.query.clone(), &self.agg, &self.view.rows);
            self.search = Some(LastSearch {
                query: search.query.clone(),
                matches: finder.matches,
                index: 0,
            });
        }
    }
}
