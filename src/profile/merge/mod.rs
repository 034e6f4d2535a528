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

mod append;
mod dedup;
mod merger;
mod samples;

use super::error::ProfileError;
use super::model::{Profile, ValueType};
use super::scale::scale_profiles;
use super::strings::StrId;
use merger::Merger;
use samples::Plan;

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
        compatible(first, p, (0, j))?;
    }
    let treated: Vec<(&Profile, Treatment)> =
        profiles.iter().map(|&p| (p, Treatment::AsIs)).collect();
    merge_treated(&treated)
}

/// How a profile goes into a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Treatment {
    /// As it is.
    AsIs,
    /// Negated (pprof's `Scale(-1)` of a base), and with the label
    /// `pprof::base=true` (pprof's `SetLabel`) when `marked`: what a base
    /// becomes, applied while merging rather than in passes of their own.
    Base { marked: bool },
}

/// [`merge`], each profile treated as it says; the compatibility checks
/// are done. The walks over every sample run on all cores (`samples.rs`);
/// the entities are mapped in between, in pprof's order.
fn merge_treated(profiles: &[(&Profile, Treatment)]) -> Result<Profile, MergeError> {
    let plain: Vec<&Profile> = profiles.iter().map(|(p, _)| *p).collect();
    let too_big = |e: ProfileError| MergeError::new(format!("merging: {e}"), 0, 0);
    let mut merger = Merger::new(&plain);
    let surveys = samples::each_in_parallel(&plain, |p| samples::survey(p));
    let plans: Vec<(&Profile, Plan)> = profiles
        .iter()
        .zip(&surveys)
        .map(|(&(p, treatment), survey)| (p, merger.plan(p, treatment, survey)))
        .collect();
    drop(surveys);
    let rooms: Vec<_> = plans
        .iter()
        .map(|(p, plan)| samples::room(p, plan))
        .collect();
    let all_room = rooms
        .iter()
        .fold((0, 0, 0), |a, r| (a.0 + r.0, a.1 + r.1, a.2 + r.2));
    let jobs: Vec<_> = plans
        .iter()
        .zip(rooms)
        .enumerate()
        .map(|(i, ((p, plan), room))| (*p, plan, if i == 0 { all_room } else { room }))
        .collect();
    let copies = samples::each_in_parallel(&jobs, |&(p, plan, room)| samples::copy(p, plan, room));
    drop(jobs);
    drop(plans);
    let mut copies = copies.into_iter();
    let (mut all, mut hashes) = copies
        .next()
        .expect("one profile at least")
        .map_err(too_big)?;
    for copy in copies {
        let (more, more_hashes) = copy.map_err(too_big)?;
        all.append(&more).map_err(too_big)?;
        hashes.extend(more_hashes);
    }
    let mut merged = merger.out;
    merged.samples = dedup::sum_duplicates(all, &hashes);
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
/// as Go pointers there; here as the types); `a` and `b` are profiles
/// `ids.0` and `ids.1` of those given.
pub(super) fn compatible(a: &Profile, b: &Profile, ids: (usize, usize)) -> Result<(), MergeError> {
    let incompatible = |message: String| MergeError::new(message, ids.0, ids.1);
    if value_type_text(a, a.period_type) != value_type_text(b, b.period_type) {
        return Err(incompatible(format!(
            "incompatible period types &{} and &{}",
            go_value_type(a, a.period_type),
            go_value_type(b, b.period_type)
        )));
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
        return Err(incompatible(format!(
            "incompatible sample types {} and {}",
            list(a),
            list(b)
        )));
    }
    Ok(())
}

const NONE: u32 = u32::MAX;

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
///
/// A diff base is appended rather than merged when merging would change no
/// number (both profiles of one sign: see `append.rs`); the result is then
/// merged only by the reports that print it sample by sample
/// ([`Profile::merged`]).
pub fn subtract_base(
    mut profile: Profile,
    base: Profile,
    kind: BaseKind,
    normalize: bool,
) -> Result<Profile, MergeError> {
    // pprof marks the base, normalizes, negates the base, then combines
    // (units made one, then merged): the marking and negating are done by
    // the merge itself, which gives the same samples in one pass less.
    if normalize {
        // pprof scales the profile as it holds it after loading, identical
        // samples summed: each is rounded once (loading may leave the
        // merge out, see `Profile::merged`).
        if !profile.merged_on_load {
            profile = profile.merged().into_owned();
        }
        profile.normalize(&base)?;
    }
    let mut both = vec![profile, base];
    scale_profiles(&mut both)?;
    compatible(&both[0], &both[1], (0, 1))?;
    let marked = kind == BaseKind::Diff;
    if marked && append::applies(&both[0], &both[1]) {
        let base = both.pop().expect("two profiles");
        let profile = both.pop().expect("two profiles");
        return append::append_base(profile, &base);
    }
    merge_treated(&[
        (&both[0], Treatment::AsIs),
        (&both[1], Treatment::Base { marked }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::pb;

    /// A one-function profile: `types` are (name, unit); one sample per
    /// entry of `samples` (values), all on the same stack.
    fn profile(
        types: &[(&str, &str)],
        samples: &[&[i64]],
        header: impl Fn(&mut pb::Profile),
    ) -> Profile {
        let mut strings = vec![String::new(), "main".into()];
        let mut s = |t: &str| {
            strings.push(t.to_string());
            strings.len() as i64 - 1
        };
        let sample_type = types
            .iter()
            .map(|(t, u)| pb::ValueType {
                r#type: s(t),
                unit: s(u),
            })
            .collect();
        let mut p = pb::Profile {
            sample_type,
            sample: samples
                .iter()
                .map(|v| pb::Sample {
                    location_id: vec![1],
                    value: v.to_vec(),
                    label: vec![],
                })
                .collect(),
            location: vec![pb::Location {
                id: 1,
                line: vec![pb::Line {
                    function_id: 1,
                    line: 3,
                    column: 0,
                }],
                ..Default::default()
            }],
            function: vec![pb::Function {
                id: 1,
                name: 1,
                ..Default::default()
            }],
            ..Default::default()
        };
        header(&mut p);
        p.string_table = strings.into_iter().map(String::into_bytes).collect();
        Profile::from_wire(p).expect("a valid profile")
    }

    #[test]
    fn headers_combine_as_pprofs() {
        let with = |time, duration, period| {
            move |p: &mut pb::Profile| {
                (p.time_nanos, p.duration_nanos, p.period) = (time, duration, period);
            }
        };
        let a = profile(&[("samples", "count")], &[&[1]], with(300, 10, 5));
        let b = profile(&[("samples", "count")], &[&[2]], with(100, 20, 7));
        let zero = profile(&[("samples", "count")], &[&[4]], with(0, 30, 0));
        let m = merge(&[&a, &b]).expect("merge");
        assert_eq!((m.time_nanos, m.duration_nanos, m.period), (100, 30, 7));
        assert_eq!(m.samples.len(), 1);
        assert_eq!(m.samples.values(0), &[3]);
        // A zero time after others resets it, and the next one counts again.
        let m = merge(&[&a, &zero]).expect("merge");
        assert_eq!(m.time_nanos, 0);
        let m = merge(&[&a, &zero, &b]).expect("merge");
        assert_eq!((m.time_nanos, m.duration_nanos), (100, 60));
    }

    #[test]
    fn samples_that_cancel_are_dropped() {
        let a = profile(&[("samples", "count")], &[&[5]], |_| {});
        let b = profile(&[("samples", "count")], &[&[-5]], |_| {});
        let m = merge(&[&a, &b]).expect("merge");
        assert_eq!(m.samples.len(), 0);
        assert!(m.locations.is_empty() && m.functions.is_empty());
    }

    #[test]
    fn units_become_the_finest() {
        let ms = profile(&[("cpu", "milliseconds")], &[&[3]], |_| {});
        let ns = profile(&[("cpu", "nanoseconds")], &[&[1]], |_| {});
        let m = combine(vec![ms, ns]).expect("combine");
        assert_eq!(m.sample_type_unit(0), "nanoseconds");
        assert_eq!(m.samples.values(0), &[3_000_001]);
    }

    #[test]
    fn a_diff_base_is_marked_and_negated() {
        let p = profile(&[("samples", "count")], &[&[5]], |_| {});
        let base = profile(&[("samples", "count")], &[&[2]], |_| {});
        let m = subtract_base(p, base, BaseKind::Diff, false).expect("diff");
        assert_eq!(m.samples.len(), 2);
        assert_eq!(m.samples.values(1), &[-2]);
        let label = m.samples.labels(1)[0];
        assert_eq!(m.strings.get(label.key), BASE_LABEL.as_bytes());
        assert_eq!(m.strings.get(label.str), b"true");
        assert!(m.samples.labels(0).is_empty());
    }

    #[test]
    fn a_base_cancels() {
        let p = profile(&[("samples", "count")], &[&[5]], |_| {});
        let base = profile(&[("samples", "count")], &[&[2]], |_| {});
        let m = subtract_base(p, base, BaseKind::Subtract, false).expect("base");
        assert_eq!(m.samples.len(), 1);
        assert_eq!(m.samples.values(0), &[3]);
    }

    #[test]
    fn normalize_scales_to_the_base() {
        let p = profile(&[("samples", "count")], &[&[10], &[30]], |_| {});
        let base = profile(&[("samples", "count")], &[&[8]], |_| {});
        let mut q = p.clone();
        q.normalize(&base).expect("normalize");
        let values: Vec<i64> = (0..q.samples.len())
            .map(|i| q.samples.values(i)[0])
            .collect();
        assert_eq!(values, [2, 6]);
    }

    #[test]
    fn incompatible_profiles_say_which() {
        let count = profile(&[("samples", "count")], &[&[1]], |_| {});
        let bytes = profile(&[("space", "bytes")], &[&[1]], |_| {});
        let two = profile(
            &[("samples", "count"), ("cpu", "nanoseconds")],
            &[&[1, 1]],
            |_| {},
        );
        let e = combine(vec![count.clone(), count.clone(), bytes]).expect_err("types differ");
        assert_eq!(
            e.message,
            "sample types: incompatible types: {samples count 0 0} {space bytes 0 0}"
        );
        assert_eq!((e.first, e.second), (0, 2));
        let e = combine(vec![count, two]).expect_err("counts differ");
        assert_eq!(e.message, "inconsistent samples type count: 1 != 2");
        assert_eq!((e.first, e.second), (0, 1));
    }
}
