//! Flat and cum of every node for one plain measure, without edges: the
//! first pass of every trimmed text report, over every frame of every
//! sample.
//!
//! The same sums as [`super::graph::Graph`]'s general pass, laid out for
//! the memory system: on a large profile (600,000 nodes, 107 million
//! frames) the general pass waits on a cache miss after another (the
//! location's node, then the node's stamp, then its cum). Here a block of
//! samples is first turned into node ids (independent loads the CPU
//! overlaps), and then each node's stamp and cum, kept side by side in one
//! cache line, are fetched a few frames ahead.

use super::frames::Frames;
use super::node::NodeId;
use crate::profile::Profile;
use std::ops::Range;

/// A node's running cum, and the last sample that added to it (a node is
/// counted once per sample, however often it recurs in the stack).
#[derive(Clone, Copy)]
struct Slot {
    sample: u32,
    cum: i64,
}

const NO_SAMPLE: u32 = u32::MAX;
/// Samples turned into node ids at a time.
const BLOCK: usize = 512;
/// How many frames ahead a node's slot is fetched.
const AHEAD: usize = 12;

/// Flat and cum of every node over `samples`, for sample value `index`.
pub(super) fn flat_and_cum(
    profile: &Profile,
    frames: &Frames,
    index: usize,
    samples: Range<usize>,
) -> (Vec<i64>, Vec<i64>) {
    let n = frames.nodes.len();
    let mut slots = vec![
        Slot {
            sample: NO_SAMPLE,
            cum: 0
        };
        n
    ];
    let mut flat = vec![0i64; n];
    let mut nodes: Vec<NodeId> = Vec::new();
    // Per sample of the block: where its nodes end, its number and value.
    let mut ends: Vec<(usize, u32, i64)> = Vec::with_capacity(BLOCK);
    let mut start = samples.start;
    while start < samples.end {
        let end = (start + BLOCK).min(samples.end);
        nodes.clear();
        ends.clear();
        for s in start..end {
            if !frames.keeps_sample(s) {
                continue;
            }
            let w = profile.samples.values(s)[index];
            if w == 0 {
                continue;
            }
            // Leaf first: the first node is the one that gets the flat
            // value (the innermost line of the innermost location with
            // nodes).
            for &loc in frames.stack(profile, s) {
                // Most locations have one node: pushed one by one (a copy
                // of a slice is a call per frame).
                for &node in frames.location(loc) {
                    nodes.push(node);
                }
            }
            ends.push((nodes.len(), s as u32, w));
        }
        let mut from = 0;
        for &(to, s, w) in &ends {
            if let Some(&leaf) = nodes.get(from).filter(|_| from < to) {
                flat[leaf as usize] = flat[leaf as usize].wrapping_add(w);
            }
            for i in from..to {
                if let Some(&next) = nodes.get(i + AHEAD) {
                    prefetch(&slots[next as usize]);
                }
                let slot = &mut slots[nodes[i] as usize];
                if slot.sample != s {
                    slot.sample = s;
                    slot.cum = slot.cum.wrapping_add(w);
                }
            }
            from = to;
        }
        start = end;
    }
    (flat, slots.into_iter().map(|slot| slot.cum).collect())
}

/// Asks the CPU to start loading `slot` into cache.
#[inline]
fn prefetch(slot: &Slot) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86_64 CPU, and a prefetch only
        // hints at a load: it never faults or reads into Rust values.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(slot).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}
