//! Every sample's stack as one flat array of node ids, for aggregating
//! again and again under changing filters (the explorer).
//!
//! [`Graph`] walks each stack location by location, looking up each
//! location's nodes and de-duplicating recursion with a per-node stamp: three
//! dependent memory accesses per frame. Here the stacks are resolved to node
//! ids once per granularity, with two facts per frame precomputed: whether it
//! is the first frame of its node in the stack (so cum needs no stamp) and
//! whether an outer line of the same location follows (an inlined call).
//! Aggregating under new filters is then one streaming pass, split over
//! threads, several times faster than rebuilding the [`Frames`]; and most
//! filters need less than a pass ([`Stacks::aggregate_from`]). Callers and
//! callees are found for one node at a time in the samples through it
//! (an index of samples by node), so no edge table is needed.
//!
//! The filters that this fast path can apply exactly are those whose effect
//! is per sample (focus, ignore, tag filters) or per node (hide, show and
//! the source filter, when they hide all or none of a node's frames).
//! [`Stacks::select`] says when it cannot: then the general path is needed.
//!
//! By job:
//! - `build`: [`Stacks::new`]: the stacks resolved to node ids, the samples
//!   in leaf order, the indexes of samples by node and by location;
//! - `select`: [`Stacks::select`]: what a set of filters keeps
//!   ([`Selection`]);
//! - `sums`: flat and cum on both threads ([`Stacks::aggregate`],
//!   [`Stacks::totals`], [`Stacks::aggregate_from`]);
//! - `calls`: callers and callees of the nodes shown ([`Stacks::neighbors`],
//!   [`Stacks::callers`]).
//!
//! This module keeps what they share: the layout of the stacks, reading a
//! sample, and the threads' blocks of samples.

mod build;
mod calls;
mod select;
mod sums;

pub use select::Selection;
pub use sums::Totals;

use super::frames::Frames;
use super::graph::Measure;
use super::parallel::{THREADS, in_parallel};
use build::Index;
use select::NodeFunctions;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

/// Set on the first frame (from the leaf) of its node in a stack.
const FIRST: u32 = 1 << 31;
/// Set on a line that is inlined into the next frame: the next frame is an
/// outer line of the same location.
const INLINED: u32 = 1 << 30;
const NODE: u32 = INLINED - 1;
/// Rows past the last node that hidden nodes add to (see
/// [`Stacks::sum_rows`]).
const SINKS: usize = 16;

/// How many samples ahead stacks are fetched when only some are read.
const AHEAD: usize = 32;

/// The stacks of a profile as node ids of one granularity.
///
/// The samples are kept in the order of their leaf node, not the
/// profile's: sample `s` here is the profile's sample `order[s]`. The
/// samples of the functions at the top of a table (by flat) are then next
/// to each other, as are those whose flat a hidden leaf hands on, so
/// finding a function's callers or applying a source filter reads memory
/// in runs instead of a line here and there: on the benchmark profile, a
/// source filter with its table and calls takes 15% less time, the calls
/// of a function a third less. The sample values are copied in that order
/// for the same reason.
pub struct Stacks {
    /// The unfiltered nodes (with inlined frames) that the stacks refer to.
    pub frames: Arc<Frames>,
    /// The profile's index of each sample.
    order: Vec<u32>,
    /// The samples whose leaf is node `l` are from `leaf_starts[l]` to
    /// `leaf_starts[l + 1]`; those with an empty stack come last, as the
    /// leaf numbered the node count.
    leaf_starts: Vec<u32>,
    /// `entries[starts[s]..starts[s + 1]]` is sample `s`'s stack, leaf
    /// first, one entry per node (inlined lines are nodes of their own).
    starts: Vec<u32>,
    entries: Vec<u32>,
    /// `values[s * value_count..][..value_count]`: sample `s`'s values.
    values: Vec<i64>,
    value_count: usize,
    /// Whether some frame of the node is an inlined line.
    ever_inlined: Vec<bool>,
    /// The samples through each location, built the first time focus or
    /// ignore is applied.
    samples_by_location: OnceLock<Index>,
    /// The functions of each node's lines, built the first time hide,
    /// show or the source filter is applied.
    node_functions: OnceLock<NodeFunctions>,
    /// The samples through each node: a function's callers and callees
    /// are found in those alone.
    samples_by_node: Index,
    /// Tables of every node's sums that passes add into, kept from one
    /// pass to the next: a new one costs a page fault per 4 kB when first
    /// written (a table of the benchmark profile's nodes took 2-3 ms to
    /// fault in, as long as the pass that fills it).
    spare_tables: Mutex<Vec<Vec<i64>>>,
}

/// Samples per block of [`Stacks::on_threads`].
const BLOCK: usize = 4096;

/// Every [`THREADS`]-th block of [`BLOCK`] samples, from a thread's first.
struct Blocks {
    next: usize,
    end: usize,
}

impl Blocks {
    /// The blocks of thread `thread` among `samples` samples.
    fn of_thread(thread: usize, samples: usize) -> Blocks {
        Blocks {
            next: thread * BLOCK,
            end: samples,
        }
    }
}

impl Iterator for Blocks {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        (self.next < self.end).then(|| {
            let block = self.next..(self.next + BLOCK).min(self.end);
            self.next += THREADS * BLOCK;
            block
        })
    }
}

impl Stacks {
    fn stack(&self, s: usize) -> &[u32] {
        &self.entries[self.starts[s] as usize..self.starts[s + 1] as usize]
    }

    /// The leaf node of sample `s`, the node count for an empty stack.
    fn leaf(&self, s: usize) -> usize {
        match self.stack(s).first() {
            Some(&leaf) => (leaf & NODE) as usize,
            None => self.frames.nodes.len(),
        }
    }

    fn values(&self, s: usize) -> &[i64] {
        &self.values[s * self.value_count..(s + 1) * self.value_count]
    }

    /// The row sample `s` adds for `measures` (see [`weigh`]).
    #[inline]
    fn weigh(&self, s: usize, measures: &[Measure], w: &mut [i64]) -> bool {
        weigh(self.values(s), measures, w)
    }

    /// Asks the CPU to start loading the stack and the values of sample
    /// `s` into cache.
    #[inline]
    fn prefetch(&self, s: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let fetch = |p: *const i8| {
                // SAFETY: SSE is part of every x86_64 CPU, and a prefetch
                // only hints at a load: it never faults or reads into Rust
                // values (the pointers are in bounds anyway).
                unsafe { _mm_prefetch::<_MM_HINT_T0>(p) }
            };
            // A cache line holds 16 entries.
            for line in self.stack(s).chunks(16) {
                fetch(line.as_ptr().cast());
            }
            fetch(self.values(s).as_ptr().cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = s;
    }

    /// Runs `work` on [`THREADS`] threads at once, each over every
    /// [`THREADS`]-th block of samples: the samples are in leaf order, so
    /// those a pass has most work for (a hidden leaf, say) are bunched
    /// together, and halves would leave one thread with most of them.
    fn on_threads<T: Send>(&self, work: impl Fn(Blocks) -> T + Sync) -> Vec<T> {
        let samples = self.order.len();
        let threads = (0..THREADS).map(|t| t..t + 1).collect();
        in_parallel(threads, |t| work(Blocks::of_thread(t.start, samples)))
    }
}

/// The row a sample of `values` adds for `measures`: the values, then
/// (when `w` has room for them) the divisors of means; false when it adds
/// nothing.
#[inline]
fn weigh(values: &[i64], measures: &[Measure], w: &mut [i64]) -> bool {
    let m = measures.len();
    let mut any = false;
    for (column, measure) in measures.iter().enumerate() {
        w[column] = values[measure.index];
        any |= w[column] != 0;
        if w.len() > m {
            w[m + column] = if measure.mean { values[0] } else { 0 };
            any |= w[m + column] != 0;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The threads' blocks cover every sample once, whatever the count.
    #[test]
    fn blocks_cover_every_sample_once() {
        for samples in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 7] {
            let mut seen = vec![0u32; samples];
            for t in 0..THREADS {
                for s in Blocks::of_thread(t, samples).flatten() {
                    seen[s] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{samples} samples");
        }
    }
}
