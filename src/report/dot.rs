//! `ppt --dot`: pprof's `-dot` report, the call graph in Graphviz's
//! language (pprof's `ComposeDot`): a legend, one box per node sized by its
//! flat value and coloured by its cum, nodelets for its tags, and the
//! edges heaviest first.

use super::dot_names::{escape_for_dot, multiline_name};
use super::dot_nodelets::nodelets;
use super::prepare::{GraphShape, Prepared, prepare_shaped};
use super::visual::go_f64_to_i64;
use super::{ReportError, ReportOptions};
use crate::analysis::order::sort_edges;
use crate::analysis::{EdgeId, NodeId};
use crate::gopath;
use crate::measurement as units;
use crate::profile::Profile;
use rustc_hash::FxHashMap;

/// Prints the dot report of `profile` as `go tool pprof -dot` would
/// (80 nodes unless `--node-count` says otherwise).
pub fn dot(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let Prepared {
        report,
        frames,
        trimmed,
        mut labels,
        ..
    } = prepare_shaped(profile, options, &GraphShape::DOT)?;
    let g = &trimmed.graph;
    let names = &frames.nodes;
    let total = report.total;
    let title: &[u8] = match profile.mappings.first() {
        Some(m) if !m.file.is_empty() => gopath::base(profile.strings.get(m.file)),
        _ => b"",
    };

    let mut out = Vec::new();
    out.extend_from_slice(b"digraph \"");
    out.extend_from_slice(if title.is_empty() { b"unnamed" } else { title });
    out.extend_from_slice(b"\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n");
    labels.push(b"\nSee https://git.io/JfYMW for how to read the graph".to_vec());
    out.extend_from_slice(b"subgraph cluster_L { \"");
    out.extend_from_slice(&escape_for_dot(&labels[0]));
    out.extend_from_slice(b"\" [shape=box fontsize=16 label=\"");
    let escaped: Vec<Vec<u8>> = labels.iter().map(|l| escape_for_dot(l)).collect();
    out.extend_from_slice(&escaped.join(&b"\\l"[..]));
    out.extend_from_slice(b"\\l\"");
    if !title.is_empty() {
        out.extend_from_slice(b" tooltip=\"");
        out.extend_from_slice(title);
        out.push(b'"');
    }
    out.extend_from_slice(b"] }\n");
    if trimmed.nodes.is_empty() {
        out.extend_from_slice(b"}\n");
        return Ok(out);
    }

    let ids: FxHashMap<NodeId, usize> = trimmed
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i + 1))
        .collect();
    let max_flat = trimmed
        .nodes
        .iter()
        .map(|&n| g.flat_value(n, 0).wrapping_abs() as f64)
        .fold(f64::MIN, f64::max);
    let mut has_nodelets: FxHashMap<NodeId, bool> = FxHashMap::default();
    let mut edges: Vec<EdgeId> = Vec::new();
    let boxes = NodeBoxes {
        report: &report,
        names,
        profile,
        graph: g,
        max_flat,
    };
    for (i, &n) in trimmed.nodes.iter().enumerate() {
        boxes.write(&mut out, n, i + 1);
        let out_edges: Vec<EdgeId> = g
            .outgoing(n)
            .iter()
            .copied()
            .filter(|&e| trimmed.keeps_edge(e))
            .collect();
        let drawn = nodelets(
            &mut out,
            trimmed.tags.as_ref(),
            n,
            i + 1,
            !out_edges.is_empty(),
            &|v| report.format_value(v),
        );
        has_nodelets.insert(n, drawn);
        edges.extend(out_edges);
    }
    for e in sort_edges(g, names, &edges, 0) {
        let (src, dest) = g.edge(e);
        let weight = divided(g.edge_weight(e, 0), g.edge_div(e, 0));
        let w = report.format_value(weight);
        let mut attr = format!("label=\" {w}");
        if g.edge_inline(e, 0) {
            attr.push_str("\\n (inline)");
        }
        attr.push('"');
        if total != 0 {
            let scaled = |by: i64, max: i64| {
                1 + weight
                    .wrapping_mul(by)
                    .wrapping_div(total)
                    .wrapping_abs()
                    .min(max)
            };
            let heft = scaled(100, 100);
            if heft > 1 {
                attr.push_str(&format!(" weight={heft}"));
            }
            let width = scaled(5, 5);
            if width > 1 {
                attr.push_str(&format!(" penwidth={width}"));
            }
            let share = weight as f64 / total.wrapping_abs() as f64;
            attr.push_str(&format!(" color=\"{}\"", dot_color(share, false)));
        }
        let arrow: &[u8] = if g.edge_residual(e, 0) { b"..." } else { b"->" };
        let tooltip = [
            &b"\""[..],
            &escape_for_dot(names.name(src)),
            b" ",
            arrow,
            b" ",
            &escape_for_dot(names.name(dest)),
            format!(" ({w})\"").as_bytes(),
        ]
        .concat();
        let id = |n: NodeId| ids.get(&n).copied().unwrap_or(0);
        out.extend_from_slice(format!("N{} -> N{} [", id(src), id(dest)).as_bytes());
        out.extend_from_slice(attr.as_bytes());
        out.extend_from_slice(b" tooltip=");
        out.extend_from_slice(&tooltip);
        out.extend_from_slice(b" labeltooltip=");
        out.extend_from_slice(&tooltip);
        if g.edge_residual(e, 0) {
            out.extend_from_slice(b" style=\"dotted\"");
        }
        if has_nodelets.get(&src).copied().unwrap_or(false) {
            out.extend_from_slice(b" minlen=2");
        }
        out.extend_from_slice(b"]\n");
    }
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// What every node's box is drawn from.
struct NodeBoxes<'a> {
    report: &'a super::Report<'a>,
    names: &'a crate::analysis::NodeTable,
    profile: &'a Profile,
    graph: &'a crate::analysis::Graph,
    /// The largest |flat| shown: boxes are sized relative to it.
    max_flat: f64,
}

impl NodeBoxes<'_> {
    /// pprof's `addNode`: the box of node `n`, numbered `id`.
    fn write(&self, out: &mut Vec<u8>, n: NodeId, id: usize) {
        let (report, g) = (self.report, self.graph);
        let (flat, cum) = (g.flat_value(n, 0), g.cum_value(n, 0));
        let total = report.total;
        let mut label = multiline_name(self.names, n, self.profile);
        let flat_text = report.format_value(flat);
        if flat != 0 {
            let share = units::percentage(flat, total);
            label.extend_from_slice(format!("{flat_text} ({})", share.trim()).as_bytes());
        } else {
            label.push(b'0');
        }
        let mut cum_text = flat_text;
        if cum != flat {
            label.extend_from_slice(if flat != 0 { b"\\n" } else { b" " });
            cum_text = report.format_value(cum);
            let share = units::percentage(cum, total);
            label.extend_from_slice(format!("of {cum_text} ({})", share.trim()).as_bytes());
        }
        // Font sizes grow from 8 to 24 with the square root of flat.
        let abs_flat = flat.wrapping_abs() as f64;
        let mut font_size = 8;
        if self.max_flat != 0.0 && flat != 0 && abs_flat <= self.max_flat {
            font_size += (16.0 * (abs_flat / self.max_flat).sqrt()).ceil() as i64;
        }
        let share = cum as f64 / total.wrapping_abs() as f64;
        out.extend_from_slice(format!("N{id} [label=\"").as_bytes());
        out.extend_from_slice(&label);
        out.extend_from_slice(
            format!("\" id=\"node{id}\" fontsize={font_size} shape=box tooltip=\"").as_bytes(),
        );
        out.extend_from_slice(&escape_for_dot(self.names.name(n)));
        out.extend_from_slice(
            format!(
                " ({cum_text})\" color=\"{}\" fillcolor=\"{}\"]\n",
                dot_color(share, false),
                dot_color(share, true)
            )
            .as_bytes(),
        );
    }
}

fn divided(value: i64, div: i64) -> i64 {
    super::node_tags::divided(value, div)
}

/// pprof's `dotColor`: red for positive shares, green for negative ones,
/// grey near zero; light for backgrounds.
pub fn dot_color(score: f64, background: bool) -> String {
    const SHIFT: f64 = 0.7;
    let (mut saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    // Go's math.Max/Min keep a NaN.
    let mut score = if score.is_nan() {
        score
    } else {
        score.clamp(-1.0, 1.0)
    };
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    // Go's math.Pow(x, 0.3) is Exp(0.3 * Log(x)).
    if score > 0.0 {
        score = ((1.0 - SHIFT) * score.ln()).exp();
    }
    if score < 0.0 {
        score = -((1.0 - SHIFT) * (-score).ln()).exp();
    }
    let (r, g) = if score < 0.0 {
        (value * (1.0 + saturation * score), value)
    } else {
        (value, value * (1.0 - saturation * score))
    };
    let b = value * (1.0 - saturation);
    let byte = |x: f64| go_f64_to_i64(x * 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_like_pprof() {
        // From the recorded dot fixtures.
        assert_eq!(dot_color(0.6277, false), "#b21700");
        assert_eq!(dot_color(0.6277, true), "#edd8d5");
        assert_eq!(dot_color(0.0, false), "#b2b2b2");
        assert_eq!(dot_color(0.0, true), "#ededed");
    }
}
