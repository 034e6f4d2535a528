//! The samples of the merge, copied from each profile on a thread of its
//! own.
//!
//! Walking every frame of every sample is most of a merge's work (a large
//! profile has ten million frames). Two walks per profile need no shared
//! state, so profiles are walked at once, one per core:
//! - [`survey`]: which locations the samples use, in the order they
//!   first do, so that the entities can then be mapped in pprof's order
//!   without a walk (`merger.rs`), and a hash of every function's name;
//! - [`copy`]: each sample with its stack in merged location ids, its
//!   labels in merged strings and as pprof compares them, its values
//!   (negated for a base), and a hash of stack and labels for
//!   [`super::dedup::sum_duplicates`].

use super::NONE;
use super::merger::NO_STRING;
use crate::profile::error::ProfileError;
use crate::profile::model::{Label, Profile, Samples};
use crate::profile::strings::StrId;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// What one profile's ids became in the merged profile, and how its samples
/// are treated.
pub(super) struct Plan {
    /// Location index in the profile -> in the merged profile (every one a
    /// sample with a non-zero value uses is mapped).
    pub(super) locations: Vec<u32>,
    /// String id in the profile -> in the merged profile (every one a label
    /// uses is mapped).
    pub(super) strings: Vec<StrId>,
    /// A base: values negated.
    pub(super) negate: bool,
    /// A diff base: the label `pprof::base=true` (merged ids) on every
    /// sample.
    pub(super) mark: Option<(StrId, StrId)>,
}

/// What is known of a profile before its entities are mapped.
pub(super) struct Survey {
    /// The locations its samples use (those with a non-zero value, as
    /// pprof merges only those), in the order of first use.
    pub(super) first_use: Vec<u32>,
    /// A hash of each function's name, for finding equal locations.
    pub(super) function_hashes: Vec<u64>,
}

/// Surveys `p`: see [`Survey`].
pub(super) fn survey(p: &Profile) -> Survey {
    Survey {
        first_use: first_use(p),
        function_hashes: p
            .functions
            .iter()
            .map(|f| {
                let mut h = FxHasher::default();
                h.write(p.strings.get(f.name));
                h.finish()
            })
            .collect(),
    }
}

/// See [`Survey::first_use`].
fn first_use(p: &Profile) -> Vec<u32> {
    // A bit per location: small enough to stay in the cache however the
    // stacks jump around.
    let mut seen = vec![0u64; p.locations.len().div_ceil(64)];
    let mut order = Vec::with_capacity(p.locations.len());
    for i in 0..p.samples.len() {
        if p.samples.values(i).iter().all(|&v| v == 0) {
            continue;
        }
        for &loc in p.samples.stack(i) {
            let (word, bit) = (loc as usize / 64, 1u64 << (loc % 64));
            if seen[word] & bit == 0 {
                seen[word] |= bit;
                order.push(loc);
            }
        }
    }
    order
}

/// The samples of `src` as the merged profile holds them, with the hash of
/// each one's stack and labels.
/// `room` (samples, frames, labels) is what to reserve: the first profile's
/// copy gets room for all the others', appended to it.
pub(super) fn copy(
    src: &Profile,
    plan: &Plan,
    room: (usize, usize, usize),
) -> Result<(Samples, Vec<u64>), ProfileError> {
    let n = src.samples.len();
    let mut out = Samples::new(src.sample_types.len());
    out.reserve(room.0, room.1, room.2);
    let mut hashes = Vec::with_capacity(room.0);
    let (mut stack, mut labels, mut negated) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let mut values = src.samples.values(i);
        if values.iter().all(|&v| v == 0) {
            continue;
        }
        if plan.negate {
            // Go's int64(float64(v) * -1) is v negated, the smallest value
            // included (it stays what it is).
            negated.clear();
            negated.extend(values.iter().map(|v| v.wrapping_neg()));
            values = &negated;
        }
        stack.clear();
        stack.extend(
            src.samples
                .stack(i)
                .iter()
                .map(|&loc| plan.locations[loc as usize]),
        );
        debug_assert!(!stack.contains(&NONE), "a location left unmapped");
        canonical_labels(src.samples.labels(i), plan, &mut labels);
        hashes.push(sample_hash(&stack, &labels));
        out.push(&stack, values, &labels)?;
    }
    Ok((out, hashes))
}

/// The labels as pprof compares them: string labels before numeric ones,
/// grouped by key, values in their order; labels with neither a value nor
/// a unit are no labels to pprof. A diff base's mark replaces the string
/// values of its key (pprof's `SetLabel`).
fn canonical_labels(labels: &[Label], plan: &Plan, out: &mut Vec<Label>) {
    out.clear();
    let string = |id: StrId| {
        let mapped = plan.strings[id.0 as usize];
        debug_assert_ne!(mapped, NO_STRING, "a label string left unmapped");
        mapped
    };
    for l in labels {
        if l.str.is_empty() && l.num == 0 && l.num_unit.is_empty() {
            continue;
        }
        let label = Label {
            key: string(l.key),
            str: string(l.str),
            num_unit: string(l.num_unit),
            ..*l
        };
        if plan
            .mark
            .is_some_and(|(key, _)| key == label.key && !label.str.is_empty())
        {
            continue;
        }
        out.push(label);
    }
    if let Some((key, value)) = plan.mark {
        out.push(Label {
            key,
            str: value,
            num: 0,
            num_unit: StrId::EMPTY,
        });
    }
    if out.len() > 1 {
        out.sort_by_key(|l| (l.str.is_empty(), l.key));
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

/// `work` on every item, the items split into one run per core (a large
/// profile, or a share of many small ones, each); results in item order.
pub(super) fn each_in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    let per = items.len().div_ceil(threads);
    let mut runs = items.chunks(per);
    let first = runs.next().expect("at least two items");
    std::thread::scope(|scope| {
        let others: Vec<_> = runs
            .map(|run| scope.spawn(move || run.iter().map(work).collect::<Vec<R>>()))
            .collect();
        let mut results: Vec<R> = first.iter().map(work).collect();
        for handle in others {
            match handle.join() {
                Ok(part) => results.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

/// What a copy of the samples of `p` may take: samples, frames, labels (a
/// diff base's mark included).
pub(super) fn room(p: &Profile, plan: &Plan) -> (usize, usize, usize) {
    let n = p.samples.len();
    let (frames, labels) = p.samples.sizes();
    let marks = if plan.mark.is_some() { n } else { 0 };
    (n, frames, labels + marks)
}
