//! From the profile model to call-graph numbers, as pprof computes them.
//!
//! - [`Granularity`] and [`NodeInfo`]: what one row of a report stands for;
//! - [`Filters`]: focus/ignore/hide/show, label filters ([`TagFilter`]) and
//!   the explorer's source filter;
//! - [`Filtered`]: the samples, stacks, lines and labels the filters
//!   leave, for the reports that print the profile rather than a graph;
//! - [`Frames`]: every location turned into graph nodes, under a granularity
//!   and filters;
//! - [`Graph`]: flat, cum and caller->callee edges for many sample indices
//!   (measures) in one pass over the samples;
//! - [`Stacks`]: the stacks resolved to nodes once, to aggregate again
//!   quickly under new filters, and [`Neighbors`]: one node's callers and
//!   callees, computed for it alone;
//! - [`order`]: pprof's row order;
//! - [`CallTree`]: the samples' call paths as one tree (flame graph, call
//!   tree, collapsed stacks).
//!
//! No terminal code lives here: the report layer and the explorer both
//! stand on it.

mod call_tree;
mod edge_table;
mod filter;
mod filtered;
mod flat_cum;
mod frames;
mod granularity;
mod graph;
mod graph_walk;
mod huge_pages;
mod location_filter;
mod neighbors;
mod no_match;
mod node;
mod node_set;
pub mod order;
mod parallel;
mod stacks;
pub mod tags;
mod total;

pub use call_tree::{
    CallTree, Children, Matches, PathChange, PathId, Side, TreeComparison, TreeKind,
};
pub use filter::{FilterError, Filters, Pattern};
pub use filtered::Filtered;
pub use frames::{FrameOptions, Frames};
pub use granularity::{Granularity, UnknownGranularity};
pub use graph::{EdgeId, Graph, Measure};
pub use neighbors::{Call, Neighbors, sort_calls};
pub use no_match::{no_match_warnings, unmatched_filters};
pub use node::{NodeId, NodeInfo, NodeTable};
pub use stacks::{Selection, Stacks, Totals};
pub use tags::TagFilter;
pub use total::total;
