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

use super::filter::Filters;
use super::frames::{Frames, tags_keep};
use super::graph::{Graph, Measure};
use super::huge_pages;
use super::location_filter::{FocusMark, LocationFilter, StringMatches};
use super::neighbors::{Neighbors, NeighborsBuilder};
use super::node::NodeId;
use super::node_set::NodeSet;
use super::parallel::{THREADS, even_split, in_parallel};
use crate::profile::{LocationIdx, Profile, Samples};
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Set on the first frame (from the leaf) of its node in a stack.
const FIRST: u32 = 1 << 31;
/// Set on a line that is inlined into the next frame: the next frame is an
/// outer line of the same location.
const INLINED: u32 = 1 << 30;
const NODE: u32 = INLINED - 1;
/// Rows past the last node that hidden nodes add to (see
/// [`Stacks::sum_rows`]).
const SINKS: usize = 16;
/// `$body` with `$w` a constant equal to `$width`, for the row widths
/// (measures, or measures and their divisors) that sums are specialised
/// for: rows of a width known at compile time are added without bounds
/// checks or loops, twice as fast as slices on the benchmark profile.
/// Other widths take `$other`.
macro_rules! with_row_width {
    ($width:expr, $w:ident => $body:expr, _ => $other:expr) => {
        match $width {
            1 => {
                const $w: usize = 1;
                $body
            }
            2 => {
                const $w: usize = 2;
                $body
            }
            3 => {
                const $w: usize = 3;
                $body
            }
            4 => {
                const $w: usize = 4;
                $body
            }
            5 => {
                const $w: usize = 5;
                $body
            }
            6 => {
                const $w: usize = 6;
                $body
            }
            8 => {
                const $w: usize = 8;
                $body
            }
            _ => $other,
        }
    };
}

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

/// How many spare tables [`Stacks`] keeps.
const SPARE_TABLES: usize = 4;

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

/// Lists of sample ids, one per key (location or node).
struct Index {
    starts: Vec<u32>,
    samples: Vec<u32>,
}

impl Index {
    fn samples(&self, key: usize) -> &[u32] {
        &self.samples[self.starts[key] as usize..self.starts[key + 1] as usize]
    }

    /// The samples through every location of `profile`, each once, by
    /// their place in `order` (see [`Stacks`]). The profile is read in its
    /// own order, which is four times faster than following `order`.
    fn by_location(profile: &Profile, order: &[u32]) -> Index {
        let locations = profile.locations.len();
        let samples = &profile.samples;
        let place = places(order);
        let mut last_sample = vec![u32::MAX; locations];
        let mut starts = vec![0u32; locations + 1];
        for s in 0..samples.len() {
            for &loc in samples.stack(s) {
                if last_sample[loc as usize] != s as u32 {
                    last_sample[loc as usize] = s as u32;
                    starts[loc as usize + 1] += 1;
                }
            }
        }
        for l in 0..locations {
            starts[l + 1] += starts[l];
        }
        let mut fill = starts.clone();
        let mut by_location = vec![0u32; starts[locations] as usize];
        last_sample.fill(u32::MAX);
        for (s, &placed) in place.iter().enumerate() {
            for &loc in samples.stack(s) {
                if last_sample[loc as usize] != s as u32 {
                    last_sample[loc as usize] = s as u32;
                    by_location[fill[loc as usize] as usize] = placed;
                    fill[loc as usize] += 1;
                }
            }
        }
        Index {
            starts,
            samples: by_location,
        }
    }

    /// The samples of every node in `stacks`: each node's first frame in a
    /// stack is marked, so each sample is listed once per node. Each half
    /// of the samples is counted and placed by its own thread: thread 0's
    /// samples go first in every node's list, so the lists stay in sample
    /// order.
    fn by_node(n: usize, starts: &[u32], entries: &[u32]) -> Index {
        let ranges = split(starts, THREADS);
        let firsts = |range: &Range<usize>| {
            entries[starts[range.start] as usize..starts[range.end] as usize]
                .iter()
                .filter(|&&e| e & FIRST != 0)
                .map(|&e| (e & NODE) as usize)
        };
        let counts = in_parallel(ranges.clone(), |range| {
            let mut counts = vec![0u32; n];
            for node in firsts(&range) {
                counts[node] += 1;
            }
            counts
        });
        // Where each thread's samples of each node start.
        let mut index_starts = vec![0u32; n + 1];
        let mut fills: Vec<Vec<u32>> = counts.iter().map(|_| vec![0u32; n]).collect();
        let mut at = 0u32;
        for node in 0..n {
            index_starts[node] = at;
            for (fill, count) in fills.iter_mut().zip(&counts) {
                fill[node] = at;
                at += count[node];
            }
        }
        index_starts[n] = at;
        // The threads write disjoint slots of one array; relaxed atomic
        // stores are plain stores on the machines ppt runs on.
        let samples: Vec<AtomicU32> = huge_pages::zeroed::<u32>(at as usize)
            .into_iter()
            .map(AtomicU32::new)
            .collect();
        std::thread::scope(|scope| {
            for (range, mut fill) in ranges.into_iter().zip(fills) {
                let samples = &samples;
                scope.spawn(move || {
                    for s in range {
                        let stack = &entries[starts[s] as usize..starts[s + 1] as usize];
                        for &e in stack.iter().filter(|&&e| e & FIRST != 0) {
                            let slot = &mut fill[(e & NODE) as usize];
                            samples[*slot as usize].store(s as u32, Ordering::Relaxed);
                            *slot += 1;
                        }
                    }
                });
            }
        });
        Index {
            starts: index_starts,
            samples: samples.into_iter().map(AtomicU32::into_inner).collect(),
        }
    }
}

/// Which samples and nodes survive a set of filters, for a [`Stacks`].
#[derive(Debug, Clone)]
pub struct Selection {
    /// The nodes removed from every stack (hide, show, source filter).
    hidden: NodeSet,
    any_hidden: bool,
    /// Per node: its own row, or a sink row past the last node when hidden.
    row: Vec<u32>,
    /// Samples (in the stacks' order) kept by focus, ignore and the tag
    /// filters; `None`: all.
    sample_kept: Option<Vec<bool>>,
}

impl Stacks {
    /// Resolves every stack of `profile` to the nodes of `granularity`
    /// (inlined frames included). `None` when the profile is too large
    /// for 32-bit offsets; the general path then serves.
    pub fn new(profile: &Profile, granularity: super::Granularity) -> Option<Stacks> {
        let frames = Frames::new(profile, granularity, &Filters::default());
        let n = frames.nodes.len();
        if n > NODE as usize {
            return None;
        }
        let samples = &profile.samples;
        let (order, leaf_starts, lengths) = leaf_order(samples, &frames);
        let mut starts = Vec::with_capacity(samples.len() + 1);
        starts.push(0u32);
        let mut total = 0u64;
        for &in_profile in &order {
            total += u64::from(lengths[in_profile as usize]);
            if total > u64::from(u32::MAX) {
                return None;
            }
            starts.push(total as u32);
        }
        let place = places(&order);
        let mut entries = huge_pages::zeroed::<u32>(total as usize);
        let value_count = samples.value_count();
        let mut values = huge_pages::zeroed::<i64>(samples.len() * value_count);
        let mut ever_inlined = vec![false; n];
        // Each thread fills the stacks and values of a range of samples.
        // Both read the profile's samples in its order, each taking those
        // of its range: reading them in the new order would fetch each
        // stack from a different place, which takes twice as long.
        let ranges = split(&starts, THREADS);
        std::thread::scope(|scope| {
            let mut rest: &mut [u32] = &mut entries;
            let mut rest_values: &mut [i64] = &mut values;
            let mut handles = Vec::new();
            for range in ranges {
                let len = (starts[range.end] - starts[range.start]) as usize;
                let (part, tail) = rest.split_at_mut(len);
                rest = tail;
                let (part_values, tail) = rest_values.split_at_mut(range.len() * value_count);
                rest_values = tail;
                let (frames, starts, place) = (&frames, &starts, &place);
                handles.push(scope.spawn(move || {
                    let mut stamp = vec![u32::MAX; n];
                    let mut inlined = vec![false; n];
                    let base = starts[range.start] as usize;
                    for (in_profile, &s) in place.iter().enumerate() {
                        let s = s as usize;
                        if !range.contains(&s) {
                            continue;
                        }
                        let row = (s - range.start) * value_count;
                        part_values[row..row + value_count]
                            .copy_from_slice(samples.values(in_profile));
                        let mut at = starts[s] as usize - base;
                        for &loc in samples.stack(in_profile) {
                            let nodes = frames.location(loc);
                            for (i, &node) in nodes.iter().enumerate() {
                                let mut e = node;
                                if i + 1 < nodes.len() {
                                    e |= INLINED;
                                    inlined[node as usize] = true;
                                }
                                if stamp[node as usize] != s as u32 {
                                    stamp[node as usize] = s as u32;
                                    e |= FIRST;
                                }
                                part[at] = e;
                                at += 1;
                            }
                        }
                    }
                    inlined
                }));
            }
            for h in handles {
                let inlined = h.join().expect("stack resolution does not panic");
                for (all, this) in ever_inlined.iter_mut().zip(inlined) {
                    *all |= this;
                }
            }
        });
        let samples_by_node = Index::by_node(n, &starts, &entries);
        Some(Stacks {
            frames: Arc::new(frames),
            order,
            leaf_starts,
            starts,
            entries,
            values,
            value_count,
            ever_inlined,
            samples_by_location: OnceLock::new(),
            node_functions: OnceLock::new(),
            spare_tables: Mutex::default(),
            samples_by_node,
        })
    }

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

    /// A table of `len` zeros, a spare one if there is one big enough.
    fn zeroed_table(&self, len: usize) -> Vec<i64> {
        let mut spares = self
            .spare_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match spares.iter().position(|t| t.capacity() >= len) {
            Some(i) => {
                let mut table = spares.swap_remove(i);
                drop(spares);
                table.clear();
                table.resize(len, 0);
                table
            }
            None => vec![0; len],
        }
    }

    /// Keeps `table` for [`Stacks::zeroed_table`].
    fn spare(&self, table: Vec<i64>) {
        let mut spares = self
            .spare_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if spares.len() < SPARE_TABLES {
            spares.push(table);
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

    /// The row sample `s` adds for `measures`, `None` when all zero;
    /// `as_is` when the measures are the sample values as they are (see
    /// [`Stacks::values_are_rows`]): then the values are the row.
    #[inline]
    fn row<const W: usize>(&self, s: usize, measures: &[Measure], as_is: bool) -> Option<[i64; W]> {
        let values = self.values(s);
        let mut w = [0i64; W];
        match as_is {
            true => w.copy_from_slice(values),
            false => {
                if !weigh(values, measures, &mut w) {
                    return None;
                }
            }
        }
        Some(w)
    }

    /// Whether rows of `width` for `measures` are the sample values as
    /// they are: every sample index in order, none a mean (the explorer's
    /// totals).
    fn values_are_rows(&self, measures: &[Measure], width: usize) -> bool {
        width == self.value_count
            && measures
                .iter()
                .enumerate()
                .all(|(k, m)| m.index == k && !m.mean)
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

    /// What `filters` keep, or `None` when this fast path cannot apply them
    /// exactly: `show_from`, `prune_from` and `-noinlines` change stacks
    /// in ways that are not per node, and so does a hide, show or source
    /// filter that removes some frames of a node but not others (a node of
    /// the `files` granularity spans many functions, say).
    pub fn select(&self, profile: &Profile, filters: &Filters) -> Option<Selection> {
        if filters.show_from.is_some() || filters.prune_from.is_some() {
            return None;
        }
        let n = self.frames.nodes.len();
        let hides = filters.hide.is_some()
            || filters.show.is_some()
            || filters.source_include.is_some()
            || filters.source_exclude.is_some();
        let matches = StringMatches::all(profile, filters);
        // Whether a node stays is judged from the functions of its lines
        // when nothing else matters (no pattern matches a binary): a few
        // table lookups per function, where going through the locations
        // takes most of a source filter's selection.
        let by_function = hides && !matches.binaries_matter(profile, filters);
        let by_location = hides && !by_function;
        // Whether each node stays, when binaries matter: per location,
        // each half of the locations on its own thread.
        let halves = match by_location {
            true => in_parallel(even_split(profile.locations.len(), THREADS), |range| {
                let mut filter = LocationFilter::with_matches(profile, filters, true, &matches);
                let mut state = vec![NodeState::Unseen; n];
                let mut kept = Vec::new();
                for l in range {
                    let (loc, lines) = (
                        &profile.locations[l],
                        profile.location_lines(l as LocationIdx),
                    );
                    let outcome = filter.keep_lines(loc, lines, &mut kept);
                    // A location without lines is one node, kept unless hidden.
                    let keeps = |i: usize| match lines.is_empty() {
                        true => !outcome.hidden,
                        false => kept[i],
                    };
                    for (i, &node) in self.frames.location(l as LocationIdx).iter().enumerate() {
                        state[node as usize] = state[node as usize].and(NodeState::of(keeps(i)))?;
                    }
                }
                Some(state)
            }),
            false => Vec::new(),
        };
        let mut state = vec![NodeState::Unseen; if hides { n } else { 0 }];
        for half in halves {
            for (all, this) in state.iter_mut().zip(half?) {
                *all = all.and(this)?;
            }
        }
        if by_function {
            let of_node = self.node_functions(profile);
            let function_kept = matches.kept_functions(filters, profile.functions.len());
            for &(node, f) in &of_node.pairs {
                let now = NodeState::of(function_kept[f as usize]);
                state[node as usize] = state[node as usize].and(now)?;
            }
            let now = NodeState::of(StringMatches::keeps_lineless(filters));
            for &node in &of_node.lineless {
                state[node as usize] = state[node as usize].and(now)?;
            }
        }
        state.resize(n, NodeState::Unseen);
        let hidden = NodeSet::from_fn(n, |node| state[node] == NodeState::Gone);
        let any_hidden = !hidden.is_empty();
        let row = match any_hidden {
            true => (0..n)
                .map(|node| match hidden.contains(node) {
                    true => (n + node % SINKS) as u32,
                    false => node as u32,
                })
                .collect(),
            false => Vec::new(),
        };
        let sample_kept = filters.selects_samples().then(|| {
            let marks = match filters.focus.is_some() || filters.ignore.is_some() {
                true => matches.focus_marks(profile, filters),
                false => Vec::new(),
            };
            self.select_samples(profile, filters, &marks)
        });
        Some(Selection {
            hidden,
            any_hidden,
            row,
            sample_kept,
        })
    }

    /// Which samples survive focus, ignore and the label filters, from how
    /// focus and ignore see each location (`marks`). Instead of reading
    /// every stack for a focused or ignored location, only the samples
    /// through the locations that matched are visited, from the index of
    /// samples by location.
    fn select_samples(
        &self,
        profile: &Profile,
        filters: &Filters,
        marks: &[FocusMark],
    ) -> Vec<bool> {
        let count = self.order.len();
        let mut kept = match filters.focus.is_some() {
            // Some focused location is needed.
            true => vec![false; count],
            // Any location that is not ignored will do.
            false => (0..count)
                .map(|s| self.starts[s] != self.starts[s + 1])
                .collect(),
        };
        if filters.focus.is_some() || filters.ignore.is_some() {
            let by_location = self
                .samples_by_location
                .get_or_init(|| Index::by_location(profile, &self.order));
            // The samples through locations marked `mark`, each half of
            // the locations on its own thread.
            let through = |mark: FocusMark| -> Vec<bool> {
                let halves = in_parallel(even_split(marks.len(), THREADS), |range| {
                    let mut hit = vec![false; count];
                    for l in range.filter(|&l| marks[l] == mark) {
                        for &s in by_location.samples(l) {
                            hit[s as usize] = true;
                        }
                    }
                    hit
                });
                let mut halves = halves.into_iter();
                let mut all = halves.next().unwrap_or_else(|| vec![false; count]);
                for half in halves {
                    for (a, h) in all.iter_mut().zip(half) {
                        *a |= h;
                    }
                }
                all
            };
            if filters.focus.is_some() {
                kept = through(FocusMark::Focused);
            }
            if filters.ignore.is_some() {
                for (keep, ignored) in kept.iter_mut().zip(through(FocusMark::Ignored)) {
                    *keep = *keep && !ignored;
                }
            }
        }
        if filters.tag_focus.is_some() || filters.tag_ignore.is_some() {
            for (s, keep) in kept.iter_mut().enumerate() {
                *keep = *keep && tags_keep(profile, filters, self.order[s] as usize);
            }
        }
        kept
    }

    /// Flat and cum of every node for every measure over the samples that
    /// `sel` keeps: the same numbers as [`Graph::build_without_edges`] on
    /// the equivalent [`Frames`]. One pass over the kept stacks.
    pub fn aggregate(&self, sel: &Selection, measures: &[Measure]) -> Graph {
        let width = row_width(measures);
        let (flat, cum) = self.rows(sel, measures, width, true);
        Graph::from_sums(measures, self.frames.nodes.len(), flat, cum, width)
    }

    /// The unfiltered sums, for [`Stacks::aggregate_from`].
    pub fn totals(&self, measures: &[Measure]) -> Totals {
        let width = row_width(measures);
        let everything = Selection::everything(self.frames.nodes.len());
        let (flat, cum) = self.rows(&everything, measures, width, true);
        Totals {
            measures: measures.to_vec(),
            width,
            flat,
            cum,
        }
    }

    /// [`Stacks::aggregate`] computed from the unfiltered `totals`, by
    /// whichever is less work: filters usually change little, so taking
    /// the removed samples away from the totals reads far fewer frames
    /// than adding up the kept ones, and hiding a node leaves every other
    /// node's cum as it was (only flat moves, from a hidden leaf to the
    /// first visible frame). Exact, since sums wrap.
    pub fn aggregate_from(&self, sel: &Selection, totals: &Totals) -> Graph {
        let measures = &totals.measures;
        let n = self.frames.nodes.len();
        let width = totals.width;
        let kept_frames = match &sel.sample_kept {
            Some(kept) => (0..kept.len())
                .filter(|&s| kept[s])
                .map(|s| u64::from(self.starts[s + 1] - self.starts[s]))
                .sum(),
            None => self.entries.len() as u64,
        };
        if kept_frames * 2 <= self.entries.len() as u64 {
            return self.aggregate(sel, measures);
        }
        // With room for the sinks of an in-place subtraction.
        let copy = |sums: &[i64]| {
            let mut copy = Vec::with_capacity((n + SINKS) * width);
            copy.extend_from_slice(sums);
            copy
        };
        let (mut flat, mut cum) = (copy(&totals.flat), copy(&totals.cum));
        if sel.any_hidden {
            self.hide_in_totals(sel, measures, &mut flat, &mut cum);
        }
        if sel.sample_kept.is_some() {
            self.subtract_dropped(sel, measures, &mut flat, &mut cum);
        }
        Graph::from_sums(measures, n, flat, cum, width)
    }

    /// Takes `sel`'s hidden nodes out of unfiltered sums: their rows go to
    /// zero, and the flat value of a stack whose leaf is hidden moves to
    /// its first visible frame.
    fn hide_in_totals(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut [i64],
        cum: &mut [i64],
    ) {
        let width = row_width(measures);
        let n = self.frames.nodes.len();
        // The flat moved to each visible node, in a table of the visible
        // nodes alone: a filter that keeps few nodes moves the most, and
        // a small table stays in cache (the benchmark's source filter
        // keeps 8,000 of 60,000 nodes: 256 kB instead of 1.9 MB).
        let hidden = &sel.hidden;
        let moved = self.on_threads(|blocks| {
            let mut delta = self.zeroed_table(hidden.outside_count() * width);
            with_row_width!(
                width,
                W => {
                    let (rows, _) = delta.as_chunks_mut::<W>();
                    let as_is = self.values_are_rows(measures, W);
                    self.for_hidden_leaves(sel, blocks, |s, to| {
                        if let Some(w) = self.row::<W>(s, measures, as_is) {
                            let row = &mut rows[hidden.rank_outside(to)];
                            for k in 0..W {
                                row[k] = row[k].wrapping_add(w[k]);
                            }
                        }
                    });
                },
                _ => {
                    let mut w = vec![0i64; width];
                    self.for_hidden_leaves(sel, blocks, |s, to| {
                        if self.weigh(s, measures, &mut w) {
                            let at = hidden.rank_outside(to) * width;
                            add_into(&mut delta[at..at + width], &w);
                        }
                    });
                }
            );
            delta
        });
        for node in hidden.iter() {
            flat[node * width..(node + 1) * width].fill(0);
            cum[node * width..(node + 1) * width].fill(0);
        }
        for delta in moved {
            let visible = (0..n).filter(|&node| !hidden.contains(node));
            for (node, moved) in visible.zip(delta.chunks_exact(width)) {
                add_into(&mut flat[node * width..(node + 1) * width], moved);
            }
            self.spare(delta);
        }
    }

    /// Calls `to_first_visible(s, node)` for each sample `s` of `blocks`
    /// whose leaf `sel` hides, with the first node of its stack that `sel`
    /// does not hide (if any). The samples of a leaf are next to each
    /// other: those of a visible leaf are skipped without reading them.
    fn for_hidden_leaves(
        &self,
        sel: &Selection,
        blocks: Blocks,
        mut to_first_visible: impl FnMut(usize, usize),
    ) {
        for block in blocks {
            let mut s = block.start;
            while s < block.end {
                let leaf = self.leaf(s);
                let run_end = (self.leaf_starts[leaf + 1] as usize).min(block.end);
                if sel.hidden.contains(leaf) {
                    for s in s..run_end {
                        let callers = &self.stack(s)[1..];
                        let first = callers
                            .iter()
                            .find(|&&e| !sel.hidden.contains((e & NODE) as usize));
                        if let Some(&to) = first {
                            to_first_visible(s, (to & NODE) as usize);
                        }
                    }
                }
                s = run_end;
            }
        }
    }

    /// Flat and cum rows over the samples `sel` keeps (`kept`) or drops
    /// (not `kept`), flattened.
    fn rows(
        &self,
        sel: &Selection,
        measures: &[Measure],
        width: usize,
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        with_row_width!(
            width,
            W => self.sum_rows::<W>(sel, measures, kept),
            _ => self.sum_rows_any_width(sel, measures, width, kept)
        )
    }

    /// Flat and cum rows of width `W`, flattened.
    fn sum_rows<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        let n = self.frames.nodes.len();
        // Room for the sinks.
        let len = (n + SINKS) * W;
        let parts = self.on_threads(|blocks| {
            let (mut flat, mut cum) = (self.zeroed_table(len), self.zeroed_table(len));
            let (flat_rows, _) = flat.as_chunks_mut::<W>();
            let (cum_rows, _) = cum.as_chunks_mut::<W>();
            for block in blocks {
                self.add_samples(sel, measures, kept, false, block, flat_rows, cum_rows);
            }
            (flat, cum)
        });
        let (mut flat, mut cum) = self.merge(parts, len);
        flat.truncate(n * W);
        cum.truncate(n * W);
        (flat, cum)
    }

    /// Takes the samples `sel` drops out of the flat and cum rows `flat`
    /// and `cum` (flattened).
    fn subtract_dropped(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut Vec<i64>,
        cum: &mut Vec<i64>,
    ) {
        let width = row_width(measures);
        with_row_width!(
            width,
            W => self.subtract_rows::<W>(sel, measures, flat, cum),
            _ => {
                let (gone_flat, gone_cum) = self.rows(sel, measures, width, false);
                sub_from(flat, &gone_flat);
                sub_from(cum, &gone_cum);
            }
        )
    }

    /// [`Stacks::subtract_dropped`] for rows of width `W`, on every
    /// thread: one takes its samples straight out of `flat` and `cum`, the
    /// others add theirs into tables of their own, subtracted at the end
    /// (one thread alone took 40% longer on the benchmark's focus filter).
    fn subtract_rows<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut Vec<i64>,
        cum: &mut Vec<i64>,
    ) {
        let n = self.frames.nodes.len();
        // Room for the sinks (within the capacity the sums were made with).
        let len = (n + SINKS) * W;
        flat.resize(len, 0);
        cum.resize(len, 0);
        // The first thread to start takes the sums themselves.
        let sums = Mutex::new(Some((flat.as_mut_slice(), cum.as_mut_slice())));
        let parts = self.on_threads(|blocks| {
            let own = sums.lock().unwrap_or_else(PoisonError::into_inner).take();
            let (mut own_flat, mut own_cum, negate) = match own {
                Some(_) => (Vec::new(), Vec::new(), true),
                None => (self.zeroed_table(len), self.zeroed_table(len), false),
            };
            let (flat, cum) = match own {
                Some(sums) => sums,
                None => (own_flat.as_mut_slice(), own_cum.as_mut_slice()),
            };
            let (flat_rows, _) = flat.as_chunks_mut::<W>();
            let (cum_rows, _) = cum.as_chunks_mut::<W>();
            for block in blocks {
                self.add_samples(sel, measures, false, negate, block, flat_rows, cum_rows);
            }
            (own_flat, own_cum)
        });
        for (gone_flat, gone_cum) in parts {
            if !gone_flat.is_empty() {
                sub_from(flat, &gone_flat);
                sub_from(cum, &gone_cum);
                self.spare(gone_flat);
                self.spare(gone_cum);
            }
        }
        flat.truncate(n * W);
        cum.truncate(n * W);
    }

    /// Adds the samples of `samples` that `sel` keeps (`kept`) or drops
    /// (not `kept`) to the rows `flat` and `cum` (with room for the sinks),
    /// or takes them away (`negate`).
    #[allow(clippy::too_many_arguments)]
    fn add_samples<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        kept: bool,
        negate: bool,
        samples: Range<usize>,
        flat: &mut [[i64; W]],
        cum: &mut [[i64; W]],
    ) {
        let n = self.frames.nodes.len();
        let mut w = [0i64; W];
        let end = samples.end;
        for s in samples {
            // Filters keep scattered samples: fetch the stacks a few
            // samples ahead, or each one waits for memory.
            if s + AHEAD < end && sel.keeps_sample(s + AHEAD) == kept {
                self.prefetch(s + AHEAD);
            }
            if sel.keeps_sample(s) != kept || !self.weigh(s, measures, &mut w) {
                continue;
            }
            if negate {
                for v in &mut w {
                    *v = v.wrapping_neg();
                }
            }
            let stack = self.stack(s);
            let add = |row: &mut [i64; W]| {
                for k in 0..W {
                    row[k] = row[k].wrapping_add(w[k]);
                }
            };
            if !sel.any_hidden {
                if let Some(&leaf) = stack.first() {
                    add(&mut flat[(leaf & NODE) as usize]);
                }
                for &e in stack {
                    if e & FIRST != 0 {
                        add(&mut cum[(e & NODE) as usize]);
                    }
                }
            } else {
                // Hidden nodes and repeated frames add to sink rows past
                // the last node instead of branching (half the nodes
                // hidden at random defeats branch prediction); several
                // sinks, so that the adds do not wait on each other.
                let leaf = stack
                    .iter()
                    .map(|&e| sel.row[(e & NODE) as usize])
                    .find(|&row| (row as usize) < n);
                if let Some(leaf) = leaf {
                    add(&mut flat[leaf as usize]);
                }
                for (i, &e) in stack.iter().enumerate() {
                    let row = sel.row[(e & NODE) as usize] as usize;
                    let sink = n + (i % SINKS);
                    add(&mut cum[if e & FIRST != 0 { row } else { sink }]);
                }
            }
        }
    }

    /// [`Stacks::sum_rows`] for any width (many sample types).
    fn sum_rows_any_width(
        &self,
        sel: &Selection,
        measures: &[Measure],
        width: usize,
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        let n = self.frames.nodes.len();
        let len = n * width;
        let parts = self.on_threads(|blocks| {
            let (mut flat, mut cum) = (self.zeroed_table(len), self.zeroed_table(len));
            let mut w = vec![0i64; width];
            let row = |node: usize| node * width..node * width + width;
            for s in blocks.flatten() {
                if sel.keeps_sample(s) != kept || !self.weigh(s, measures, &mut w) {
                    continue;
                }
                let mut leaf = None;
                for &e in self.stack(s) {
                    let node = (e & NODE) as usize;
                    if sel.any_hidden && sel.hidden.contains(node) {
                        continue;
                    }
                    leaf.get_or_insert(node);
                    if e & FIRST != 0 {
                        add_into(&mut cum[row(node)], &w);
                    }
                }
                if let Some(leaf) = leaf {
                    add_into(&mut flat[row(leaf)], &w);
                }
            }
            (flat, cum)
        });
        self.merge(parts, len)
    }

    /// The threads' flat and cum tables (of `len` each) added into the
    /// first thread's; the others are kept as spares.
    fn merge(&self, parts: Vec<(Vec<i64>, Vec<i64>)>, len: usize) -> (Vec<i64>, Vec<i64>) {
        let mut parts = parts.into_iter();
        let (mut flat, mut cum) = parts.next().unwrap_or_else(|| (vec![0; len], vec![0; len]));
        for (f, c) in parts {
            add_into(&mut flat, &f);
            add_into(&mut cum, &c);
            self.spare(f);
            self.spare(c);
        }
        (flat, cum)
    }

    /// Callers and callees of `node` over the samples `sel` keeps, with
    /// pprof's edge weights and inline flags for every measure.
    pub fn neighbors(&self, sel: &Selection, measures: &[Measure], node: NodeId) -> Neighbors {
        if sel.hides(node) {
            // Not in any stack.
            return Neighbors::empty(node);
        }
        let mut found = self.callers_and_callees(sel, measures, &[node], true, &|| false);
        found.pop().unwrap_or_else(|| Neighbors::empty(node))
    }

    /// Callers of each of `nodes` (callees left out): what the table's
    /// inline marks need for the rows on screen. When the nodes are in few
    /// samples altogether, each is looked up in its own (from the index);
    /// else all of them in one pass over all stacks. The scan gives up,
    /// with partial results, as soon as `stop` says so (it is asked every
    /// few thousand samples): the explorer's worker stops it when a new
    /// table is wanted.
    pub fn callers(
        &self,
        sel: &Selection,
        measures: &[Measure],
        nodes: &[NodeId],
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Neighbors> {
        let listed: usize = nodes
            .iter()
            .filter(|&&node| (node as usize) < self.frames.nodes.len())
            .map(|&node| self.samples_by_node.samples(node as usize).len())
            .sum();
        if listed * 4 >= self.starts.len() {
            return self.callers_and_callees(sel, measures, nodes, false, stop);
        }
        nodes
            .iter()
            .map(|&node| {
                let mut one = self.callers_and_callees(sel, measures, &[node], false, stop);
                one.pop().unwrap_or_else(|| Neighbors::empty(node))
            })
            .collect()
    }

    /// About how many stack entries [`Stacks::neighbors`] reads for `node`:
    /// its samples' (from the index), or all when they are many.
    pub fn neighbors_cost(&self, sel: &Selection, node: NodeId) -> usize {
        if sel.hides(node) {
            return 0;
        }
        let samples = self.starts.len().saturating_sub(1).max(1);
        match self.in_few_samples(node) {
            true => {
                self.samples_by_node.samples(node as usize).len() * self.entries.len() / samples
            }
            false => self.entries.len(),
        }
    }

    /// Whether `node` is in few enough samples that visiting just those
    /// (from the index) beats a pass over all stacks.
    fn in_few_samples(&self, node: NodeId) -> bool {
        (node as usize) < self.frames.nodes.len()
            && self.samples_by_node.samples(node as usize).len() * 4 < self.starts.len()
    }

    /// Builds what the first filter would otherwise wait for: the index
    /// of samples by location (for focus and ignore) and the functions of
    /// each node (for hide, show and the source filter).
    pub fn prepare_filters(&self, profile: &Profile) {
        self.samples_by_location
            .get_or_init(|| Index::by_location(profile, &self.order));
        self.node_functions(profile);
    }

    /// The functions of each node's lines (built on first use).
    fn node_functions(&self, profile: &Profile) -> &NodeFunctions {
        self.node_functions
            .get_or_init(|| NodeFunctions::new(profile, &self.frames))
    }

    /// Whether some frame of `node` is an inlined line: otherwise no call
    /// into it is inlined.
    pub fn ever_inlined(&self, node: NodeId) -> bool {
        self.ever_inlined
            .get(node as usize)
            .copied()
            .unwrap_or(false)
    }

    fn callers_and_callees(
        &self,
        sel: &Selection,
        measures: &[Measure],
        nodes: &[NodeId],
        with_callees: bool,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Neighbors> {
        // One node (the callers/callees pane): compare ids, no table.
        let single = match nodes {
            [node] if !sel.hides(*node) => Some(*node),
            _ => None,
        };
        // Else, which of `nodes` a node is (u32::MAX: none of them).
        let mut wanted = Vec::new();
        if single.is_none() {
            wanted = vec![u32::MAX; self.frames.nodes.len()];
            for (i, &node) in nodes.iter().enumerate() {
                if let Some(w) = wanted.get_mut(node as usize)
                    && !sel.hidden.contains(node as usize)
                {
                    *w = i as u32;
                }
            }
        }
        let wanted = &wanted;
        // One node found in few samples: visit just those, from the index.
        let listed = single
            .filter(|&node| self.in_few_samples(node))
            .map(|node| self.samples_by_node.samples(node as usize));
        let scan = |samples: &mut dyn Iterator<Item = usize>| {
            self.scan_for_neighbors(
                sel,
                measures,
                nodes,
                wanted,
                single,
                with_callees,
                samples,
                stop,
            )
        };
        let parts: Vec<Vec<NeighborsBuilder>> = match listed {
            Some(list) => in_parallel(even_split(list.len(), THREADS), |range| {
                let part = &list[range];
                let ahead = |i: usize| part.get(i + AHEAD).map(|&s| self.prefetch(s as usize));
                scan(&mut part.iter().enumerate().map(|(i, &s)| {
                    ahead(i);
                    s as usize
                }))
            }),
            None => self.on_threads(|blocks| scan(&mut blocks.flatten())),
        };
        let mut parts = parts.into_iter();
        let mut merged = parts.next().unwrap_or_default();
        for part in parts {
            for (into, from) in merged.iter_mut().zip(part) {
                into.merge(from);
            }
        }
        merged.into_iter().map(NeighborsBuilder::finish).collect()
    }

    /// The edges of `nodes` in the given samples (see
    /// [`Stacks::callers_and_callees`]).
    #[allow(clippy::too_many_arguments)]
    fn scan_for_neighbors(
        &self,
        sel: &Selection,
        measures: &[Measure],
        nodes: &[NodeId],
        wanted: &[u32],
        single: Option<NodeId>,
        with_callees: bool,
        samples: &mut dyn Iterator<Item = usize>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Vec<NeighborsBuilder> {
        let n = self.frames.nodes.len();
        let mut found: Vec<NeighborsBuilder> = nodes
            .iter()
            .map(|&node| NeighborsBuilder::new(node, measures, n, nodes.len() == 1))
            .collect();
        let mut w = vec![0i64; measures.len() * 2];
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for (visited, s) in samples.enumerate() {
            if visited % 4096 == 0 && stop() {
                break;
            }
            if !sel.keeps_sample(s) {
                continue;
            }
            let stack = self.stack(s);
            hits.clear();
            match single {
                Some(node) => hits.extend(
                    stack
                        .iter()
                        .enumerate()
                        .filter(|&(_, &e)| e & NODE == node)
                        .map(|(i, _)| (0, i)),
                ),
                None => {
                    for (i, &e) in stack.iter().enumerate() {
                        let which = wanted[(e & NODE) as usize];
                        if which != u32::MAX {
                            hits.push((which, i));
                        }
                    }
                }
            }
            if hits.is_empty() || !self.weigh(s, measures, &mut w) {
                continue;
            }
            let (values, divisors) = w.split_at(measures.len());
            // pprof walks from the root: the outermost occurrence of an
            // edge in a stack decides its inline flag.
            for &(which, i) in hits.iter().rev() {
                let b = &mut found[which as usize];
                b.start_sample(s);
                let me = stack[i] & NODE;
                if let Some(c) = self.kept_toward_root(sel, stack, i)
                    && stack[c] & NODE != me
                {
                    let inline = self.is_inlined(sel, stack, i);
                    b.add_caller(stack[c] & NODE, inline, values, divisors);
                }
                if with_callees
                    && let Some(c) = self.kept_toward_leaf(sel, stack, i)
                    && stack[c] & NODE != me
                {
                    let inline = self.is_inlined(sel, stack, c);
                    b.add_callee(stack[c] & NODE, inline, values, divisors);
                }
            }
        }
        found
    }

    fn visible(&self, sel: &Selection, e: u32) -> bool {
        !sel.any_hidden || !sel.hidden.contains((e & NODE) as usize)
    }

    /// The next kept frame towards the root from `i`: the caller.
    fn kept_toward_root(&self, sel: &Selection, stack: &[u32], i: usize) -> Option<usize> {
        (i + 1..stack.len()).find(|&j| self.visible(sel, stack[j]))
    }

    /// The next kept frame towards the leaf from `i`: the callee.
    fn kept_toward_leaf(&self, sel: &Selection, stack: &[u32], i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| self.visible(sel, stack[j]))
    }

    /// Whether the call into frame `i` is inlined: an outer line of the
    /// same location is kept.
    fn is_inlined(&self, sel: &Selection, stack: &[u32], i: usize) -> bool {
        let mut j = i;
        while stack[j] & INLINED != 0 {
            j += 1;
            if self.visible(sel, stack[j]) {
                return true;
            }
        }
        false
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

/// The functions whose lines each node stands for, and the nodes of the
/// locations without lines: what hide, show and the source filter judge a
/// node by when no binary matters, without going through every location
/// (the benchmark profile has 120,000 locations and 60,000 nodes).
struct NodeFunctions {
    /// (node, function) for every line of every location, without repeats.
    pairs: Vec<(u32, u32)>,
    /// The nodes of locations without lines, without repeats.
    lineless: Vec<u32>,
}

impl NodeFunctions {
    fn new(profile: &Profile, frames: &Frames) -> NodeFunctions {
        let mut pairs = Vec::new();
        let mut lineless = Vec::new();
        for l in 0..profile.locations.len() as LocationIdx {
            let (lines, nodes) = (profile.location_lines(l), frames.location(l));
            match lines.is_empty() {
                true => lineless.extend_from_slice(nodes),
                false => pairs.extend(
                    nodes
                        .iter()
                        .zip(lines)
                        .map(|(&node, line)| (node, line.function)),
                ),
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        lineless.sort_unstable();
        lineless.dedup();
        NodeFunctions { pairs, lineless }
    }
}

/// Unfiltered flat and cum rows of every node (see [`Stacks::totals`]).
#[derive(Debug, Clone)]
pub struct Totals {
    measures: Vec<Measure>,
    width: usize,
    flat: Vec<i64>,
    cum: Vec<i64>,
}

impl Totals {
    /// The measures summed.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// The totals of measure `k` alone (its value, and its divisor for a
    /// mean): what [`Stacks::aggregate_from`] needs for that measure alone.
    pub fn column(&self, k: usize) -> Totals {
        let m = self.measures.len();
        let measure = self.measures[k];
        let width = row_width(&[measure]);
        let pick = |rows: &[i64]| -> Vec<i64> {
            let rows = rows.chunks_exact(self.width);
            match width {
                1 => rows.map(|row| row[k]).collect(),
                _ => rows.flat_map(|row| [row[k], row[m + k]]).collect(),
            }
        };
        Totals {
            measures: vec![measure],
            width,
            flat: pick(&self.flat),
            cum: pick(&self.cum),
        }
    }
}

impl Selection {
    /// Keeps every sample and node of `node_count` nodes.
    fn everything(node_count: usize) -> Selection {
        Selection {
            hidden: NodeSet::empty(node_count),
            any_hidden: false,
            row: Vec::new(),
            sample_kept: None,
        }
    }

    /// Whether sample `s` survives focus, ignore and the tag filters.
    #[inline]
    pub fn keeps_sample(&self, s: usize) -> bool {
        self.sample_kept.as_ref().is_none_or(|k| k[s])
    }

    /// Whether the filters changed nothing: every sample and node stays.
    pub fn keeps_everything(&self) -> bool {
        !self.any_hidden && self.sample_kept.is_none()
    }

    /// Whether `node` was removed from every stack.
    pub fn hides(&self, node: NodeId) -> bool {
        let node = node as usize;
        node >= self.hidden.node_count() || self.hidden.contains(node)
    }
}

/// Whether a node stays in the stacks, as seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeState {
    Unseen,
    Kept,
    Gone,
}

impl NodeState {
    /// A node's state as seen in one frame.
    fn of(kept: bool) -> NodeState {
        match kept {
            true => NodeState::Kept,
            false => NodeState::Gone,
        }
    }

    /// The state after also seeing `other`; `None` when some frames of
    /// the node stay and others go.
    fn and(self, other: NodeState) -> Option<NodeState> {
        match (self, other) {
            (NodeState::Unseen, x) | (x, NodeState::Unseen) => Some(x),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

/// The samples in the order of their leaf node in `frames` (stable;
/// samples without frames last), by counting; where each leaf's samples
/// start in that order (see [`Stacks::leaf_starts`]); and the number of
/// frames of each sample.
fn leaf_order(samples: &Samples, frames: &Frames) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = frames.nodes.len();
    // Each half of the samples on its own thread.
    let halves = in_parallel(even_split(samples.len(), THREADS), |range| {
        let mut leaves = Vec::with_capacity(range.len());
        let mut lengths = Vec::with_capacity(range.len());
        for s in range {
            let (mut leaf, mut length) = (n as u32, 0u32);
            for &loc in samples.stack(s) {
                let nodes = frames.location(loc);
                if length == 0
                    && let Some(&first) = nodes.first()
                {
                    leaf = first;
                }
                length = length.saturating_add(u32::try_from(nodes.len()).unwrap_or(u32::MAX));
            }
            leaves.push(leaf);
            lengths.push(length);
        }
        (leaves, lengths)
    });
    let (leaves, lengths): (Vec<Vec<u32>>, Vec<Vec<u32>>) = halves.into_iter().unzip();
    let (leaves, lengths) = (leaves.concat(), lengths.concat());
    // Where the samples of each leaf (`n`: none) go.
    let mut next = vec![0u32; n + 1];
    for &leaf in &leaves {
        next[leaf as usize] += 1;
    }
    let mut at = 0;
    for slot in next.iter_mut() {
        (*slot, at) = (at, at + *slot);
    }
    let mut leaf_starts = next.clone();
    leaf_starts.push(at);
    let mut order = vec![0u32; samples.len()];
    for (s, &leaf) in leaves.iter().enumerate() {
        let slot = &mut next[leaf as usize];
        order[*slot as usize] = s as u32;
        *slot += 1;
    }
    (order, leaf_starts, lengths)
}

/// Where each of the profile's samples is in `order` (see [`Stacks`]).
fn places(order: &[u32]) -> Vec<u32> {
    let mut place = vec![0u32; order.len()];
    for (s, &in_profile) in order.iter().enumerate() {
        place[in_profile as usize] = s as u32;
    }
    place
}

/// Splits the samples (by their `starts`) into up to `parts` ranges of
/// about equal numbers of frames.
fn split(starts: &[u32], parts: usize) -> Vec<Range<usize>> {
    let samples = starts.len().saturating_sub(1);
    let total = u64::from(starts.last().copied().unwrap_or(0));
    let mut ranges = Vec::with_capacity(parts);
    let mut from = 0;
    for p in 1..parts {
        let goal = total * p as u64 / parts as u64;
        let to = starts
            .partition_point(|&x| u64::from(x) < goal)
            .clamp(from, samples);
        ranges.push(from..to);
        from = to;
    }
    ranges.push(from..samples);
    ranges
}

/// The row a sample of `values` adds for `measures`: the values, then
/// (when `w` has room for them) the divisors of means; false when it adds
/// nothing.
#[inline]
fn weigh(values: &[i64], measures: &[Measure], w: &mut [i64]) -> bool {
    let m = measures.len();
    let mut any = false;
    for (k, measure) in measures.iter().enumerate() {
        w[k] = values[measure.index];
        any |= w[k] != 0;
        if w.len() > m {
            w[m + k] = if measure.mean { values[0] } else { 0 };
            any |= w[m + k] != 0;
        }
    }
    any
}

/// One row per node: the measures, then (for means) their divisors.
fn row_width(measures: &[Measure]) -> usize {
    match measures.iter().any(|x| x.mean) {
        true => 2 * measures.len(),
        false => measures.len(),
    }
}

fn sub_from(into: &mut [i64], gone: &[i64]) {
    for (sum, v) in into.iter_mut().zip(gone) {
        *sum = sum.wrapping_sub(*v);
    }
}

#[inline]
fn add_into(row: &mut [i64], w: &[i64]) {
    for (sum, v) in row.iter_mut().zip(w) {
        *sum = sum.wrapping_add(*v);
    }
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
