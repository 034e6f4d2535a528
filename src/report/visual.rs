//! pprof's visual mode, the graph choices `-dot` makes that text reports do
//! not: nodes ordered by how much their edges tell (`EntropyOrder`), a node
//! count that counts each node's nodelets too, and residual edges removed
//! where the graph shows another path (`RemoveRedundantEdges`).

use super::node_tags::NodeTags;
use crate::analysis::order::sort_edges;
use crate::analysis::{EdgeId, Graph, NodeId, NodeTable};
use crate::profile::Profile;
use rustc_hash::FxHashSet;
use std::collections::VecDeque;

/// pprof's `maxNodelets`: nodelets drawn (and counted) per node at most.
pub const MAX_NODELETS: usize = 4;

/// Sorts `nodes` by pprof's `entropyScore` (descending by absolute value),
/// then name, then |flat|, then pprof's last resort. Edges are the
/// graph's, untrimmed, as when pprof sorts.
pub fn sort_by_entropy(nodes: &mut [NodeId], g: &Graph, table: &NodeTable, profile: &Profile) {
    let mut scored: Vec<(i64, NodeId)> = nodes.iter().map(|&n| (entropy_score(g, n), n)).collect();
    scored.sort_by(|&(sa, a), &(sb, b)| {
        sb.wrapping_abs()
            .cmp(&sa.wrapping_abs())
            .then_with(|| table.name(a).cmp(table.name(b)))
            .then_with(|| {
                g.flat(b, 0)
                    .wrapping_abs()
                    .cmp(&g.flat(a, 0).wrapping_abs())
            })
            .then_with(|| {
                table
                    .go_sprint(a, profile)
                    .cmp(&table.go_sprint(b, profile))
            })
    });
    for (slot, (_, n)) in nodes.iter_mut().zip(scored) {
        *slot = n;
    }
}

/// pprof's `entropyScore`: entry and leaf nodes get 1 for their missing
/// side, others the entropy of their edges' weights; times cum, plus flat.
fn entropy_score(g: &Graph, n: NodeId) -> i64 {
    let weights = |edges: &[EdgeId]| -> Vec<i64> {
        edges
            .iter()
            .filter(|&&e| g.has_edge(e, 0))
            .map(|&e| g.edge_weight(e, 0))
            .collect()
    };
    let (ins, outs) = (weights(g.incoming(n)), weights(g.outgoing(n)));
    let flat = g.flat(n, 0);
    let mut score = 0.0;
    score += if ins.is_empty() {
        1.0
    } else {
        edge_entropy(&ins, 0)
    };
    score += if outs.is_empty() {
        1.0
    } else {
        edge_entropy(&outs, flat)
    };
    go_f64_to_i64(score * g.cum(n, 0) as f64).wrapping_add(flat)
}

/// pprof's `edgeEntropyScore`: the entropy of the edges' shares (and the
/// node's own `self_value`, for out-edges).
fn edge_entropy(weights: &[i64], self_value: i64) -> f64 {
    let mut total = self_value;
    for &w in weights {
        if w > 0 {
            total = total.wrapping_add(w.wrapping_abs());
        }
    }
    let mut score = 0.0;
    if total != 0 {
        for &w in weights {
            let frac = w.wrapping_abs() as f64 / total as f64;
            score += -frac * go_log2(frac);
        }
        if self_value > 0 {
            let frac = self_value.wrapping_abs() as f64 / total as f64;
            score += -frac * go_log2(frac);
        }
    }
    score
}

/// Go's `math.Log2`: exact for powers of two, else `Log(frac)/Ln2 + exp`.
fn go_log2(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x.log2();
    }
    let (frac, exp) = frexp(x);
    if frac == 0.5 {
        return f64::from(exp - 1);
    }
    frac.ln() * (1.0 / std::f64::consts::LN_2) + f64::from(exp)
}

/// `x = frac * 2^exp` with `frac` in [0.5, 1) (finite, non-zero `x`).
fn frexp(x: f64) -> (f64, i32) {
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * (1u64 << 52) as f64, -52)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022 + bias;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// Go's `int64(f)` on amd64: out of range and NaN give the minimum.
pub fn go_f64_to_i64(x: f64) -> i64 {
    let limit = (1u64 << 63) as f64;
    // NaN is in no range.
    if !(-limit..limit).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// How many of `nodes` (in order) pprof's visual mode keeps for a node
/// count of `max`: each node counts 1 plus its flat tags (at most
/// [`MAX_NODELETS`]), and the count stops where the sum reaches `max`.
pub fn visual_node_limit(nodes: &[NodeId], tags: Option<&NodeTags>, max: usize) -> usize {
    let mut count = 0;
    for (i, &n) in nodes.iter().enumerate() {
        let nodelets = tags.map_or(0, |t| t.count_flat(n)).min(MAX_NODELETS);
        count += nodelets + 1;
        if count >= max {
            return i + 1;
        }
    }
    max.min(nodes.len())
}

/// pprof's `RemoveRedundantEdges`: from the last node up, its residual
/// in-edges from the lightest up (stopping at the first that is not
/// residual) are removed when their source reaches the node another way.
/// `live` says which edges the trimming kept; the removed ones are marked
/// in `removed`.
pub fn remove_redundant_edges(
    g: &Graph,
    names: &NodeTable,
    nodes: &[NodeId],
    live: impl Fn(EdgeId) -> bool,
    removed: &mut [bool],
) {
    for &n in nodes.iter().rev() {
        let ins: Vec<EdgeId> = g
            .incoming(n)
            .iter()
            .copied()
            .filter(|&e| live(e) && !removed[e as usize])
            .collect();
        for &e in sort_edges(g, names, &ins, 0).iter().rev() {
            if !g.edge_residual(e, 0) {
                break;
            }
            if reaches_without(g, e, |x| live(x) && !removed[x as usize]) {
                removed[e as usize] = true;
            }
        }
    }
}

/// pprof's `isRedundantEdge`: whether `e`'s source reaches its destination
/// over live edges other than `e` (searching callers from the destination).
fn reaches_without(g: &Graph, e: EdgeId, live: impl Fn(EdgeId) -> bool) -> bool {
    let (src, dest) = g.edge(e);
    let mut seen = FxHashSet::from_iter([dest]);
    let mut queue = VecDeque::from([dest]);
    while let Some(n) = queue.pop_front() {
        for &ie in g.incoming(n) {
            if ie == e || !live(ie) {
                continue;
            }
            let from = g.edge(ie).0;
            if seen.contains(&from) {
                continue;
            }
            if from == src {
                return true;
            }
            seen.insert(from);
            queue.push_back(from);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_like_go() {
        assert_eq!(go_log2(0.5), -1.0);
        assert_eq!(go_log2(0.25), -2.0);
        assert!((go_log2(0.3) - 0.3f64.log2()).abs() < 1e-15);
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(0.75), (0.75, 0));
    }

    #[test]
    fn float_to_int_like_go_on_amd64() {
        assert_eq!(go_f64_to_i64(f64::NAN), i64::MIN);
        assert_eq!(go_f64_to_i64(1e19), i64::MIN);
        assert_eq!(go_f64_to_i64(-2.9), -2);
        assert_eq!(go_f64_to_i64(12.99), 12);
    }

    #[test]
    fn node_limit_counts_nodelets() {
        assert_eq!(visual_node_limit(&[1, 2, 3, 4, 5], None, 3), 3);
        assert_eq!(visual_node_limit(&[1, 2], None, 80), 2);
    }
}
