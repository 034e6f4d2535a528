//! Fuzzy search over function names (skim's algorithm).
//!
//! Typing must stay instant on profiles with tens of thousands of names, so:
//! - only names are scored, and matched positions (for highlighting) are
//!   computed only for the few results on screen;
//! - when the query grows, only the names that matched the shorter query are
//!   scored again (a name that does not contain `ab` as a subsequence cannot
//!   contain `abc`), and the results of every shorter query typed are kept,
//!   so erasing a character costs nothing;
//! - scoring is a scan that can stop at a deadline and go on later
//!   ([`Finder::advance`]): the explorer scores in slices between frames, so
//!   a keystroke never blocks the screen, however many names there are.
//!   Until a scan ends, the matches of the query before are shown.

use crate::analysis::NodeId;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use std::time::Instant;

/// Names scored between two looks at the clock.
const CHUNK: usize = 256;

/// The search prompt: the query and the ranked matches.
pub struct Finder {
    matcher: SkimMatcherV2,
    /// What was typed.
    pub query: String,
    /// Matching nodes, best first (score, then table order), of the last
    /// query whose scan ended.
    pub matches: Vec<NodeId>,
    /// The match under the cursor.
    pub cursor: usize,
    /// Finished queries, each a prefix of the next, from the empty one:
    /// their matches in table order and ranked.
    finished: Vec<Finished>,
    /// The scan of `query`, while it runs.
    scan: Option<Scan>,
}

struct Finished {
    query: String,
    /// (table order, node) of every match.
    pool: Vec<(u32, NodeId)>,
    ranked: Vec<NodeId>,
}

struct Scan {
    /// The candidates (a superset of the matches), in table order.
    pool: Vec<(u32, NodeId)>,
    /// How many candidates were scored.
    next: usize,
    /// (score, table order, node) of the matches so far.
    found: Vec<(i64, u32, NodeId)>,
}

impl Finder {
    /// A prompt over `candidates` (the table's rows, in table order).
    pub fn new(candidates: &[NodeId]) -> Finder {
        Finder {
            matcher: SkimMatcherV2::default().smart_case(),
            query: String::new(),
            matches: candidates.to_vec(),
            cursor: 0,
            finished: vec![Finished {
                query: String::new(),
                pool: candidates
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| (i as u32, n))
                    .collect(),
                ranked: candidates.to_vec(),
            }],
            scan: None,
        }
    }

    /// Sets the query; the matches follow once [`Finder::advance`] (or
    /// [`Finder::finish`]) has scanned the candidates.
    pub fn set_query(&mut self, query: String) {
        // A scan under way for a prefix of the new query narrows the pool to
        // what it found plus what it has not looked at yet.
        let running = self.scan.take().filter(|_| query.starts_with(&self.query));
        self.finished.truncate(
            1.max(
                self.finished
                    .iter()
                    .take_while(|f| query.starts_with(&f.query))
                    .count(),
            ),
        );
        let last = self.finished.last().expect("the empty query is kept");
        self.query = query;
        self.cursor = 0;
        if last.query == self.query {
            self.matches = last.ranked.clone();
            return;
        }
        let pool = match running {
            Some(scan) => {
                let mut pool: Vec<(u32, NodeId)> =
                    scan.found.iter().map(|&(_, order, n)| (order, n)).collect();
                pool.extend_from_slice(&scan.pool[scan.next..]);
                pool
            }
            None => last.pool.clone(),
        };
        self.scan = Some(Scan {
            pool,
            next: 0,
            found: Vec::new(),
        });
    }

    /// Whether a scan is under way (the matches are those of the query
    /// before).
    pub fn searching(&self) -> bool {
        self.scan.is_some()
    }

    /// Scores candidates until `deadline` (`names[node]` is each node's
    /// name); returns whether the scan is over.
    pub fn advance(&mut self, names: &[String], deadline: Option<Instant>) -> bool {
        let Some(scan) = &mut self.scan else {
            return true;
        };
        while scan.next < scan.pool.len() {
            let end = (scan.next + CHUNK).min(scan.pool.len());
            for &(order, n) in &scan.pool[scan.next..end] {
                if let Some(score) = self.matcher.fuzzy_match(&names[n as usize], &self.query) {
                    scan.found.push((score, order, n));
                }
            }
            scan.next = end;
            if deadline.is_some_and(|d| Instant::now() >= d) && scan.next < scan.pool.len() {
                return false;
            }
        }
        let Some(scan) = self.scan.take() else {
            return true;
        };
        // `found` is in table order: the pool of longer queries.
        let pool: Vec<(u32, NodeId)> = scan.found.iter().map(|&(_, o, n)| (o, n)).collect();
        let mut found = scan.found;
        found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let ranked: Vec<NodeId> = found.into_iter().map(|(_, _, n)| n).collect();
        self.matches = ranked.clone();
        self.cursor = 0;
        self.finished.push(Finished {
            query: self.query.clone(),
            pool,
            ranked,
        });
        true
    }

    /// Scans to the end.
    pub fn finish(&mut self, names: &[String]) {
        self.advance(names, None);
    }

    /// Character positions of `query` in `name`, for highlighting.
    pub fn positions(&self, name: &str) -> Vec<usize> {
        if self.query.is_empty() || self.searching() {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// More names than one chunk, so that scans stop half way.
    fn names() -> Vec<String> {
        let base = [
            "main.main",
            "main.parse",
            "io.Read",
            "json.Unmarshal",
            "main.pool",
        ];
        (0..4 * CHUNK)
            .map(|i| format!("{}{}", base[i % base.len()], i / base.len()))
            .collect()
    }

    fn run(f: &mut Finder, names: &[String], query: &str) -> Vec<NodeId> {
        f.set_query(query.to_string());
        f.finish(names);
        f.matches.clone()
    }

    #[test]
    fn narrows_widens_and_resumes() {
        let names = names();
        let all: Vec<NodeId> = (0..names.len() as NodeId).collect();
        let mut f = Finder::new(&all);
        let fresh = |q: &str| run(&mut Finder::new(&all), &names, q);
        assert_eq!(run(&mut f, &names, "ma"), fresh("ma"));
        assert_eq!(run(&mut f, &names, "mai"), fresh("mai"));
        assert_eq!(run(&mut f, &names, "main.p"), fresh("main.p"));
        // Erasing restores what the shorter query found, without a scan.
        f.set_query("mai".into());
        assert!(!f.searching());
        assert_eq!(f.matches, fresh("mai"));
        assert_eq!(run(&mut f, &names, "io"), fresh("io"));
        assert_eq!(run(&mut f, &names, ""), all);
        // A scan stopped at every name and extended while it runs ends
        // with what a fresh search finds.
        f.set_query("m".into());
        assert!(!f.advance(&names, Some(Instant::now())));
        assert!(f.searching());
        f.set_query("mp".into());
        assert!(!f.advance(&names, Some(Instant::now())));
        f.set_query("mp1".into());
        f.finish(&names);
        assert_eq!(f.matches, fresh("mp1"));
        // Erased while scanning: back to the last finished prefix.
        f.set_query("mp12".into());
        assert!(!f.advance(&names, Some(Instant::now())) || f.matches.len() < CHUNK);
        f.set_query("mp".into());
        f.finish(&names);
        assert_eq!(f.matches, fresh("mp"));
    }
}
