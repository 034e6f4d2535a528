//! Several profiles made one, exactly as pprof's `profile.Merge` makes them.
//!
//! `go tool pprof A B` and the base of `-base`/`-diff_base` end here (through
//! [`combine`], after the units are made one by [`super::scale`]). The merged
//! profile is compacted as pprof's is, so every report reads it like any
//! other profile:
//! - mappings, functions and locations are renumbered 1, 2, ... in the order
//!   the samples first use them (the first mapping of the first profile that
//!   has mappings stays first); entities with the same identity become one:
//!   a function by (name, system name, file, start line), a mapping by
//!   (build id or file, offset, size rounded to 4 KiB), a location by
//!   (mapping, address relative to it, lines); addresses are rebased onto
//!   the mapping that survives;
//! - samples with the same stack and the same labels are summed into the
//!   first one (labels compared per key, values in order; string and
//!   numeric labels apart); samples whose values are all zero are dropped,
//!   and when summing leaves some at zero the result is compacted again;
//! - the header: sample and period types, drop/keep frames from the first
//!   profile; the earliest time (a later zero resets it, as in pprof), the
//!   summed duration, the largest period, each distinct comment once, and
//!   the first non-empty default sample type.

use super::model::{Function, Label, Line, Location, Mapping, Profile, Samples, ValueType};
use super::scale::scale_profiles;
use super::strings::{StrId, StringTable};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// Why profiles cannot be merged or compared: pprof's message, and which two
/// of the profiles given disagree (their indices), so that the caller can
/// name them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MergeError {
    /// What pprof says, e.g. `period type: incompatible types: {cpu
    /// nanoseconds 0 0} {space bytes 0 0}`.
    pub message: String,
    /// The profile the other one was checked against.
    pub first: usize,
    /// The profile found incompatible with it.
    pub second: usize,
}

impl MergeError {
    pub(super) fn new(message: String, first: usize, second: usize) -> MergeError {
        MergeError {
            message,
            first,
            second,
        }
    }

    /// The same error, its indices mapped by `f` (when the profiles checked
    /// stand for others: a merged chunk for its first source, say).
    pub fn map_indices(self, f: impl Fn(usize) -> usize) -> MergeError {
        MergeError {
            first: f(self.first),
            second: f(self.second),
            message: self.message,
        }
    }
}

/// pprof's `combineProfiles`: the units made one ([`scale_profiles`]), then
/// [`merge`].
pub fn combine(mut profiles: Vec<Profile>) -> Result<Profile, MergeError> {
    if profiles.len() == 1 {
        return merge(&[&profiles[0]]);
    }
    scale_profiles(&mut profiles)?;
    let refs: Vec<&Profile> = profiles.iter().collect();
    merge(&refs)
}

/// pprof's `profile.Merge`: one compacted profile holding the samples of
/// all (see the module documentation). The profiles must have the same
/// sample and period types, names and units alike.
pub fn merge(profiles: &[&Profile]) -> Result<Profile, MergeError> {
    let Some(first) = profiles.first() else {
        return Err(MergeError::new("no profiles to merge".into(), 0, 0));
    };
    for (j, p) in profiles.iter().enumerate().skip(1) {
        compatible(first, p).map_err(|message| MergeError::new(message, 0, j))?;
    }
    let mut merger = Merger::new(profiles);
    for p in profiles {
        merger.add(p)?;
    }
    let merged = merger.out;
    let samples = &merged.samples;
    if (0..samples.len()).any(|i| samples.values(i).iter().all(|&v| v == 0)) {
        // As pprof: merge the result alone again, which drops them and
        // renumbers what is left.
        return merge(&[&merged]);
    }
    Ok(merged)
}

/// Go's `%v` of a `*ValueType` after decoding: `{cpu nanoseconds 0 0}`.
pub(super) fn go_value_type(p: &Profile, t: Option<ValueType>) -> String {
    let t = t.unwrap_or(ValueType {
        kind: StrId::EMPTY,
        unit: StrId::EMPTY,
    });
    format!(
        "{{{} {} 0 0}}",
        p.strings.text(t.kind),
        p.strings.text(t.unit)
    )
}

/// The text of a value type, for comparing across string tables.
fn value_type_text(p: &Profile, t: Option<ValueType>) -> (&[u8], &[u8]) {
    match t {
        Some(t) => (p.strings.get(t.kind), p.strings.get(t.unit)),
        None => (b"", b""),
    }
}

/// pprof's `compatible`: the same period type and the same sample types,
/// names and units exactly. The message is pprof's (its sample types print
/// as Go pointers there; here as the types).
pub(super) fn compatible(a: &Profile, b: &Profile) -> Result<(), String> {
    if value_type_text(a, a.period_type) != value_type_text(b, b.period_type) {
        return Err(format!(
            "incompatible period types &{} and &{}",
            go_value_type(a, a.period_type),
            go_value_type(b, b.period_type)
        ));
    }
    let same = a.sample_types.len() == b.sample_types.len()
        && a.sample_types
            .iter()
            .zip(&b.sample_types)
            .all(|(x, y)| value_type_text(a, Some(*x)) == value_type_text(b, Some(*y)));
    if !same {
        let list = |p: &Profile| {
            let types: Vec<String> = p
                .sample_types
                .iter()
                .map(|t| go_value_type(p, Some(*t)))
                .collect();
            format!("[{}]", types.join(" "))
        };
        return Err(format!(
            "incompatible sample types {} and {}",
            list(a),
            list(b)
        ));
    }
    Ok(())
}

const NONE: u32 = u32::MAX;
const NO_STRING: StrId = StrId(u32::MAX);

/// A hash table of indices into a vector held elsewhere: the hash of an
/// entry's key finds the chain of entries that may be equal, and the caller
/// compares them. Keys are never copied out of the merged profile.
#[derive(Default)]
struct Dedup {
    heads: FxHashMap<u64, u32>,
    /// The entry inserted before this one with the same hash.
    next: Vec<u32>,
}

impl Dedup {
    fn with_capacity(n: usize) -> Dedup {
        Dedup {
            heads: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            next: Vec::with_capacity(n),
        }
    }

    fn find(&self, hash: u64, mut equal: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut at = *self.heads.get(&hash)?;
        while at != NONE {
            if equal(at) {
                return Some(at);
            }
            at = self.next[at as usize];
        }
        None
    }

    /// Adds entry number `self.len()`.
    fn insert(&mut self, hash: u64) {
        let index = self.next.len() as u32;
        let previous = self.heads.insert(hash, index).unwrap_or(NONE);
        self.next.push(previous);
    }
}

/// What the entities of the profile being added became in the merged one.
struct SourceMaps {
    strings: Vec<StrId>,
    /// Merged mapping and the address offset onto it.
    mappings: Vec<(u32, i64)>,
    functions: Vec<u32>,
    locations: Vec<u32>,
}

struct Merger {
    out: Profile,
    mapping_keys: FxHashMap<(u64, u64, StrId), u32>,
    function_keys: FxHashMap<(i64, StrId, StrId, StrId), u32>,
    locations: Dedup,
    samples: Dedup,
    stack: Vec<u32>,
    labels: Vec<Label>,
}

impl Merger {
    /// pprof's `combineHeaders` (the compatibility checks done already).
    fn new(profiles: &[&Profile]) -> Merger {
        let first = profiles[0];
        let mut strings = StringTable::default();
        let mut intern = |p: &Profile, id: StrId| strings.intern(p.strings.get(id));
        let sample_types = first
            .sample_types
            .iter()
            .map(|t| ValueType {
                kind: intern(first, t.kind),
                unit: intern(first, t.unit),
            })
            .collect();
        let period_type = first.period_type.map(|t| ValueType {
            kind: intern(first, t.kind),
            unit: intern(first, t.unit),
        });
        let (mut time, mut duration, mut period) = (0i64, 0i64, 0i64);
        let mut comments = Vec::new();
        let (mut default_sample_type, mut doc_url) = (StrId::EMPTY, StrId::EMPTY);
        for p in profiles {
            if time == 0 || p.time_nanos < time {
                time = p.time_nanos;
            }
            duration = duration.wrapping_add(p.duration_nanos);
            if period == 0 || period < p.period {
                period = p.period;
            }
            for &c in &p.comments {
                let c = intern(p, c);
                if !comments.contains(&c) {
                    comments.push(c);
                }
            }
            if default_sample_type.is_empty() {
                default_sample_type = intern(p, p.default_sample_type);
            }
            if doc_url.is_empty() {
                doc_url = intern(p, p.doc_url);
            }
        }
        // Every field named: a field added to the model must say here how
        // profiles combine it.
        let out = Profile {
            strings,
            sample_types,
            default_sample_type,
            mappings: Vec::new(),
            functions: Vec::new(),
            locations: Vec::new(),
            lines: Vec::new(),
            samples: Samples::new(first.sample_types.len()),
            comments,
            time_nanos: time,
            duration_nanos: duration,
            period_type,
            period,
            doc_url,
        };
        let biggest = profiles.iter().map(|p| p.samples.len()).max();
        let locations = profiles.iter().map(|p| p.locations.len()).max();
        Merger {
            out,
            mapping_keys: FxHashMap::default(),
            function_keys: FxHashMap::default(),
            locations: Dedup::with_capacity(locations.unwrap_or(0)),
            samples: Dedup::with_capacity(biggest.unwrap_or(0)),
            stack: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn add(&mut self, src: &Profile) -> Result<(), MergeError> {
        let mut maps = SourceMaps {
            strings: vec![NO_STRING; src.strings.len()],
            mappings: vec![(NONE, 0); src.mappings.len()],
            functions: vec![NONE; src.functions.len()],
            locations: vec![NONE; src.locations.len()],
        };
        // The first mapping stands for the main binary: keep it first.
        if self.out.mappings.is_empty() && !src.mappings.is_empty() {
            self.mapping(src, &mut maps, 0);
        }
        let too_big = |_| MergeError::new("the merged profile is too large".into(), 0, 0);
        for i in 0..src.samples.len() {
            let values = src.samples.values(i);
            if values.iter().all(|&v| v == 0) {
                continue;
            }
            let mut stack = std::mem::take(&mut self.stack);
            stack.clear();
            for &loc in src.samples.stack(i) {
                stack.push(self.location(src, &mut maps, loc));
            }
            let mut labels = std::mem::take(&mut self.labels);
            self.canonical_labels(src, &mut maps, src.samples.labels(i), &mut labels);
            let hash = sample_hash(&stack, &labels);
            let samples = &self.out.samples;
            let found = self.samples.find(hash, |j| {
                samples.stack(j as usize) == stack.as_slice()
                    && samples.labels(j as usize) == labels.as_slice()
            });
            match found {
                Some(j) => {
                    let sum = self.out.samples.values_mut(j as usize);
                    for (s, &v) in sum.iter_mut().zip(values) {
                        *s = s.wrapping_add(v);
                    }
                }
                None => {
                    self.out
                        .samples
                        .push(&stack, values, &labels)
                        .map_err(too_big)?;
                    self.samples.insert(hash);
                }
            }
            self.stack = stack;
            self.labels = labels;
        }
        Ok(())
    }

    fn string(&mut self, src: &Profile, maps: &mut SourceMaps, id: StrId) -> StrId {
        let slot = &mut maps.strings[id.0 as usize];
        if *slot == NO_STRING {
            *slot = self.out.strings.intern(src.strings.get(id));
        }
        *slot
    }

    /// The labels as pprof compares them: string labels before numeric
    /// ones, grouped by key, values in their order; labels with neither a
    /// value nor a unit are no labels to pprof.
    fn canonical_labels(
        &mut self,
        src: &Profile,
        maps: &mut SourceMaps,
        labels: &[Label],
        out: &mut Vec<Label>,
    ) {
        out.clear();
        for l in labels {
            if l.str.is_empty() && l.num == 0 && l.num_unit.is_empty() {
                continue;
            }
            out.push(Label {
                key: self.string(src, maps, l.key),
                str: self.string(src, maps, l.str),
                num_unit: self.string(src, maps, l.num_unit),
                ..*l
            });
        }
        if out.len() > 1 {
            out.sort_by_key(|l| (l.str.is_empty(), l.key));
        }
    }

    fn mapping(&mut self, src: &Profile, maps: &mut SourceMaps, m: u32) -> (u32, i64) {
        if maps.mappings[m as usize].0 != NONE {
            return maps.mappings[m as usize];
        }
        let sm = &src.mappings[m as usize];
        let file = self.string(src, maps, sm.file);
        let build_id = self.string(src, maps, sm.build_id);
        let size = sm.limit.wrapping_sub(sm.start).wrapping_add(0xfff);
        let identity = if build_id.is_empty() { file } else { build_id };
        let key = (size - size % 0x1000, sm.offset, identity);
        let mapped = match self.mapping_keys.get(&key) {
            Some(&k) => {
                let survivor = self.out.mappings[k as usize].start;
                (k, (survivor as i64).wrapping_sub(sm.start as i64))
            }
            None => {
                let k = self.out.mappings.len() as u32;
                self.out.mappings.push(Mapping {
                    id: u64::from(k) + 1,
                    file,
                    build_id,
                    ..sm.clone()
                });
                self.mapping_keys.insert(key, k);
                (k, 0)
            }
        };
        maps.mappings[m as usize] = mapped;
        mapped
    }

    fn function(&mut self, src: &Profile, maps: &mut SourceMaps, f: u32) -> u32 {
        if maps.functions[f as usize] != NONE {
            return maps.functions[f as usize];
        }
        let sf = src.functions[f as usize];
        let function = Function {
            id: self.out.functions.len() as u64 + 1,
            name: self.string(src, maps, sf.name),
            system_name: self.string(src, maps, sf.system_name),
            filename: self.string(src, maps, sf.filename),
            ..sf
        };
        let key = (
            function.start_line,
            function.name,
            function.system_name,
            function.filename,
        );
        let k = *self.function_keys.entry(key).or_insert_with(|| {
            self.out.functions.push(function);
            self.out.functions.len() as u32 - 1
        });
        maps.functions[f as usize] = k;
        k
    }

    fn location(&mut self, src: &Profile, maps: &mut SourceMaps, loc: u32) -> u32 {
        if maps.locations[loc as usize] != NONE {
            return maps.locations[loc as usize];
        }
        let sl = &src.locations[loc as usize];
        let (mapping, offset) = match sl.mapping {
            Some(m) => {
                let (k, offset) = self.mapping(src, maps, m);
                (Some(k), offset)
            }
            None => (None, 0),
        };
        let address = (sl.address as i64).wrapping_add(offset) as u64;
        let first_line = self.out.lines.len();
        for line in src.location_lines(loc) {
            let function = self.function(src, maps, line.function);
            self.out.lines.push(Line { function, ..*line });
        }
        let lines = &self.out.lines[first_line..];
        let key_address = |mapping: Option<u32>, address: u64, out: &Profile| match mapping {
            Some(m) => address.wrapping_sub(out.mappings[m as usize].start),
            None => address,
        };
        let relative = key_address(mapping, address, &self.out);
        let mut h = FxHasher::default();
        h.write_u64(relative);
        h.write_u32(mapping.map_or(0, |m| m + 1));
        for l in lines {
            h.write_u32(l.function);
            h.write_i64(l.line);
        }
        let hash = h.finish();
        let out = &self.out;
        let found = self.locations.find(hash, |c| {
            let candidate = &out.locations[c as usize];
            candidate.mapping == mapping
                && key_address(candidate.mapping, candidate.address, out) == relative
                && out.location_lines(c) == lines
        });
        let k = match found {
            Some(c) => {
                self.out.lines.truncate(first_line);
                c
            }
            None => {
                let k = self.out.locations.len() as u32;
                let range = first_line as u32..self.out.lines.len() as u32;
                self.out.locations.push(Location {
                    id: u64::from(k) + 1,
                    mapping,
                    address,
                    lines: range,
                });
                self.locations.insert(hash);
                k
            }
        };
        maps.locations[loc as usize] = k;
        k
    }
}

fn sample_hash(stack: &[u32], labels: &[Label]) -> u64 {
    let mut h = FxHasher::default();
    h.write_usize(stack.len());
    for &l in stack {
        h.write_u32(l);
    }
    for l in labels {
        h.write_u32(l.key.0);
        h.write_u32(l.str.0);
        h.write_i64(l.num);
        h.write_u32(l.num_unit.0);
    }
    h.finish()
}

/// How a base profile is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKind {
    /// `-base`: the base is subtracted, and the stacks both have cancel out.
    Subtract,
    /// `-diff_base`: the base is subtracted, its samples marked with the
    /// label [`BASE_LABEL`] so that they stay apart from the profile's own;
    /// percentages are then of the base's total.
    Diff,
}

/// The label pprof puts on every sample of a `-diff_base` base.
pub const BASE_LABEL: &str = "pprof::base";

/// pprof's comparison with a base (`fetchProfiles`): the base is marked
/// (`-diff_base`), the profile scaled to the base's totals if asked
/// (`-normalize`), the base negated, and both combined. In errors, profile
/// 0 is `profile` and 1 the base.
pub fn subtract_base(
    mut profile: Profile,
    mut base: Profile,
    kind: BaseKind,
    normalize: bool,
) -> Result<Profile, MergeError> {
    if kind == BaseKind::Diff {
        base.set_label(BASE_LABEL, &["true"]);
    }
    if normalize {
        profile.normalize(&base)?;
    }
    base.scale(-1.0);
    combine(vec![profile, base])
}
