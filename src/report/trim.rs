//! pprof's `newTrimmedGraph`: build the graph, drop nodes below the node
//! fraction, sort, keep the top N, and drop light edges; in visual mode
//! (`-dot`) with pprof's entropy order, nodelets counted and redundant
//! residual edges removed.
//!
//! Dropping nodes is not a filter on rows: pprof rebuilds the graph from the
//! samples with only the kept nodes, so callers connect to callees across the
//! dropped ones and samples whose leaf was dropped lose their flat value.

use super::node_tags::{NodeTags, TagSpec};
use super::visual;
use crate::analysis::order::{SortKey, sort_nodes};
use crate::analysis::{EdgeId, Frames, Graph, Measure, NodeId};
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
    /// pprof's visual mode (`-dot`): entropy order, nodelets counted by
    /// the node count, redundant residual edges removed.
    pub visual: bool,
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
            visual: false,
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
    /// Edges the final edge trimming dropped, as pprof reports them (none
    /// when a node count cut nothing: pprof trimmed the edges before).
    pub dropped_edges: usize,
    /// Tags of the shown nodes (visual mode, for profiles with labels).
    pub tags: Option<NodeTags>,
    /// Whether each node is shown: only edges into shown nodes are trimmed.
    shown: Vec<bool>,
    /// Edges removed as redundant (visual mode).
    redundant: Vec<bool>,
}

impl TrimmedGraph {
    /// Builds and trims the graph of `measure` over `frames`.
    pub fn new(profile: &Profile, frames: &Frames, measure: Measure, trim: Trim) -> TrimmedGraph {
        TrimmedGraph::with_tags(profile, frames, measure, trim, None)
    }

    /// [`TrimmedGraph::new`]; in visual mode, `tags` gives the samples'
    /// tags, which count toward the node count and are kept for nodelets.
    ///
    /// Which nodes survive is decided from flat and cum alone (text
    /// reports), so those passes skip the edge table; edges are collected
    /// once, in the pass over the final set of nodes. Visual mode orders
    /// nodes by their edges, so its passes collect them.
    pub fn with_tags(
        profile: &Profile,
        frames: &Frames,
        measure: Measure,
        trim: Trim,
        tags: Option<&TagSpec>,
    ) -> TrimmedGraph {
        let measures = [measure];
        let may_trim = trim.node_fraction != 0.0 || trim.node_count > 0;
        let pass = |kept: Option<&[NodeId]>, with_edges: bool| {
            let mask = kept.map(|nodes| mask(frames, nodes));
            let graph = if with_edges {
                Graph::build(profile, frames, &measures, mask.as_deref())
            } else {
                Graph::build_without_edges(profile, frames, &measures, mask.as_deref())
            };
            (graph, with_edges)
        };
        let sort = |nodes: &mut Vec<NodeId>, graph: &Graph| match trim.visual {
            true => visual::sort_by_entropy(nodes, graph, &frames.nodes, profile),
            false => sort_nodes(nodes, graph, &frames.nodes, profile, 0, trim.sort),
        };
        let node_tags = |kept: Option<&[NodeId]>, nodes: &[NodeId], cutoff: i64| {
            tags.map(|spec| {
                let mask = kept.map(|k| mask(frames, k));
                let mut t =
                    NodeTags::collect(profile, frames, measure, mask.as_deref(), nodes, spec);
                t.trim(cutoff);
                t
            })
        };
        // Visual mode sorts by edges, but after the node fraction's cut,
        // which usually rebuilds the graph anyway: edges then.
        let (mut graph, mut has_edges) =
            pass(None, !may_trim || trim.visual && trim.node_fraction == 0.0);
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
                // pprof rebuilds the graph from the samples with the kept
                // nodes only. Their flat and cum stay as they were (a
                // node's cum counts the samples through it, its flat those
                // ending in it, whatever else is dropped); the edges
                // change: callers connect to callees across dropped nodes.
                // So the rebuild is for edges, and waits when a node count
                // cut will rebuild again (unless the order needs them).
                if trim.node_count == 0 || trim.visual {
                    (graph, has_edges) = pass(Some(&keep), true);
                    nodes = present(&graph, trim.drop_negative);
                } else {
                    nodes = keep.clone();
                }
                kept = Some(keep);
            }
        }
        if trim.visual && !has_edges {
            (graph, has_edges) = pass(kept.as_deref(), true);
        }
        let before_count_cut = nodes.len();
        sort(&mut nodes, &graph);
        let mut node_tags_now = None;
        // pprof trims edges before choosing nodes; when the choice keeps
        // them all, the graph is not rebuilt and the final trimming finds
        // no edge left to drop.
        let mut edges_trimmed_before = false;
        if trim.node_count > 0 {
            let limit = if trim.visual {
                node_tags_now = node_tags(kept.as_deref(), &nodes, node_cutoff);
                visual::visual_node_limit(&nodes, node_tags_now.as_ref(), trim.node_count)
            } else {
                trim.node_count
            };
            if limit < nodes.len() {
                nodes.truncate(limit);
                (graph, has_edges) = pass(Some(&nodes), true);
                kept = Some(nodes);
                nodes = present(&graph, trim.drop_negative);
                sort(&mut nodes, &graph);
                node_tags_now = None;
            } else {
                edges_trimmed_before = true;
            }
        }
        if !has_edges {
            (graph, _) = pass(kept.as_deref(), true);
        }
        let mut shown = vec![false; frames.nodes.len()];
        for &n in &nodes {
            shown[n as usize] = true;
        }
        let mut trimmed = TrimmedGraph {
            graph,
            nodes,
            before_count_cut,
            dropped,
            edge_cutoff,
            dropped_edges: 0,
            tags: None,
            shown,
            redundant: Vec::new(),
        };
        if !edges_trimmed_before {
            trimmed.dropped_edges = trimmed.count_dropped_edges();
        }
        if trim.visual {
            trimmed.tags = match node_tags_now {
                Some(t) => Some(t),
                None => node_tags(kept.as_deref(), &trimmed.nodes, node_cutoff),
            };
            let mut redundant = vec![false; trimmed.graph_edge_count()];
            visual::remove_redundant_edges(
                &trimmed.graph,
                &frames.nodes,
                &trimmed.nodes,
                |e| trimmed.keeps_edge(e),
                &mut redundant,
            );
            trimmed.redundant = redundant;
        }
        trimmed
    }

    /// Whether edge `e` survives: pprof trims the in-edges of shown nodes
    /// lighter than the cutoff, and in visual mode removes redundant ones.
    pub fn keeps_edge(&self, e: EdgeId) -> bool {
        let g = &self.graph;
        g.has_edge(e, 0)
            && !self.redundant.get(e as usize).copied().unwrap_or(false)
            && (g.edge_weight(e, 0).wrapping_abs() >= self.edge_cutoff
                || !self.shown[g.edge(e).1 as usize])
    }

    /// Whether `node` is one of [`TrimmedGraph::nodes`].
    pub fn is_shown(&self, node: NodeId) -> bool {
        self.shown[node as usize]
    }

    fn count_dropped_edges(&self) -> usize {
        let g = &self.graph;
        self.nodes
            .iter()
            .flat_map(|&n| g.incoming(n))
            .filter(|&&e| g.has_edge(e, 0) && g.edge_weight(e, 0).wrapping_abs() < self.edge_cutoff)
            .count()
    }

    fn graph_edge_count(&self) -> usize {
        (0..self.graph.node_count() as NodeId)
            .map(|n| self.graph.outgoing(n).len())
            .sum()
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
