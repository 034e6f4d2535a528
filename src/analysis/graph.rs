//! The call graph: flat and cumulative values per node and weights per
//! caller->callee edge, for several measures at once.
//!
//! This follows pprof's `graph.New` sample by sample: a stack is walked from
//! the root; every node on it gets the sample's value in `cum` once (so
//! recursion is not counted twice), every distinct caller->callee pair gets it
//! once, and the innermost kept frame gets it in `flat`. Computing all
//! measures in the same pass is what lets the explorer switch sample index
//! without recomputing anything.

use super::flat_cum;
use super::frames::Frames;
use super::node::NodeId;
use super::parallel;
use crate::profile::Profile;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Index of an edge in a [`Graph`].
pub type EdgeId = u32;

/// What a number in the graph measures: one sample value, optionally divided
/// by the first sample value (pprof's `-mean`, used by `-mean_delay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Measure {
    /// The sample index.
    pub index: usize,
    /// Divide by sample value 0 (e.g. delay / contentions).
    pub mean: bool,
}

impl Measure {
    /// The plain value of sample index `index`.
    pub fn plain(index: usize) -> Measure {
        Measure { index, mean: false }
    }

    /// The value and its divisor for one sample.
    fn of(&self, values: &[i64]) -> (i64, i64) {
        let divisor = if self.mean { values[0] } else { 0 };
        (values[self.index], divisor)
    }
}

const EDGE_SEEN: u8 = 1;
const EDGE_NOT_INLINE: u8 = 2;
/// Some contribution skipped nodes left out of the graph (pprof's
/// `Residual`): the edge stands for a path, not a call.
const EDGE_RESIDUAL: u8 = 4;
const UNSET: u32 = u32::MAX;

/// Flat, cum and edges of every node for every measure.
///
/// A graph has one column per measure, in the order of its measures: a
/// `column` is a place in that list (0 for a graph of one measure), not a
/// sample index ([`Measure::index`] is the sample index a column sums).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    measures: Vec<Measure>,
    node_count: usize,
    flat: Vec<i64>,
    cum: Vec<i64>,
    /// Sums of the mean divisor; empty when no measure is a mean.
    flat_div: Vec<i64>,
    cum_div: Vec<i64>,
    edges: Vec<(NodeId, NodeId)>,
    edge_weight: Vec<i64>,
    edge_div: Vec<i64>,
    edge_flags: Vec<u8>,
    in_starts: Vec<u32>,
    in_edges: Vec<EdgeId>,
    out_starts: Vec<u32>,
    out_edges: Vec<EdgeId>,
}

impl Graph {
    /// Aggregates every kept sample of `profile`. With `kept_nodes`, nodes
    /// outside the set are left out as pprof's trimming does: their callers
    /// connect to their callees directly, and a sample whose leaf is left out
    /// adds no flat value anywhere.
    pub fn build(
        profile: &Profile,
        frames: &Frames,
        measures: &[Measure],
        kept_nodes: Option<&[bool]>,
    ) -> Graph {
        Graph::aggregate(profile, frames, measures, kept_nodes, true)
    }

    /// Like [`Graph::build`] but only flat and cum: no edges. Trimming
    /// decides which nodes to keep from these alone, and skipping the edge
    /// table (a hash lookup per frame) makes such passes several times
    /// faster on large profiles.
    pub fn build_without_edges(
        profile: &Profile,
        frames: &Frames,
        measures: &[Measure],
        kept_nodes: Option<&[bool]>,
    ) -> Graph {
        Graph::aggregate(profile, frames, measures, kept_nodes, false)
    }

    fn aggregate(
        profile: &Profile,
        frames: &Frames,
        measures: &[Measure],
        kept_nodes: Option<&[bool]>,
        with_edges: bool,
    ) -> Graph {
        let classes = kept_nodes.map(|kept| location_classes(frames, profile, kept));
        let pass = Pass {
            profile,
            frames,
            measures,
            kept_nodes,
            classes: classes.as_deref(),
            with_edges,
        };
        let samples = profile.samples.len();
        // Two halves of the samples on two cores, when there are enough
        // frames to pay for a thread; the halves add up to exactly the
        // graph of one pass (edges numbered in the order they are met).
        let ranges = if profile.samples.frame_count() >= PARALLEL_FROM_FRAMES {
            parallel::even_split(samples, parallel::THREADS)
        } else {
            std::iter::once(0..samples).collect()
        };
        let mut parts = parallel::in_parallel(ranges, |range| pass.run(range)).into_iter();
        let mut whole = parts.next().unwrap_or_else(|| pass.run(0..0));
        for part in parts {
            whole.add(part);
        }
        let mut g = whole.graph;
        g.index_edges();
        g
    }

    /// A graph without edges from summed rows: `flat` and `cum` hold
    /// `width` numbers per node, the measures' sums and then, when `width`
    /// is twice the number of measures, the sums of the mean divisors.
    pub fn from_sums(
        measures: &[Measure],
        node_count: usize,
        flat: Vec<i64>,
        cum: Vec<i64>,
        width: usize,
    ) -> Graph {
        let m = measures.len();
        let with_div = width == 2 * m && m > 0;
        let columns = |rows: &[i64], from: usize| -> Vec<i64> {
            rows.chunks_exact(width.max(1))
                .flat_map(|row| row[from..from + m].iter().copied())
                .collect()
        };
        let (flat, cum, flat_div, cum_div) = match with_div {
            true => (
                columns(&flat, 0),
                columns(&cum, 0),
                columns(&flat, m),
                columns(&cum, m),
            ),
            // Rows of the measures alone are the graph's layout already.
            false => (flat, cum, Vec::new(), Vec::new()),
        };
        let mut g = Graph {
            measures: measures.to_vec(),
            node_count,
            flat,
            cum,
            flat_div,
            cum_div,
            ..Graph::default()
        };
        if m == 0 {
            (g.flat, g.cum) = (Vec::new(), Vec::new());
        }
        g.index_edges();
        g
    }

    /// This graph of one measure (without edges) as `column` of a graph
    /// of `measures`, the other columns empty: a table of that column
    /// reads the same numbers from it.
    pub fn as_column_of(self, measures: &[Measure], column: usize) -> Graph {
        debug_assert_eq!(self.measures.len(), 1, "a graph of one measure");
        let (n, m) = (self.node_count, measures.len());
        let widen = |one: Vec<i64>| -> Vec<i64> {
            if one.is_empty() {
                return one;
            }
            let mut all = vec![0; n * m];
            for (node, value) in one.into_iter().enumerate() {
                all[node * m + column] = value;
            }
            all
        };
        let mut g = Graph {
            measures: measures.to_vec(),
            node_count: n,
            flat: widen(self.flat),
            cum: widen(self.cum),
            flat_div: widen(self.flat_div),
            cum_div: widen(self.cum_div),
            ..Graph::default()
        };
        g.index_edges();
        g
    }

    fn index_edges(&mut self) {
        let n = self.node_count;
        let (in_starts, in_edges) = adjacency(n, self.edges.iter().map(|&(_, callee)| callee));
        let (out_starts, out_edges) = adjacency(n, self.edges.iter().map(|&(caller, _)| caller));
        (
            self.in_starts,
            self.in_edges,
            self.out_starts,
            self.out_edges,
        ) = (in_starts, in_edges, out_starts, out_edges);
    }

    /// The measures, in column order.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// Number of nodes (of the frames the graph was built from).
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// Raw flat sum of `node` for `column` (pprof's `Flat`).
    pub fn flat(&self, node: NodeId, column: usize) -> i64 {
        self.flat[node as usize * self.measures.len() + column]
    }

    /// Raw cumulative sum (pprof's `Cum`).
    pub fn cum(&self, node: NodeId, column: usize) -> i64 {
        self.cum[node as usize * self.measures.len() + column]
    }

    /// The flat value shown (pprof's `FlatValue`: divided for means).
    pub fn flat_value(&self, node: NodeId, column: usize) -> i64 {
        let i = node as usize * self.measures.len() + column;
        divide(self.flat[i], self.flat_div.get(i).copied())
    }

    /// The cumulative value shown (pprof's `CumValue`).
    pub fn cum_value(&self, node: NodeId, column: usize) -> i64 {
        let i = node as usize * self.measures.len() + column;
        divide(self.cum[i], self.cum_div.get(i).copied())
    }

    /// Whether `node` is in the graph for `column` (pprof drops nodes whose
    /// flat and cum are both zero).
    pub fn has_node(&self, node: NodeId, column: usize) -> bool {
        self.flat(node, column) != 0 || self.cum(node, column) != 0
    }

    /// The nodes present for `column`, in id order.
    pub fn present_nodes(&self, column: usize) -> Vec<NodeId> {
        (0..self.node_count as NodeId)
            .filter(|&n| self.has_node(n, column))
            .collect()
    }

    /// Caller and callee of edge `e`.
    pub fn edge(&self, e: EdgeId) -> (NodeId, NodeId) {
        self.edges[e as usize]
    }

    /// Whether any sample contributed to edge `e` for `column`.
    pub fn has_edge(&self, e: EdgeId, column: usize) -> bool {
        self.edge_flags[e as usize * self.measures.len() + column] & EDGE_SEEN != 0
    }

    /// Raw weight of edge `e` (pprof's `Weight`).
    pub fn edge_weight(&self, e: EdgeId, column: usize) -> i64 {
        self.edge_weight[e as usize * self.measures.len() + column]
    }

    /// Sum of the mean divisor over edge `e` (0 when no measure is a mean).
    pub fn edge_div(&self, e: EdgeId, column: usize) -> i64 {
        self.edge_div
            .get(e as usize * self.measures.len() + column)
            .copied()
            .unwrap_or(0)
    }

    /// Whether every contribution to edge `e` was an inlined call.
    pub fn edge_inline(&self, e: EdgeId, column: usize) -> bool {
        self.edge_flags[e as usize * self.measures.len() + column] & EDGE_NOT_INLINE == 0
    }

    /// Whether some contribution to edge `e` went over nodes left out of
    /// the graph (pprof's residual edges, dotted in `-dot`).
    pub fn edge_residual(&self, e: EdgeId, k: usize) -> bool {
        self.edge_flags[e as usize * self.measures.len() + k] & EDGE_RESIDUAL != 0
    }

    /// Edges into `node` (all columns; filter with [`Graph::has_edge`]).
    pub fn incoming(&self, node: NodeId) -> &[EdgeId] {
        let i = node as usize;
        &self.in_edges[self.in_starts[i] as usize..self.in_starts[i + 1] as usize]
    }

    /// Edges out of `node`.
    pub fn outgoing(&self, node: NodeId) -> &[EdgeId] {
        let i = node as usize;
        &self.out_edges[self.out_starts[i] as usize..self.out_starts[i + 1] as usize]
    }
}

/// Below this many frames in all, a graph is built on one thread.
const PARALLEL_FROM_FRAMES: usize = 1 << 18;

/// What a masked pass does with a location's frames (see
/// [`location_classes`]).
const NO_NODES: u8 = 0;
const NONE_KEPT: u8 = 1;
const SOME_KEPT: u8 = 2;

/// For each location, whether it has nodes and whether any is kept: most
/// frames of a trimmed pass have none kept, and a table of a byte per
/// location answers that without reaching for the nodes.
fn location_classes(frames: &Frames, profile: &Profile, kept: &[bool]) -> Vec<u8> {
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

type EdgeIndex = HashMap<u64, EdgeId, BuildHasherDefault<PairHasher>>;

/// A pass over some of the samples.
struct Pass<'a> {
    profile: &'a Profile,
    frames: &'a Frames,
    measures: &'a [Measure],
    kept_nodes: Option<&'a [bool]>,
    classes: Option<&'a [u8]>,
    with_edges: bool,
}

/// The graph of some of the samples, with its edges still findable.
struct Partial {
    graph: Graph,
    edge_index: EdgeIndex,
}

impl Pass<'_> {
    fn run(&self, samples: std::ops::Range<usize>) -> Partial {
        let (profile, frames, measures, kept_nodes) =
            (self.profile, self.frames, self.measures, self.kept_nodes);
        let with_edges = self.with_edges;
        let m = measures.len();
        let n = frames.nodes.len();
        if let [measure] = measures
            && !measure.mean
            && !with_edges
            && kept_nodes.is_none()
        {
            // The hot pass of the text reports, laid out for the caches.
            let (flat, cum) = flat_cum::flat_and_cum(profile, frames, measure.index, samples);
            return Partial {
                graph: Graph {
                    measures: measures.to_vec(),
                    node_count: n,
                    flat,
                    cum,
                    ..Graph::default()
                },
                edge_index: EdgeIndex::default(),
            };
        }
        let any_mean = measures.iter().any(|x| x.mean);
        let mut g = Graph {
            measures: measures.to_vec(),
            node_count: n,
            flat: vec![0; n * m],
            cum: vec![0; n * m],
            flat_div: if any_mean { vec![0; n * m] } else { Vec::new() },
            cum_div: if any_mean { vec![0; n * m] } else { Vec::new() },
            ..Graph::default()
        };
        let mut edge_index = EdgeIndex::default();
        let mut edge_stamp: Vec<u32> = Vec::new();
        let mut node_stamp = vec![UNSET; n];
        let mut last_edge_into: Vec<(NodeId, EdgeId)> =
            vec![(UNSET, UNSET); if with_edges { n } else { 0 }];
        let mut w = vec![0i64; m];
        let mut dw = vec![0i64; m];
        let mut contributes = vec![false; m];
        let all = &profile.samples;

        for s in samples {
            if !frames.keeps_sample(s) {
                continue;
            }
            let values = all.values(s);
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
            let mut parent: Option<NodeId> = None;
            let mut residual = false;
            for &loc in frames.stack(profile, s).iter().rev() {
                if let Some(classes) = self.classes {
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
                    let base = node as usize * m;
                    if node_stamp[node as usize] != stamp {
                        node_stamp[node as usize] = stamp;
                        add_into(&mut g.cum[base..base + m], &w);
                        if any_mean {
                            add_into(&mut g.cum_div[base..base + m], &dw);
                        }
                    }
                    if let Some(caller) = parent.filter(|&p| with_edges && p != node) {
                        let next_id = g.edges.len() as EdgeId;
                        let key = (u64::from(caller) << 32) | u64::from(node);
                        // Most frames are reached from the same caller as
                        // last time: a per-callee cache of the last edge
                        // skips the (cache-missing) table lookup.
                        let cached = &mut last_edge_into[node as usize];
                        let e = if cached.0 == caller && cached.1 != UNSET {
                            cached.1 as usize
                        } else {
                            let e = *edge_index.entry(key).or_insert_with(|| {
                                g.edges.push((caller, node));
                                edge_stamp.push(UNSET);
                                g.edge_weight.extend(std::iter::repeat_n(0, m));
                                if any_mean {
                                    g.edge_div.extend(std::iter::repeat_n(0, m));
                                }
                                g.edge_flags.extend(std::iter::repeat_n(0, m));
                                next_id
                            });
                            *cached = (caller, e);
                            e as usize
                        };
                        if edge_stamp[e] != stamp {
                            edge_stamp[e] = stamp;
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
                            for column in 0..m {
                                if contributes[column] {
                                    g.edge_weight[e * m + column] =
                                        g.edge_weight[e * m + column].wrapping_add(w[column]);
                                    if any_mean {
                                        g.edge_div[e * m + column] =
                                            g.edge_div[e * m + column].wrapping_add(dw[column]);
                                    }
                                    g.edge_flags[e * m + column] |= flag;
                                }
                            }
                        }
                    }
                    parent = Some(node);
                    residual = false;
                }
            }
            if let Some(leaf) = parent
                && !residual
            {
                let base = leaf as usize * m;
                add_into(&mut g.flat[base..base + m], &w);
                if any_mean {
                    add_into(&mut g.flat_div[base..base + m], &dw);
                }
            }
        }
        Partial {
            graph: g,
            edge_index,
        }
    }
}

impl Partial {
    /// Adds the graph of the samples that follow these.
    fn add(&mut self, later: Partial) {
        let (g, other) = (&mut self.graph, later.graph);
        let m = g.measures.len();
        let sum = |into: &mut Vec<i64>, from: &[i64]| {
            for (a, b) in into.iter_mut().zip(from) {
                *a = a.wrapping_add(*b);
            }
        };
        sum(&mut g.flat, &other.flat);
        sum(&mut g.cum, &other.cum);
        sum(&mut g.flat_div, &other.flat_div);
        sum(&mut g.cum_div, &other.cum_div);
        let with_div = g.measures.iter().any(|x| x.mean);
        for (e, &(caller, callee)) in other.edges.iter().enumerate() {
            let key = (u64::from(caller) << 32) | u64::from(callee);
            let next_id = g.edges.len() as EdgeId;
            let to = *self.edge_index.entry(key).or_insert_with(|| {
                g.edges.push((caller, callee));
                g.edge_weight.extend(std::iter::repeat_n(0, m));
                if with_div {
                    g.edge_div.extend(std::iter::repeat_n(0, m));
                }
                g.edge_flags.extend(std::iter::repeat_n(0, m));
                next_id
            }) as usize;
            for c in 0..m {
                g.edge_weight[to * m + c] =
                    g.edge_weight[to * m + c].wrapping_add(other.edge_weight[e * m + c]);
                if with_div {
                    g.edge_div[to * m + c] =
                        g.edge_div[to * m + c].wrapping_add(other.edge_div[e * m + c]);
                }
                g.edge_flags[to * m + c] |= other.edge_flags[e * m + c];
            }
        }
    }
}

/// Hashes a caller/callee pair packed in a u64. The pairs are small dense
/// integers, which a plain multiplicative hash (FxHash) maps to hashes whose
/// high bits, which the table uses to tell entries apart, barely differ:
/// lookups then probe long runs. A full 64-bit mix (the murmur3 finalizer)
/// spreads them.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        z ^ (z >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Adds a sample's values to one node's row (one entry per measure).
fn add_into(row: &mut [i64], values: &[i64]) {
    for (sum, v) in row.iter_mut().zip(values) {
        *sum = sum.wrapping_add(*v);
    }
}

/// pprof's `value / div` when a divisor was summed and is non-zero.
fn divide(value: i64, div: Option<i64>) -> i64 {
    match div {
        Some(d) if d != 0 => value.wrapping_div(d),
        _ => value,
    }
}

/// Groups edge ids by one endpoint (counting sort): CSR starts and ids.
fn adjacency(n: usize, endpoint: impl Iterator<Item = NodeId> + Clone) -> (Vec<u32>, Vec<EdgeId>) {
    let mut starts = vec![0u32; n + 1];
    for node in endpoint.clone() {
        starts[node as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut ids = vec![0; starts[n] as usize];
    for (e, node) in endpoint.enumerate() {
        let slot = &mut fill[node as usize];
        ids[*slot as usize] = e as EdgeId;
        *slot += 1;
    }
    (starts, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Filters, Granularity};

    fn fixture(name: &str) -> Profile {
        let path = format!("{}/tests/fixtures/go/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::profile::load(&path, &Default::default()).expect("fixture loads")
    }

    /// The graph of a pass over everything, and of two halves added up,
    /// must be the same graph: edges in the same order, same sums.
    #[test]
    fn halves_add_up_to_the_whole() {
        for name in ["cpu.pprof", "heap.pprof", "allocs.pprof"] {
            let profile = fixture(name);
            let frames = Frames::new(&profile, Granularity::Functions, &Filters::default());
            let measures: Vec<Measure> = (0..profile.sample_types.len())
                .map(Measure::plain)
                .chain([Measure {
                    index: profile.sample_types.len() - 1,
                    mean: true,
                }])
                .collect();
            let kept: Vec<bool> = (0..frames.nodes.len()).map(|n| n % 3 != 0).collect();
            for (measures, kept) in [
                (&measures[..], None),
                (&measures[..1], None),
                (&measures[..], Some(&kept[..])),
            ] {
                for with_edges in [false, true] {
                    let classes = kept.map(|k| location_classes(&frames, &profile, k));
                    let pass = Pass {
                        profile: &profile,
                        frames: &frames,
                        measures,
                        kept_nodes: kept,
                        classes: classes.as_deref(),
                        with_edges,
                    };
                    let n = profile.samples.len();
                    let whole = pass.run(0..n).graph;
                    for cut in [0, 1, n / 3, n / 2, n] {
                        let mut halves = pass.run(0..cut);
                        halves.add(pass.run(cut..n));
                        let g = halves.graph;
                        let what = format!("{name} cut at {cut} edges {with_edges}");
                        assert_eq!(g.flat, whole.flat, "{what}");
                        assert_eq!(g.cum, whole.cum, "{what}");
                        assert_eq!(g.flat_div, whole.flat_div, "{what}");
                        assert_eq!(g.cum_div, whole.cum_div, "{what}");
                        assert_eq!(g.edges, whole.edges, "{what}");
                        assert_eq!(g.edge_weight, whole.edge_weight, "{what}");
                        assert_eq!(g.edge_div, whole.edge_div, "{what}");
                        assert_eq!(g.edge_flags, whole.edge_flags, "{what}");
                    }
                }
            }
        }
    }
}
