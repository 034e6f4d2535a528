//! pprof's `newTrimmedGraph`: build the graph, drop nodes below the node
//! fraction, sort, keep the top N, and drop light edges.
//!
//! Dropping nodes is not a filter on rows: pprof rebuilds the graph from the
//! samples with only the kept nodes, so callers connect to callees across the
//! dropped ones and samples whose leaf was dropped lose their flat value.

use crate::analysis::order::{SortKey, sort_nodes};
use crate::analysis::{Frames, Graph, Measure, NodeId};
use crate::profile::Profile;

/// Trimming parameters.
#[derive(Debug, Clone, Copy)]
pub struct Trim {
    /// See `ReportOptions::node_fraction`.
    pub node_fraction: f64,
    /// See `ReportOptions::edge_fraction`.
    pub edge_fraction: f64,
    /// See `ReportOptions::node_count`.
    pub node_count: usize,
    /// Sort order.
    pub sort: SortKey,
    /// Leave out nodes with a negative flat (or zero flat and negative cum).
    pub drop_negative: bool,
}

impl Trim {
    /// No trimming at all (pprof's `peek`).
    pub fn none(sort: SortKey) -> Trim {
        Trim {
            node_fraction: 0.0,
            edge_fraction: 0.0,
            node_count: 0,
            sort,
            drop_negative: false,
        }
    }
}

/// The graph a report prints.
pub struct TrimmedGraph {
    /// The graph (of one measure, column 0).
    pub graph: Graph,
    /// The nodes shown, in order.
    pub nodes: Vec<NodeId>,
    /// Nodes before the `node_count` cut.
    pub before_count_cut: usize,
    /// Nodes dropped by the node fraction.
    pub dropped: usize,
    /// Edges lighter than this (|weight|) are dropped.
    pub edge_cutoff: i64,
}

impl TrimmedGraph {
    /// Builds and trims the graph of `measure` over `frames`.
    ///
    /// Which nodes survive is decided from flat and cum alone, so those
    /// passes skip the edge table; edges are collected once, in the pass
    /// over the final set of nodes.
    pub fn new(profile: &Profile, frames: &Frames, measure: Measure, trim: Trim) -> TrimmedGraph {
        let measures = [measure];
        let may_trim = trim.node_fraction != 0.0 || trim.node_count > 0;
        let pass = |kept: Option<&[NodeId]>, with_edges: bool| {
            let mask = kept.map(|nodes| mask(frames, nodes));
            if with_edges {
                Graph::build(profile, frames, &measures, mask.as_deref())
            } else {
                Graph::build_without_edges(profile, frames, &measures, mask.as_deref())
            }
        };
        let mut graph = pass(None, !may_trim);
        let mut nodes = present(&graph, trim.drop_negative);
        // pprof sums raw flat values here, not the divided ones of a mean.
        let total: i64 = nodes
            .iter()
            .map(|&n| graph.flat(n, 0))
            .fold(0, i64::wrapping_add);
        let node_cutoff = (((total as f64) * trim.node_fraction) as i64).wrapping_abs();
        let edge_cutoff = (((total as f64) * trim.edge_fraction) as i64).wrapping_abs();

        let mut kept: Option<Vec<NodeId>> = None;
        let mut dropped = 0;
        if node_cutoff > 0 {
            let keep: Vec<NodeId> = nodes
                .iter()
                .copied()
                .filter(|&n| graph.cum(n, 0).wrapping_abs() >= node_cutoff)
                .collect();
            if keep.len() != nodes.len() {
                dropped = nodes.len() - keep.len();
                // Without the dropped nodes, flat and cum change (samples
                // whose leaf was dropped lose their flat): pprof rebuilds.
                // Edges now unless a node count cut will rebuild again.
                graph = pass(Some(&keep), trim.node_count == 0);
                nodes = present(&graph, trim.drop_negative);
                kept = Some(keep);
            }
        }
        let before_count_cut = nodes.len();
        sort_nodes(&mut nodes, &graph, &frames.nodes, profile, 0, trim.sort);
        if trim.node_count > 0 && trim.node_count < nodes.len() {
            nodes.truncate(trim.node_count);
            graph = pass(Some(&nodes), true);
            nodes = present(&graph, trim.drop_negative);
            sort_nodes(&mut nodes, &graph, &frames.nodes, profile, 0, trim.sort);
        } else if may_trim && kept.is_none() {
            // Nothing was dropped: the first pass's nodes, now with edges.
            graph = pass(None, true);
        } else if trim.node_count > 0 {
            // Nodes were dropped, the count cut kept them all: add edges.
            graph = pass(kept.as_deref(), true);
        }
        TrimmedGraph {
            graph,
            nodes,
            before_count_cut,
            dropped,
            edge_cutoff,
        }
    }

    /// Whether edge `e` survives the edge cutoff.
    pub fn keeps_edge(&self, e: crate::analysis::EdgeId) -> bool {
        self.graph.has_edge(e, 0) && self.graph.edge_weight(e, 0).wrapping_abs() >= self.edge_cutoff
    }
}

/// The nodes pprof's `selectNodesForGraph` keeps.
fn present(graph: &Graph, drop_negative: bool) -> Vec<NodeId> {
    let mut nodes = graph.present_nodes(0);
    if drop_negative {
        nodes.retain(|&n| {
            let (flat, cum) = (graph.flat(n, 0), graph.cum(n, 0));
            !(flat < 0 || flat == 0 && cum < 0)
        });
    }
    nodes
}

fn mask(frames: &Frames, keep: &[NodeId]) -> Vec<bool> {
    let mut mask = vec![false; frames.nodes.len()];
    for &n in keep {
        mask[n as usize] = true;
    }
    mask
}
