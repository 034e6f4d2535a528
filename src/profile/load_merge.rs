//! pprof's merge on load: what `profile.Merge` leaves of a profile merged
//! alone. `go tool pprof` passes every input through it, even a single file,
//! before `drop_frames` pruning, so the reports that print the profile
//! itself (`-raw`, `-traces`, `-proto`) show its result:
//!
//! - mappings with the same identity (build id, else file; offset; size
//!   rounded up to 4 KiB) become the first one visited, and the addresses
//!   of the others' locations are rebased onto it;
//! - functions with the same name, system name, file and start line become
//!   one; so do locations with the same mapping, address (relative to the
//!   mapping), lines and folding;
//! - samples with the same locations and labels become the first of them,
//!   their values summed; samples whose values then sum to zero go;
//! - whatever no sample reaches goes, and the rest is renumbered in the
//!   order the samples reach it (the first mapping stays first).

use super::error::ProfileError;
use super::model::{Function, Label, Line, Location, Mapping, MappingIdx, Profile, Samples};
use super::strings::StrId;
use rustc_hash::{FxHashMap, FxHasher};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::ops::Range;

const NONE: u32 = u32::MAX;

impl Profile {
    /// The profile as pprof holds it after loading: merged alone (see the
    /// module documentation). Loading leaves this out unless `drop_frames`
    /// prunes, as no total depends on it; the reports that print samples,
    /// locations or ids one by one start from here.
    pub fn merged(&self) -> Cow<'_, Profile> {
        if self.merged_on_load {
            return Cow::Borrowed(self);
        }
        // Loading merged the mappings already, before forgetting source
        // URLs; merging them again now could join two of those.
        match merge_on_load(self, false) {
            Ok(merged) => Cow::Owned(merged),
            // Only a profile of more than 4 billion frames could fail, and
            // merging never adds frames; keep it as it is then.
            Err(_) => Cow::Borrowed(self),
        }
    }
}

/// Merges `profile` alone, as pprof does on load; `merge_mappings`: whether
/// mappings of the same identity become one (else they are only renumbered).
pub(super) fn merge_on_load(
    profile: &Profile,
    merge_mappings: bool,
) -> Result<Profile, ProfileError> {
    let mut merged = merge_once(profile, merge_mappings)?;
    // pprof merges again while some sample sums to zero (the second merge
    // skips them).
    while (0..merged.samples.len()).any(|s| is_zero(merged.samples.values(s))) {
        merged = merge_once(&merged, merge_mappings)?;
    }
    merged.merged_on_load = true;
    Ok(merged)
}

fn is_zero(values: &[i64]) -> bool {
    values.iter().all(|&v| v == 0)
}

/// Whether pprof keeps `label` when decoding (as a string or a number).
fn is_kept(label: &Label) -> bool {
    !label.str.is_empty() || label.num != 0 || !label.num_unit.is_empty()
}

/// The labels of a sample as pprof's sample key sees them: string labels
/// and numeric labels apart, grouped by key (in no particular key order,
/// but the same for equal label sets), values in their order.
fn canonical_labels(labels: &[Label], out: &mut Vec<Label>) {
    out.clear();
    out.extend(labels.iter().filter(|l| is_kept(l)).map(|l| {
        if l.str.is_empty() {
            *l
        } else {
            // A string label's number is not part of it.
            Label {
                num: 0,
                num_unit: StrId::EMPTY,
                ..*l
            }
        }
    }));
    out.sort_by_key(|l| (l.str.is_empty(), l.key));
}

fn merge_once(src: &Profile, merge_mappings: bool) -> Result<Profile, ProfileError> {
    let mut m = Merger::new(src, merge_mappings);
    if !src.mappings.is_empty() {
        // The first mapping is the main binary: it stays first.
        m.map_mapping(0);
    }
    // Everything is numbered in the order the samples reach it.
    let samples = &src.samples;
    for s in 0..samples.len() {
        if is_zero(samples.values(s)) {
            continue;
        }
        for &l in samples.stack(s) {
            if m.location_memo[l as usize] == NONE {
                m.map_location(l);
            }
        }
    }
    let memo = &m.location_memo;
    let hashes = sample_hashes(samples, memo);
    let duplicate_of = find_duplicates(samples, memo, &hashes);

    // Usually nothing moves or merges: then the samples are copied as
    // they are.
    let same_locations = m.locations.len() == src.locations.len()
        && memo.iter().enumerate().all(|(i, &n)| n == i as u32);
    let unchanged = duplicate_of.iter().all(|&d| d == NONE)
        && (0..samples.len()).all(|s| !is_zero(samples.values(s)));
    let merged = if same_locations && unchanged {
        samples.clone()
    } else {
        let mut merged =
            Samples::with_capacity(samples.value_count(), samples.len(), samples.frame_count());
        // Old sample -> its merged sample (for the duplicates' values).
        let mut merged_index = vec![NONE; samples.len()];
        for s in 0..samples.len() {
            let values = samples.values(s);
            if is_zero(values) {
                continue;
            }
            match duplicate_of[s] {
                NONE => {
                    merged_index[s] = merged.len() as u32;
                    merged.push_mapped(samples.stack(s), memo, values, samples.labels(s))?;
                }
                first => {
                    let row = merged.values_mut(merged_index[first as usize] as usize);
                    for (sum, &v) in row.iter_mut().zip(values) {
                        *sum = sum.wrapping_add(v);
                    }
                }
            }
        }
        merged
    };
    Ok(Profile {
        strings: src.strings.clone(),
        sample_types: src.sample_types.clone(),
        mappings: m.mappings,
        functions: m.functions,
        locations: m.locations,
        lines: m.lines,
        samples: merged,
        comments: src.comments.clone(),
        ..*src
    })
}

/// The hash of every sample's key (its stack as merged locations, its
/// canonical labels), two threads hashing half the samples each; 0 for
/// samples with only zero values (which are skipped).
fn sample_hashes(samples: &Samples, memo: &[u32]) -> Vec<u64> {
    let hash_range = |range: Range<usize>| -> Vec<u64> {
        let mut canonical = Vec::new();
        range
            .map(|s| {
                if is_zero(samples.values(s)) {
                    return 0;
                }
                let mut hasher = FxHasher::default();
                for &l in samples.stack(s) {
                    hasher.write_u32(memo[l as usize]);
                }
                canonical_labels(samples.labels(s), &mut canonical);
                for l in &canonical {
                    (l.key, l.str, l.num, l.num_unit).hash(&mut hasher);
                }
                hasher.finish()
            })
            .collect()
    };
    let n = samples.len();
    if n < 1 << 14 {
        return hash_range(0..n);
    }
    std::thread::scope(|scope| {
        let second = scope.spawn(|| hash_range(n / 2..n));
        let mut hashes = hash_range(0..n / 2);
        match second.join() {
            Ok(rest) => hashes.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        hashes
    })
}

/// For every sample, the earlier sample with the same key (`NONE` for the
/// first of its key and for zero samples): the samples sorted by hash, and
/// within a run of equal hashes compared for real.
fn find_duplicates(samples: &Samples, memo: &[u32], hashes: &[u64]) -> Vec<u32> {
    let mut by_hash: Vec<(u64, u32)> = (0..samples.len())
        .filter(|&s| !is_zero(samples.values(s)))
        .map(|s| (hashes[s], s as u32))
        .collect();
    by_hash.sort_unstable();
    let mut duplicate_of = vec![NONE; samples.len()];
    let same_key = |a: usize, b: usize, scratch: &mut (Vec<Label>, Vec<Label>)| {
        let (sa, sb) = (samples.stack(a), samples.stack(b));
        if sa.len() != sb.len()
            || sa
                .iter()
                .zip(sb)
                .any(|(&x, &y)| memo[x as usize] != memo[y as usize])
        {
            return false;
        }
        canonical_labels(samples.labels(a), &mut scratch.0);
        canonical_labels(samples.labels(b), &mut scratch.1);
        scratch.0 == scratch.1
    };
    let mut scratch = (Vec::new(), Vec::new());
    let mut run_start = 0;
    while run_start < by_hash.len() {
        let hash = by_hash[run_start].0;
        let run_end = run_start
            + by_hash[run_start..]
                .iter()
                .take_while(|(h, _)| *h == hash)
                .count();
        // In sample order: each is the first of its key or a duplicate of
        // an earlier first.
        let run = &by_hash[run_start..run_end];
        for (i, &(_, s)) in run.iter().enumerate().skip(1) {
            let first = run[..i]
                .iter()
                .map(|&(_, f)| f)
                .filter(|&f| duplicate_of[f as usize] == NONE)
                .find(|&f| same_key(f as usize, s as usize, &mut scratch));
            if let Some(first) = first {
                duplicate_of[s as usize] = first;
            }
        }
        run_start = run_end;
    }
    duplicate_of
}

/// Functions, locations and mappings as the merge numbers them.
struct Merger<'a> {
    src: &'a Profile,
    merge_mappings: bool,
    mappings: Vec<Mapping>,
    /// Old mapping -> (new mapping, address offset onto it).
    mapping_memo: Vec<Option<(MappingIdx, i64)>>,
    mapping_by_key: FxHashMap<(u64, u64, StrId), MappingIdx>,
    functions: Vec<Function>,
    function_memo: Vec<u32>,
    function_by_key: FxHashMap<(i64, StrId, StrId, StrId), u32>,
    locations: Vec<Location>,
    lines: Vec<Line>,
    /// Old location -> new location.
    location_memo: Vec<u32>,
    /// Hash of a location's key -> the first new location with it;
    /// `location_next` chains the new locations that share a hash.
    location_by_hash: FxHashMap<u64, u32>,
    location_next: Vec<u32>,
}

impl<'a> Merger<'a> {
    fn new(src: &'a Profile, merge_mappings: bool) -> Merger<'a> {
        let mut location_by_hash = FxHashMap::default();
        location_by_hash.reserve(src.locations.len());
        let mut function_by_key = FxHashMap::default();
        function_by_key.reserve(src.functions.len());
        Merger {
            src,
            merge_mappings,
            mappings: Vec::new(),
            mapping_memo: vec![None; src.mappings.len()],
            mapping_by_key: FxHashMap::default(),
            functions: Vec::with_capacity(src.functions.len()),
            function_memo: vec![NONE; src.functions.len()],
            function_by_key,
            locations: Vec::with_capacity(src.locations.len()),
            lines: Vec::with_capacity(src.lines.len()),
            location_memo: vec![NONE; src.locations.len()],
            location_by_hash,
            location_next: Vec::with_capacity(src.locations.len()),
        }
    }

    fn map_mapping(&mut self, old: MappingIdx) -> (MappingIdx, i64) {
        if let Some(known) = self.mapping_memo[old as usize] {
            return known;
        }
        let src = &self.src.mappings[old as usize];
        let size = src.limit.wrapping_sub(src.start).wrapping_add(0xfff);
        let size = size - size % 0x1000;
        let identity = if !src.build_id.is_empty() {
            src.build_id
        } else {
            src.file
        };
        let key = (size, src.offset, identity);
        let existing = match self.merge_mappings {
            true => self.mapping_by_key.get(&key).copied(),
            false => None,
        };
        let mapped = match existing {
            Some(new) => {
                let survivor = &self.mappings[new as usize];
                (new, (survivor.start as i64).wrapping_sub(src.start as i64))
            }
            None => {
                let new = self.mappings.len() as MappingIdx;
                self.mappings.push(Mapping {
                    id: u64::from(new) + 1,
                    ..src.clone()
                });
                self.mapping_by_key.insert(key, new);
                (new, 0)
            }
        };
        self.mapping_memo[old as usize] = Some(mapped);
        mapped
    }

    fn map_function(&mut self, old: u32) -> u32 {
        let known = self.function_memo[old as usize];
        if known != NONE {
            return known;
        }
        let f = self.src.functions[old as usize];
        let key = (f.start_line, f.name, f.system_name, f.filename);
        let new = *self.function_by_key.entry(key).or_insert_with(|| {
            let new = self.functions.len() as u32;
            self.functions.push(Function {
                id: u64::from(new) + 1,
                ..f
            });
            new
        });
        self.function_memo[old as usize] = new;
        new
    }

    /// Maps location `old`: its mapping and functions first, then the
    /// location itself unless an equal one exists already.
    fn map_location(&mut self, old: u32) {
        let src = &self.src.locations[old as usize];
        let (mapping, address) = match src.mapping {
            Some(old_mapping) => {
                let (new, offset) = self.map_mapping(old_mapping);
                (Some(new), (src.address as i64).wrapping_add(offset) as u64)
            }
            None => (None, src.address),
        };
        // The candidate's lines go at the end of `lines`, taken back if an
        // equal location exists.
        let start = self.lines.len();
        for line in self.src.location_lines(old) {
            let function = self.map_function(line.function);
            self.lines.push(Line {
                function,
                line: line.line,
            });
        }
        let relative = match mapping {
            Some(new) => address.wrapping_sub(self.mappings[new as usize].start),
            None => address,
        };
        let mut hasher = FxHasher::default();
        (relative, mapping, src.is_folded).hash(&mut hasher);
        for line in &self.lines[start..] {
            (line.function, line.line).hash(&mut hasher);
        }
        let hash = hasher.finish();
        let mut candidate = self.location_by_hash.get(&hash).copied().unwrap_or(NONE);
        while candidate != NONE {
            let c = &self.locations[candidate as usize];
            let c_relative = match c.mapping {
                Some(m) => c.address.wrapping_sub(self.mappings[m as usize].start),
                None => c.address,
            };
            if c.mapping == mapping
                && c_relative == relative
                && c.is_folded == src.is_folded
                && self.lines[c.lines.start as usize..c.lines.end as usize] == self.lines[start..]
            {
                break;
            }
            candidate = self.location_next[candidate as usize];
        }
        let new = if candidate != NONE {
            self.lines.truncate(start);
            candidate
        } else {
            let new = self.locations.len() as u32;
            self.locations.push(Location {
                id: u64::from(new) + 1,
                mapping,
                address,
                lines: start as u32..self.lines.len() as u32,
                is_folded: src.is_folded,
            });
            self.location_next
                .push(self.location_by_hash.insert(hash, new).unwrap_or(NONE));
            new
        };
        self.location_memo[old as usize] = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Profile {
        let path = format!("{}/tests/fixtures/extra/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::profile::load(&path, &Default::default()).expect("fixture loads")
    }

    /// tests/fixtures/extra/merge.pb, merged as `go tool pprof -raw` shows
    /// it (tests/fixtures/extra/expected/merge.pb.raw.txt).
    #[test]
    fn merges_as_pprof_does_on_load() {
        let p = fixture("merge.pb");
        assert!(!p.merged_on_load);
        let m = p.merged();
        let rows: Vec<(Vec<u64>, Vec<i64>)> = (0..m.samples.len())
            .map(|s| {
                let ids = m
                    .samples
                    .stack(s)
                    .iter()
                    .map(|&l| m.locations[l as usize].id);
                (ids.collect(), m.samples.values(s).to_vec())
            })
            .collect();
        assert_eq!(
            rows,
            [
                (vec![1, 2], vec![7, 700]),
                (vec![1, 2], vec![1, 10]),
                (vec![1, 2], vec![1, 20]),
                (vec![3, 2], vec![4, 310]),
                (vec![4, 2], vec![1, 1]),
                // Without locations: kept by the merge, dropped by filters.
                (vec![], vec![4, 40]),
            ]
        );
        let name = |l: &Location| {
            let f = m.lines[l.lines.start as usize].function;
            m.strings.text(m.functions[f as usize].name).into_owned()
        };
        let locations: Vec<(u64, u64, String, bool)> = m
            .locations
            .iter()
            .map(|l| (l.id, l.address, name(l), l.is_folded))
            .collect();
        assert_eq!(
            locations,
            [
                (1, 0x1020, "work".into(), false),
                (2, 0x1010, "main".into(), false),
                // Its twin in the second mapping of libx.so was rebased.
                (3, 0x7f0010, "lib_fn".into(), false),
                (4, 0x1040, "work".into(), true),
            ]
        );
        assert_eq!(m.functions.len(), 3, "work once, main, lib_fn");
        assert_eq!(m.mappings.len(), 2);
        assert_eq!(m.mappings[1].id, 2);
        // Merging again changes nothing.
        assert!(matches!(m.merged(), Cow::Borrowed(_)));
        let again = merge_on_load(&m, false).unwrap();
        assert_eq!(again.samples.len(), m.samples.len());
        assert_eq!(again.locations, m.locations);
    }

    #[test]
    fn pruning_profiles_are_merged_when_loaded() {
        let p = fixture("dropkeep.pb");
        assert!(p.merged_on_load);
        assert!(matches!(p.merged(), Cow::Borrowed(_)));
    }

    #[test]
    fn labels_compare_per_key_in_order() {
        let l = |key: u32, str: u32, num: i64, unit: u32| Label {
            key: StrId(key),
            str: StrId(str),
            num,
            num_unit: StrId(unit),
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        canonical_labels(&[l(1, 5, 0, 0), l(2, 0, 64, 3)], &mut a);
        canonical_labels(&[l(2, 0, 64, 3), l(1, 5, 0, 0)], &mut b);
        assert_eq!(a, b);
        canonical_labels(&[l(1, 5, 0, 0), l(1, 6, 0, 0)], &mut a);
        canonical_labels(&[l(1, 6, 0, 0), l(1, 5, 0, 0)], &mut b);
        assert_ne!(a, b);
        // A string label's number and an empty label are not part of it.
        canonical_labels(&[l(1, 5, 9, 3), l(4, 0, 0, 0)], &mut a);
        canonical_labels(&[l(1, 5, 0, 0)], &mut b);
        assert_eq!(a, b);
    }
}
