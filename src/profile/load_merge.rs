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
    location_memo: Vec<u32>,
    location_by_key: FxHashMap<LocationKey, u32>,
}

#[derive(PartialEq, Eq, Hash)]
struct LocationKey {
    address: u64,
    mapping: u32,
    lines: Box<[(u32, i64)]>,
    folded: bool,
}

fn merge_once(src: &Profile, merge_mappings: bool) -> Result<Profile, ProfileError> {
    let mut m = Merger {
        src,
        merge_mappings,
        mappings: Vec::new(),
        mapping_memo: vec![None; src.mappings.len()],
        mapping_by_key: FxHashMap::default(),
        functions: Vec::new(),
        function_memo: vec![NONE; src.functions.len()],
        function_by_key: FxHashMap::default(),
        locations: Vec::new(),
        lines: Vec::new(),
        location_memo: vec![NONE; src.locations.len()],
        location_by_key: FxHashMap::default(),
    };
    if !src.mappings.is_empty() {
        // The first mapping is the main binary: it stays first.
        m.map_mapping(0);
    }
    // Everything is numbered in the order the samples reach it.
    for s in 0..src.samples.len() {
        if is_zero(src.samples.values(s)) {
            continue;
        }
        for &l in src.samples.stack(s) {
            if m.location_memo[l as usize] == NONE {
                m.map_location(l);
            }
        }
    }
    let Merger {
        mappings,
        functions,
        locations,
        lines,
        location_memo,
        ..
    } = m;
    // Usually nothing moves: then the stacks need no rewriting.
    let same_locations = locations.len() == src.locations.len()
        && location_memo
            .iter()
            .enumerate()
            .all(|(i, &n)| n == i as u32);
    let new_stack = |stack: &[u32], out: &mut Vec<u32>| {
        out.clear();
        out.extend(stack.iter().map(|&l| location_memo[l as usize]));
    };

    let samples = &src.samples;
    let width = samples.value_count();
    // Hash of a sample key -> the first new sample with it; `next` chains
    // the new samples that share a hash.
    let mut by_hash: FxHashMap<u64, u32> = FxHashMap::default();
    by_hash.reserve(samples.len());
    let mut next: Vec<u32> = Vec::with_capacity(samples.len());
    let mut firsts: Vec<u32> = Vec::with_capacity(samples.len());
    let mut summed: Vec<i64> = Vec::with_capacity(samples.len() * width);
    let (mut stack, mut other_stack) = (Vec::new(), Vec::new());
    let (mut canonical, mut other) = (Vec::new(), Vec::new());
    let mut changed = false;
    for s in 0..samples.len() {
        let values = samples.values(s);
        if is_zero(values) {
            changed = true;
            continue;
        }
        let mut hasher = FxHasher::default();
        if same_locations {
            samples.stack(s).hash(&mut hasher);
        } else {
            new_stack(samples.stack(s), &mut stack);
            stack.hash(&mut hasher);
        }
        canonical_labels(samples.labels(s), &mut canonical);
        for l in &canonical {
            (l.key, l.str, l.num, l.num_unit).hash(&mut hasher);
        }
        let hash = hasher.finish();
        let mut candidate = by_hash.get(&hash).copied().unwrap_or(NONE);
        while candidate != NONE {
            let first = firsts[candidate as usize] as usize;
            new_stack(samples.stack(first), &mut other_stack);
            new_stack(samples.stack(s), &mut stack);
            canonical_labels(samples.labels(first), &mut other);
            if other_stack == stack && other == canonical {
                break;
            }
            candidate = next[candidate as usize];
        }
        if candidate != NONE {
            changed = true;
            let row = &mut summed[candidate as usize * width..][..width];
            for (sum, &v) in row.iter_mut().zip(values) {
                *sum = sum.wrapping_add(v);
            }
        } else {
            let id = firsts.len() as u32;
            next.push(by_hash.insert(hash, id).unwrap_or(NONE));
            firsts.push(s as u32);
            summed.extend_from_slice(values);
        }
    }

    let samples = if !changed && same_locations {
        src.samples.clone()
    } else {
        let mut merged = Samples::new(width);
        for &s in &firsts {
            let s = s as usize;
            new_stack(src.samples.stack(s), &mut stack);
            merged.push(&stack, src.samples.values(s), src.samples.labels(s))?;
        }
        merged.set_values(summed);
        merged
    };
    Ok(Profile {
        strings: src.strings.clone(),
        sample_types: src.sample_types.clone(),
        mappings,
        functions,
        locations,
        lines,
        samples,
        comments: src.comments.clone(),
        ..*src
    })
}

impl Merger<'_> {
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

    fn map_location(&mut self, old: u32) -> u32 {
        let known = self.location_memo[old as usize];
        if known != NONE {
            return known;
        }
        let src = &self.src.locations[old as usize];
        let (mapping, address) = match src.mapping {
            Some(old_mapping) => {
                let (new, offset) = self.map_mapping(old_mapping);
                (Some(new), (src.address as i64).wrapping_add(offset) as u64)
            }
            None => (None, src.address),
        };
        let lines: Box<[(u32, i64)]> = self
            .src
            .location_lines(old)
            .iter()
            .map(|line| (self.map_function(line.function), line.line))
            .collect();
        let key = LocationKey {
            address: match mapping {
                Some(new) => address.wrapping_sub(self.mappings[new as usize].start),
                None => address,
            },
            mapping: mapping.map_or(0, |new| new + 1),
            lines,
            folded: src.is_folded,
        };
        let new = match self.location_by_key.get(&key) {
            Some(&new) => new,
            None => {
                let new = self.locations.len() as u32;
                let start = self.lines.len() as u32;
                self.lines.extend(
                    key.lines
                        .iter()
                        .map(|&(function, line)| Line { function, line }),
                );
                self.locations.push(Location {
                    id: u64::from(new) + 1,
                    mapping,
                    address,
                    lines: start..self.lines.len() as u32,
                    is_folded: src.is_folded,
                });
                self.location_by_key.insert(key, new);
                new
            }
        };
        self.location_memo[old as usize] = new;
        new
    }
}
