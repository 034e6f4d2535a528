//! The pass over the samples that [`Graph`](super::Graph) is summed from,
//! as pprof's `graph.New` walks them: a stack from the root; every node on
//! it gets the sample's value in `cum` once (recursion is not counted
//! twice), every distinct caller->callee pair once, the innermost kept
//! frame in `flat`.
//!
//! On a large profile this is the slowest part of a report: millions of
//! frames, each touching a node's sums and an edge's, in no order. So:
//! - the edges are summed in an open-addressing table (`edge_table.rs`)
//!   whose slot holds the edge's key, its sums and the stamp of the last
//!   sample that added to it (one cache line, where separate tables cost a
//!   miss each), and are numbered in the order they are first seen, as one
//!   walk numbers them;
//! - on large profiles the walk is shared between threads. A graph of many
//!   edges is shared by node: each thread walks every stack and sums the
//!   nodes of its share (by id) and the edges into them, and the shares'
//!   edges are then put in the order one walk would have seen them. Other
//!   walks are shared by runs of samples, whose sums are then added.

use super::edge_table::{Adding, EdgeTable, prefetch};
use super::frames::Frames;
use super::graph::{EDGE_NOT_INLINE, EDGE_RESIDUAL, EDGE_SEEN, Measure, PARALLEL_FROM_FRAMES};
use super::node::NodeId;
use super::parallel::{THREADS, even_split, in_parallel};
use crate::profile::Profile;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Kept nodes from which a walk that sums edges is shared by node: with
/// fewer, the edges are few and runs of samples merge them quickly (and a
/// share by node walks every stack on every thread).
const PARALLEL_NODES: usize = 1 << 14;

/// What a walk sums: the measures, which nodes it keeps, whether edges.
#[derive(Clone, Copy)]
pub(super) struct Walk<'a> {
    pub profile: &'a Profile,
    pub frames: &'a Frames,
    pub measures: &'a [Measure],
    /// Nodes outside the set are left out: their callers connect to their
    /// callees directly (residual edges), and a sample whose leaf is left
    /// out adds no flat value.
    pub kept_nodes: Option<&'a [bool]>,
    /// With `kept_nodes`, each location's [`location_classes`].
    pub classes: Option<&'a [u8]>,
    pub with_edges: bool,
}

/// Flat and cum of every node (`m` numbers a node), and the sums of the
/// mean divisor (empty when no measure is a mean).
#[derive(Debug, Default, PartialEq)]
pub(super) struct NodeSums {
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
    pub flat_div: Vec<i64>,
    pub cum_div: Vec<i64>,
}

/// Edges in the order first seen, `m` numbers an edge.
#[derive(Debug, Default, PartialEq)]
pub(super) struct EdgeSums {
    pub ends: Vec<(NodeId, NodeId)>,
    pub weight: Vec<i64>,
    pub div: Vec<i64>,
    pub flags: Vec<u8>,
    /// Where each edge was first seen (sample, then the frame's place in
    /// the walk of its stack); only kept when the walk is shared.
    pub first_seen: Vec<u64>,
}

/// What one share of a walk summed.
#[derive(Debug)]
struct Share {
    nodes: NodeSums,
    edges: EdgeSums,
}

impl Walk<'_> {
    /// Sums every kept sample: on several threads for a large profile.
    pub fn sum(&self) -> (NodeSums, EdgeSums) {
        if self.profile.samples.frame_count() < PARALLEL_FROM_FRAMES || THREADS < 2 {
            let Share { nodes, edges } = self.share(0, 1, 0..self.profile.samples.len());
            return (nodes, edges);
        }
        match self.with_edges && self.kept_count() >= PARALLEL_NODES {
            true => self.by_nodes(THREADS),
            false => self.by_samples(THREADS),
        }
    }

    /// Sums every kept sample in `parts` shares of the nodes (a power of
    /// two), on as many threads: each walks every stack. For graphs of many
    /// edges, which shares of the samples would each sum, to be merged.
    fn by_nodes(&self, parts: usize) -> (NodeSums, EdgeSums) {
        let samples = self.profile.samples.len();
        let shares = in_parallel(even_split(parts, parts), |part| {
            self.share(part.start, parts, 0..samples)
        });
        let (nodes, edges) = add_nodes(shares);
        (nodes, merge_edges(&edges, self.measures.len()))
    }

    /// Sums every kept sample in `parts` runs of samples, on as many
    /// threads; the edges of each run after the first are added to those
    /// of the runs before, new ones after them (the order one walk sees
    /// them in).
    fn by_samples(&self, parts: usize) -> (NodeSums, EdgeSums) {
        let runs = even_split(self.profile.samples.len(), parts);
        let shares = in_parallel(runs, |run| self.share(0, 1, run));
        let (nodes, edges) = add_nodes(shares);
        (nodes, add_edges(edges, self.measures.len()))
    }

    /// How many nodes the walk keeps.
    fn kept_count(&self) -> usize {
        self.kept_nodes.map_or(self.frames.nodes.len(), |k| {
            k.iter().filter(|&&keep| keep).count()
        })
    }

    /// Sums the nodes whose id is `part` modulo `parts` (a power of two),
    /// and the edges into them, over the samples of `run`.
    fn share(&self, part: usize, parts: usize, run: Range<usize>) -> Share {
        let Walk {
            profile,
            frames,
            measures,
            kept_nodes,
            classes,
            with_edges,
        } = *self;
        let m = measures.len();
        let n = frames.nodes.len();
        let any_mean = measures.iter().any(|x| x.mean);
        let (mask, mine) = ((parts - 1) as NodeId, part as NodeId);
        let mut sums = NodeSums {
            flat: vec![0; n * m],
            cum: vec![0; n * m],
            flat_div: if any_mean { vec![0; n * m] } else { Vec::new() },
            cum_div: if any_mean { vec![0; n * m] } else { Vec::new() },
        };
        let kept = if with_edges { self.kept_count() } else { 0 };
        let mut edges = EdgeTable::new(m, any_mean, parts > 1, kept / parts);
        // The last sample that added to each node's cum.
        let mut node_stamp = vec![u32::MAX; n];
        let mut w = vec![0i64; m];
        let mut dw = vec![0i64; m];
        let mut contributes = vec![false; m];
        let mut steps: Vec<Step> = Vec::new();
        let samples = &profile.samples;

        for s in run {
            if !frames.keeps_sample(s) {
                continue;
            }
            let values = samples.values(s);
            let mut any = false;
            for (column, measure) in measures.iter().enumerate() {
                (w[column], dw[column]) = measure.of(values);
                contributes[column] = w[column] != 0 || dw[column] != 0;
                any |= contributes[column];
            }
            if !any {
                continue;
            }
            let stamp = s as u32;
            let adding = Adding {
                stamp,
                w: &w,
                dw: &dw,
                contributes: &contributes,
            };
            // First the frames of this share, each node's and edge's sums
            // asked of memory at once; then the sums.
            steps.clear();
            let mut parent: Option<NodeId> = None;
            let mut residual = false;
            let mut ordinal = 0u32;
            for &loc in frames.stack(profile, s).iter().rev() {
                if let Some(classes) = classes {
                    match classes[loc as usize] {
                        NO_NODES => continue,
                        NONE_KEPT => {
                            residual = true;
                            continue;
                        }
                        _ => {}
                    }
                }
                let loc_nodes = frames.location(loc);
                let outermost = loc_nodes.len().wrapping_sub(1);
                for (ni, &node) in loc_nodes.iter().enumerate().rev() {
                    if kept_nodes.is_some_and(|kept| !kept[node as usize]) {
                        residual = true;
                        continue;
                    }
                    ordinal = ordinal.wrapping_add(1);
                    if node & mask == mine && !with_edges {
                        // Node sums alone: small enough to be in cache.
                        let base = node as usize * m;
                        if node_stamp[node as usize] != stamp {
                            node_stamp[node as usize] = stamp;
                            add_into(&mut sums.cum[base..base + m], &w);
                            if any_mean {
                                add_into(&mut sums.cum_div[base..base + m], &dw);
                            }
                        }
                    } else if node & mask == mine {
                        prefetch(&node_stamp[node as usize..]);
                        prefetch(&sums.cum[node as usize * m..]);
                        let caller = match parent {
                            Some(p) if p != node => {
                                edges.prefetch(p, node);
                                p
                            }
                            _ => NO_CALLER,
                        };
                        // An edge is inline when the callee is not the
                        // outermost line of its location.
                        let mut flag = if ni != outermost {
                            EDGE_SEEN
                        } else {
                            EDGE_SEEN | EDGE_NOT_INLINE
                        };
                        if residual {
                            flag |= EDGE_RESIDUAL;
                        }
                        steps.push(Step {
                            node,
                            caller,
                            flag,
                            ordinal,
                        });
                    }
                    parent = Some(node);
                    residual = false;
                }
            }
            for step in &steps {
                let node = step.node;
                let base = node as usize * m;
                if node_stamp[node as usize] != stamp {
                    node_stamp[node as usize] = stamp;
                    add_into(&mut sums.cum[base..base + m], &w);
                    if any_mean {
                        add_into(&mut sums.cum_div[base..base + m], &dw);
                    }
                }
                if step.caller != NO_CALLER {
                    let seen = (u64::from(stamp) << 32) | u64::from(step.ordinal);
                    let slot = edges.slot(step.caller, node, seen);
                    edges.add(slot, step.flag, &adding);
                }
            }
            if let Some(leaf) = parent
                && !residual
                && leaf & mask == mine
            {
                let base = leaf as usize * m;
                add_into(&mut sums.flat[base..base + m], &w);
                if any_mean {
                    add_into(&mut sums.flat_div[base..base + m], &dw);
                }
            }
        }
        Share {
            nodes: sums,
            edges: edges.into_sums(),
        }
    }
}

/// The node sums of every share added up, and each share's edges.
fn add_nodes(shares: Vec<Share>) -> (NodeSums, Vec<EdgeSums>) {
    let mut shares = shares.into_iter();
    let Some(Share { mut nodes, edges }) = shares.next() else {
        return Default::default();
    };
    let mut all_edges = vec![edges];
    for other in shares {
        for (sum, other) in [
            (&mut nodes.flat, &other.nodes.flat),
            (&mut nodes.cum, &other.nodes.cum),
            (&mut nodes.flat_div, &other.nodes.flat_div),
            (&mut nodes.cum_div, &other.nodes.cum_div),
        ] {
            add_into(sum, other);
        }
        all_edges.push(other.edges);
    }
    (nodes, all_edges)
}

/// The edges of runs of samples, in run order, made one: an edge's sums
/// added, its flags joined; numbered as first seen.
fn add_edges(runs: Vec<EdgeSums>, m: usize) -> EdgeSums {
    // A run without edges has no divisor sums either.
    let with_div = runs.iter().any(|r| !r.div.is_empty());
    let mut runs = runs.into_iter();
    let Some(mut all) = runs.next() else {
        return EdgeSums::default();
    };
    let mut index: FxHashMap<(NodeId, NodeId), usize> = all
        .ends
        .iter()
        .enumerate()
        .map(|(e, &ends)| (ends, e))
        .collect();
    for run in runs {
        for (e, &ends) in run.ends.iter().enumerate() {
            let row = e * m..(e + 1) * m;
            match index.get(&ends) {
                Some(&k) => {
                    let to = k * m..(k + 1) * m;
                    add_into(&mut all.weight[to.clone()], &run.weight[row.clone()]);
                    if with_div {
                        add_into(&mut all.div[to.clone()], &run.div[row.clone()]);
                    }
                    for (flags, more) in all.flags[to].iter_mut().zip(&run.flags[row]) {
                        *flags |= more;
                    }
                }
                None => {
                    index.insert(ends, all.ends.len());
                    all.ends.push(ends);
                    all.weight.extend_from_slice(&run.weight[row.clone()]);
                    if with_div {
                        all.div.extend_from_slice(&run.div[row.clone()]);
                    }
                    all.flags.extend_from_slice(&run.flags[row]);
                }
            }
        }
    }
    all
}

/// What a masked pass does with a location's frames (see
/// [`location_classes`]).
const NO_NODES: u8 = 0;
const NONE_KEPT: u8 = 1;
const SOME_KEPT: u8 = 2;

/// For each location, whether it has nodes and whether any is kept: most
/// frames of a trimmed pass have none kept, and a table of a byte per
/// location answers that without reaching for the nodes.
pub(super) fn location_classes(frames: &Frames, profile: &Profile, kept: &[bool]) -> Vec<u8> {
    (0..profile.locations.len() as u32)
        .map(|loc| {
            let nodes = frames.location(loc);
            if nodes.is_empty() {
                NO_NODES
            } else if nodes.iter().any(|&n| kept[n as usize]) {
                SOME_KEPT
            } else {
                NONE_KEPT
            }
        })
        .collect()
}

/// Adds a sample's values to one node's row (one entry per measure).
fn add_into(row: &mut [i64], values: &[i64]) {
    for (sum, v) in row.iter_mut().zip(values) {
        *sum = sum.wrapping_add(*v);
    }
}

/// The edges of every share, in the order one walk would have first seen
/// them (each share's are in that order already).
fn merge_edges(shares: &[EdgeSums], m: usize) -> EdgeSums {
    let total: usize = shares.iter().map(|s| s.ends.len()).sum();
    let any_div = shares.iter().any(|s| !s.div.is_empty());
    let mut all = EdgeSums {
        ends: Vec::with_capacity(total),
        weight: Vec::with_capacity(total * m),
        div: Vec::with_capacity(if any_div { total * m } else { 0 }),
        flags: Vec::with_capacity(total * m),
        first_seen: Vec::new(),
    };
    let mut next = vec![0usize; shares.len()];
    loop {
        // The share whose next edge was seen first (few shares: a scan).
        let mut pick: Option<(u64, usize)> = None;
        for (k, share) in shares.iter().enumerate() {
            if let Some(&seen) = share.first_seen.get(next[k])
                && pick.is_none_or(|(best, _)| seen < best)
            {
                pick = Some((seen, k));
            }
        }
        let Some((_, k)) = pick else { break };
        let (share, e) = (&shares[k], next[k]);
        next[k] += 1;
        let row = e * m..(e + 1) * m;
        all.ends.push(share.ends[e]);
        all.weight.extend_from_slice(&share.weight[row.clone()]);
        all.flags.extend_from_slice(&share.flags[row.clone()]);
        if any_div {
            all.div.extend_from_slice(&share.div[row]);
        }
    }
    all
}

/// No caller: the root, or a node called from itself (no edge).
const NO_CALLER: NodeId = NodeId::MAX;

/// A frame of the share walked: its node, the edge into it.
struct Step {
    node: NodeId,
    caller: NodeId,
    flag: u8,
    ordinal: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Filters, Granularity};

    fn fixture(name: &str) -> Profile {
        let path = format!("{}/tests/fixtures/go/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::profile::load(&path, &Default::default()).expect("fixture loads")
    }

    /// However many threads share it, a walk sums what one walk sums, and
    /// numbers the edges as one walk does.
    #[test]
    fn shared_walks_sum_as_one() {
        for (name, measures) in [
            ("cpu.pprof", vec![Measure::plain(1)]),
            ("heap.pprof", (0..4).map(Measure::plain).collect::<Vec<_>>()),
            (
                "block.pprof",
                vec![
                    Measure {
                        index: 1,
                        mean: true,
                    },
                    Measure::plain(0),
                ],
            ),
        ] {
            let profile = fixture(name);
            for granularity in [Granularity::Functions, Granularity::Addresses] {
                let frames = Frames::new(&profile, granularity, &Filters::default());
                // Every third node left out: residual edges.
                let kept: Vec<bool> = (0..frames.nodes.len()).map(|n| n % 3 != 1).collect();
                for kept_nodes in [None, Some(kept.as_slice())] {
                    for with_edges in [true, false] {
                        let classes = kept_nodes.map(|k| location_classes(&frames, &profile, k));
                        let walk = Walk {
                            profile: &profile,
                            frames: &frames,
                            measures: &measures,
                            kept_nodes,
                            classes: classes.as_deref(),
                            with_edges,
                        };
                        let Share { nodes, edges } = walk.share(0, 1, 0..profile.samples.len());
                        let one = (nodes, edges);
                        assert!(!one.0.cum.iter().all(|&v| v == 0), "{name}");
                        assert_eq!(with_edges, !one.1.ends.is_empty(), "{name}");
                        for parts in [2, 4] {
                            let shared = walk.by_nodes(parts);
                            assert!(shared == one, "{name} {granularity:?} by nodes {parts}");
                        }
                        for parts in [2, 3, 7] {
                            let shared = walk.by_samples(parts);
                            assert!(shared == one, "{name} {granularity:?} by samples {parts}");
                        }
                    }
                }
            }
        }
    }
}
