//! The samples' call paths as one tree: what a flame graph and a call tree
//! draw, and what collapsed stacks (`--folded`) list.
//!
//! A node of a [`CallTree`] is a call path read from the root: its value
//! ([`CallTree::total`]) is the sum of the samples whose stack, read from
//! the root, begins with that path, and its self value
//! ([`CallTree::self_value`]) the sum of those whose stack is exactly that
//! path. Frames are the nodes of a [`Frames`] (a granularity and filters):
//! an inlined function is a frame of its own, after the function it was
//! inlined into, as pprof shows it. Values are the raw sums of one sample
//! index (never scaled, never divided for a mean).
//!
//! The same tree serves the inverted (bottom-up) view, whose paths are read
//! from the leaf, and the two halves of a function's "sandwich"
//! ([`TreeKind`]).
//!
//! A comparison's tree ([`CallTree::build_compared`]) is built from a
//! profile holding the new profile's samples and the base's, negated and
//! marked with pprof's `pprof::base` label (what `-diff_base` combines):
//! each path then has its value in the new profile, in the base, and the
//! change ([`CallTree::change`]). Its widths (what [`CallTree::total`]
//! gives, and what orders siblings) are one side's ([`Side`]); the paths of
//! the other side are there too, with a width of 0 when they are not in
//! the side drawn, so a frame that vanished is still in the tree.
//!
//! Layout: the nodes are numbered in preorder with siblings in display
//! order (the larger |value| first, then by name, see
//! [`build::display_order`]), so a subtree is a range of numbers and a
//! flame graph is drawn by one walk that skips what is too narrow. Each
//! node is 20 bytes: its frame, parent, subtree end and value; the self
//! value is the value less its children's.

mod build;
mod compared;
mod paths;
mod search;

pub use compared::{PathChange, Side, TreeComparison};
pub use search::Matches;

use super::frames::Frames;
use super::node::NodeId;
use crate::profile::Profile;
use std::ops::Range;
use std::sync::Arc;

/// A node of a [`CallTree`]: a call path. [`CallTree::ROOT`] is the
/// root, which stands on no frame.
pub type PathId = u32;

/// The frame of the root ([`CallTree::frame`] says `None` for it).
const ROOT_FRAME: NodeId = NodeId::MAX;

/// Which paths a tree is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TreeKind {
    /// The stacks from the root (the flame graph, the top-down call tree).
    TopDown,
    /// The stacks from the leaf: the functions where the value is spent,
    /// under them their callers (the bottom-up, inverted call tree).
    BottomUp,
    /// The callees half of a sandwich: for every stack through the
    /// function, the part from its outermost call down to the leaf, so the
    /// function is the only child of the root and every recursive call
    /// is below it, counted once.
    Callees(NodeId),
    /// The callers half of a sandwich: the function, under it who called
    /// it (at its outermost call), up to the root of each stack.
    Callers(NodeId),
}

/// The tree of the samples' call paths (see the module docs).
pub struct CallTree {
    frames: Arc<Frames>,
    kind: TreeKind,
    sample_index: usize,
    /// Per node, in preorder: its frame, its parent (`u32::MAX` for the
    /// root), where its subtree ends, and its value.
    frame: Vec<NodeId>,
    parent: Vec<u32>,
    end: Vec<u32>,
    total: Vec<i64>,
    /// The frames that occur in the tree, by id.
    distinct: Vec<NodeId>,
    /// A comparison's other numbers (see the module docs).
    compared: Option<Box<compared::Compared>>,
}

impl CallTree {
    /// The root: all samples kept.
    pub const ROOT: PathId = 0;

    /// The tree of `kind` over the samples of `profile` that `frames`
    /// keeps, valued by sample index `sample_index` (samples adding 0 to it
    /// are left out). `None` when the stacks hold more than 2^32 frames.
    pub fn build(
        profile: &Profile,
        frames: Arc<Frames>,
        sample_index: usize,
        kind: TreeKind,
    ) -> Option<CallTree> {
        let samples = &profile.samples;
        let paths = paths::Paths::from_frames(profile, &frames, kind, |s| {
            let value = samples.values(s)[sample_index];
            (value != 0).then_some(value)
        })?;
        let built = build::build(paths, frames.nodes.len(), frames.nodes.name_ranks());
        Some(CallTree::from_built(
            frames,
            kind,
            sample_index,
            built,
            None,
        ))
    }

    /// The tree's arrays made a tree, with the frames that occur in it.
    fn from_built(
        frames: Arc<Frames>,
        kind: TreeKind,
        sample_index: usize,
        built: build::Built<i64>,
        compared: Option<Box<compared::Compared>>,
    ) -> CallTree {
        let mut present = vec![false; frames.nodes.len()];
        for &f in &built.frame[1..] {
            present[f as usize] = true;
        }
        let distinct = (0..present.len() as NodeId)
            .filter(|&f| present[f as usize])
            .collect();
        CallTree {
            frames,
            kind,
            sample_index,
            frame: built.frame,
            parent: built.parent,
            end: built.end,
            total: built.total,
            distinct,
            compared,
        }
    }

    /// What the tree is made of.
    pub fn kind(&self) -> TreeKind {
        self.kind
    }

    /// The sample index the values are of.
    pub fn sample_index(&self) -> usize {
        self.sample_index
    }

    /// The nodes the frames are, with their names.
    pub fn frames(&self) -> &Arc<Frames> {
        &self.frames
    }

    /// How many nodes, the root included.
    pub fn len(&self) -> usize {
        self.frame.len()
    }

    /// Always false: there is a root, even with no samples.
    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    /// The frame (graph node) of `id`; `None` for the root.
    pub fn frame(&self, id: PathId) -> Option<NodeId> {
        Some(self.frame[id as usize]).filter(|&f| f != ROOT_FRAME)
    }

    /// The printable name of `id`'s frame (pprof's), `root` for the root.
    pub fn name(&self, id: PathId) -> &[u8] {
        match self.frame(id) {
            Some(f) => self.frames.nodes.name(f),
            None => b"root",
        }
    }

    /// The value of `id`: the sum of the samples whose path begins with
    /// `id`'s.
    pub fn total(&self, id: PathId) -> i64 {
        self.total[id as usize]
    }

    /// The self value of `id`: the sum of the samples whose path is `id`'s.
    pub fn self_value(&self, id: PathId) -> i64 {
        self.children(id)
            .fold(self.total(id), |rest, c| rest.wrapping_sub(self.total(c)))
    }

    /// The parent of `id`; `None` for the root.
    pub fn parent(&self, id: PathId) -> Option<PathId> {
        Some(self.parent[id as usize]).filter(|&p| p != u32::MAX)
    }

    /// The nodes of `id`'s subtree, `id` first, in preorder.
    pub fn subtree(&self, id: PathId) -> Range<PathId> {
        id..self.end[id as usize]
    }

    /// The children of `id` in display order.
    pub fn children(&self, id: PathId) -> Children<'_> {
        Children {
            end: &self.end,
            next: id + 1,
            stop: self.end[id as usize],
        }
    }

    /// The first (heaviest) child of `id`.
    pub fn first_child(&self, id: PathId) -> Option<PathId> {
        self.children(id).next()
    }

    /// The sibling shown after `id`.
    pub fn next_sibling(&self, id: PathId) -> Option<PathId> {
        let parent = self.parent(id)?;
        let next = self.end[id as usize];
        (next < self.end[parent as usize]).then_some(next)
    }

    /// The sibling shown before `id`.
    pub fn prev_sibling(&self, id: PathId) -> Option<PathId> {
        let parent = self.parent(id)?;
        self.children(parent).take_while(|&c| c != id).last()
    }

    /// How many frames `id`'s path has (0 for the root).
    pub fn depth(&self, id: PathId) -> usize {
        self.ancestors(id).count()
    }

    /// `id` and its ancestors up to (not including) the root, deepest
    /// first.
    pub fn ancestors(&self, id: PathId) -> impl Iterator<Item = PathId> + '_ {
        std::iter::successors(Some(id), |&n| self.parent(n)).filter(|&n| n != Self::ROOT)
    }

    /// The frames of `id`'s path, from the root.
    pub fn path(&self, id: PathId) -> Vec<NodeId> {
        let mut path: Vec<NodeId> = self.ancestors(id).map(|n| self.frame[n as usize]).collect();
        path.reverse();
        path
    }

    /// The names of `id`'s path, from the root: what finds the same call
    /// path in a tree built again (another sample index, filter or
    /// granularity), where frame ids differ.
    pub fn path_names(&self, id: PathId) -> Vec<Box<[u8]>> {
        self.path(id)
            .into_iter()
            .map(|f| self.frames.nodes.name(f).into())
            .collect()
    }

    /// The node of the longest beginning of `names` (a path from the root,
    /// as [`CallTree::path_names`] gives) that the tree has, and how many
    /// names it matched: `(ROOT, 0)` when not even the first exists. Where
    /// several siblings share a name, the heaviest is taken.
    pub fn find_path<N: AsRef<[u8]>>(&self, names: &[N]) -> (PathId, usize) {
        let mut at = Self::ROOT;
        for (matched, name) in names.iter().enumerate() {
            match self.child_named(at, name.as_ref()) {
                Some(child) => at = child,
                None => return (at, matched),
            }
        }
        (at, names.len())
    }

    /// The child of `id` whose frame is named `name`.
    pub fn child_named(&self, id: PathId, name: &[u8]) -> Option<PathId> {
        self.children(id).find(|&c| self.name(c) == name)
    }

    /// The child of `id` on frame `frame`.
    pub fn child_with_frame(&self, id: PathId, frame: NodeId) -> Option<PathId> {
        self.children(id).find(|&c| self.frame[c as usize] == frame)
    }

    /// The frames that occur in the tree, by id: what a search matches
    /// names against.
    pub fn distinct_frames(&self) -> &[NodeId] {
        &self.distinct
    }

    /// Every stack with a non-zero sum, in preorder: the nodes whose self
    /// value is not 0 (the root aside, which has no frames), with it. What
    /// collapsed stacks list.
    pub fn stacks(&self) -> impl Iterator<Item = (PathId, i64)> + '_ {
        let mut own = self.total.clone();
        for i in 1..self.len() {
            let p = self.parent[i] as usize;
            own[p] = own[p].wrapping_sub(self.total[i]);
        }
        own.into_iter()
            .enumerate()
            .skip(1)
            .filter(|&(_, v)| v != 0)
            .map(|(i, v)| (i as PathId, v))
    }

    /// The deepest path's length in frames.
    pub fn max_depth(&self) -> usize {
        let mut depth = vec![0u32; self.len()];
        for i in 1..self.len() {
            depth[i] = depth[self.parent[i] as usize] + 1;
        }
        depth.into_iter().max().unwrap_or(0) as usize
    }

    /// The bytes the tree's arrays take.
    pub fn memory_bytes(&self) -> usize {
        self.frame.capacity() * 4
            + self.parent.capacity() * 4
            + self.end.capacity() * 4
            + self.total.capacity() * 8
            + self.distinct.capacity() * 4
            + self.compared.as_ref().map_or(0, |c| c.memory_bytes())
    }
}

/// The children of a node, in display order (see [`CallTree::children`]).
pub struct Children<'a> {
    end: &'a [u32],
    next: PathId,
    stop: PathId,
}

impl Iterator for Children<'_> {
    type Item = PathId;

    fn next(&mut self) -> Option<PathId> {
        (self.next < self.stop).then(|| {
            let child = self.next;
            self.next = self.end[child as usize];
            child
        })
    }
}
