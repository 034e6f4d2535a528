//! Building [`Stacks`]: every stack resolved to node ids, the samples in
//! leaf order, and the indexes of samples by node and by location.

use super::{FIRST, INLINED, NODE, Stacks};
use crate::analysis::Granularity;
use crate::analysis::filter::Filters;
use crate::analysis::frames::Frames;
use crate::analysis::huge_pages;
use crate::analysis::parallel::{THREADS, even_split, in_parallel};
use crate::profile::{Profile, Samples};
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

impl Stacks {
    /// Resolves every stack of `profile` to the nodes of `granularity`
    /// (inlined frames included). `None` when the profile is too large
    /// for 32-bit offsets; the general path then serves.
    pub fn new(profile: &Profile, granularity: Granularity) -> Option<Stacks> {
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
}

/// Lists of sample ids, one per key (location or node).
pub(super) struct Index {
    starts: Vec<u32>,
    samples: Vec<u32>,
}

impl Index {
    pub(super) fn samples(&self, key: usize) -> &[u32] {
        &self.samples[self.starts[key] as usize..self.starts[key + 1] as usize]
    }

    /// The samples through every location of `profile`, each once, by
    /// their place in `order` (see [`Stacks`]). The profile is read in its
    /// own order, which is four times faster than following `order`.
    pub(super) fn by_location(profile: &Profile, order: &[u32]) -> Index {
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
    for slot in &mut next {
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
