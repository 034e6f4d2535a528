//! Recomputing on change: a new sample type or sort switches to another
//! table view (kept once built, per sample type and sort, until the nodes
//! change); new filters or granularity rebuild the aggregate first. Either
//! way the selected function is found again by identity.
//!
//! With a worker ([`Session::start_worker`]) the aggregate is rebuilt off
//! the driver's thread: the command returns at once, the current table
//! stays until the new one arrives, and callers and callees follow when
//! the edges do.

use super::aggregate::Aggregate;
use super::calls::Calls;
use super::dispose::dispose;
use super::jobs::{Pending, Waiting};
use super::session::Session;
use super::table::Table;
use super::view::{Identity, View};
use super::worker::{Job, Shown, TableSpec};
use crate::analysis::order::SortKey;
use crate::analysis::{Filters, Graph};
use std::sync::Arc;
use std::time::Instant;

/// The cache slots of each sample type: one per sort.
pub(super) const SORTS: usize = SortKey::ALL.len();

/// The cache slot of a sort ([`SORTS`] per sample type).
pub(super) fn sort_slot(sort: SortKey) -> usize {
    match sort {
        SortKey::Flat => 0,
        SortKey::Cum => 1,
        SortKey::Name => 2,
        SortKey::Growth => 3,
        SortKey::Shrink => 4,
    }
}

impl Session {
    /// The sample index and sort of the table shown, or of the one about
    /// to be (see [`Session::show_table`]).
    pub(super) fn target(&self) -> (usize, SortKey) {
        self.jobs
            .pending
            .as_ref()
            .map_or((self.sample_index, self.sort), |p| (p.sample_index, p.sort))
    }

    pub(super) fn set_sample(&mut self, sample_index: usize) {
        let (_, sort) = self.target();
        self.show_table(sample_index, sort, None);
    }

    pub(super) fn cycle_sort(&mut self) {
        let (sample_index, sort) = self.target();
        let sort = sort.next();
        self.show_table(
            sample_index,
            sort,
            Some(format!("sorted by {}", sort.name())),
        );
    }

    /// Shows the table of `sample_index` in `sort` order, saying `done`
    /// then. With a worker, a table not built yet is asked of it, and the
    /// one shown stays (commands still work) until it arrives: on the
    /// biggest profiles sorting a table takes a tenth of a second or more.
    pub(super) fn show_table(&mut self, sample_index: usize, sort: SortKey, done: Option<String>) {
        let wanted = self.slot(sample_index, sort);
        let ready =
            wanted == self.slot(self.sample_index, self.sort) || self.views[wanted].is_some();
        if ready || self.jobs.worker.is_none() {
            if let Some(pending) = self.jobs.pending.take() {
                self.unsay(&pending.text);
            }
            (self.sample_index, self.sort) = (sample_index, sort);
            self.switch_view();
            if let Some(text) = done {
                self.say(text);
            }
            return;
        }
        let name = self.scales[sample_index].sample_type.clone();
        let text = format!("sorting {name} by {}…", sort.name());
        self.say(text.clone());
        self.jobs.pending = Some(Pending {
            sample_index,
            sort,
            text,
            done,
            to_top: false,
        });
        self.request_table();
    }

    /// The table a pending switch waits for is there: shows it.
    pub(super) fn finish_pending(&mut self) {
        let Some(pending) = self.jobs.pending.take() else {
            return;
        };
        (self.sample_index, self.sort) = (pending.sample_index, pending.sort);
        self.switch_view();
        if pending.to_top {
            self.select_row(0);
            self.jumps += 1;
        }
        // Unless another command said something since.
        if self.unsay(&pending.text)
            && let Some(text) = pending.done
        {
            self.say(text);
        }
    }

    /// Clears the notice if it still says `text`; returns whether it did.
    fn unsay(&mut self, text: &str) -> bool {
        let still = self.notice.as_ref().is_some_and(|m| m.text == text);
        if still {
            self.notice = None;
        }
        still
    }

    pub(super) fn set_filters(&mut self, filters: Filters, why: Waiting) {
        self.filters_typed(None);
        let before = std::mem::replace(&mut self.filters, filters);
        if before != self.filters {
            // For Command::UndoFilters (a long session keeps the last 100).
            self.filter_undo.push(before);
            if self.filter_undo.len() > 100 {
                self.filter_undo.remove(0);
            }
        }
        self.rebuild_aggregate(why);
    }

    pub(super) fn cycle_granularity(&mut self) {
        self.granularity = self.granularity.next();
        self.rebuild_aggregate(Waiting::Granularity);
    }

    /// Aggregates again for the current granularity and filters, with the
    /// table shown and the selected function's calls: at once without a
    /// worker, else by the worker (the result is taken in by
    /// [`Session::tick`]).
    pub(super) fn rebuild_aggregate(&mut self, why: Waiting) {
        self.jobs.generation += 1;
        let shown = Shown {
            table: self.table_spec(self.sample_index, self.sort),
            selected: self
                .selected()
                .map(|n| self.agg.frames.nodes.name(n).into()),
        };
        match &self.jobs.worker {
            Some(worker) => {
                worker.send(Job::Aggregate {
                    generation: self.jobs.generation,
                    measures: self.measures.clone(),
                    granularity: self.granularity,
                    filters: Box::new(self.filters.clone()),
                    inline_frames: self.inline_frames,
                    base: self.agg.base.clone(),
                    shown,
                    // Behind a first look, the stacks at once.
                    first_look: why != Waiting::Stacks && self.first_look_wanted(),
                });
                self.jobs.waiting = Some(why);
                self.jobs.aggregate_asked = Some(Instant::now());
            }
            None => {
                let mut agg = Aggregate::from_base(
                    &self.profile,
                    &self.measures,
                    self.granularity,
                    &self.filters,
                    self.inline_frames,
                    self.agg.base.clone(),
                    Some(self.sample_index),
                );
                if !agg.complete {
                    let graph = agg.edges(&self.profile);
                    agg = agg.with_edges(graph);
                }
                let (table, calls) = shown.build(&self.profile, &agg);
                self.install(agg, Some(table), calls);
                self.say_arrival(why);
            }
        }
    }

    /// Whether the aggregate asked for needs the stacks resolved (a new
    /// granularity, or no stacks yet) on a profile large enough for a
    /// first look meanwhile.
    fn first_look_wanted(&self) -> bool {
        let resolving = self
            .agg
            .base
            .as_ref()
            .is_none_or(|b| b.stacks.frames.granularity != self.granularity);
        resolving
            && self.inline_frames
            && self.profile.samples.frame_count() > self.first_look_above
    }

    /// What building the table of `sample_index` in `sort` order takes.
    pub(super) fn table_spec(&self, sample_index: usize, sort: SortKey) -> TableSpec {
        TableSpec {
            measure: self.scales[sample_index].measure,
            k: sample_index,
            sort,
            options: self.table_options.clone(),
        }
    }

    /// Makes sure the aggregate has `sample_index`, summing every sample
    /// index here if it has another alone (without a worker, or when the
    /// sample index changed while the worker summed).
    fn fill_column(&mut self, sample_index: usize) {
        if self
            .agg
            .only_column
            .is_some_and(|only| only != sample_index)
        {
            match self.agg.all_columns() {
                Some(graph) => self.columns_arrived(graph),
                // A first look: the graph with edges has them all.
                None => {
                    let graph = self.agg.edges(&self.profile);
                    self.edges_arrived(graph);
                }
            }
        }
    }

    /// Every sample index of the aggregate shown: the tables of the
    /// others can be built.
    pub(super) fn columns_arrived(&mut self, graph: Graph) {
        self.agg.graph = Arc::new(graph);
        self.agg.only_column = None;
    }

    /// The call graph's edges for the aggregate shown: flat and cum are the
    /// same, so the tables stay; callers and callees appear.
    pub(super) fn edges_arrived(&mut self, graph: Graph) {
        self.agg.graph = Arc::new(graph);
        self.agg.complete = true;
        // The graph with edges has every sample index (a first look had
        // the one shown alone).
        self.agg.only_column = None;
        let cursor = self.calls.cursor;
        let on_self = cursor == self.calls.self_index();
        self.calls.node = None;
        self.refresh_calls();
        if !on_self {
            self.calls.cursor = cursor.min(self.calls.len().saturating_sub(1));
        }
    }

    pub(super) fn say_arrival(&mut self, why: Waiting) {
        let text = match why {
            Waiting::Filters => format!("filters applied: {} rows", self.view.table.rows.len()),
            Waiting::Cleared => "filters cleared".to_string(),
            Waiting::Granularity => format!("granularity: {}", self.granularity.name()),
            Waiting::Undone => format!("filters undone: {} rows", self.view.table.rows.len()),
            Waiting::Inlines if self.inline_frames => "inlined functions shown".to_string(),
            Waiting::Inlines => "inlined functions merged into their callers".to_string(),
            Waiting::Stacks => "callers and callees ready".to_string(),
        };
        match (why, self.no_match_warnings()) {
            (Waiting::Filters | Waiting::Undone, Some(warnings)) => {
                self.say_error(format!("{text} · {warnings}"))
            }
            _ => self.say(text),
        }
    }

    /// pprof's warnings for the filters that match nothing (`Focus
    /// expression matched no samples`), joined; `None` when every filter
    /// matches something.
    pub(super) fn no_match_warnings(&self) -> Option<String> {
        let warnings = crate::analysis::no_match_warnings(&self.profile, &self.filters);
        (!warnings.is_empty()).then(|| warnings.join(" · "))
    }

    /// One empty cache slot per sample type and sort.
    pub(super) fn empty_views(&self) -> Vec<Option<View>> {
        (0..self.measures.len() * SORTS).map(|_| None).collect()
    }

    pub(super) fn slot(&self, sample_index: usize, sort: SortKey) -> usize {
        sample_index * SORTS + sort_slot(sort)
    }

    fn build_view(&self, sample_index: usize, sort: SortKey) -> View {
        View::build(
            &self.profile,
            &self.agg,
            &self.scales[sample_index],
            sample_index,
            sort,
            &self.table_options,
        )
    }

    /// Shows the table of the current sample type and sort: the one built
    /// before if there is one, else built here.
    fn switch_view(&mut self) {
        let wanted = self.slot(self.sample_index, self.sort);
        let keep = self.selected_identity();
        let slot = self.slot(self.view.table.sample, self.view.table.sort);
        if slot != wanted {
            let view = match self.views[wanted].take() {
                Some(view) => view,
                None => {
                    self.fill_column(self.sample_index);
                    self.build_view(self.sample_index, self.sort)
                }
            };
            let old = std::mem::replace(&mut self.view, view);
            self.views[slot] = Some(old);
        }
        self.reselect(keep);
    }

    /// Every table built again (the table options changed): the one shown
    /// now, the others when shown; a table the worker is building for
    /// the old options is not taken.
    pub(super) fn rebuild_tables(&mut self) {
        let keep = self.selected_identity();
        self.jobs.table_asked = None;
        self.jobs.pending = None;
        self.jobs.marks_wanted.clear();
        self.views = self.empty_views();
        self.fill_column(self.sample_index);
        self.view = self.build_view(self.sample_index, self.sort);
        self.calls = super::Calls::default();
        self.reselect(keep);
    }

    /// Whether a table other than the one shown is still to be built.
    pub(super) fn views_missing(&self) -> bool {
        let current = self.slot(self.sample_index, self.sort);
        self.views
            .iter()
            .enumerate()
            .any(|(slot, v)| slot != current && v.is_none() && self.built_ahead(slot))
    }

    /// Whether the table of `slot` is built in advance: the orders of
    /// change only for a comparison.
    pub(super) fn built_ahead(&self, slot: usize) -> bool {
        self.comparison.is_some() || !SortKey::ALL[slot % SORTS].by_change()
    }

    /// A new aggregate: new nodes, so every table is built again; `table`
    /// and `calls`, when built with it, are used if they are still what is
    /// shown.
    pub(super) fn install(&mut self, agg: Aggregate, table: Option<Table>, calls: Option<Calls>) {
        let keep = self.selected_identity();
        self.jobs.marks_wanted.clear();
        self.jobs.prepare_asked = false;
        let nodes = self.agg.frames.nodes.len();
        let old_agg = std::mem::replace(&mut self.agg, agg);
        let empty = self.empty_views();
        let old_views = std::mem::replace(&mut self.views, empty);
        let view = match table {
            Some(table) if (table.sample, table.sort) == (self.sample_index, self.sort) => {
                View::from_table(
                    &self.profile,
                    table,
                    &self.scales[self.sample_index],
                    &self.table_options,
                )
            }
            _ => {
                self.fill_column(self.sample_index);
                self.build_view(self.sample_index, self.sort)
            }
        };
        let old_view = std::mem::replace(&mut self.view, view);
        dispose((old_agg, old_views, old_view), nodes);
        // Node and edge ids are new: the calls are computed again, unless
        // they came with the table (kept by `reselect` if the function
        // selected is theirs).
        self.calls = match calls {
            Some(calls) if calls.k == self.view.column() && !self.view.trimmed() => {
                self.calls_renewed += 1;
                calls
            }
            _ => Calls::default(),
        };
        self.reselect(keep);
        let searched = self.search.is_some().then(|| self.new_finder());
        if let Some(search) = &mut self.search
            && let Some(mut finder) = searched
        {
            // Node ids changed: run the last search again.
            finder.set_query(search.query.clone());
            if self.jobs.worker.is_none() {
                finder.finish(self.agg.display());
                search.matches = std::mem::take(&mut finder.matches);
                search.rescan = None;
            } else {
                search.matches = Vec::new();
                search.rescan = Some(Box::new(finder));
            }
            search.index = 0;
        }
        let typed = self.finding.is_some().then(|| self.new_finder());
        if let Some(finder) = &mut self.finding
            && let Some(mut fresh) = typed
        {
            // A search being typed searches the new rows (node ids may
            // have changed) for what is typed.
            fresh.set_query(finder.query.clone());
            if self.jobs.worker.is_none() {
                fresh.finish(self.agg.display());
            }
            **finder = fresh;
        }
        self.request_edges();
    }

    /// Selects `keep` again in the table shown (or the first row), keeping
    /// the calls' cursor if the function is the same.
    pub(super) fn reselect(&mut self, keep: Option<Identity>) {
        let calls_cursor = self.calls.cursor;
        let old_node = self.calls.node;
        self.cursor = keep.as_ref().and_then(|id| self.locate(id)).unwrap_or(0);
        self.refresh_calls();
        if self.calls.node == old_node {
            self.calls.cursor = calls_cursor.min(self.calls.len().saturating_sub(1));
        }
    }
}
