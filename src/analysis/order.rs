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
    let tie = |a: NodeId, b: NodeId| {
        table
            .go_sprint(a, profile)
            .cmp(&table.go_sprint(b, profile))
    };
    // Many rows: rank the names once (cached in the table) and sort keys
    // laid out side by side, rather than compare bytes at every tie and
    // reach into the graph for every comparison. Few rows (a trimmed
    // report): compare directly.
    if nodes.len() > 1000 {
        let ranks = table.name_ranks();
        // Ascending keys: a value sorted descending becomes its complement.
        let desc = |v: i64| !((v as u64) ^ (1 << 63));
        let keyed: Vec<(u64, u64, u64, NodeId)> = nodes
            .iter()
            .map(|&n| {
                let rank = u64::from(ranks[n as usize]);
                match key {
                    SortKey::Flat => (desc(flat(n)), rank, desc(cum(n)), n),
                    SortKey::Cum => (desc(cum(n)), rank, desc(flat(n)), n),
                    SortKey::Name => (rank, desc(flat(n)), desc(cum(n)), n),
                }
            })
            .collect();
        let keyed = sort_on_two_threads(keyed);
        for (slot, &(.., n)) in nodes.iter_mut().zip(&keyed) {
            *slot = n;
        }
        // Rows equal in every key (ordered by id above) take pprof's last
        // resort.
        let same = |a: &(u64, u64, u64, NodeId), b: &(u64, u64, u64, NodeId)| {
            (a.0, a.1, a.2) == (b.0, b.1, b.2)
        };
        let mut start = 0;
        while start < keyed.len() {
            let mut end = start + 1;
            while end < keyed.len() && same(&keyed[start], &keyed[end]) {
                end += 1;
            }
            if end - start > 1 {
                nodes[start..end].sort_by(|&a, &b| tie(a, b));
            }
            start = end;
        }
        return;
    }
    let by_name = |a: NodeId, b: NodeId| table.name(a).cmp(table.name(b));
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

/// Sorts `items`, each half on its own thread, then merges the halves:
/// a table of 60,000 rows is sorted every time the filters change.
fn sort_on_two_threads<T: Ord + Copy + Send>(mut items: Vec<T>) -> Vec<T> {
    let mid = items.len() / 2;
    let (left, right) = items.split_at_mut(mid);
    std::thread::scope(|scope| {
        scope.spawn(|| left.sort_unstable());
        right.sort_unstable();
    });
    let (left, right) = items.split_at(mid);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if right[j] < left[i] {
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    merged
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
