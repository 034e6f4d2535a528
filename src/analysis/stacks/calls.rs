//! Calls: the callers and callees of one node (or the callers of many)
//! in the samples through it, found from the index of samples by node.

use super::{AHEAD, INLINED, NODE, Selection, Stacks};
use crate::analysis::graph::Measure;
use crate::analysis::neighbors::{Neighbors, NeighborsBuilder};
use crate::analysis::node::NodeId;
use crate::analysis::parallel::{THREADS, even_split, in_parallel};

impl Stacks {
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
}
