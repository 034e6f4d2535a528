//! Building the model from the decoded protobuf: every id resolved to a
//! dense index and checked, strings interned, and what `go tool pprof`
//! applies on load (duplicate mappings merged, source URLs forgotten,
//! `drop_frames`/`keep_frames` pruning).

use super::error::ProfileError;
use super::load_merge;
use super::model::{
    Function, Label, Line, Location, Mapping, MappingFlags, MappingIdx, Profile, Samples, ValueType,
};
use super::pb;
use super::prune;
use super::strings::{StrId, StringTable};
use super::wire::{RawSamples, RawStrings, SampleFields};
use rustc_hash::FxHashMap;
use std::sync::Arc;

impl Profile {
    /// Builds the model from the decoded protobuf, validating every reference.
    pub fn from_wire(mut wire: pb::Profile) -> Result<Profile, ProfileError> {
        let samples = std::mem::take(&mut wire.sample);
        let strings = std::mem::take(&mut wire.string_table);
        Builder::new(StringInput::Decoded(&strings))?
            .build(wire, SampleInput::Decoded(&samples))
            .and_then(Unfinished::finish)
    }

    /// Like [`Profile::from_wire`], with the samples still encoded, and not
    /// finished yet.
    /// `strings` are ranges of `raw`; `lender`, when given, holds the same
    /// bytes as `raw` and may keep the longest strings instead of a copy.
    pub(super) fn from_split(
        wire: pb::Profile,
        samples: RawSamples<'_>,
        strings: &RawStrings,
        raw: &[u8],
        lender: Option<&Arc<Vec<u8>>>,
    ) -> Result<Unfinished, ProfileError> {
        let strings = StringInput::Encoded {
            strings,
            raw,
            lender,
        };
        Builder::new(strings)?.build(wire, SampleInput::Encoded(samples))
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

/// Where the strings come from: prost's vectors, or byte ranges of the
/// input (see `wire.rs`), which may lend its longest strings.
enum StringInput<'a> {
    Decoded(&'a [Vec<u8>]),
    Encoded {
        strings: &'a RawStrings,
        raw: &'a [u8],
        lender: Option<&'a Arc<Vec<u8>>>,
    },
}

/// A string at least this long is lent by the input rather than copied...
const LEND_AT_LEAST: usize = 1 << 16;

impl StringInput<'_> {
    fn len(&self) -> usize {
        match self {
            StringInput::Decoded(s) => s.len(),
            StringInput::Encoded { strings, .. } => strings.ranges.len(),
        }
    }

    fn first_is_empty(&self) -> Option<bool> {
        match self {
            StringInput::Decoded(s) => s.first().map(Vec::is_empty),
            StringInput::Encoded { strings, .. } => strings.ranges.first().map(|r| r.is_empty()),
        }
    }

    /// Interns every string, in order.
    fn intern_all(&self, table: &mut StringTable) -> Vec<StrId> {
        match *self {
            StringInput::Decoded(s) => s.iter().map(|s| table.intern(s)).collect(),
            StringInput::Encoded {
                strings,
                raw,
                lender,
            } => {
                // ...when such strings make up a good part of the input
                // (a quarter): keeping the whole input alive for one long
                // name among megabytes of samples would cost more than the
                // copy.
                let long: usize = strings
                    .ranges
                    .iter()
                    .map(std::ops::Range::len)
                    .filter(|&n| n >= LEND_AT_LEAST)
                    .sum();
                let lender = lender.filter(|_| long > 0 && long >= raw.len() / 4);
                strings
                    .ranges
                    .iter()
                    .map(|r| match lender {
                        Some(l) if r.len() >= LEND_AT_LEAST => table.lend(l, r.clone()),
                        _ => table.intern(&raw[r.clone()]),
                    })
                    .collect()
            }
        }
    }
}

/// Where the samples come from: prost's structs (tests, small inputs) or
/// the encoded bytes (see `wire.rs`).
enum SampleInput<'a> {
    Decoded(&'a [pb::Sample]),
    Encoded(RawSamples<'a>),
}

impl SampleInput<'_> {
    fn len(&self) -> usize {
        match self {
            SampleInput::Decoded(s) => s.len(),
            SampleInput::Encoded(s) => s.len(),
        }
    }

    fn read(&self, i: usize, out: &mut SampleFields) -> Result<(), ProfileError> {
        match self {
            SampleInput::Decoded(s) => {
                out.location_ids.clone_from(&s[i].location_id);
                out.values.clone_from(&s[i].value);
                out.labels.clone_from(&s[i].label);
                Ok(())
            }
            SampleInput::Encoded(s) => s.read(i, out),
        }
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
    fn new(table: StringInput<'_>) -> Result<Builder, ProfileError> {
        match table.first_is_empty() {
            None => {
                return Err(ProfileError::NotAProfile(
                    "no string table (every pprof profile has one)".into(),
                ));
            }
            Some(false) => {
                return Err(invalid("string_table[0] must be the empty string".into()));
            }
            Some(true) => {}
        }
        if table.len() >= u32::MAX as usize {
            return Err(invalid(
                "string table has more than 4 billion entries".into(),
            ));
        }
        let mut strings = StringTable::default();
        let string_ids = table.intern_all(&mut strings);
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
        input: SampleInput<'_>,
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

        let function_ids = IdIndex::build(wire.function.iter().map(|f| f.id), "function")?;
        let mut functions = Vec::with_capacity(wire.function.len());
        for f in &wire.function {
            functions.push(Function {
                id: f.id,
                name: self.string(f.name, || format!("function {} name", f.id))?,
                system_name: self
                    .string(f.system_name, || format!("function {} system name", f.id))?,
                filename: self.string(f.filename, || format!("function {} file name", f.id))?,
                start_line: f.start_line,
            });
        }

        let location_ids = IdIndex::build(wire.location.iter().map(|l| l.id), "location")?;
        let mut locations = Vec::with_capacity(wire.location.len());
        let mut lines = Vec::with_capacity(wire.location.iter().map(|l| l.line.len()).sum());
        for l in &wire.location {
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
            for line in &l.line {
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

        let mut samples = Samples::new(sample_types.len());
        let mut stack = Vec::new();
        let mut labels = Vec::new();
        let mut fields = SampleFields::default();
        for k in 0..input.len() {
            input.read(k, &mut fields)?;
            if fields.values.len() != sample_types.len() {
                return Err(invalid(format!(
                    "sample {k} has {} values but the profile has {} sample types",
                    fields.values.len(),
                    sample_types.len()
                )));
            }
            stack.clear();
            for &id in &fields.location_ids {
                stack.push(location_ids.get(id).ok_or_else(|| {
                    invalid(format!("sample {k} refers to unknown location id {id}"))
                })?);
            }
            labels.clear();
            for l in &fields.labels {
                labels.push(Label {
                    key: self.string(l.key, || format!("sample {k} label key"))?,
                    str: self.string(l.str, || format!("sample {k} label value"))?,
                    num: l.num,
                    num_unit: self.string(l.num_unit, || format!("sample {k} label unit"))?,
                });
            }
            // pprof merges the profile on load, which drops all-zero samples.
            if fields.values.iter().all(|&v| v == 0) {
                continue;
            }
            samples.push(&stack, &fields.values, &labels)?;
        }

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

/// Reproduces how pprof's merge on load treats mappings: the first mapping
/// stays first, the others follow in the order samples reach them, unused
/// ones disappear, and mappings with the same identity (build id or file,
/// offset, size rounded to 4 KiB) become one, with the addresses of their
/// locations rebased onto the surviving mapping.
fn merge_duplicate_mappings(p: &mut Profile) {
    if p.mappings.is_empty() {
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
            return;
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
    };
    visit(0, &mut order, &p.mappings);
    let mut seen_location = vec![false; p.locations.len()];
    for s in 0..p.samples.len() {
        for &loc in p.samples.stack(s) {
            if std::mem::replace(&mut seen_location[loc as usize], true) {
                continue;
            }
            if let Some(m) = p.locations[loc as usize].mapping {
                visit(m, &mut order, &p.mappings);
            }
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
