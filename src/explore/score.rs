//! skim's fuzzy score (`fuzzy-matcher`'s `SkimMatcherV2` with smart case),
//! the crate's result computed several times faster.
//!
//! The search ranks by this score, and a complete ranking scores every name
//! that contains the query as a subsequence: nearly all of them for a short
//! query (`m` matches 57,000 of the benchmark's 60,000 names). The crate
//! fills a matrix of query characters by name characters, and per call
//! decodes the name into chars, allocates, goes through three thread-local
//! caches and keeps the moves a backtrack would need. Here:
//! - names of ASCII up to 128 bytes (nearly all function names)
//!   are scored at the cells where a query character matches only
//!   (`Scorer::sparse`), from bit masks of each character's positions;
//! - other names fill the crate's two-row matrix (`Scorer::fill`) over
//!   the name's bytes when name and query are ASCII, its chars otherwise,
//!   with buffers kept from one name to the next.
//!
//! The result is the crate's `fuzzy_match` on a fresh matcher, quirks
//! included: each row of its two-row matrix starts from the cell that the
//! row two above left, and the last row's best cell can be that one. Its
//! "consecutive" bonus, stored on the cell before and read back by the
//! rows below, always comes out as the larger of the in-place bonus and
//! `bonus_consecutive` on a fresh matrix (a cell only ever holds the value
//! computed for the column that reads it). The crate's cached matrix does
//! not start fresh: it keeps those bonus cells from the call before, so on
//! rare inputs (a query repeating a letter two places apart, a name
//! doubling that letter) its score depends on which name was scored
//! before. A fresh matrix makes the score a function of name and query
//! alone, the same in any order and on any thread. Tests check all of this
//! against the crate.

/// What the crate returns for a cell that cannot match (`i16::MIN`).
const NEG: i32 = i16::MIN as i32;
/// The crate's default `SkimScoreConfig`.
pub(super) const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;

/// Names up to this many bytes are scored by [`Scorer::sparse`] (a
/// character's positions fit a `u128`).
const SPARSE_MAX: usize = 128;

/// The crate's character classes (its `CharType`).
#[derive(Clone, Copy)]
enum Kind {
    Empty = 0,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

const fn kind_of_ascii(b: u8) -> Kind {
    match b {
        0 => Kind::Empty,
        b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Kind::HardSep,
        b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => Kind::SoftSep,
        b'0'..=b'9' => Kind::Number,
        b'A'..=b'Z' => Kind::Upper,
        _ => Kind::Lower,
    }
}

/// The class of every byte: the inner loops' lookup.
static KINDS: [Kind; 256] = {
    let mut t = [Kind::Lower; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = kind_of_ascii(b as u8);
        b += 1;
    }
    t
};

/// The crate's in-place bonus of a character of class `cur` after one of
/// class `prev` (head 8, break 7, camel 6, tail 0).
const fn bonus_of(prev: Kind, cur: Kind) -> i32 {
    match (prev, cur) {
        (Kind::Empty, _) | (Kind::HardSep, _) => SCORE_MATCH / 2,
        (Kind::SoftSep, _) => SCORE_MATCH / 2 + GAP_EXTENSION,
        (Kind::Lower, Kind::Upper) | (Kind::Number, Kind::Upper) => {
            SCORE_MATCH / 2 + 2 * GAP_EXTENSION
        }
        _ => 0,
    }
}

static BONUS: [[i32; 6]; 6] = {
    const ALL: [Kind; 6] = [
        Kind::Empty,
        Kind::Upper,
        Kind::Lower,
        Kind::Number,
        Kind::HardSep,
        Kind::SoftSep,
    ];
    let mut t = [[0; 6]; 6];
    let mut i = 0;
    while i < 6 {
        let mut j = 0;
        while j < 6 {
            t[i][j] = bonus_of(ALL[i], ALL[j]);
            j += 1;
        }
        i += 1;
    }
    t
};

/// The in-place bonus of character `j` of `choice` (the crate's
/// `build_in_place_bonus`: the first character's is doubled).
#[inline(always)]
fn in_place<T: Unit>(choice: &[T], j: usize) -> i32 {
    let cur = choice[j].kind() as usize;
    if j == 0 {
        BONUS[Kind::Empty as usize][cur] * BONUS_FIRST_CHAR_MULTIPLIER
    } else {
        BONUS[choice[j - 1].kind() as usize][cur]
    }
}

/// A column of the matrix: a byte of an ASCII name, or a char.
trait Unit: Copy + PartialEq {
    fn code(self) -> u32;
    fn kind(self) -> Kind;
}

impl Unit for u8 {
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
    #[inline(always)]
    fn kind(self) -> Kind {
        KINDS[self as usize]
    }
}

impl Unit for char {
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
    #[inline(always)]
    fn kind(self) -> Kind {
        if self.is_ascii() {
            KINDS[self as usize]
        } else {
            Kind::Lower
        }
    }
}

/// The crate's `char_equal(c, p, case_sensitive)` as `c | mask == target`:
/// the mask 0x20 folds an ASCII letter's case, and cannot make any other
/// character equal to one (it only sets a bit, and a non-ASCII char stays
/// non-ASCII).
#[inline(always)]
fn key(p: u32, case_sensitive: bool) -> (u32, u32) {
    match char::from_u32(p) {
        Some(c) if !case_sensitive && c.is_ascii_alphabetic() => {
            (0x20, c.to_ascii_lowercase() as u32)
        }
        _ => (0, p),
    }
}

/// The crate's match score: less when the case differs.
#[inline(always)]
fn match_score<T: Unit>(c: T, p: T, case_sensitive: bool) -> i32 {
    if !case_sensitive && c != p {
        SCORE_MATCH + PENALTY_CASE_MISMATCH
    } else {
        SCORE_MATCH
    }
}

/// A query ready to score names with.
#[derive(Clone, Debug)]
pub struct Query {
    chars: Vec<char>,
    /// When the query is ASCII, each byte as (mask, target): a name's byte
    /// `b` matches it when `b | mask == target`.
    ascii: Option<Vec<(u8, u8)>>,
    /// The query's bytes, for the matrix when it is ASCII.
    bytes: Vec<u8>,
    /// Smart case: exact case only when the query has an ASCII capital.
    case_sensitive: bool,
}

impl Query {
    pub fn new(query: &str) -> Query {
        let case_sensitive = query.bytes().any(|b| b.is_ascii_uppercase());
        let fold = |q: u8| {
            let (mask, target) = key(q as u32, case_sensitive);
            (mask as u8, target as u8)
        };
        Query {
            chars: query.chars().collect(),
            ascii: query.is_ascii().then(|| query.bytes().map(fold).collect()),
            bytes: query.as_bytes().to_vec(),
            case_sensitive,
        }
    }
}

/// Buffers reused from one name to the next (one per thread).
#[derive(Default)]
pub struct Scorer {
    chars: Vec<char>,
    /// The first match of each query character, left to right (the crate's
    /// `cheap_matches`): each row of the matrix starts after it.
    first: Vec<usize>,
    /// The matrix's two rows: match and skip scores.
    m: [Vec<i32>; 2],
    p: [Vec<i32>; 2],
    /// For [`Scorer::sparse`]: each query character's positions from its
    /// first match on, and its row.
    masks: Vec<u128>,
    rows: Vec<Row>,
}

/// One row of the matrix (a query character), at the cells where it
/// matches.
#[derive(Default)]
struct Row {
    /// The first match: the row's cells are the columns after it.
    start: usize,
    /// The skip score before the row's first match: `base - x` at cell `x`.
    base: i32,
    /// (character index, match score) of every match, in order.
    cells: Vec<(usize, i32)>,
}

impl Scorer {
    /// skim's score of `name` for `query`, `None` when the query is not a
    /// subsequence of the name.
    pub fn score(&mut self, name: &str, query: &Query) -> Option<i64> {
        if query.chars.is_empty() {
            return Some(0);
        }
        if let Some(folded) = &query.ascii {
            let bytes = name.as_bytes();
            if bytes.len() <= SPARSE_MAX && name.is_ascii() {
                return self.sparse(bytes, folded, &query.bytes, query.case_sensitive);
            }
            // An ASCII query can only match ASCII characters, and those are
            // single bytes in UTF-8: one pass over the bytes rejects a name
            // without decoding it, and on an ASCII name finds the first
            // matches too.
            self.first.clear();
            let mut want = folded.iter();
            let mut next = want.next();
            for (at, &b) in bytes.iter().enumerate() {
                let Some(&(mask, target)) = next else { break };
                if b | mask == target {
                    self.first.push(at);
                    next = want.next();
                }
            }
            if next.is_some() {
                return None;
            }
            if name.is_ascii() {
                return Some(self.fill(bytes, &query.bytes, query.case_sensitive));
            }
        }
        let mut chars = std::mem::take(&mut self.chars);
        chars.clear();
        chars.extend(name.chars());
        let score = self
            .first_matches(&chars, &query.chars, query.case_sensitive)
            .then(|| self.fill(&chars, &query.chars, query.case_sensitive));
        self.chars = chars;
        score
    }

    /// Sets `first`; whether the whole pattern was found.
    fn first_matches<T: Unit>(&mut self, choice: &[T], pattern: &[T], cs: bool) -> bool {
        self.first.clear();
        let mut next = 0;
        for (idx, &c) in choice.iter().enumerate() {
            let Some(&p) = pattern.get(next) else { break };
            let (mask, target) = key(p.code(), cs);
            if c.code() | mask == target {
                self.first.push(idx);
                next += 1;
            }
        }
        next == pattern.len()
    }

    /// The crate's `fuzzy` without positions (its "compressed" two-row
    /// matrix), on a fresh matrix; `first` is set. Cell `x` of a row is
    /// the column of `choice[x - 1]`.
    fn fill<T: Unit>(&mut self, choice: &[T], pattern: &[T], cs: bool) -> i64 {
        let n = choice.len();
        let start = self.first[0];
        if pattern.len() == 1 {
            // One row over the initial row (no match, skip score -1): each
            // match scores its bonus - 1 + its match score.
            let p = pattern[0];
            let (mask, target) = key(p.code(), cs);
            let mut best = NEG;
            for (at, &c) in choice.iter().enumerate().skip(start) {
                if c.code() | mask == target {
                    best = best.max(GAP_EXTENSION + in_place(choice, at) + match_score(c, p, cs));
                }
            }
            return best as i64;
        }

        // Row 0 starts as the crate's first row (no match, skip -1), row 1
        // as a fresh matrix's cells. Cells before the first match are
        // never read.
        for (r, skip) in [(0, GAP_EXTENSION), (1, NEG)] {
            for (v, init) in [(&mut self.m[r], NEG), (&mut self.p[r], skip)] {
                v.clear();
                v.resize(start, 0);
                v.resize(n + 1, init);
            }
        }

        for (i, &p_ch) in pattern.iter().enumerate() {
            // Query character i goes to row (i + 1) % 2, as in the crate.
            let [m0, m1] = &mut self.m;
            let [p0, p1] = &mut self.p;
            let (m_cur, m_prev, p_cur, p_prev) = if i % 2 == 0 {
                (m1, &*m0, p1, &*p0)
            } else {
                (m0, &*m1, p0, &*p1)
            };
            let skip = self.first[i];
            let (mask, target) = key(p_ch.code(), cs);
            // The row's first cell is one it does not write: it keeps what
            // the row two above left there. The cell before the current
            // one is kept in registers.
            let mut m_before = m_cur[skip];
            let mut p_before = p_cur[skip];
            // Cell skip + 1 + k reads the cells before it (index k of these)
            // and writes its own (index k of `m_out`, `p_out`); equal
            // lengths let the compiler drop bounds checks.
            let len = n - skip;
            let chars = &choice[skip..n];
            let (m_in, p_in) = (&m_prev[skip..n], &p_prev[skip..n]);
            let (m_out, p_out) = (&mut m_cur[skip + 1..=n], &mut p_cur[skip + 1..=n]);
            for k in 0..len {
                let c = chars[k];
                let m = if c.code() | mask == target {
                    let here = in_place(choice, skip + k);
                    let consecutive = here.max(BONUS_CONSECUTIVE);
                    (m_in[k] + consecutive).max(p_in[k] + here) + match_score(c, p_ch, cs)
                } else {
                    NEG
                };
                let p = (GAP_START + GAP_EXTENSION + m_before).max(GAP_EXTENSION + p_before);
                m_out[k] = m;
                p_out[k] = p;
                m_before = m;
                p_before = p;
            }
        }
        let last = &self.m[pattern.len() % 2];
        let from = self.first[pattern.len() - 1];
        last[from..].iter().copied().max().unwrap_or(NEG) as i64
    }

    /// [`Scorer::fill`]'s result on an ASCII name of at most [`SPARSE_MAX`]
    /// bytes, computed at the cells where a query character matches only.
    ///
    /// A row's match score is -inf (the crate's `i16::MIN`) wherever its
    /// character does not match, and its skip score then loses one per
    /// column: between two matches a row is a line, so each row is kept as
    /// its matches and the line it starts from ([`Row`]). The cells that
    /// the crate reads from two rows above (a row's first cell, the last
    /// row's first cell) are looked up in that row.
    ///
    /// Only cells that no alignment reaches may differ from the crate's:
    /// here they lack the crate's floor of -inf - 4 on the skip score. On
    /// such names they stay below -26,000 while cells on an alignment stay
    /// above -600 (at most 4 lost per column), so they never win a maximum
    /// and every reachable cell, the result included, is the crate's.
    fn sparse(
        &mut self,
        name: &[u8],
        folded: &[(u8, u8)],
        pattern: &[u8],
        cs: bool,
    ) -> Option<i64> {
        let n = name.len();
        let mut padded = [0u8; SPARSE_MAX];
        padded[..n].copy_from_slice(name);
        let within = if n == SPARSE_MAX {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        // Each query character's matches from its first match on, that
        // being after the previous character's (the crate's
        // `cheap_matches`).
        let blocks = n.div_ceil(16);
        self.masks.clear();
        let mut after = 0;
        for &(mask, target) in folded {
            let allowed = occurrences(&padded, blocks, mask, target)
                & within
                & u128::MAX.checked_shl(after).unwrap_or(0);
            if allowed == 0 {
                return None;
            }
            after = allowed.trailing_zeros() + 1;
            self.masks.push(allowed);
        }

        let m = pattern.len();
        if self.rows.len() < m {
            self.rows.resize_with(m, Row::default);
        }
        for i in 0..m {
            let mask = self.masks[i];
            let start = mask.trailing_zeros() as usize;
            let (rows, rest) = self.rows.split_at_mut(i);
            let row = &mut rest[0];
            row.start = start;
            // The row's first cell (cell `start`) is what the row two above
            // left there: the initial rows for the first two.
            row.base = match i {
                0 => NEG + start as i32,
                1 => GAP_EXTENSION + start as i32,
                _ => {
                    let below = &rows[i - 2];
                    let skip = skip_at(below, start);
                    let matched = match_at(below, self.masks[i - 2], start);
                    (skip + start as i32).max(matched + start as i32 + GAP_START)
                }
            };
            row.cells.clear();
            // The row above, walked along: its skip score's line so far.
            let above = i.checked_sub(1).map(|k| (&rows[k], self.masks[k]));
            let mut line = above.map_or(NEG, |(r, _)| r.base);
            let mut walked = 0;
            let mut bits = mask;
            while bits != 0 {
                let j = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let here = in_place(name, j);
                let (by_match, by_skip) = match above {
                    None => (NEG, GAP_EXTENSION),
                    Some((r, above_mask)) => {
                        // The matches of the row above before cell j (the
                        // one this match reads) raise its skip score's line.
                        while let Some(&(c, score)) = r.cells.get(walked) {
                            if c + 1 >= j {
                                break;
                            }
                            line = line.max(score + c as i32 + 1 + GAP_START);
                            walked += 1;
                        }
                        let by_match = if j > 0 && above_mask >> (j - 1) & 1 == 1 {
                            r.cells[walked].1
                        } else {
                            NEG
                        };
                        (by_match, line - j as i32)
                    }
                };
                let consecutive = here.max(BONUS_CONSECUTIVE);
                let score = (by_match + consecutive).max(by_skip + here)
                    + match_score(name[j], pattern[i], cs);
                row.cells.push((j, score));
            }
        }
        // The last row's best cell, its first cell included (what the row
        // two above left there).
        let last = &self.rows[m - 1];
        let mut best = last.cells.iter().map(|&(_, s)| s).max().unwrap_or(NEG);
        if m >= 3 {
            best = best.max(match_at(&self.rows[m - 3], self.masks[m - 3], last.start));
        }
        Some(best as i64)
    }
}

/// Bit j set where `padded[j] | mask == target`, over the first `blocks`
/// 16-byte blocks, a block at a time (written so that the compiler turns
/// each block into a vector compare).
fn occurrences(padded: &[u8; SPARSE_MAX], blocks: usize, mask: u8, target: u8) -> u128 {
    let mut bits = 0u128;
    for (k, block) in padded.chunks_exact(16).take(blocks).enumerate() {
        let mut b = 0u16;
        for (at, &x) in block.iter().enumerate() {
            b |= u16::from(x | mask == target) << at;
        }
        bits |= u128::from(b) << (16 * k);
    }
    bits
}

/// A row's match score at cell `x` (the column of character x - 1), a
/// cell after the row's first match.
fn match_at(row: &Row, mask: u128, x: usize) -> i32 {
    if mask >> (x - 1) & 1 == 1 {
        let rank = (mask & ((1u128 << (x - 1)) - 1)).count_ones() as usize;
        row.cells[rank].1
    } else {
        NEG
    }
}

/// A row's skip score at cell `x`, a cell after the row's first match.
fn skip_at(row: &Row, x: usize) -> i32 {
    let mut line = row.base;
    for &(c, score) in &row.cells {
        if c + 1 >= x {
            break;
        }
        line = line.max(score + c as i32 + 1 + GAP_START);
    }
    line - x as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;

    /// The crate on a fresh matcher (its cache cannot leak between calls).
    fn skim(name: &str, query: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_match(name, query)
    }

    /// The dense matrix ([`Scorer::fill`]) on any name.
    fn dense(scorer: &mut Scorer, name: &str, query: &Query) -> Option<i64> {
        let chars: Vec<char> = name.chars().collect();
        scorer
            .first_matches(&chars, &query.chars, query.case_sensitive)
            .then(|| scorer.fill(&chars, &query.chars, query.case_sensitive))
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// Pieces that exercise every class and role: capitals after lower case
    /// and digits, both kinds of separators, repeated letters, non-ASCII
    /// letters (with and without an ASCII case), a NUL.
    const PIECES: &[&str] = &[
        "a", "m", "k", "e", "s", "mak", "make", "Make", "MAKE", "ee", "ss", "ll", "ese", "sts",
        "Blob", "(*Blob)", ".", "/", "_", "-", " ", "1", "12", "3", "Put", "pkg", "svc", "é", "É",
        "ß", "日本", "λ", "\0", "::", "{", "x", "X", "aAa", "Écrire", "mmm",
    ];

    fn random_text(rng: &mut Rng, pieces: usize) -> String {
        (0..1 + rng.next() as usize % pieces)
            .map(|_| rng.pick(PIECES))
            .collect()
    }

    #[test]
    fn equals_the_crate_on_fixed_cases() {
        let names = [
            "github.com/acme/svc12/internal/pkg140.(*Blob).makeAddBh1234",
            "github.com/acme/svc3/internal/pkg1.(*Tree).PutEntryAb12",
            "runtime.goexit",
            "main.main",
            "",
            "a",
            "AbcDef",
            "aaa",
            "sssss",
            "ele ele",
            "Écrire/écrire",
            "日本語.関数",
            "x\0y",
            // The crate's best cell can be one left from two rows above (an
            // "a" right before the first "c"), here beating the real match
            // after a long gap.
            &format!("ab{}ac", "x".repeat(100)),
        ];
        let queries = [
            "a",
            "m",
            "mak",
            "make",
            "Make",
            "svc3intpkg1Put",
            "aaa",
            "ss",
            "sss",
            "ee",
            "e e",
            "é",
            "É",
            "écr",
            "日本",
            "関数",
            "x\0",
            "AD",
            "ad",
            "Ab",
            "abc",
        ];
        let mut scorer = Scorer::default();
        for name in &names {
            for query in queries {
                let q = Query::new(query);
                assert_eq!(
                    scorer.score(name, &q),
                    skim(name, query),
                    "{name:?} {query:?}"
                );
            }
        }
    }

    #[test]
    fn equals_the_crate_on_generated_names() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut scorer = Scorer::default();
        for _ in 0..20_000 {
            let name = random_text(&mut rng, 12);
            let query = random_text(&mut rng, 3);
            let q = Query::new(&query);
            assert_eq!(
                scorer.score(&name, &q),
                skim(&name, &query),
                "{name:?} {query:?}"
            );
        }
    }

    /// ASCII pieces only, with many repeats, so that runs of the same
    /// letter meet queries repeating it (the bonus left two rows above).
    const ASCII_PIECES: &[&str] = &[
        "a", "e", "s", "ee", "ss", "eE", "Ss", "ese", "sEs", "mak", "Make", "(*T)", ".", "/", "_",
        " ", "1", "x", "X", "ab", "AB", "\0",
    ];

    #[test]
    fn sparse_equals_dense_and_the_crate() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut scorer = Scorer::default();
        let mut sparse = 0;
        for round in 0..30_000 {
            // Lengths up to and past SPARSE_MAX, some exactly at its edge.
            let mut name = String::new();
            let want = match round % 4 {
                0 => SPARSE_MAX - 1 + (rng.next() % 3) as usize,
                _ => 1 + (rng.next() % 140) as usize,
            };
            while name.len() < want {
                name.push_str(rng.pick(ASCII_PIECES));
            }
            name.truncate(want);
            let query: String = (0..1 + rng.next() % 6)
                .map(|_| rng.pick(ASCII_PIECES))
                .collect();
            let q = Query::new(&query);
            let got = scorer.score(&name, &q);
            assert_eq!(got, dense(&mut scorer, &name, &q), "{name:?} {query:?}");
            if name.len() <= SPARSE_MAX && got.is_some() {
                sparse += 1;
            }
            if round % 10 == 0 {
                assert_eq!(got, skim(&name, &query), "{name:?} {query:?}");
            }
        }
        assert!(sparse > 5_000, "only {sparse} matches on the sparse path");
    }

    #[test]
    fn one_call_does_not_change_the_next() {
        // The crate's cached matrix makes "eee" on this name depend on the
        // name scored before; the score here does not.
        let before = "github.com/acme/svc4/internal/pkg211.emitDeltaAn18363";
        let name = "github.com/acme/svc17/internal/storage/pkg40.(*Tree).compactLabelVt37805";
        let q = Query::new("eee");
        let mut scorer = Scorer::default();
        let alone = scorer.score(name, &q);
        scorer.score(before, &q);
        assert_eq!(scorer.score(name, &q), alone);
        assert_eq!(alone, skim(name, "eee"));
    }
}
