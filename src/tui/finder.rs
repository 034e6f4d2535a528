//! Fuzzy search over function names (skim's algorithm).
//!
//! Typing must stay instant on profiles with tens of thousands of names, so:
//! only names are scored; when the query grows, only the names that matched
//! the shorter query are scored again (a name that does not contain `ab` as
//! a subsequence cannot contain `abc`); and matched positions, needed for
//! highlighting, are computed only for the few results on screen.

use super::model::Aggregate;
use crate::analysis::NodeId;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// The search prompt: the query and the ranked matches.
pub struct Finder {
    matcher: SkimMatcherV2,
    /// What was typed.
    pub query: String,
    /// Matching nodes, best first (score, then table order).
    pub matches: Vec<NodeId>,
    /// The match under the cursor.
    pub cursor: usize,
    /// The query `pool` was computed for, and the nodes that matched it.
    pool_query: String,
    pool: Vec<NodeId>,
}

impl Finder {
    /// A prompt over `candidates` (the table's rows, in table order).
    pub fn new(candidates: &[NodeId]) -> Finder {
        Finder {
            matcher: SkimMatcherV2::default().smart_case(),
            query: String::new(),
            matches: candidates.to_vec(),
            cursor: 0,
            pool_query: String::new(),
            pool: candidates.to_vec(),
        }
    }

    /// Sets the query and ranks the candidates again. `all` are all
    /// candidates in table order, used when the query did not just grow.
    pub fn set_query(&mut self, query: String, agg: &Aggregate, all: &[NodeId]) {
        if !query.starts_with(&self.pool_query) {
            self.pool = all.to_vec();
        }
        let mut scored: Vec<(i64, usize, NodeId)> = self
            .pool
            .iter()
            .enumerate()
            .filter_map(|(order, &n)| {
                let name = &agg.display[n as usize];
                self.matcher
                    .fuzzy_match(name, &query)
                    .map(|score| (score, order, n))
            })
            .collect();
        // The pool keeps table order so that ties rank as the table does.
        self.pool = scored.iter().map(|&(_, _, n)| n).collect();
        self.pool_query = query.clone();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.matches = scored.into_iter().map(|(_, _, n)| n).collect();
        self.query = query;
        self.cursor = 0;
    }

    /// Character positions of `query` in `name`, for highlighting.
    pub fn positions(&self, name: &str) -> Vec<usize> {
        if self.query.is_empty() {
            return Vec::new();
        }
        self.matcher
            .fuzzy_indices(name, &self.query)
            .map(|(_, positions)| positions)
            .unwrap_or_default()
    }

    /// The node under the cursor.
    pub fn chosen(&self) -> Option<NodeId> {
        self.matches.get(self.cursor).copied()
    }

    /// Moves the cursor by `delta`, staying on the list.
    pub fn move_cursor(&mut self, delta: isize) {
        if self.matches.is_empty() {
            self.cursor = 0;
            return;
        }
        let last = self.matches.len() - 1;
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }
}
