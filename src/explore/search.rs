//! Searching function names: the search being typed (a [`Finder`] over
//! the table's rows, scanned in slices with a worker) and the last search,
//! stepped through with [`Command::NextMatch`](super::Command::NextMatch).

use super::finder::Finder;
use super::jobs::SLICE;
use super::session::{Hint, Session};
use crate::analysis::NodeId;
use std::time::Instant;

/// The last search, for stepping through its matches.
pub struct LastSearch {
    /// The query.
    pub query: String,
    /// Its matches, best first.
    pub matches: Vec<NodeId>,
    /// The match shown last.
    pub index: usize,
    /// After the nodes were rebuilt: the search again, while it runs.
    pub(super) rescan: Option<Box<Finder>>,
}

impl LastSearch {
    /// A search whose matches are known.
    pub(super) fn new(query: String, matches: Vec<NodeId>, index: usize) -> Self {
        LastSearch {
            query,
            matches,
            index,
            rescan: None,
        }
    }
}

/// The cum of every row of the table, in table order: what ranks matches
/// of similar quality.
fn cums(session: &Session) -> Vec<i64> {
    session
        .rows(0..session.row_count())
        .map(|r| r.cum)
        .collect()
}

impl Session {
    /// A search over the table's rows, ranked by their cost among matches
    /// of similar quality.
    pub(super) fn new_finder(&self) -> Finder {
        Finder::with_costs(&self.view.table.rows, cums(self))
    }

    /// Starts a search over the table's rows (every row matches the empty
    /// query).
    pub(super) fn open_search(&mut self) {
        self.finding = Some(Box::new(self.new_finder()));
    }

    /// The search typed is now `query`: scored at once, or in slices
    /// between frames with a worker ([`Session::tick`]).
    pub(super) fn search_for(&mut self, query: String) {
        let deadline = self.jobs.worker.as_ref().map(|_| Instant::now() + SLICE);
        if self.finding.is_none() {
            self.finding = Some(Box::new(self.new_finder()));
        }
        let Some(finder) = self.finding.as_mut() else {
            return;
        };
        finder.set_query(query);
        finder.advance(self.agg.display(), deadline);
    }

    /// Moves the search's choice among its matches.
    pub(super) fn choose_match(&mut self, delta: isize) {
        if let Some(finder) = &mut self.finding {
            finder.move_cursor(delta);
        }
    }

    /// Jumps to the match chosen (the search ends, and is kept for
    /// stepping through its matches), or says that nothing matches.
    pub(super) fn jump_to_match(&mut self) {
        let Some(mut finder) = self.finding.take() else {
            return;
        };
        finder.finish(self.agg.display());
        match finder.chosen() {
            Some(node) => {
                let index = finder.cursor;
                let query = finder.query.clone();
                self.search = Some(LastSearch::new(query, finder.matches, index));
                self.jump_to(node);
                self.say_match();
            }
            None => self.say_error(format!("no function matches \"{}\"", finder.query)),
        }
    }

    /// Ends the search being typed, going nowhere.
    pub(super) fn close_search(&mut self) {
        self.finding = None;
    }

    pub(super) fn next_match(&mut self, step: isize) {
        let Some(search) = &mut self.search else {
            self.say("no search yet".into());
            if let Some(notice) = &mut self.notice {
                notice.hint = Some(Hint::Search);
            }
            return;
        };
        if let Some(mut finder) = search.rescan.take() {
            finder.finish(self.agg.display());
            search.matches = finder.matches;
        }
        // Matches are kept across sample types and sorts: skip those that
        // this table does not show.
        let n = search.matches.len() as isize;
        let view = &self.view;
        let found = (1..=n).find_map(|i| {
            let index = (search.index as isize + i * step).rem_euclid(n) as usize;
            let node = search.matches[index];
            view.row_of(node).map(|_| (index, node))
        });
        let Some((index, node)) = found else {
            let q = search.query.clone();
            self.say_error(format!("no function matches \"{q}\""));
            return;
        };
        search.index = index;
        self.jump_to(node);
        self.say_match();
    }

    fn say_match(&mut self) {
        if let Some(s) = &self.search {
            let text = format!(
                "match {}/{} for \"{}\"",
                s.index + 1,
                s.matches.len(),
                s.query
            );
            self.say(text);
            if let Some(notice) = &mut self.notice {
                notice.hint = Some(Hint::StepMatches);
            }
        }
    }
}
