//! `-diff_base` without the merge, when the merge would change no number:
//! the base's entities and samples appended to the profile's, the base's
//! samples negated and marked.
//!
//! pprof merges a profile with its marked, negated base (`profile.Merge`):
//! equal entities become one, samples with the same stack and labels are
//! summed. When both profiles' values are of one sign and no sample of the
//! profile carries the base's mark, no sample of one is summed with a
//! sample of the other, and the samples summed within each are of one sign:
//! every flat, cum, edge weight and total (sums of |value|) is what the
//! merged profile gives, since graph nodes are told apart by their text,
//! not by entity. So the merge, most of the time of `--diff-base` on large
//! profiles, is left out: the result says so ([`Profile::signs_apart`]),
//! and the reports that print entities or samples one by one still merge
//! it ([`Profile::merged`]), as they do a profile loaded alone.

use super::{BASE_LABEL, MergeError};
use crate::profile::error::ProfileError;
use crate::profile::model::{Function, Label, Line, Location, Mapping, Profile};
use crate::profile::strings::StrId;
use rustc_hash::FxHashMap;

/// Whether [`append_base`] gives what merging would: no negative value in
/// either profile, and no label of the base's mark in the profile.
pub(super) fn applies(profile: &Profile, base: &Profile) -> bool {
    let non_negative =
        |p: &Profile| (0..p.samples.len()).all(|s| p.samples.values(s).iter().all(|&v| v >= 0));
    let unmarked = match profile.strings.find(BASE_LABEL.as_bytes()) {
        None => true,
        Some(key) => (0..profile.samples.len())
            .all(|s| profile.samples.labels(s).iter().all(|l| l.key != key)),
    };
    unmarked && non_negative(profile) && non_negative(base)
}

/// `profile` with `base` appended: its strings interned in the profile's
/// table, its mappings made one with the profile's of the same identity (as
/// pprof's merge does, addresses rebased), its functions, locations and
/// samples after the profile's, the samples negated and marked with
/// `pprof::base=true`; headers combined as pprof's `combineHeaders`.
pub(super) fn append_base(mut profile: Profile, base: &Profile) -> Result<Profile, MergeError> {
    let too_big = |e: ProfileError| MergeError::new(format!("merging: {e}"), 0, 1);
    let out = &mut profile;
    let strings: Vec<StrId> = (0..base.strings.len() as u32)
        .map(|id| out.strings.intern(base.strings.get(StrId(id))))
        .collect();
    let string = |id: StrId| strings[id.0 as usize];
    combine_headers(out, base, &string);

    // Mappings of the same identity (build id, else file; offset; size in
    // 4 KiB pages) become the profile's first one of it.
    let identity = |m: &Mapping| {
        let size = m.limit.wrapping_sub(m.start).wrapping_add(0xfff);
        let named = if m.build_id.is_empty() {
            m.file
        } else {
            m.build_id
        };
        (size - size % 0x1000, m.offset, named)
    };
    let mut known: FxHashMap<(u64, u64, StrId), u32> = FxHashMap::default();
    for (i, m) in out.mappings.iter().enumerate() {
        known.entry(identity(m)).or_insert(i as u32);
    }
    // Base mapping -> the mapping it became, and the address offset.
    let mut mappings: Vec<(u32, i64)> = Vec::with_capacity(base.mappings.len());
    for m in &base.mappings {
        let m = Mapping {
            file: string(m.file),
            build_id: string(m.build_id),
            ..m.clone()
        };
        let mapped = match known.get(&identity(&m)) {
            Some(&k) => {
                let survivor = out.mappings[k as usize].start;
                (k, (survivor as i64).wrapping_sub(m.start as i64))
            }
            None => {
                let k = out.mappings.len() as u32;
                known.insert(identity(&m), k);
                out.mappings.push(Mapping {
                    id: u64::from(k) + 1,
                    ..m
                });
                (k, 0)
            }
        };
        mappings.push(mapped);
    }

    let first_function = out.functions.len() as u32;
    out.functions
        .extend(base.functions.iter().enumerate().map(|(i, f)| Function {
            id: u64::from(first_function) + i as u64 + 1,
            name: string(f.name),
            system_name: string(f.system_name),
            filename: string(f.filename),
            ..*f
        }));
    let first_line = u32::try_from(out.lines.len())
        .ok()
        .filter(|&n| n.checked_add(base.lines.len() as u32).is_some())
        .ok_or_else(|| too_big(ProfileError::Invalid("more than 4 billion lines".into())))?;
    out.lines.extend(base.lines.iter().map(|l| Line {
        function: l.function + first_function,
        ..*l
    }));
    let first_location = out.locations.len() as u32;
    out.locations
        .extend(base.locations.iter().enumerate().map(|(i, l)| {
            let (mapping, address) = match l.mapping {
                Some(m) => {
                    let (k, offset) = mappings[m as usize];
                    (Some(k), (l.address as i64).wrapping_add(offset) as u64)
                }
                None => (None, l.address),
            };
            Location {
                id: u64::from(first_location) + i as u64 + 1,
                mapping,
                address,
                lines: l.lines.start + first_line..l.lines.end + first_line,
                is_folded: l.is_folded,
            }
        }));

    // The samples, negated and marked: the mark replaces the string values
    // of its key (pprof's `SetLabel`).
    let mark = Label {
        key: out.strings.intern(BASE_LABEL.as_bytes()),
        str: out.strings.intern(b"true"),
        num: 0,
        num_unit: StrId::EMPTY,
    };
    // The base's location l is now `first_location + l`.
    u32::try_from(out.locations.len()).map_err(|_| {
        too_big(ProfileError::Invalid(
            "more than 4 billion locations".into(),
        ))
    })?;
    out.samples
        .append_negated(
            &base.samples,
            first_location,
            |l| {
                let l = Label {
                    key: string(l.key),
                    str: string(l.str),
                    num_unit: string(l.num_unit),
                    ..*l
                };
                // Labels of nothing are no labels to pprof.
                let nothing = l.str.is_empty() && l.num == 0 && l.num_unit.is_empty();
                (!nothing && (l.key != mark.key || l.str.is_empty())).then_some(l)
            },
            mark,
        )
        .map_err(too_big)?;
    profile.merged_on_load = false;
    profile.signs_apart = true;
    Ok(profile)
}

/// pprof's `combineHeaders` of the profile and its base (see
/// `merger.rs`): the earliest time (a zero resets it), the durations
/// summed, the largest period, each distinct comment once, the first
/// default sample type and documentation link.
fn combine_headers(out: &mut Profile, base: &Profile, string: &impl Fn(StrId) -> StrId) {
    let mut time = out.time_nanos;
    if time == 0 || base.time_nanos < time {
        time = base.time_nanos;
    }
    out.time_nanos = time;
    out.duration_nanos = out.duration_nanos.wrapping_add(base.duration_nanos);
    if out.period == 0 || out.period < base.period {
        out.period = base.period;
    }
    let mut comments: Vec<StrId> = Vec::with_capacity(out.comments.len());
    for c in out
        .comments
        .iter()
        .copied()
        .chain(base.comments.iter().map(|&c| string(c)))
    {
        if !comments.contains(&c) {
            comments.push(c);
        }
    }
    out.comments = comments;
    if out.default_sample_type.is_empty() {
        out.default_sample_type = string(base.default_sample_type);
    }
    if out.doc_url.is_empty() {
        out.doc_url = string(base.doc_url);
    }
}
