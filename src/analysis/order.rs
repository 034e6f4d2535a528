//! pprof's row order.

use super::graph::{EdgeId, Graph};
use super::node::{NodeId, NodeTable};
use crate::profile::Profile;
use std::cmp::Ordering;

/// How rows are sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// |flat| descending, then name, then |cum| descending (pprof default).
    #[default]
    Flat,
    /// |cum| descending, then name, then |flat| descending (pprof `-cum`).
    Cum,
    /// Name ascending (explorer only).
    Name,
}

impl SortKey {
    /// The next key, for a key that cycles through them.
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Flat => SortKey::Cum,
            SortKey::Cum => SortKey::Name,
            SortKey::Name => SortKey::Flat,
        }
    }

    /// A short label.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Flat => "flat",
            SortKey::Cum => "cum",
            SortKey::Name => "name",
        }
    }
}

/// Sorts `nodes` for measure column `k` as pprof does. Raw sums are
/// compared (for means too, as pprof), and the last resort is pprof's
/// comparison of the printed node identity, so the order is total.
pub fn sort_nodes(
    nodes: &mut [NodeId],
    graph: &Graph,
    table: &NodeTable,
    profile: &Profile,
    k: usize,
    key: SortKey,
) {
    let flat = |n: NodeId| graph.flat(n, k).wrapping_abs();
    let cum = |n: NodeId| graph.cum(n, k).wrapping_abs();
    // Many rows: rank the names once (cached in the table) rather than
    // compare bytes at every tie. Few rows (a trimmed report): compare.
    let ranks = (nodes.len() > 1000).then(|| table.name_ranks());
    let by_name = |a: NodeId, b: NodeId| match ranks {
        Some(r) => r[a as usize].cmp(&r[b as usize]),
        None => table.name(a).cmp(table.name(b)),
    };
    let tie = |a: NodeId, b: NodeId| {
        table
            .go_sprint(a, profile)
            .cmp(&table.go_sprint(b, profile))
    };
    nodes.sort_unstable_by(|&a, &b| {
        let order = match key {
            SortKey::Flat => flat(b)
                .cmp(&flat(a))
                .then_with(|| by_name(a, b))
                .then_with(|| cum(b).cmp(&cum(a))),
            SortKey::Cum => cum(b)
                .cmp(&cum(a))
                .then_with(|| by_name(a, b))
                .then_with(|| flat(b).cmp(&flat(a))),
            SortKey::Name => by_name(a, b)
                .then_with(|| flat(b).cmp(&flat(a)))
                .then_with(|| cum(b).cmp(&cum(a))),
        };
        if order == Ordering::Equal {
            tie(a, b)
        } else {
            order
        }
    });
}

/// pprof's edge order for measure column `k`: heavier first, then caller
/// name, then callee name. Edges absent for `k` are left out.
pub fn sort_edges(g: &Graph, names: &NodeTable, edges: &[EdgeId], k: usize) -> Vec<EdgeId> {
    let mut list: Vec<EdgeId> = edges
        .iter()
        .copied()
        .filter(|&e| g.has_edge(e, k))
        .collect();
    list.sort_by(|&a, &b| {
        let (wa, wb) = (g.edge_weight(a, k), g.edge_weight(b, k));
        if wa != wb {
            return wb.wrapping_abs().cmp(&wa.wrapping_abs());
        }
        let ((fa, ta), (fb, tb)) = (g.edge(a), g.edge(b));
        match names.name(fa).cmp(names.name(fb)) {
            Ordering::Equal => names.name(ta).cmp(names.name(tb)),
            o => o,
        }
    });
    list
}
