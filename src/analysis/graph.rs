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
use super::graph_walk::{Walk, location_classes};
use super::node::NodeId;
use super::parallel;
use crate::profile::Profile;

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
    pub(super) fn of(&self, values: &[i64]) -> (i64, i64) {
        let divisor = if self.mean { values[0] } else { 0 };
        (values[self.index], divisor)
    }
}

pub(super) const EDGE_SEEN: u8 = 1;
pub(super) const EDGE_NOT_INLINE: u8 = 2;
/// Some contribution skipped nodes left out of the graph (pprof's
/// `Residual`): the edge stands for a path, not a call.
pub(super) const EDGE_RESIDUAL: u8 = 4;

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
        if let [measure] = measures
            && !measure.mean
            && !with_edges
            && kept_nodes.is_none()
        {
            // The hot pass of the text reports, laid out for the caches.
            return Graph::flat_and_cum(profile, frames, *measure);
        }
        let classes = kept_nodes.map(|kept| location_classes(frames, profile, kept));
        let walk = Walk {
            profile,
            frames,
            measures,
            kept_nodes,
            classes: classes.as_deref(),
            with_edges,
        };
        let (nodes, edges) = walk.sum();
        let mut g = Graph {
            measures: measures.to_vec(),
            node_count: frames.nodes.len(),
            flat: nodes.flat,
            cum: nodes.cum,
            flat_div: nodes.flat_div,
            cum_div: nodes.cum_div,
            edges: edges.ends,
            edge_weight: edges.weight,
            edge_div: edges.div,
            edge_flags: edges.flags,
            ..Graph::default()
        };
        g.index_edges();
        g
    }

    /// Flat and cum of one plain measure ([`flat_cum`]): two halves of the
    /// samples on two cores, when there are enough frames to pay for a
    /// thread.
    fn flat_and_cum(profile: &Profile, frames: &Frames, measure: Measure) -> Graph {
        let samples = profile.samples.len();
        let threads = match profile.samples.frame_count() >= PARALLEL_FROM_FRAMES {
            true => parallel::THREADS,
            false => 1,
        };
        let ranges = parallel::even_split(samples, threads);
        let parts = parallel::in_parallel(ranges, |range| {
            flat_cum::flat_and_cum(profile, frames, measure.index, range)
        });
        let mut parts = parts.into_iter();
        let n = frames.nodes.len();
        let (mut flat, mut cum) = parts.next().unwrap_or_else(|| (vec![0; n], vec![0; n]));
        for (more_flat, more_cum) in parts {
            for (into, from) in [(&mut flat, more_flat), (&mut cum, more_cum)] {
                for (a, b) in into.iter_mut().zip(from) {
                    *a = a.wrapping_add(b);
                }
            }
        }
        let mut g = Graph {
            measures: vec![measure],
            node_count: n,
            flat,
            cum,
            ..Graph::default()
        };
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
pub(super) const PARALLEL_FROM_FRAMES: usize = 1 << 18;

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

    /// The pass of one plain measure without edges ([`flat_cum`]), over
    /// everything and over two runs of samples added up, gives the sums of
    /// the general walk ([`Walk`], checked on shares of its own in
    /// `graph_walk.rs`).
    #[test]
    fn the_flat_and_cum_pass_sums_as_the_walk() {
        for name in ["cpu.pprof", "heap.pprof", "allocs.pprof"] {
            let profile = fixture(name);
            let frames = Frames::new(&profile, Granularity::Functions, &Filters::default());
            for index in 0..profile.sample_types.len() {
                let measures = [Measure::plain(index)];
                let walk = Walk {
                    profile: &profile,
                    frames: &frames,
                    measures: &measures,
                    kept_nodes: None,
                    classes: None,
                    with_edges: false,
                };
                let (nodes, _) = walk.sum();
                let g = Graph::flat_and_cum(&profile, &frames, measures[0]);
                assert_eq!(g.flat, nodes.flat, "{name} {index}");
                assert_eq!(g.cum, nodes.cum, "{name} {index}");
                let n = profile.samples.len();
                for cut in [0, 1, n / 3, n / 2, n] {
                    let (mut flat, mut cum) =
                        flat_cum::flat_and_cum(&profile, &frames, index, 0..cut);
                    let (more_flat, more_cum) =
                        flat_cum::flat_and_cum(&profile, &frames, index, cut..n);
                    for (into, from) in [(&mut flat, more_flat), (&mut cum, more_cum)] {
                        for (a, b) in into.iter_mut().zip(from) {
                            *a = a.wrapping_add(b);
                        }
                    }
                    assert_eq!(flat, nodes.flat, "{name} {index} cut at {cut}");
                    assert_eq!(cum, nodes.cum, "{name} {index} cut at {cut}");
                }
            }
        }
    }
}
