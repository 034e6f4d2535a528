//! The numbers behind the screen, and when they are recomputed.
//!
//! [`Aggregate`] is the expensive part (one pass over every sample): nodes
//! and call graph for every sample type at once, rebuilt only when the
//! granularity or the filters change. [`View`] is the table: the rows for one
//! sample type and sort order with their unit and running sums, rebuilt when
//! those change. Drawing reads both and computes nothing over all rows.

use crate::analysis::order::{SortKey, sort_nodes};
use crate::analysis::{EdgeId, Filters, Frames, Granularity, Graph, Measure, NodeId};
use crate::profile::{Profile, StrId};
use crate::report::Report;
use crate::report::trim::{Trim, TrimmedGraph};
use crate::safe_text;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Nodes and graph for one granularity and set of filters.
///
/// Built in two stages on big profiles: [`Aggregate::quick`] has flat and
/// cum (all the table needs) and comes several times sooner;
/// [`Aggregate::complete`] adds the edges (callers, callees, inline marks)
/// from the same frames. Flat and cum are the same in both, so views built on
/// the quick stage stay valid.
pub struct Aggregate {
    /// The nodes and which samples survive the filters.
    pub frames: Arc<Frames>,
    /// Flat, cum and (when [`Aggregate::complete`]) edges for every sample
    /// type (column k = sample index).
    pub graph: Graph,
    /// Every node's name, escaped for the terminal once, not per frame.
    pub display: Arc<Vec<String>>,
    index: Arc<FxHashMap<Box<[u8]>, NodeId>>,
    /// Whether the graph has its edges.
    pub complete: bool,
}

impl Aggregate {
    /// Aggregates `profile` for every measure in `measures`, edges included.
    pub fn build(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Aggregate {
        let quick = Aggregate::quick(profile, measures, granularity, filters, inline_frames);
        let graph = quick.edges(profile);
        quick.with_edges(graph)
    }

    /// The first stage: nodes, flat and cum; no edges.
    pub fn quick(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Aggregate {
        let frames = Frames::with_inlining(profile, granularity, filters, inline_frames);
        let graph = Graph::build_without_edges(profile, &frames, measures, None);
        let n = frames.nodes.len() as NodeId;
        let display = (0..n)
            .map(|id| safe_text::escape(frames.nodes.name(id)))
            .collect();
        let mut index = FxHashMap::default();
        index.reserve(n as usize);
        for id in 0..n {
            index.entry(frames.nodes.name(id).into()).or_insert(id);
        }
        Aggregate {
            frames: Arc::new(frames),
            graph,
            display: Arc::new(display),
            index: Arc::new(index),
            complete: false,
        }
    }

    /// The full graph (with edges) of this aggregate's frames: the slow
    /// part, done off the UI thread by the explorer.
    pub fn edges(&self, profile: &Profile) -> Graph {
        Graph::build(profile, &self.frames, self.graph.measures(), None)
    }

    /// This aggregate with `graph` (from [`Aggregate::edges`]) in place.
    pub fn with_edges(mut self, graph: Graph) -> Aggregate {
        self.graph = graph;
        self.complete = true;
        self
    }

    /// The node printed as `name`, if any.
    pub fn find(&self, name: &[u8]) -> Option<NodeId> {
        self.index.get(name).copied()
    }
}

/// How a function is recognised again after the nodes were rebuilt (node
/// ids change then): its printed name, else its function, else its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The printed name (raw bytes).
    pub name: Box<[u8]>,
    /// The function name's string in the profile (empty at `files`).
    pub function: StrId,
    /// The node's source file (cleaned), when the granularity keeps it.
    pub file: Box<[u8]>,
}

impl Identity {
    /// The identity of `node`.
    pub fn of(agg: &Aggregate, node: NodeId) -> Identity {
        let nodes = &agg.frames.nodes;
        Identity {
            name: nodes.name(node).into(),
            function: nodes.info(node).name,
            file: nodes.file(node).into(),
        }
    }

    /// The identity without the profile's string id, to find the function
    /// in another profile (a refreshed one) by name, else by file.
    pub fn portable(&self) -> Identity {
        Identity {
            function: StrId::EMPTY,
            ..self.clone()
        }
    }
}

/// How rows are chosen and printed, from the command line: trimming
/// (`--node-fraction`, `--node-count`, `--drop-negative`; none by default
/// in the explorer) and `--unit`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// Drop nodes whose cum is below this share of the total.
    pub node_fraction: f64,
    /// Drop edges below this share (decides the inline marks).
    pub edge_fraction: f64,
    /// Keep at most this many nodes (0: all).
    pub node_count: usize,
    /// Leave out nodes with negative values.
    pub drop_negative: bool,
    /// The unit values are printed in (`None`: pprof's choice).
    pub unit: Option<String>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            node_fraction: 0.0,
            edge_fraction: 0.001,
            node_count: 0,
            drop_negative: false,
            unit: None,
        }
    }
}

impl TableOptions {
    /// Whether rows are trimmed: then pprof's trimming rebuilds the graph
    /// for the one measure shown.
    fn trims(&self) -> bool {
        self.node_fraction > 0.0 || self.node_count > 0 || self.drop_negative
    }
}

/// The table for one sample type and sort order.
pub struct View<'p> {
    /// The measure's report numbers: total, and the unit chosen for these rows.
    pub report: Report<'p>,
    /// The sample index shown.
    pub sample: usize,
    /// The row order.
    pub sort: SortKey,
    /// The rows, in order.
    pub rows: Vec<NodeId>,
    /// `sums[i]`: flat sum of rows `0..=i` (the sum% column).
    sums: Vec<i64>,
    /// Row of each node, `u32::MAX` for nodes not shown.
    row_of: Vec<u32>,
    /// With trimming, the graph rebuilt from the kept nodes (as pprof does).
    trimmed: Option<Graph>,
    /// The graph column of the measure.
    k: usize,
    /// Edges lighter than this do not count for inline marks (pprof's edge
    /// fraction).
    edge_cutoff: i64,
}

impl<'p> View<'p> {
    /// Builds the table of column `k` of `agg`; `base` is the measure's
    /// report (its total is computed once per measure, not here).
    pub fn build(
        profile: &'p Profile,
        agg: &Aggregate,
        base: &Report<'p>,
        k: usize,
        sort: SortKey,
        trim: &TableOptions,
    ) -> View<'p> {
        let sample = k;
        let (trimmed, mut rows, edge_cutoff, k) = if trim.trims() {
            // pprof trims by flat or cum; a name sort is applied afterwards.
            let by = if sort == SortKey::Cum {
                SortKey::Cum
            } else {
                SortKey::Flat
            };
            let t = TrimmedGraph::new(
                profile,
                &agg.frames,
                base.measure,
                Trim {
                    node_fraction: trim.node_fraction,
                    edge_fraction: trim.edge_fraction,
                    node_count: trim.node_count,
                    drop_negative: trim.drop_negative,
                    ..Trim::none(by)
                },
            );
            (Some(t.graph), t.nodes, t.edge_cutoff, 0)
        } else {
            let rows = agg.graph.present_nodes(k);
            let flat_sum = rows
                .iter()
                .map(|&n| agg.graph.flat(n, k))
                .fold(0, i64::wrapping_add);
            let cutoff = (((flat_sum as f64) * trim.edge_fraction) as i64).wrapping_abs();
            (None, rows, cutoff, k)
        };
        let graph = trimmed.as_ref().unwrap_or(&agg.graph);
        sort_nodes(&mut rows, graph, &agg.frames.nodes, profile, k, sort);
        let mut report = base.clone();
        if report.set_unit(trim.unit.as_deref()) {
            report.select_unit(
                rows.iter()
                    .map(|&n| (graph.flat_value(n, k), graph.cum_value(n, k))),
            );
        }
        let mut sums = Vec::with_capacity(rows.len());
        let mut sum = 0i64;
        for &n in &rows {
            sum = sum.wrapping_add(graph.flat_value(n, k));
            sums.push(sum);
        }
        let mut row_of = vec![u32::MAX; agg.frames.nodes.len()];
        for (i, &n) in rows.iter().enumerate() {
            row_of[n as usize] = i as u32;
        }
        View {
            report,
            sample,
            sort,
            rows,
            sums,
            row_of,
            trimmed,
            k,
            edge_cutoff,
        }
    }

    /// The graph the rows come from and its column.
    pub fn graph<'a>(&'a self, agg: &'a Aggregate) -> (&'a Graph, usize) {
        (self.trimmed.as_ref().unwrap_or(&agg.graph), self.k)
    }

    /// The row showing `node`.
    pub fn row_of(&self, node: NodeId) -> Option<usize> {
        match self.row_of.get(node as usize) {
            Some(&r) if r != u32::MAX => Some(r as usize),
            _ => None,
        }
    }

    /// Flat sum of rows up to and including `row` (pprof's sum%).
    pub fn sum_through(&self, row: usize) -> i64 {
        self.sums.get(row).copied().unwrap_or(0)
    }

    /// Flat sum of all rows ("Showing nodes accounting for").
    pub fn shown(&self) -> i64 {
        self.sums.last().copied().unwrap_or(0)
    }

    /// Whether callers and callees are known: the aggregate's edges have
    /// been computed (or trimming built a graph of its own).
    pub fn has_edges(&self, agg: &Aggregate) -> bool {
        self.trimmed.is_some() || agg.complete
    }

    /// flat and cum of `node`, as shown.
    pub fn values(&self, agg: &Aggregate, node: NodeId) -> (i64, i64) {
        let (g, k) = self.graph(agg);
        (g.flat_value(node, k), g.cum_value(node, k))
    }

    /// pprof's `--top` suffix for `node`: `(inline)` when every kept edge
    /// into it is inlined, `(partial-inline)` when some are.
    pub fn inline_mark(&self, agg: &Aggregate, node: NodeId) -> Option<&'static str> {
        let (g, k) = self.graph(agg);
        let (mut inline, mut not_inline) = (false, false);
        for &e in g.incoming(node) {
            if g.has_edge(e, k) && g.edge_weight(e, k).wrapping_abs() >= self.edge_cutoff {
                if g.edge_inline(e, k) {
                    inline = true;
                } else {
                    not_inline = true;
                }
            }
        }
        match (inline, not_inline) {
            (true, true) => Some("partial-inline"),
            (true, false) => Some("inline"),
            _ => None,
        }
    }

    /// Callers (edges into `node`) and callees (edges out), heaviest first
    /// as in pprof's peek.
    pub fn calls(&self, agg: &Aggregate, node: NodeId) -> (Vec<EdgeId>, Vec<EdgeId>) {
        let (g, k) = self.graph(agg);
        let names = &agg.frames.nodes;
        (
            crate::analysis::order::sort_edges(g, names, g.incoming(node), k),
            crate::analysis::order::sort_edges(g, names, g.outgoing(node), k),
        )
    }
}
