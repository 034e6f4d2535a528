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
    /// Signed flat descending, then name, then signed cum descending: the
    /// largest growth first in a comparison (explorer only).
    Growth,
    /// Signed flat ascending, then name, then signed cum ascending: the
    /// largest shrink first in a comparison (explorer only).
    Shrink,
}

impl SortKey {
    /// Every key, in the order of the explorer's table caches.
    pub const ALL: [SortKey; 5] = [
        SortKey::Flat,
        SortKey::Cum,
        SortKey::Name,
        SortKey::Growth,
        SortKey::Shrink,
    ];

    /// The next key, for a key that cycles through them (the orders of
    /// change go on with pprof's).
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Flat => SortKey::Cum,
            SortKey::Cum => SortKey::Name,
            SortKey::Name | SortKey::Growth | SortKey::Shrink => SortKey::Flat,
        }
    }

    /// Whether the key orders by the size of a change.
    pub fn by_change(self) -> bool {
        matches!(self, SortKey::Growth | SortKey::Shrink)
    }

    /// A short label.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Flat => "flat",
            SortKey::Cum => "cum",
            SortKey::Name => "name",
            SortKey::Growth => "growth",
            SortKey::Shrink => "shrink",
        }
    }
}

/// Sorts `nodes` for `column` of `graph` as pprof does. Raw sums are
/// compared (for means too, as pprof), and the last resort is pprof's
/// comparison of the printed node identity, so the order is total.
pub fn sort_nodes(
    nodes: &mut [NodeId],
    graph: &Graph,
    table: &NodeTable,
    profile: &Profile,
    column: usize,
    key: SortKey,
) {
    let flat = |n: NodeId| graph.flat(n, column).wrapping_abs();
    let cum = |n: NodeId| graph.cum(n, column).wrapping_abs();
    let tie = |a: NodeId, b: NodeId| {
        table
            .go_sprint(a, profile)
            .cmp(&table.go_sprint(b, profile))
    };
    let by_name = |a: NodeId, b: NodeId| table.name(a).cmp(table.name(b));
    let signed = |n: NodeId| (graph.flat(n, column), graph.cum(n, column));
    let compare = |a: NodeId, b: NodeId| {
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
            SortKey::Growth => {
                let ((fa, ca), (fb, cb)) = (signed(a), signed(b));
                fb.cmp(&fa)
                    .then_with(|| by_name(a, b))
                    .then_with(|| cb.cmp(&ca))
            }
            SortKey::Shrink => {
                let ((fa, ca), (fb, cb)) = (signed(a), signed(b));
                fa.cmp(&fb)
                    .then_with(|| by_name(a, b))
                    .then_with(|| ca.cmp(&cb))
            }
        };
        order.then_with(|| tie(a, b))
    };
    if nodes.len() <= 1000 {
        // Few rows (a trimmed report): compare directly.
        nodes.sort_unstable_by(|&a, &b| compare(a, b));
        return;
    }
    // Many rows: names are ranked once (cached in the table). Rows whose
    // first key is the name, or a zero flat (most nodes of a heap profile
    // are not allocation sites), come in the table's name order, unsorted;
    // the others are sorted as packed integers, without comparing bytes or
    // reaching into the graph at every comparison.
    let ranks = table.name_ranks();
    let in_name_order = |n: NodeId| match key {
        SortKey::Flat => flat(n) == 0,
        // Zero changes sit between growth and shrink.
        SortKey::Cum | SortKey::Growth | SortKey::Shrink => false,
        SortKey::Name => true,
    };
    // Ascending: a value sorted descending becomes its complement. The
    // first two keys and the node fit in one u128.
    let desc = |v: i64| u128::from(!((v as u64) ^ (1 << 63)));
    let first_two = |n: NodeId| {
        let value = match key {
            SortKey::Cum => cum(n),
            SortKey::Flat | SortKey::Name => flat(n),
            SortKey::Growth => graph.flat(n, column),
            SortKey::Shrink => graph.flat(n, column).wrapping_neg(),
        };
        (desc(value) << 32) | u128::from(ranks[n as usize])
    };
    let mut named = vec![false; table.len()];
    let mut valued = Vec::with_capacity(nodes.len());
    for &n in nodes.iter() {
        match in_name_order(n) {
            true => named[n as usize] = true,
            false => valued.push((first_two(n) << 32) | u128::from(n)),
        }
    }
    let valued = sort_on_two_threads(valued);
    let mut at = 0;
    for &packed in &valued {
        nodes[at] = packed as NodeId;
        at += 1;
    }
    for &n in table.name_order() {
        if named[n as usize] && at < nodes.len() {
            nodes[at] = n;
            at += 1;
        }
    }
    // Rows tied on what ordered them take the whole comparison, down to
    // pprof's last resort: ties are rare, and always next to each other.
    let (sorted, by_name_only) = nodes.split_at_mut(valued.len());
    let first_two_at: Vec<u128> = valued.iter().map(|&packed| packed >> 32).collect();
    sort_runs(sorted, &first_two_at, &compare);
    let ranks_at: Vec<u32> = by_name_only.iter().map(|&n| ranks[n as usize]).collect();
    sort_runs(by_name_only, &ranks_at, &compare);
}

/// Sorts each run of consecutive `nodes` in the same `group` (one per
/// node) by `compare`.
fn sort_runs<G: PartialEq>(
    nodes: &mut [NodeId],
    group: &[G],
    compare: &impl Fn(NodeId, NodeId) -> Ordering,
) {
    let mut start = 0;
    while start < nodes.len() {
        let mut end = start + 1;
        while end < nodes.len() && group[end] == group[start] {
            end += 1;
        }
        if end - start > 1 {
            nodes[start..end].sort_by(|&a, &b| compare(a, b));
        }
        start = end;
    }
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

/// pprof's edge order for `column` of `g`: heavier first, then caller
/// name, then callee name. Edges absent for `column` are left out.
///
/// pprof compares weights first and only then |weights|, so that two
/// edges of opposite weights (a comparison) are neither before the other,
/// while each may be before or after a third: no order at all, which Go's
/// sort puts up with (in an order of its own, from edges it keeps in a
/// map) and Rust's does not. Weights of one size compare by name here.
pub fn sort_edges(g: &Graph, names: &NodeTable, edges: &[EdgeId], column: usize) -> Vec<EdgeId> {
    let mut list: Vec<EdgeId> = edges
        .iter()
        .copied()
        .filter(|&e| g.has_edge(e, column))
        .collect();
    list.sort_by(|&a, &b| {
        let (wa, wb) = (g.edge_weight(a, column), g.edge_weight(b, column));
        wb.wrapping_abs().cmp(&wa.wrapping_abs()).then_with(|| {
            let ((fa, ta), (fb, tb)) = (g.edge(a), g.edge(b));
            match names.name(fa).cmp(names.name(fb)) {
                Ordering::Equal => names.name(ta).cmp(names.name(tb)),
                o => o,
            }
        })
    });
    list
}
