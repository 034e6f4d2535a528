//! Paths -> the tree, depth first, in display order.
//!
//! A node stands for the paths that begin with its call path: a range of
//! the path items. Its children are made by grouping that range by each
//! path's next frame (a counting pass with a slot per frame id, no hashing
//! and no comparison sort), ordering the groups as the tree shows them and
//! moving the items into that order, so each child is again a range. The
//! nodes are numbered as they are made, children in display order right
//! after their parent's earlier children's subtrees: preorder, so that a
//! subtree is a range of node numbers.
//!
//! Most paths part from all others a few frames below the root; once a
//! range holds one path, the rest of it is a chain of nodes written out
//! at once. Deep down, that is nearly every frame.

use super::paths::{Item, Paths};
use crate::analysis::huge_pages;
use crate::analysis::node::NodeId;

/// What a path adds to the nodes along it: a sum, and the order siblings
/// are shown in. A plain tree's weight is one value (`i64`); a
/// comparison's carries both profiles' values ([`super::Sides`]).
pub(super) trait Weight: Copy + Default + Send + Sync {
    /// The two weights summed (wrapping, as pprof's sums).
    fn add(self, other: Self) -> Self;
    /// What siblings are ordered by: the larger first.
    fn order(&self) -> (u64, u64);
    /// The nodes' weights, with room for `bound` nodes or growing to it.
    fn room(bound: usize) -> Vec<Self>;
}

impl Weight for i64 {
    /// Room for every node there can be, zeroed lazily (pages are
    /// committed as written, see `Nodes`).
    fn room(bound: usize) -> Vec<i64> {
        huge_pages::zeroed(bound)
    }

    #[inline]
    fn add(self, other: i64) -> i64 {
        self.wrapping_add(other)
    }

    /// By absolute value, so the cancelling parts of a diff profile sort
    /// by size too.
    #[inline]
    fn order(&self) -> (u64, u64) {
        (self.unsigned_abs(), 0)
    }
}

/// What the builder returns: the tree's arrays, in preorder (node 0 is
/// the root, whose frame is [`super::ROOT_FRAME`]).
pub(super) struct Built<V> {
    pub frame: Vec<NodeId>,
    pub parent: Vec<u32>,
    pub end: Vec<u32>,
    pub total: Vec<V>,
}

/// A node waiting to be made: its frame, parent, value and the range of
/// path items through it (each item's `pos` at the node's next frame).
struct Pending<V> {
    frame: NodeId,
    parent: u32,
    total: V,
    lo: u32,
    hi: u32,
}

/// The paths through one node that continue with the same frame.
#[derive(Clone, Copy)]
struct Group<V> {
    frame: NodeId,
    count: u32,
    total: V,
}

const NONE: u32 = u32::MAX;

/// How many items ahead of the one grouped their next frame is fetched.
const AHEAD: usize = 16;

/// Asks the CPU to start loading `frames[pos]` into the cache.
#[inline]
fn prefetch(frames: &[NodeId], pos: u32) {
    #[cfg(target_arch = "x86_64")]
    if let Some(frame) = frames.get(pos as usize) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86_64 CPU, and a prefetch only
        // hints at a load: it never faults or reads into Rust values (the
        // pointer is in bounds anyway).
        unsafe { _mm_prefetch::<_MM_HINT_T0>((frame as *const NodeId).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (frames, pos);
}

/// Builds the tree of `paths`, whose frames are ids below `frame_count`;
/// siblings are ordered by [`display_order`] with `name_rank` (each frame's
/// rank by name).
pub(super) fn build<V: Weight>(paths: Paths<V>, frame_count: usize, name_rank: &[u32]) -> Built<V> {
    let Paths { frames, mut items } = paths;
    // At most one node per frame of a path, plus the root. Reserving that
    // up front only costs address space: pages are committed as written,
    // and shrinking at the end returns the rest.
    let mut out = Nodes::with_room(frames.len() + 1);
    let mut moved = vec![
        Item {
            pos: 0,
            end: 0,
            value: V::default()
        };
        items.len()
    ];
    let mut group_of = vec![NONE; items.len()];
    let mut slot = vec![NONE; frame_count];
    let mut groups: Vec<Group<V>> = Vec::new();
    let mut order: Vec<u32> = Vec::new();
    let (mut starts, mut fill): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut pending: Vec<Pending<V>> = vec![Pending {
        frame: super::ROOT_FRAME,
        parent: NONE,
        total: items.iter().fold(V::default(), |sum, it| sum.add(it.value)),
        lo: 0,
        hi: items.len() as u32,
    }];
    while let Some(p) = pending.pop() {
        let node = out.push(p.frame, p.parent, p.total);
        let (lo, hi) = (p.lo as usize, p.hi as usize);
        // One path: the rest of it is a chain.
        if hi - lo == 1 {
            let it = items[lo];
            let mut parent = node;
            for &frame in &frames[it.pos as usize..it.end as usize] {
                parent = out.push(frame, parent, it.value);
            }
            continue;
        }
        // Group the continuing paths by their next frame.
        groups.clear();
        let mut ending = 0u32;
        let range = &items[lo..hi];
        for (i, it) in range.iter().enumerate() {
            // The paths are scattered over the frames: ask for the next
            // ones' frames early, so that the loads overlap.
            if let Some(ahead) = range.get(i + AHEAD) {
                prefetch(&frames, ahead.pos);
            }
            if it.pos == it.end {
                group_of[lo + i] = NONE;
                ending += 1;
                continue;
            }
            let frame = frames[it.pos as usize];
            let mut g = slot[frame as usize];
            if g == NONE {
                g = groups.len() as u32;
                slot[frame as usize] = g;
                groups.push(Group {
                    frame,
                    count: 0,
                    total: V::default(),
                });
            }
            let group = &mut groups[g as usize];
            group.count += 1;
            group.total = group.total.add(it.value);
            group_of[lo + i] = g;
        }
        for g in &groups {
            slot[g.frame as usize] = NONE;
        }
        if groups.is_empty() {
            continue;
        }
        // The groups in display order, each a range of the items (the
        // paths ending here first).
        order.clear();
        order.extend(0..groups.len() as u32);
        order.sort_unstable_by(|&a, &b| {
            display_order(
                groups[a as usize].frame,
                groups[a as usize].total.order(),
                groups[b as usize].frame,
                groups[b as usize].total.order(),
                name_rank,
            )
        });
        starts.clear();
        starts.resize(groups.len(), 0);
        let mut at = p.lo + ending;
        for &g in &order {
            starts[g as usize] = at;
            at += groups[g as usize].count;
        }
        if groups.len() == 1 && ending == 0 {
            for it in &mut items[lo..hi] {
                it.pos += 1;
            }
        } else {
            fill.clear();
            fill.extend_from_slice(&starts);
            let mut end_fill = p.lo;
            for i in lo..hi {
                let it = items[i];
                let g = group_of[i];
                let to = if g == NONE {
                    &mut end_fill
                } else {
                    &mut fill[g as usize]
                };
                moved[*to as usize] = Item {
                    pos: it.pos + u32::from(g != NONE),
                    ..it
                };
                *to += 1;
            }
            items[lo..hi].copy_from_slice(&moved[lo..hi]);
        }
        // Pushed last to first, so the first is made next.
        for &g in order.iter().rev() {
            let group = groups[g as usize];
            let start = starts[g as usize];
            // A single path is written out as a chain soon: its frames
            // are somewhere else, so ask for them now.
            if group.count == 1 {
                prefetch(&frames, items[start as usize].pos);
            }
            pending.push(Pending {
                frame: group.frame,
                parent: node,
                total: group.total,
                lo: start,
                hi: start + group.count,
            });
        }
    }
    out.finish()
}

/// The nodes made so far, in arrays with room for every node there can
/// be. They are zeroed lazily, on 2 MB pages where the system allows: the
/// tree fills a few tens of megabytes in one go, and faulting them in 4 kB
/// at a time cost about as much as making the nodes.
struct Nodes<V> {
    frame: Vec<NodeId>,
    parent: Vec<u32>,
    total: Vec<V>,
    len: usize,
}

impl<V: Weight> Nodes<V> {
    fn with_room(bound: usize) -> Nodes<V> {
        Nodes {
            frame: huge_pages::zeroed(bound),
            parent: huge_pages::zeroed(bound),
            total: V::room(bound),
            len: 0,
        }
    }

    /// Adds a node; returns its number.
    #[inline]
    fn push(&mut self, frame: NodeId, parent: u32, total: V) -> u32 {
        let at = self.len;
        self.frame[at] = frame;
        self.parent[at] = parent;
        match self.total.get_mut(at) {
            Some(t) => *t = total,
            None => self.total.push(total),
        }
        self.len += 1;
        at as u32
    }

    /// The arrays cut to the nodes made, with the subtrees' ends.
    fn finish(mut self) -> Built<V> {
        for v in [&mut self.frame, &mut self.parent] {
            v.truncate(self.len);
            v.shrink_to_fit();
        }
        self.total.truncate(self.len);
        self.total.shrink_to_fit();
        Built {
            end: subtree_ends(&self.parent),
            frame: self.frame,
            parent: self.parent,
            total: self.total,
        }
    }
}

/// Where each node's subtree ends (exclusive), from the parents of a
/// preorder: a subtree ends where its last descendant does.
fn subtree_ends(parent: &[u32]) -> Vec<u32> {
    let mut end: Vec<u32> = (1..=parent.len() as u32).collect();
    for i in (1..parent.len()).rev() {
        let p = parent[i] as usize;
        end[p] = end[p].max(end[i]);
    }
    end
}

/// The order siblings are shown in: the larger weight first (see
/// [`Weight::order`]), then by name in byte order, then by frame id (for
/// equal names).
pub(super) fn display_order(
    a: NodeId,
    a_order: (u64, u64),
    b: NodeId,
    b_order: (u64, u64),
    name_rank: &[u32],
) -> std::cmp::Ordering {
    let rank = |f: NodeId| name_rank.get(f as usize).copied().unwrap_or(u32::MAX);
    b_order
        .cmp(&a_order)
        .then_with(|| rank(a).cmp(&rank(b)))
        .then_with(|| a.cmp(&b))
}
