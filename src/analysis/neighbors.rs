//! The callers and callees of one node: pprof's edges into and out of it,
//! for every measure, whichever way they were computed (from a complete
//! [`Graph`], or by a scan of the [`Stacks`](super::Stacks) for just this
//! node).

use super::graph::{EdgeId, Graph, Measure};
use super::node::{NodeId, NodeTable};
use rustc_hash::FxHashMap;

const SEEN: u8 = 1;
const NOT_INLINE: u8 = 2;

/// One caller or callee and the edge's numbers for every measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The node at the other end of the edge.
    pub node: NodeId,
    /// For m measures: m weights, m divisors, m flags, in one allocation
    /// (a hot function has thousands of callers, each made and copied).
    numbers: Box<[i64]>,
}

impl Call {
    fn new(
        node: NodeId,
        weight: impl Iterator<Item = i64>,
        div: impl Iterator<Item = i64>,
        flags: impl Iterator<Item = u8>,
    ) -> Call {
        let numbers = weight.chain(div).chain(flags.map(i64::from)).collect();
        Call { node, numbers }
    }

    fn measures(&self) -> usize {
        self.numbers.len() / 3
    }

    fn flags(&self, column: usize) -> u8 {
        self.numbers[2 * self.measures() + column] as u8
    }

    /// Whether some sample contributed to the edge for `column`.
    pub fn present(&self, column: usize) -> bool {
        self.flags(column) & SEEN != 0
    }

    /// The raw weight (pprof's `Weight`).
    pub fn weight(&self, column: usize) -> i64 {
        self.numbers[column]
    }

    /// The weight shown (pprof's `WeightValue`: divided for means).
    pub fn weight_value(&self, column: usize) -> i64 {
        match self.numbers[self.measures() + column] {
            0 => self.weight(column),
            d => self.weight(column).wrapping_div(d),
        }
    }

    /// Whether every contribution was an inlined call.
    pub fn inline(&self, column: usize) -> bool {
        self.flags(column) & NOT_INLINE == 0
    }
}

/// Callers and callees of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbors {
    /// The node.
    pub node: NodeId,
    /// Edges into it, by their caller.
    pub callers: Vec<Call>,
    /// Edges out of it, by their callee.
    pub callees: Vec<Call>,
}

impl Neighbors {
    /// A node with no edges.
    pub fn empty(node: NodeId) -> Neighbors {
        Neighbors {
            node,
            callers: Vec::new(),
            callees: Vec::new(),
        }
    }

    /// The edges of `node` in a graph built with edges.
    pub fn from_graph(g: &Graph, node: NodeId) -> Neighbors {
        let m = g.measures().len();
        let call = |e: EdgeId, other: NodeId| {
            Call::new(
                other,
                (0..m).map(|column| g.edge_weight(e, column)),
                (0..m).map(|column| g.edge_div(e, column)),
                (0..m).map(|column| {
                    let seen = if g.has_edge(e, column) { SEEN } else { 0 };
                    let not_inline = if g.edge_inline(e, column) {
                        0
                    } else {
                        NOT_INLINE
                    };
                    seen | not_inline
                }),
            )
        };
        Neighbors {
            node,
            callers: g
                .incoming(node)
                .iter()
                .map(|&e| call(e, g.edge(e).0))
                .collect(),
            callees: g
                .outgoing(node)
                .iter()
                .map(|&e| call(e, g.edge(e).1))
                .collect(),
        }
    }

    /// pprof's `--top` suffix for the node: `(inline)` when every call into
    /// it that weighs at least `cutoff` is inlined, `(partial-inline)` when
    /// some are.
    pub fn inline_mark(&self, column: usize, cutoff: i64) -> Option<&'static str> {
        let (mut inline, mut not_inline) = (false, false);
        for c in &self.callers {
            if c.present(column) && c.weight(column).wrapping_abs() >= cutoff {
                if c.inline(column) {
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
}

/// pprof's peek order for the edges of `column`: heavier first, then by
/// the other node's name (node id last, for a stable order). Edges absent
/// for `column` are left out.
pub fn sort_calls<'a>(calls: &'a [Call], names: &NodeTable, column: usize) -> Vec<&'a Call> {
    let mut list: Vec<&Call> = calls.iter().filter(|c| c.present(column)).collect();
    if list.len() <= 64 {
        list.sort_unstable_by(|a, b| {
            let (wa, wb) = (a.weight(column), b.weight(column));
            wb.wrapping_abs()
                .cmp(&wa.wrapping_abs())
                .then_with(|| names.name(a.node).cmp(names.name(b.node)))
                .then(a.node.cmp(&b.node))
        });
        return list;
    }
    // A hot function has thousands of callers (a hundred thousand on the
    // biggest profiles): sort packed keys, with the names' ranks (cached in
    // the table) for the names. Nodes differ, so keys do.
    let ranks = names.name_ranks();
    let desc = |v: i64| u128::from(!((v as u64) ^ (1 << 63)));
    let mut keyed: Vec<(u128, u32)> = list
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let rank = u128::from(ranks[c.node as usize]);
            let key =
                (desc(c.weight(column).wrapping_abs()) << 64) | (rank << 32) | u128::from(c.node);
            (key, i as u32)
        })
        .collect();
    keyed.sort_unstable_by_key(|&(key, _)| key);
    keyed.into_iter().map(|(_, i)| list[i as usize]).collect()
}

/// Collects the edges of one node, sample by sample.
pub(super) struct NeighborsBuilder {
    node: NodeId,
    measures: usize,
    sample: usize,
    callers: Side,
    callees: Side,
}

/// The edges on one side of the node.
struct Side {
    index: SlotIndex,
    nodes: Vec<NodeId>,
    weight: Vec<i64>,
    div: Vec<i64>,
    flags: Vec<u8>,
    /// The last sample that added to each edge: an edge counts once per
    /// sample, as in pprof.
    sample: Vec<usize>,
}

/// Where each other node's edge is kept: a table over all nodes when one
/// node's edges are collected (hundreds of thousands of lookups; made on
/// the first edge, so a side never used costs nothing), a map when many
/// nodes' are (a table each would be too big).
enum SlotIndex {
    Dense { table: Vec<u32>, node_count: usize },
    Sparse(FxHashMap<NodeId, usize>),
}

impl Side {
    fn new(node_count: usize, dense: bool) -> Side {
        Side {
            index: match dense {
                true => SlotIndex::Dense {
                    table: Vec::new(),
                    node_count,
                },
                false => SlotIndex::Sparse(FxHashMap::default()),
            },
            nodes: Vec::new(),
            weight: Vec::new(),
            div: Vec::new(),
            flags: Vec::new(),
            sample: Vec::new(),
        }
    }

    fn slot(&mut self, node: NodeId, m: usize) -> usize {
        let next = self.nodes.len();
        let slot = match &mut self.index {
            SlotIndex::Dense { table, node_count } => {
                if table.is_empty() {
                    *table = vec![u32::MAX; *node_count];
                }
                let slot = &mut table[node as usize];
                if *slot == u32::MAX {
                    *slot = next as u32;
                }
                *slot as usize
            }
            SlotIndex::Sparse(map) => *map.entry(node).or_insert(next),
        };
        if slot == next {
            self.nodes.push(node);
            self.weight.extend(std::iter::repeat_n(0, m));
            self.div.extend(std::iter::repeat_n(0, m));
            self.flags.extend(std::iter::repeat_n(0, m));
            self.sample.push(usize::MAX);
        }
        slot
    }

    fn add(&mut self, node: NodeId, sample: usize, inline: bool, values: &[i64], divs: &[i64]) {
        let m = values.len();
        let i = self.slot(node, m);
        if self.sample[i] == sample {
            return;
        }
        self.sample[i] = sample;
        let flag = if inline { SEEN } else { SEEN | NOT_INLINE };
        for column in 0..m {
            if values[column] != 0 || divs[column] != 0 {
                self.weight[i * m + column] =
                    self.weight[i * m + column].wrapping_add(values[column]);
                self.div[i * m + column] = self.div[i * m + column].wrapping_add(divs[column]);
                self.flags[i * m + column] |= flag;
            }
        }
    }

    fn merge(&mut self, other: Side, m: usize) {
        for (j, &node) in other.nodes.iter().enumerate() {
            let i = self.slot(node, m);
            for column in 0..m {
                self.weight[i * m + column] =
                    self.weight[i * m + column].wrapping_add(other.weight[j * m + column]);
                self.div[i * m + column] =
                    self.div[i * m + column].wrapping_add(other.div[j * m + column]);
                self.flags[i * m + column] |= other.flags[j * m + column];
            }
        }
    }

    fn finish(self, m: usize) -> Vec<Call> {
        (0..self.nodes.len())
            .map(|i| {
                let row = i * m..i * m + m;
                Call::new(
                    self.nodes[i],
                    self.weight[row.clone()].iter().copied(),
                    self.div[row.clone()].iter().copied(),
                    self.flags[row].iter().copied(),
                )
            })
            .collect()
    }
}

impl NeighborsBuilder {
    /// Collects the edges of `node` among `node_count` nodes; `dense`: with
    /// a table over all nodes (for one node at a time).
    pub(super) fn new(
        node: NodeId,
        measures: &[Measure],
        node_count: usize,
        dense: bool,
    ) -> NeighborsBuilder {
        NeighborsBuilder {
            node,
            measures: measures.len(),
            sample: usize::MAX,
            callers: Side::new(node_count, dense),
            callees: Side::new(node_count, dense),
        }
    }

    /// The edges added next come from sample `s`.
    pub(super) fn start_sample(&mut self, s: usize) {
        self.sample = s;
    }

    pub(super) fn add_caller(
        &mut self,
        caller: NodeId,
        inline: bool,
        values: &[i64],
        divs: &[i64],
    ) {
        self.callers.add(caller, self.sample, inline, values, divs);
    }

    pub(super) fn add_callee(
        &mut self,
        callee: NodeId,
        inline: bool,
        values: &[i64],
        divs: &[i64],
    ) {
        self.callees.add(callee, self.sample, inline, values, divs);
    }

    /// Adds what another thread found (over other samples).
    pub(super) fn merge(&mut self, other: NeighborsBuilder) {
        self.callers.merge(other.callers, self.measures);
        self.callees.merge(other.callees, self.measures);
    }

    pub(super) fn finish(self) -> Neighbors {
        Neighbors {
            node: self.node,
            callers: self.callers.finish(self.measures),
            callees: self.callees.finish(self.measures),
        }
    }
}
