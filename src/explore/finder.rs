//! Fuzzy search over function names (skim's algorithm).
//!
//! Typing must stay instant on profiles with tens of thousands of names, so:
//! - only names are scored, with skim's score as [`score`](super::score)
//!   computes it (the crate's result, several times faster), on every
//!   core, and ranked on two; matched positions (for highlighting) are
//!   computed only for the few results on screen, by the crate;
//! - when the query grows, only the names that matched the shorter query are
//!   scored again (a name that does not contain `ab` as a subsequence cannot
//!   contain `abc`), and the results of every shorter query typed are kept,
//!   so erasing a character costs nothing;
//! - scoring is a scan that can stop at a deadline and go on later
//!   ([`Finder::advance`]): the explorer scores in slices between frames, so
//!   a keystroke never blocks the screen, however many names there are.
//!   Until a scan ends, the matches of the query before are shown.
//!
//! Matches of similar quality (scores within an eighth of the best, or
//! one matched character's worth) rank by cost, heaviest cum first:
//! `/add` puts `main.(*Indexer).Add` at 68% above `runtime.addspecial` at
//! 0.46%, whose score is only a case penalty higher. Then by score, then
//! table order.

use super::score::{Query, Scorer};
use crate::analysis::NodeId;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Names scored between two looks at the clock, split between the
/// threads: a millisecond or two, so a slice overruns its deadline by
/// little.
const CHUNK: usize = 4096;

/// Threads that score: the cores, at most 4 (a keystroke's work is a few
/// milliseconds, which more threads would not divide much further than the
/// cost of starting them). Asked once: on Linux the answer reads cgroup
/// files.
static THREADS: LazyLock<usize> =
    LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)));

/// Candidates that a scoring thread takes at a time: a few tens of
/// microseconds of work.
const BLOCK: usize = 256;

/// Fewer candidates than this are scored on one thread: starting another
/// costs tens of microseconds, as much as scoring a few hundred names.
const PARALLEL_MIN: usize = 1024;

/// The search prompt: the query and the ranked matches.
pub struct Finder {
    /// For the positions of the matches on screen.
    matcher: SkimMatcherV2,
    /// One scorer per thread.
    scorers: Vec<Scorer>,
    /// What was typed.
    pub query: String,
    /// Matching nodes, best first (score, then table order), of the last
    /// query whose scan ended.
    pub matches: Vec<NodeId>,
    /// The match under the cursor.
    pub cursor: usize,
    /// |cum| of each candidate, by table order (empty: all the same).
    costs: Vec<u64>,
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
    query: Query,
    /// The candidates (a superset of the matches), in table order.
    pool: Vec<(u32, NodeId)>,
    /// How many candidates were scored.
    next: usize,
    /// (score, table order, node) of the matches so far.
    found: Vec<(i64, u32, NodeId)>,
}

impl Finder {
    /// A prompt over `candidates` (the table's rows, in table order), all
    /// of the same cost.
    pub fn new(candidates: &[NodeId]) -> Finder {
        Finder::with_costs(candidates, Vec::new())
    }

    /// A prompt over `candidates` whose cum values are `cum` (in the same
    /// order): among matches of similar quality, the heavier comes first.
    pub fn with_costs(candidates: &[NodeId], cum: Vec<i64>) -> Finder {
        Finder {
            costs: cum.into_iter().map(i64::unsigned_abs).collect(),
            matcher: SkimMatcherV2::default().smart_case(),
            scorers: (0..*THREADS).map(|_| Scorer::default()).collect(),
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
        self.query = query;
        self.cursor = 0;
        let Some(last) = self.finished.last() else {
            // Never: the empty query's results are kept from the start.
            return;
        };
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
            query: Query::new(&self.query),
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
        // Without a deadline, all in one go (threads started once, not per
        // chunk).
        let step = match deadline {
            Some(_) => CHUNK,
            None => scan.pool.len(),
        };
        while scan.next < scan.pool.len() {
            let end = (scan.next + step).min(scan.pool.len());
            score_all(
                &mut self.scorers,
                names,
                &scan.query,
                &scan.pool[scan.next..end],
                &mut scan.found,
            );
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
        let ranked = rank(scan.found, &self.costs, self.scorers.len());
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

/// Appends the (score, table order, node) of each match in `pool` to
/// `found`, in pool order, on the scorers' threads.
fn score_all(
    scorers: &mut [Scorer],
    names: &[String],
    query: &Query,
    pool: &[(u32, NodeId)],
    found: &mut Vec<(i64, u32, NodeId)>,
) {
    let one = |scorer: &mut Scorer, part: &[(u32, NodeId)], found: &mut Vec<_>| {
        for &(order, n) in part {
            if let Some(score) = scorer.score(&names[n as usize], query) {
                found.push((score, order, n));
            }
        }
    };
    if scorers.len() < 2 || pool.len() < PARALLEL_MIN {
        one(&mut scorers[0], pool, found);
        return;
    }
    // Threads take blocks in turn rather than a fixed share: when the
    // machine is busy and one thread gets less time, the others take more
    // blocks instead of waiting for it. Scores are the same on any thread
    // (score::Scorer starts each name from a fresh matrix).
    let blocks = pool.chunks(BLOCK).len();
    let next = AtomicUsize::new(0);
    let work = |scorer: &mut Scorer| {
        let mut done = Vec::new();
        loop {
            let block = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = pool.chunks(BLOCK).nth(block) else {
                return done;
            };
            let mut found = Vec::with_capacity(part.len());
            one(scorer, part, &mut found);
            done.push((block, found));
        }
    };
    let Some((mine, others)) = scorers.split_first_mut() else {
        // Never: a finder has a scorer per thread, at least one.
        return;
    };
    let mut parts: Vec<Vec<_>> = vec![Vec::new(); blocks];
    std::thread::scope(|s| {
        let handles: Vec<_> = others
            .iter_mut()
            .map(|scorer| s.spawn(|| work(scorer)))
            .collect();
        let done = work(mine);
        for (block, found) in handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .chain(done)
        {
            parts[block] = found;
        }
    });
    // In block order: `found` stays in table order.
    for part in parts {
        found.extend(part);
    }
}

/// The nodes of `found` (score, table order, node), best first: by
/// quality (the score's distance to the best, in steps of an eighth of it
/// or one matched character), then cost (`costs`, by table order), then
/// score, then table order; sorted in halves on two threads when there are
/// several.
fn rank(mut found: Vec<(i64, u32, NodeId)>, costs: &[u64], threads: usize) -> Vec<NodeId> {
    let best = found.iter().map(|f| f.0).max().unwrap_or(0);
    let step = (best / 8).max(super::score::SCORE_MATCH as i64);
    // Score and table order as one integer: cheaper to compare than the
    // pair. Scores fit an i32 (the crate computes them in one).
    let key = |&(score, order, _): &(i64, u32, NodeId)| {
        let quality = ((best - score) / step) as u64;
        let cost = costs.get(order as usize).copied().unwrap_or(0);
        let descending = !((score as i32 as u32) ^ 0x8000_0000);
        (
            quality,
            std::cmp::Reverse(cost),
            (u64::from(descending) << 32) | u64::from(order),
        )
    };
    if threads < 2 || found.len() < 4 * PARALLEL_MIN {
        found.sort_unstable_by_key(key);
        return found.into_iter().map(|(_, _, n)| n).collect();
    }
    let half = found.len() / 2;
    let (a, b) = found.split_at_mut(half);
    std::thread::scope(|s| {
        s.spawn(|| a.sort_unstable_by_key(key));
        b.sort_unstable_by_key(key);
    });
    // Merge the halves (keys are distinct: table orders are).
    let mut ranked = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if key(x) < key(y) { a.next() } else { b.next() };
        ranked.extend(next.map(|&(_, _, n)| n));
    }
    ranked.extend(a.chain(b).map(|&(_, _, n)| n));
    ranked
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

    /// Names in the style of Go's, with mixed case, digits, separators,
    /// spaces and non-ASCII letters, in a scrambled order.
    fn mixed_names(count: usize) -> Vec<String> {
        let pkgs = [
            "github.com/acme/svc",
            "net/http",
            "café/crème",
            "日本/パッケージ",
            "a b/c d",
        ];
        let types = ["(*Blob)", "Tree", "(*ÉtatGlobal)", "HTTPServer", "λCalc"];
        let verbs = [
            "make",
            "Put",
            "parseÜber",
            "MAKE",
            "emit",
            "ßtraße",
            "get_Entry",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        (0..count)
            .map(|i| {
                format!(
                    "{}{}/pkg{}.{}.{}{}",
                    pkgs[next(pkgs.len())],
                    next(30),
                    next(300),
                    types[next(types.len())],
                    verbs[next(verbs.len())],
                    i
                )
            })
            .collect()
    }

    /// What a plain scan finds: the crate's score of every candidate, best
    /// first, then table order. With `shared`, one matcher scores them all,
    /// as this finder did before `score`; otherwise each has a fresh one
    /// (see `score` for when the two differ).
    fn plain_scan(
        names: &[String],
        candidates: &[NodeId],
        query: &str,
        shared: bool,
    ) -> Vec<NodeId> {
        let matcher = SkimMatcherV2::default().smart_case();
        let mut found: Vec<(i64, usize, NodeId)> = candidates
            .iter()
            .enumerate()
            .filter_map(|(order, &n)| {
                let name = &names[n as usize];
                let score = if shared {
                    matcher.fuzzy_match(name, query)
                } else {
                    SkimMatcherV2::default()
                        .smart_case()
                        .fuzzy_match(name, query)
                };
                score.map(|score| (score, order, n))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.into_iter().map(|(_, _, n)| n).collect()
    }

    #[test]
    fn ranks_exactly_as_a_plain_scan() {
        // Enough names to be scored and sorted on several threads, in a
        // table order that is not the node order.
        let names = mixed_names(5 * PARALLEL_MIN);
        let mut candidates: Vec<NodeId> = (0..names.len() as NodeId).collect();
        candidates.reverse();
        candidates.rotate_left(1000);
        let queries = [
            "p",
            "pkg",
            "m",
            "mak",
            "make",
            "MAKE",
            "Put",
            "pkg1",
            "svc3pkg1Put",
            "a b",
            " ",
            "é",
            "É",
            "crème",
            "日本",
            "パ",
            "ß",
            "λ",
            "tree",
            "Tree",
            "HTTP",
            "getE",
            "zzz",
        ];
        for query in queries {
            // Typed one character at a time, each keystroke scanned in
            // slices as the explorer does; then scanned at once.
            let mut typed = Finder::new(&candidates);
            let mut prefix = String::new();
            for c in query.chars() {
                prefix.push(c);
                typed.set_query(prefix.clone());
                while !typed.advance(&names, Some(Instant::now())) {}
            }
            let expected = plain_scan(&names, &candidates, query, false);
            assert_eq!(expected, plain_scan(&names, &candidates, query, true));
            assert_eq!(typed.matches, expected, "{query:?} typed");
            assert_eq!(
                run(&mut Finder::new(&candidates), &names, query),
                expected,
                "{query:?}"
            );
        }
    }
}
