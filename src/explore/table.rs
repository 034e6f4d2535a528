//! The rows of one table (a sample type in a sort order): which nodes, in
//! what order, their running sums, and with trimming the graph they come
//! from. Nothing here borrows the profile, so the worker builds tables
//! while the session goes on: sorting tens of thousands of rows (hundreds of
//! thousands on the biggest profiles) is most of a table's cost.

use crate::analysis::order::{SortKey, sort_nodes};
use crate::analysis::{Frames, Graph, Measure, NodeId};
use crate::profile::Profile;
use crate::report::smallest_shown;
use crate::report::trim::{Trim, TrimmedGraph};

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
    pub fn trims(&self) -> bool {
        self.node_fraction > 0.0 || self.node_count > 0 || self.drop_negative
    }
}

/// The rows of column `k` of a graph in one sort order.
pub struct Table {
    /// The sample index shown.
    pub sample: usize,
    /// The row order.
    pub sort: SortKey,
    /// The rows, in order.
    pub rows: Vec<NodeId>,
    /// `sums[i]`: flat sum of rows `0..=i` (the sum% column).
    pub sums: Vec<i64>,
    /// Row of each node, `u32::MAX` for nodes not shown.
    pub row_of: Vec<u32>,
    /// With trimming, the graph rebuilt from the kept nodes (as pprof does).
    pub trimmed: Option<Graph>,
    /// The graph column of the measure.
    pub k: usize,
    /// Edges lighter than this do not count for inline marks (pprof's edge
    /// fraction).
    pub edge_cutoff: i64,
    /// What choosing the unit needs of the rows' values (see
    /// [`smallest_shown`]).
    pub smallest: Option<i64>,
}

impl Table {
    /// The rows of `measure` (column `k` of `graph`, over `frames`) in
    /// `sort` order, trimmed as `options` say.
    pub fn build(
        profile: &Profile,
        frames: &Frames,
        graph: &Graph,
        measure: Measure,
        k: usize,
        sort: SortKey,
        options: &TableOptions,
    ) -> Table {
        let sample = k;
        let (trimmed, mut rows, edge_cutoff, k) = if options.trims() {
            // pprof trims by flat or cum; a name sort is applied afterwards.
            let by = if sort == SortKey::Cum {
                SortKey::Cum
            } else {
                SortKey::Flat
            };
            let t = TrimmedGraph::new(
                profile,
                frames,
                measure,
                Trim {
                    node_fraction: options.node_fraction,
                    edge_fraction: options.edge_fraction,
                    node_count: options.node_count,
                    drop_negative: options.drop_negative,
                    ..Trim::none(by)
                },
            );
            (Some(t.graph), t.nodes, t.edge_cutoff, 0)
        } else {
            let rows = graph.present_nodes(k);
            let flat_sum = rows
                .iter()
                .map(|&n| graph.flat(n, k))
                .fold(0, i64::wrapping_add);
            let cutoff = (((flat_sum as f64) * options.edge_fraction) as i64).wrapping_abs();
            (None, rows, cutoff, k)
        };
        let graph = trimmed.as_ref().unwrap_or(graph);
        sort_nodes(&mut rows, graph, &frames.nodes, profile, k, sort);
        // One pass over the rows' values (in row order, all over the
        // graph) for both the running sums and the unit.
        let mut sums = Vec::with_capacity(rows.len());
        let mut sum = 0i64;
        let smallest = smallest_shown(rows.iter().map(|&n| {
            let (flat, cum) = (graph.flat_value(n, k), graph.cum_value(n, k));
            sum = sum.wrapping_add(flat);
            sums.push(sum);
            (flat, cum)
        }));
        debug_assert_eq!(sums.len(), rows.len(), "every row was summed");
        let mut row_of = vec![u32::MAX; frames.nodes.len()];
        for (i, &n) in rows.iter().enumerate() {
            row_of[n as usize] = i as u32;
        }
        Table {
            sample,
            sort,
            rows,
            sums,
            row_of,
            trimmed,
            k,
            edge_cutoff,
            smallest,
        }
    }
}
