//! From the profile model to call-graph numbers, as pprof computes them.
//!
//! - [`Granularity`] and [`NodeInfo`]: what one row of a report stands for;
//! - [`Filters`]: focus/ignore/hide/show, label filters ([`TagFilter`]) and
//!   the explorer's source filter;
//! - [`Frames`]: every location turned into graph nodes, under a granularity
//!   and filters;
//! - [`Graph`]: flat, cum and caller->callee edges for many sample indices
//!   (measures) in one pass over the samples;
//! - [`order`]: pprof's row order.
//!
//! No terminal code lives here: the report layer and the explorer both
//! stand on it.

mod filter;
mod frames;
mod granularity;
mod graph;
mod location_filter;
mod node;
pub mod order;
pub mod tags;
mod total;

pub use filter::{FilterError, Filters, Pattern};
pub use frames::Frames;
pub use granularity::Granularity;
pub use graph::{EdgeId, Graph, Measure};
pub use node::{NodeId, NodeInfo, NodeTable};
pub use tags::TagFilter;
pub use total::total;
