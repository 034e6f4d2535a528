//! The entities of the merge: pprof's `combineHeaders`, and the mappings,
//! functions and locations of `profileMerger`. Every location the samples
//! of a profile use is mapped, in the order they first use them, to the
//! merged profile's: a new one, or an equal one already there (with its
//! mapping and functions, found the same way). What each profile's ids
//! became is a [`Plan`], from which its samples are copied (`samples.rs`).

use super::dedup::Dedup;
use super::samples::{Plan, Survey};
use super::{BASE_LABEL, NONE, Treatment};
use crate::profile::model::{Function, Line, Location, Mapping, Profile, Samples, ValueType};
use crate::profile::strings::{StrId, StringTable};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// A string not mapped yet.
pub(super) const NO_STRING: StrId = StrId(u32::MAX);

/// What the entities of the profile being added became in the merged one.
struct SourceMaps<'a> {
    strings: Vec<StrId>,
    /// Merged mapping and the address offset onto it.
    mappings: Vec<(u32, i64)>,
    functions: Vec<u32>,
    locations: Vec<u32>,
    /// See [`Survey::function_hashes`].
    function_hashes: &'a [u64],
}

pub(super) struct Merger {
    /// The merged profile, its samples aside.
    pub(super) out: Profile,
    mapping_keys: FxHashMap<(u64, u64, StrId), u32>,
    function_keys: FxHashMap<(i64, StrId, StrId, StrId), u32>,
    locations: Dedup,
    /// `pprof::base` and `true` in the merged strings, once needed.
    base_label: Option<(StrId, StrId)>,
}

impl Merger {
    /// pprof's `combineHeaders` (the compatibility checks done already).
    pub(super) fn new(profiles: &[&Profile]) -> Merger {
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
        let drop_frames = intern(first, first.drop_frames);
        let keep_frames = intern(first, first.keep_frames);
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
            drop_frames,
            keep_frames,
            // pprof's merge is the merge on load: nothing left to merge.
            merged_on_load: true,
            signs_apart: false,
        };
        let locations = profiles.iter().map(|p| p.locations.len()).max();
        Merger {
            out,
            mapping_keys: FxHashMap::default(),
            function_keys: FxHashMap::default(),
            locations: Dedup::with_capacity(locations.unwrap_or(0)),
            base_label: None,
        }
    }

    /// Maps the locations of `src` (in the order of first use: see
    /// [`Survey`]) and the strings of its labels to the merged profile's.
    pub(super) fn plan(&mut self, src: &Profile, treatment: Treatment, survey: &Survey) -> Plan {
        let mut maps = SourceMaps {
            strings: vec![NO_STRING; src.strings.len()],
            mappings: vec![(NONE, 0); src.mappings.len()],
            functions: vec![NONE; src.functions.len()],
            locations: vec![NONE; src.locations.len()],
            function_hashes: &survey.function_hashes,
        };
        // The first mapping stands for the main binary: keep it first.
        if self.out.mappings.is_empty() && !src.mappings.is_empty() {
            self.mapping(src, &mut maps, 0);
        }
        self.find_known(src, &mut maps);
        for &loc in &survey.first_use {
            self.location(src, &mut maps, loc);
        }
        for i in 0..src.samples.len() {
            for l in src.samples.labels(i) {
                for id in [l.key, l.str, l.num_unit] {
                    self.string(src, &mut maps, id);
                }
            }
        }
        let (negate, mark) = match treatment {
            Treatment::AsIs => (false, None),
            Treatment::Base { marked } => (true, marked.then(|| self.base_label())),
        };
        Plan {
            locations: maps.locations,
            strings: maps.strings,
            negate,
            mark,
        }
    }

    fn base_label(&mut self) -> (StrId, StrId) {
        *self.base_label.get_or_insert_with(|| {
            let strings = &mut self.out.strings;
            (
                strings.intern(BASE_LABEL.as_bytes()),
                strings.intern(b"true"),
            )
        })
    }

    fn string(&mut self, src: &Profile, maps: &mut SourceMaps, id: StrId) -> StrId {
        let slot = &mut maps.strings[id.0 as usize];
        if *slot == NO_STRING {
            *slot = self.out.strings.intern(src.strings.get(id));
        }
        *slot
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

    /// The merged locations equal to those of `src` that are merged
    /// already (most, when profiles of one program are merged), found in
    /// the order of the profile's tables, which reads them in order: the
    /// order of first use, which numbers new entities, would read them all
    /// over. Locations of mappings not merged yet are left to
    /// [`Merger::location`], which adds what is new in that order.
    fn find_known(&mut self, src: &Profile, maps: &mut SourceMaps) {
        for (loc, sl) in src.locations.iter().enumerate() {
            let (mapping, offset) = match sl.mapping {
                Some(m) => match self.known_mapping(src, maps, m) {
                    Some((k, offset)) => (Some(k), offset),
                    None => continue,
                },
                None => (None, 0),
            };
            let address = (sl.address as i64).wrapping_add(offset) as u64;
            if let Some(k) = self.find_location(src, maps, loc as u32, mapping, address) {
                maps.locations[loc] = k;
            }
        }
    }

    /// What [`Merger::mapping`] gives mapping `m` of `src` when the merged
    /// profile has its identity already; `None` when it would be added.
    fn known_mapping(&self, src: &Profile, maps: &mut SourceMaps, m: u32) -> Option<(u32, i64)> {
        if maps.mappings[m as usize].0 != NONE {
            return Some(maps.mappings[m as usize]);
        }
        let sm = &src.mappings[m as usize];
        let strings = &self.out.strings;
        let file = strings.find(src.strings.get(sm.file))?;
        let build_id = strings.find(src.strings.get(sm.build_id))?;
        let size = sm.limit.wrapping_sub(sm.start).wrapping_add(0xfff);
        let identity = if build_id.is_empty() { file } else { build_id };
        let key = (size - size % 0x1000, sm.offset, identity);
        let k = *self.mapping_keys.get(&key)?;
        let survivor = self.out.mappings[k as usize].start;
        let mapped = (k, (survivor as i64).wrapping_sub(sm.start as i64));
        maps.mappings[m as usize] = mapped;
        Some(mapped)
    }

    /// The merged location equal to location `loc` of `src`, whose mapping
    /// and address (rebased) are merged ones. Locations are found by a hash
    /// of their content (the address relative to the mapping, and each
    /// line's number and function name), so that an equal one is
    /// recognized, and its functions with it, by comparing text, without
    /// interning the names.
    fn find_location(
        &self,
        src: &Profile,
        maps: &mut SourceMaps,
        loc: u32,
        mapping: Option<u32>,
        address: u64,
    ) -> Option<u32> {
        let sl = &src.locations[loc as usize];
        let relative = key_address(mapping, address, &self.out);
        let src_lines = src.location_lines(loc);
        let out = &self.out;
        self.locations
            .find(location_hash(sl, mapping, relative, src_lines, maps), |c| {
                let candidate = &out.locations[c as usize];
                let lines = out.location_lines(c);
                candidate.mapping == mapping
                    && candidate.is_folded == sl.is_folded
                    && key_address(candidate.mapping, candidate.address, out) == relative
                    && lines.len() == src_lines.len()
                    && lines.iter().zip(src_lines).all(|(m, l)| {
                        m.line == l.line && same_function(out, m.function, src, l.function, maps)
                    })
            })
    }

    /// The merged location equal to location `loc` of `src`, added if
    /// there is none (with its mapping and functions, found the same way).
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
        let k = match self.find_location(src, maps, loc, mapping, address) {
            Some(c) => c,
            None => {
                let relative = key_address(mapping, address, &self.out);
                let src_lines = src.location_lines(loc);
                let hash = location_hash(sl, mapping, relative, src_lines, maps);
                let first_line = self.out.lines.len();
                for line in src_lines {
                    let function = self.function(src, maps, line.function);
                    self.out.lines.push(Line { function, ..*line });
                }
                let k = self.out.locations.len() as u32;
                let range = first_line as u32..self.out.lines.len() as u32;
                self.out.locations.push(Location {
                    id: u64::from(k) + 1,
                    mapping,
                    address,
                    lines: range,
                    is_folded: sl.is_folded,
                });
                self.locations.insert(hash);
                k
            }
        };
        maps.locations[loc as usize] = k;
        k
    }
}

/// A location's address as its identity has it: relative to its mapping.
fn key_address(mapping: Option<u32>, address: u64, out: &Profile) -> u64 {
    match mapping {
        Some(m) => address.wrapping_sub(out.mappings[m as usize].start),
        None => address,
    }
}

/// The hash a location is found by (see [`Merger::find_location`]).
fn location_hash(
    sl: &Location,
    mapping: Option<u32>,
    relative: u64,
    lines: &[Line],
    maps: &SourceMaps,
) -> u64 {
    let mut h = FxHasher::default();
    h.write_u64(relative);
    h.write_u32(mapping.map_or(0, |m| m + 1));
    h.write_u8(u8::from(sl.is_folded));
    for l in lines {
        h.write_i64(l.line);
        h.write_u64(maps.function_hashes[l.function as usize]);
    }
    h.finish()
}

/// Whether merged function `merged` is function `f` of `src`: pprof's
/// function key (name, system name, file, start line) compared as text. A
/// match is remembered, as functions with one key are one merged function,
/// and so is each string found equal (a file is the file of many
/// functions, a system name most often the name).
fn same_function(out: &Profile, merged: u32, src: &Profile, f: u32, maps: &mut SourceMaps) -> bool {
    match maps.functions[f as usize] {
        NONE => {}
        known => return known == merged,
    }
    let (m, s) = (&out.functions[merged as usize], &src.functions[f as usize]);
    let mut same_text = |mine: StrId, theirs: StrId| match maps.strings[theirs.0 as usize] {
        NO_STRING => {
            let same = out.strings.get(mine) == src.strings.get(theirs);
            if same {
                maps.strings[theirs.0 as usize] = mine;
            }
            same
        }
        known => known == mine,
    };
    let same = m.start_line == s.start_line
        && same_text(m.name, s.name)
        && same_text(m.system_name, s.system_name)
        && same_text(m.filename, s.filename);
    if same {
        maps.functions[f as usize] = merged;
    }
    same
}
