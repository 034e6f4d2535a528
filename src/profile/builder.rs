//! Building the model from the decoded protobuf: every id resolved to a
//! dense index and checked, strings interned, and what `go tool pprof`
//! applies on load (duplicate mappings merged, source URLs forgotten,
//! `drop_frames`/`keep_frames` pruning).

use super::error::ProfileError;
use super::load_merge;
use super::model::{
    Function, Line, Location, Mapping, MappingFlags, MappingIdx, Profile, Samples, ValueType,
};
use super::pb;
use super::prune;
use super::stream::{Parts, Splitter};
use super::strings::{StrId, StringTable};
use super::wire::{
    RawFunction, RawLabel, RawLocations, SampleColumns, SampleFaultKind, WIDE_INDEX, location_id,
};
use prost::Message;
use rustc_hash::FxHashMap;

impl Profile {
    /// Builds the model from the decoded protobuf, validating every
    /// reference: the message is encoded and read back exactly as a file
    /// would be, so that there is one way in.
    pub fn from_wire(wire: pb::Profile) -> Result<Profile, ProfileError> {
        let mut splitter = Splitter::new();
        splitter.feed(&wire.encode_to_vec())?;
        Profile::from_parts(splitter.finish()?).and_then(Unfinished::finish)
    }

    /// The model of a profile read by [`Splitter`], not finished yet.
    pub(super) fn from_parts(parts: Parts) -> Result<Unfinished, ProfileError> {
        let wire = pb::Profile::decode(&parts.rest[..])
            .map_err(|e| ProfileError::Protobuf(e.to_string()))?;
        Builder::new(parts.strings, parts.string_ids)?.build(
            wire,
            &parts.functions,
            &parts.locations,
            parts.samples,
        )
    }
}

/// A profile as decoded, before what pprof applies once, after merging all
/// the sources of a command line: mapping file names that are URLs are
/// forgotten, and the `drop_frames`/`keep_frames` of the (first) profile
/// prune every stack. [`Unfinished::finish`] does both; a single profile is
/// finished at once.
#[derive(Debug, Clone)]
pub struct Unfinished {
    /// The profile.
    pub profile: Profile,
    /// Its `drop_frames` pattern, as text (empty: none).
    pub drop_frames: Vec<u8>,
    /// Its `keep_frames` pattern, as text.
    pub keep_frames: Vec<u8>,
}

impl Unfinished {
    /// What pprof applies once the sources are merged: the merge on load
    /// before pruning (when `drop_frames` prunes), source URLs forgotten,
    /// a fake mapping where there is none, and the pruning itself.
    pub fn finish(self) -> Result<Profile, ProfileError> {
        let mut profile = self.profile;
        profile.drop_frames = profile.strings.intern(&self.drop_frames);
        profile.keep_frames = profile.strings.intern(&self.keep_frames);
        if !self.drop_frames.is_empty() && !profile.merged_on_load {
            // pprof prunes the merged profile: samples that pruning makes
            // equal stay apart, so the merge cannot wait. Without pruning,
            // the full merge is left for the reports that show it
            // (`Profile::merged`); no total depends on it.
            profile = load_merge::merge_on_load(&profile, true)?;
        }
        forget_source_urls(&mut profile);
        add_fake_mapping(&mut profile);
        let (drop_frames, keep_frames) = (profile.drop_frames, profile.keep_frames);
        prune::drop_uninteresting_frames(&mut profile, drop_frames, keep_frames);
        Ok(profile)
    }
}

fn invalid(message: String) -> ProfileError {
    ProfileError::Invalid(message)
}

/// Maps the ids used in the file to dense indices. Ids are usually 1..=n, so a
/// vector serves; anything else falls back to a hash map.
struct IdIndex {
    dense: Vec<u32>,
    sparse: FxHashMap<u64, u32>,
}

const NO_INDEX: u32 = u32::MAX;

impl IdIndex {
    fn build(ids: impl ExactSizeIterator<Item = u64>, what: &str) -> Result<IdIndex, ProfileError> {
        let n = ids.len();
        let mut index = IdIndex {
            dense: vec![NO_INDEX; n + 1],
            sparse: FxHashMap::default(),
        };
        for (i, id) in ids.enumerate() {
            if id == 0 {
                return Err(invalid(format!("found {what} with reserved id 0")));
            }
            let slot = if (id as usize) < index.dense.len() && id <= n as u64 {
                &mut index.dense[id as usize]
            } else {
                index.sparse.entry(id).or_insert(NO_INDEX)
            };
            if *slot != NO_INDEX {
                return Err(invalid(format!("multiple {what}s with the same id {id}")));
            }
            *slot = i as u32;
        }
        Ok(index)
    }

    fn get(&self, id: u64) -> Option<u32> {
        let i = if (id as usize) < self.dense.len() && id < self.dense.len() as u64 {
            self.dense[id as usize]
        } else {
            *self.sparse.get(&id)?
        };
        (i != NO_INDEX).then_some(i)
    }
}

struct Builder {
    strings: StringTable,
    /// Wire string index -> interned id.
    string_ids: Vec<StrId>,
}

impl Builder {
    fn new(strings: StringTable, string_ids: Vec<StrId>) -> Result<Builder, ProfileError> {
        match string_ids.first() {
            None => {
                return Err(ProfileError::NotAProfile(
                    "no string table (every pprof profile has one)".into(),
                ));
            }
            Some(&first) if !first.is_empty() => {
                return Err(invalid("string_table[0] must be the empty string".into()));
            }
            Some(_) => {}
        }
        if string_ids.len() >= u32::MAX as usize {
            return Err(invalid(
                "string table has more than 4 billion entries".into(),
            ));
        }
        Ok(Builder {
            strings,
            string_ids,
        })
    }

    fn string(&self, index: i64, what: impl FnOnce() -> String) -> Result<StrId, ProfileError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.string_ids.get(i).copied())
            .ok_or_else(|| {
                invalid(format!(
                    "{} refers to string {index}, but the string table has {} entries",
                    what(),
                    self.string_ids.len()
                ))
            })
    }

    fn value_type(&self, vt: &pb::ValueType, what: &str) -> Result<ValueType, ProfileError> {
        Ok(ValueType {
            kind: self.string(vt.r#type, || format!("{what} type"))?,
            unit: self.string(vt.unit, || format!("{what} unit"))?,
        })
    }

    fn build(
        mut self,
        wire: pb::Profile,
        raw_functions: &[RawFunction],
        raw_locations: &RawLocations,
        input: SampleColumns,
    ) -> Result<Unfinished, ProfileError> {
        let sample_types = wire
            .sample_type
            .iter()
            .map(|t| self.value_type(t, "sample"))
            .collect::<Result<Vec<_>, _>>()?;
        if sample_types.is_empty() && input.len() != 0 {
            return Err(invalid("samples present but no sample types".into()));
        }

        let mapping_ids = IdIndex::build(wire.mapping.iter().map(|m| m.id), "mapping")?;
        let mut mappings = Vec::with_capacity(wire.mapping.len());
        for m in &wire.mapping {
            mappings.push(Mapping {
                id: m.id,
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: self.string(m.filename, || format!("mapping {} file name", m.id))?,
                build_id: self.string(m.build_id, || format!("mapping {} build id", m.id))?,
                has: MappingFlags {
                    functions: m.has_functions,
                    filenames: m.has_filenames,
                    line_numbers: m.has_line_numbers,
                    inline_frames: m.has_inline_frames,
                },
            });
        }

        let function_ids = IdIndex::build(raw_functions.iter().map(|f| f.id), "function")?;
        let mut functions = Vec::with_capacity(raw_functions.len());
        for f in raw_functions {
            functions.push(Function {
                id: f.id,
                name: self.string(f.name, || format!("function {} name", f.id))?,
                system_name: self
                    .string(f.system_name, || format!("function {} system name", f.id))?,
                filename: self.string(f.filename, || format!("function {} file name", f.id))?,
                start_line: f.start_line,
            });
        }

        let location_ids =
            IdIndex::build(raw_locations.locations.iter().map(|l| l.id), "location")?;
        let mut locations = Vec::with_capacity(raw_locations.locations.len());
        let mut lines = Vec::with_capacity(raw_locations.lines.len());
        for l in &raw_locations.locations {
            let mapping = match l.mapping_id {
                0 => None,
                id => Some(mapping_ids.get(id).ok_or_else(|| {
                    invalid(format!(
                        "location {} refers to unknown mapping id {id}",
                        l.id
                    ))
                })?),
            };
            let first = lines.len();
            for line in &raw_locations.lines[l.lines.start as usize..l.lines.end as usize] {
                let function = match line.function_id {
                    0 => {
                        return Err(invalid(format!(
                            "location {} has a line with no function",
                            l.id
                        )));
                    }
                    id => function_ids.get(id).ok_or_else(|| {
                        invalid(format!(
                            "location {} refers to unknown function id {id}",
                            l.id
                        ))
                    })?,
                };
                lines.push(Line {
                    function,
                    line: line.line,
                });
            }
            let range = u32::try_from(first)
                .ok()
                .zip(u32::try_from(lines.len()).ok())
                .ok_or_else(|| invalid("more than 4 billion lines".into()))?;
            locations.push(Location {
                id: l.id,
                mapping,
                address: l.address,
                lines: range.0..range.1,
                is_folded: l.is_folded,
            });
        }

        let samples = self.samples(input, &location_ids, sample_types.len())?;

        let mut comments: Vec<StrId> = Vec::new();
        let mut seen_comments = rustc_hash::FxHashSet::default();
        for &c in &wire.comment {
            let id = self.string(c, || "comment".into())?;
            // The merge on load keeps each distinct comment once.
            if seen_comments.insert(id) {
                comments.push(id);
            }
        }
        let drop_frames = self.string(wire.drop_frames, || "drop_frames".into())?;
        let keep_frames = self.string(wire.keep_frames, || "keep_frames".into())?;
        let period_type = wire
            .period_type
            .as_ref()
            .map(|t| self.value_type(t, "period"))
            .transpose()?;
        let default_sample_type =
            self.string(wire.default_sample_type, || "default_sample_type".into())?;
        let doc_url = self.string(wire.doc_url, || "doc_url".into())?;

        let mut profile = Profile {
            strings: std::mem::take(&mut self.strings),
            sample_types,
            default_sample_type,
            mappings,
            functions,
            locations,
            lines,
            samples,
            comments,
            time_nanos: wire.time_nanos,
            duration_nanos: wire.duration_nanos,
            period_type,
            period: wire.period,
            doc_url,
            drop_frames,
            keep_frames,
            merged_on_load: false,
            signs_apart: false,
        };
        merge_duplicate_mappings(&mut profile);
        Ok(Unfinished {
            drop_frames: profile.strings.get(drop_frames).to_vec(),
            keep_frames: profile.strings.get(keep_frames).to_vec(),
            profile,
        })
    }
}

impl Builder {
    /// The samples with their locations and label strings resolved, and
    /// without those whose values are all zero (pprof merges the profile
    /// on load, which drops them). A profile is rejected for its first
    /// wrong sample, whatever is wrong with it.
    fn samples(
        &self,
        columns: SampleColumns,
        location_ids: &IdIndex,
        type_count: usize,
    ) -> Result<Samples, ProfileError> {
        let n = columns.len();
        let count = columns.value_count.unwrap_or(type_count);
        let wrong_count = |k: usize, count: usize| {
            invalid(format!(
                "sample {k} has {count} values but the profile has {type_count} sample types"
            ))
        };
        // The first fault found while reading stops everything after it;
        // every sample's values are stored `count` wide.
        let stop = columns.first_error.as_ref().map_or(n, |f| f.sample);
        if n > 0 && stop > 0 && count != type_count {
            return Err(wrong_count(0, count));
        }
        if n == 0 {
            return Ok(Samples::new(type_count));
        }
        let SampleColumns {
            codes: mut stacks,
            code_starts: mut stack_starts,
            large_ids,
            mut values,
            mut labels,
            wide_label,
            mut label_starts,
            first_error,
            ..
        } = columns;

        // Locations, on both cores: the first unknown one is the profile's
        // error unless a fault comes before it.
        let unknown = resolve_locations(&mut stacks, &large_ids, location_ids);
        let unknown = unknown.map(|(frame, id)| {
            // The sample whose stack holds that frame.
            let k = stack_starts.partition_point(|&start| start as usize <= frame) - 1;
            (k, id)
        });
        let labels_until = unknown.map_or(stop, |(k, _)| k.min(stop) + 1).min(n);
        // A string index as read, the one that did not fit included.
        let written = |at: usize, index: StrId, field: fn(&RawLabel) -> i64| match index.0 {
            WIDE_INDEX => wide_label
                .as_ref()
                .filter(|(place, _)| *place == at)
                .map_or(i64::from(WIDE_INDEX), |(_, raw)| field(raw)),
            index => i64::from(index),
        };
        for k in 0..labels_until {
            if let Some((bad, id)) = unknown
                && bad == k
                && k < stop
            {
                return Err(invalid(format!(
                    "sample {k} refers to unknown location id {id}"
                )));
            }
            if k == stop {
                break;
            }
            let from = label_starts[k] as usize;
            let to = label_starts[k + 1] as usize;
            for (at, l) in (from..).zip(&mut labels[from..to]) {
                l.key = self.string(written(at, l.key, |r| r.key), || {
                    format!("sample {k} label key")
                })?;
                l.str = self.string(written(at, l.str, |r| r.str), || {
                    format!("sample {k} label value")
                })?;
                l.num_unit = self.string(written(at, l.num_unit, |r| r.num_unit), || {
                    format!("sample {k} label unit")
                })?;
            }
        }
        if let Some(fault) = first_error {
            return Err(match fault.kind {
                SampleFaultKind::Unreadable(why) => ProfileError::Protobuf(format!(
                    "failed to decode Protobuf message: Sample.{why}"
                )),
                SampleFaultKind::ValueCount(c) => wrong_count(fault.sample, c),
            });
        }
        let all_zero = |k: usize| values[k * count..(k + 1) * count].iter().all(|&v| v == 0);
        if (0..n).any(all_zero) {
            // Rare: written in place, what is kept never lies after what
            // is read.
            let (mut frames, mut kept_labels, mut kept) = (0usize, 0usize, 0usize);
            for k in 0..n {
                let stack = stack_starts[k] as usize..stack_starts[k + 1] as usize;
                let label = label_starts[k] as usize..label_starts[k + 1] as usize;
                let row = k * count..(k + 1) * count;
                if values[row.clone()].iter().all(|&v| v == 0) {
                    continue;
                }
                let (from_frame, from_label) = (frames, kept_labels);
                frames += stack.len();
                kept_labels += label.len();
                stacks.copy_within(stack, from_frame);
                labels.copy_within(label, from_label);
                values.copy_within(row, kept * count);
                // Sample `k`'s starts were read above: overwriting them
                // (kept <= k) is safe.
                stack_starts[kept] = from_frame as u32;
                label_starts[kept] = from_label as u32;
                kept += 1;
            }
            stack_starts[kept] = frames as u32;
            label_starts[kept] = kept_labels as u32;
            stacks.truncate(frames);
            labels.truncate(kept_labels);
            values.truncate(kept * count);
            stack_starts.truncate(kept + 1);
            label_starts.truncate(kept + 1);
        }
        Ok(Samples::from_columns(
            stacks,
            stack_starts,
            values,
            type_count,
            labels,
            label_starts,
        ))
    }
}

/// Replaces every location code of `stacks` by the location's index, on
/// both cores; returns the first frame whose location is unknown, and its
/// id (the frames after it are left as they were).
fn resolve_locations(
    stacks: &mut [u32],
    large_ids: &[u64],
    location_ids: &IdIndex,
) -> Option<(usize, u64)> {
    let resolve = |part: &mut [u32]| -> Option<(usize, u64)> {
        for (i, code) in part.iter_mut().enumerate() {
            let id = location_id(large_ids, *code);
            match location_ids.get(id) {
                Some(index) => *code = index,
                None => return Some((i, id)),
            }
        }
        None
    };
    if stacks.len() < 1 << 18 {
        return resolve(stacks);
    }
    let half = stacks.len() / 2;
    let (first, second) = stacks.split_at_mut(half);
    let (a, b) = std::thread::scope(|scope| {
        let later = scope.spawn(|| resolve(second));
        let a = resolve(first);
        (a, later.join())
    });
    match (a, b) {
        (Some(found), _) => Some(found),
        (None, Ok(found)) => found.map(|(i, id)| (half + i, id)),
        (None, Err(panic)) => std::panic::resume_unwind(panic),
    }
}

/// Reproduces how pprof's merge on load treats mappings: the first mapping
/// stays first, the others follow in the order samples reach them, unused
/// ones disappear, and mappings with the same identity (build id or file,
/// offset, size rounded to 4 KiB) become one, with the addresses of their
/// locations rebased onto the surviving mapping.
fn merge_duplicate_mappings(p: &mut Profile) {
    // One mapping stays where it is, used or not.
    if p.mappings.len() <= 1 {
        return;
    }
    let key = |m: &Mapping| {
        let size = m.limit.wrapping_sub(m.start);
        let size = size.wrapping_add(0xfff);
        let size = size - size % 0x1000;
        let identity = if !m.build_id.is_empty() {
            m.build_id
        } else {
            m.file
        };
        (size, m.offset, identity)
    };
    let mut order: Vec<MappingIdx> = Vec::with_capacity(p.mappings.len());
    let mut new_index = vec![NO_INDEX; p.mappings.len()];
    let mut by_key: FxHashMap<(u64, u64, StrId), MappingIdx> = FxHashMap::default();
    // Rebase delta per old mapping (new start - old start).
    let mut delta = vec![0i64; p.mappings.len()];
    let mut visit = |old: MappingIdx, order: &mut Vec<MappingIdx>, mappings: &[Mapping]| {
        if new_index[old as usize] != NO_INDEX {
            return 0;
        }
        let m = &mappings[old as usize];
        match by_key.get(&key(m)) {
            Some(&canonical) => {
                new_index[old as usize] = canonical;
                let survivor = &mappings[order[canonical as usize] as usize];
                delta[old as usize] = (survivor.start as i64).wrapping_sub(m.start as i64);
            }
            None => {
                let canonical = order.len() as MappingIdx;
                by_key.insert(key(m), canonical);
                new_index[old as usize] = canonical;
                order.push(old);
            }
        }
        1
    };
    let mut placed = visit(0, &mut order, &p.mappings);
    let mut seen_location = vec![false; p.locations.len()];
    'samples: for s in 0..p.samples.len() {
        for &loc in p.samples.stack(s) {
            if std::mem::replace(&mut seen_location[loc as usize], true) {
                continue;
            }
            if let Some(m) = p.locations[loc as usize].mapping {
                placed += visit(m, &mut order, &p.mappings);
            }
        }
        // Once every mapping has its place, the rest of the stacks (most
        // of them, usually) cannot change the order.
        if placed == p.mappings.len() {
            break 'samples;
        }
    }
    let unchanged =
        order.len() == p.mappings.len() && order.iter().enumerate().all(|(i, &o)| i as u32 == o);
    if unchanged {
        return;
    }
    for loc in &mut p.locations {
        if let Some(m) = loc.mapping {
            // Locations no sample reaches keep a mapping only if it survived.
            let new = new_index[m as usize];
            if new == NO_INDEX {
                loc.mapping = None;
                continue;
            }
            loc.address = (loc.address as i64).wrapping_add(delta[m as usize]) as u64;
            loc.mapping = Some(new);
        }
    }
    let old = std::mem::take(&mut p.mappings);
    p.mappings = order.iter().map(|&o| old[o as usize].clone()).collect();
}

/// pprof gives a profile without mappings one, empty, for all its
/// locations (to try symbolizing them against a non-PIE binary): filters
/// then see an empty binary name, and `-raw` and `-proto` show it.
fn add_fake_mapping(p: &mut Profile) {
    if !p.mappings.is_empty() {
        return;
    }
    p.mappings.push(Mapping {
        id: 1,
        start: 0,
        limit: 0,
        offset: 0,
        file: StrId::EMPTY,
        build_id: StrId::EMPTY,
        has: MappingFlags::default(),
    });
    for loc in &mut p.locations {
        loc.mapping = Some(0);
    }
}

/// pprof forgets a mapping's file name when it is a URL and there is no build
/// id (the URL only served to fetch sources).
fn forget_source_urls(p: &mut Profile) {
    for m in &mut p.mappings {
        if m.build_id.is_empty() && is_absolute_url(p.strings.get(m.file)) {
            m.file = StrId::EMPTY;
        }
    }
}

/// Whether `s` starts with a URL scheme (`letter (letter|digit|+|-|.)* ':'`).
fn is_absolute_url(s: &[u8]) -> bool {
    let Some(colon) = s.iter().position(|&b| b == b':') else {
        return false;
    };
    let scheme = &s[..colon];
    !scheme.is_empty()
        && scheme[0].is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
        && !s.iter().any(|&b| b < 0x20 || b == 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert!(is_absolute_url(b"https://example.com/bin"));
        assert!(!is_absolute_url(b"/usr/bin/x"));
        assert!(!is_absolute_url(b"x"));
        assert!(!is_absolute_url(b"1a:b"));
    }

    #[test]
    fn locations_resolve_alike_on_one_core_and_two() {
        let ids = IdIndex::build((1..1001u32).map(|i| u64::from(i) * 7), "location").unwrap();
        let codes: Vec<u32> = (0..(1u32 << 19)).map(|i| (i % 1000 + 1) * 7).collect();
        let mut two = codes.clone();
        assert_eq!(resolve_locations(&mut two, &[], &ids), None);
        let one: Vec<u32> = codes
            .iter()
            .map(|&c| ids.get(u64::from(c)).unwrap())
            .collect();
        assert_eq!(two, one);
        // The first unknown one, in either half.
        for bad in [5, (1 << 18) + 3, (1 << 19) - 1] {
            let mut with_bad = codes.clone();
            with_bad[bad] = 3;
            with_bad[(1 << 19) - 1] = 4;
            let found = resolve_locations(&mut with_bad, &[], &ids);
            let expected = if bad == (1 << 19) - 1 { 4 } else { 3 };
            assert_eq!(found, Some((bad, expected)));
        }
    }

    #[test]
    fn a_label_string_index_of_any_size_is_reported_as_written() {
        let profile = |key: i64| pb::Profile {
            sample_type: vec![pb::ValueType { r#type: 1, unit: 1 }],
            sample: vec![pb::Sample {
                location_id: vec![],
                value: vec![1],
                label: vec![pb::Label {
                    key,
                    str: 1,
                    num: 0,
                    num_unit: 0,
                }],
            }],
            string_table: vec![b"".to_vec(), b"x".to_vec()],
            ..Default::default()
        };
        let ok = Profile::from_wire(profile(1)).expect("valid");
        assert_eq!(ok.strings.get(ok.samples.labels(0)[0].key), b"x");
        for key in [2, 1 << 40, i64::from(u32::MAX), -1] {
            let err = Profile::from_wire(profile(key)).unwrap_err().to_string();
            assert!(
                err.contains(&format!("sample 0 label key refers to string {key},")),
                "{err}"
            );
        }
    }

    #[test]
    fn id_index_dense_and_sparse() {
        let idx = IdIndex::build([1u64, 2, 1000, 3].into_iter(), "x").unwrap();
        assert_eq!(idx.get(1), Some(0));
        assert_eq!(idx.get(1000), Some(2));
        assert_eq!(idx.get(3), Some(3));
        assert_eq!(idx.get(4), None);
        assert_eq!(idx.get(0), None);
        assert!(IdIndex::build([1u64, 1].into_iter(), "x").is_err());
        assert!(IdIndex::build([0u64].into_iter(), "x").is_err());
    }
}
