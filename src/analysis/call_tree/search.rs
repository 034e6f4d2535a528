//! Which frames of a tree match a query, and the share of the value they
//! hold.
//!
//! A query is matched against the names of the frames that occur in the
//! tree (each distinct name once, however many nodes bear it), so a
//! keystroke costs one pass over tens of thousands of names, not millions
//! of nodes. The share is counted once per sample, as pprof's web UI
//! does: a path through several matching frames (recursion, or a match
//! calling a match) adds its value once, at its first matching node from
//! the root, whose subtree is then skipped. Both passes are split over
//! two threads.

use super::{CallTree, PathId};
use crate::analysis::filter::Pattern;
use crate::analysis::node::NodeId;
use crate::analysis::node_set::NodeSet;
use crate::analysis::parallel::{THREADS, even_split, in_parallel};

/// The frames a query matched in a [`CallTree`].
#[derive(Debug, Clone)]
pub struct Matches {
    matched: NodeSet,
    frames: Vec<NodeId>,
    share: i64,
}

impl Matches {
    /// Whether frame `frame` matched.
    pub fn contains(&self, frame: NodeId) -> bool {
        (frame as usize) < self.matched.node_count() && self.matched.contains(frame as usize)
    }

    /// The matching frames, by id.
    pub fn frames(&self) -> &[NodeId] {
        &self.frames
    }

    /// The value of the samples through a matching frame, each sample
    /// once.
    pub fn share(&self) -> i64 {
        self.share
    }
}

impl CallTree {
    /// The frames whose printable name `is_match` accepts (a regular
    /// expression, a fuzzy query: the caller's choice), and their share.
    /// Names are matched, and the nodes summed, on two threads.
    pub fn search(&self, is_match: impl Fn(&[u8]) -> bool + Sync) -> Matches {
        let nodes = &self.frames.nodes;
        let distinct = &self.distinct;
        let frames: Vec<NodeId> = in_parallel(even_split(distinct.len(), THREADS), |range| {
            distinct[range]
                .iter()
                .copied()
                .filter(|&f| is_match(nodes.name(f)))
                .collect::<Vec<_>>()
        })
        .concat();
        let mut member = vec![false; nodes.len()];
        for &f in &frames {
            member[f as usize] = true;
        }
        let matched = NodeSet::from_fn(nodes.len(), |f| member[f]);
        let share = self.share_of(&matched, frames.is_empty());
        Matches {
            matched,
            frames,
            share,
        }
    }

    /// [`CallTree::search`] with a regular expression (pprof's syntax, as
    /// the filters take it).
    pub fn search_pattern(&self, pattern: &Pattern) -> Matches {
        self.search(|name| pattern.is_match(name))
    }

    /// Whether node `id`'s frame matched.
    pub fn is_match(&self, matches: &Matches, id: PathId) -> bool {
        self.frame(id).is_some_and(|f| matches.contains(f))
    }

    /// The first matching node after `id` in preorder (the order the
    /// flame graph is read in, left to right and down), wrapping around.
    pub fn next_match(&self, matches: &Matches, id: PathId) -> Option<PathId> {
        let n = self.len() as PathId;
        (1..n)
            .map(|step| (id + step) % n)
            .find(|&c| self.is_match(matches, c))
    }

    /// The value of the samples through a matched frame: each node that
    /// matches adds its value and its subtree is skipped. The nodes are
    /// split in ranges, one per thread; a range starting inside a matched
    /// subtree starts after it (that subtree is the range before's).
    fn share_of(&self, matched: &NodeSet, none: bool) -> i64 {
        if none {
            return 0;
        }
        let hit = |i: usize| matched.contains(self.frame[i] as usize);
        let parts = in_parallel(even_split(self.len(), THREADS), |range| {
            let mut i = range.start.max(1);
            // Past the outermost matched ancestor's subtree, if any.
            let mut at = i as PathId;
            while let Some(parent) = self.parent(at) {
                if parent != Self::ROOT && hit(parent as usize) {
                    i = i.max(self.end[parent as usize] as usize);
                }
                at = parent;
            }
            let mut share = 0i64;
            while i < range.end {
                if hit(i) {
                    share = share.wrapping_add(self.total[i]);
                    i = self.end[i] as usize;
                } else {
                    i += 1;
                }
            }
            share
        });
        parts.into_iter().fold(0i64, i64::wrapping_add)
    }
}
