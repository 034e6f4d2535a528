//! Which frames of a tree match a query, and the share of the value they
//! hold.
//!
//! A query is matched against the names of the frames that occur in the
//! tree (each distinct name once, however many nodes bear it), so a
//! keystroke costs one pass over tens of thousands of names, not millions
//! of nodes. The share is counted once per sample, as pprof's web UI
//! does: a path through several matching frames (recursion, or a match
//! calling a match) adds its value once, at its first matching node from
//! the root, whose subtree is then skipped.

use super::{CallTree, PathId};
use crate::analysis::filter::Pattern;
use crate::analysis::node::NodeId;
use crate::analysis::node_set::NodeSet;

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
    pub fn search(&self, is_match: impl Fn(&[u8]) -> bool) -> Matches {
        let nodes = &self.frames.nodes;
        let frames: Vec<NodeId> = self
            .distinct
            .iter()
            .copied()
            .filter(|&f| is_match(nodes.name(f)))
            .collect();
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
    /// matches adds its value and its subtree is skipped.
    fn share_of(&self, matched: &NodeSet, none: bool) -> i64 {
        if none {
            return 0;
        }
        let mut share = 0i64;
        let mut i = 1;
        while i < self.len() {
            if matched.contains(self.frame[i] as usize) {
                share = share.wrapping_add(self.total[i]);
                i = self.end[i] as usize;
            } else {
                i += 1;
            }
        }
        share
    }
}
