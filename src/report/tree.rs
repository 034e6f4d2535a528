//! `ppt --tree`: pprof's `-tree` report, every node with its callers and
//! callees; and the printing `--peek` shares with it (pprof's `printTree`).

use super::prepare::{GraphShape, Prepared, prepare_shaped};
use super::{ReportError, ReportOptions, end_line};
use crate::analysis::order::sort_edges;
use crate::analysis::{EdgeId, NodeId, Pattern};
use crate::measurement as units;
use crate::profile::Profile;

const SEPARATOR: &str = "----------------------------------------------------------+-------------";
const LEGEND: &str = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

/// Prints the tree report of `profile` as `go tool pprof -tree` would
/// (80 nodes unless `--node-count` says otherwise).
pub fn tree(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let prepared = prepare_shaped(profile, options, &GraphShape::TREE)?;
    print_tree(prepared, None, options.escape_strings)
}

/// pprof's `printTree`: the header, then for each node (matching
/// `pattern`, when given) its in-edges, its row and its out-edges, as the
/// trimming kept them. With a pattern that matches nothing, an error.
/// `escape` makes each line safe for a terminal as it ends (`end_line`).
pub(super) fn print_tree(
    prepared: Prepared,
    pattern: Option<&Pattern>,
    escape: bool,
) -> Result<Vec<u8>, ReportError> {
    let Prepared {
        report,
        frames,
        trimmed,
        header,
        ..
    } = prepared;
    let g = &trimmed.graph;
    let names = &frames.nodes;
    let mut out = header;
    out.extend_from_slice(format!("{SEPARATOR}\n{LEGEND}\n").as_bytes());

    let edges = |list: &[EdgeId]| -> Vec<EdgeId> {
        let kept: Vec<EdgeId> = list
            .iter()
            .copied()
            .filter(|&e| trimmed.keeps_edge(e))
            .collect();
        sort_edges(g, names, &kept, 0)
    };
    let mut flat_sum = 0i64;
    let mut matched = 0;
    for &n in &trimmed.nodes {
        if pattern.is_some_and(|p| !p.is_match(names.name(n))) {
            continue;
        }
        matched += 1;
        let (flat, cum) = (g.flat_value(n, 0), g.cum_value(n, 0));
        out.extend_from_slice(SEPARATOR.as_bytes());
        out.push(b'\n');
        let edge_line = |out: &mut Vec<u8>, e: EdgeId, other: NodeId| {
            let w = g.edge_weight(e, 0);
            let start = out.len();
            out.extend_from_slice(
                format!(
                    "{:>50} {} |   ",
                    report.format_value(w),
                    units::percentage(w, cum)
                )
                .as_bytes(),
            );
            out.extend_from_slice(names.name(other));
            if g.edge_inline(e, 0) {
                out.extend_from_slice(b" (inline)");
            }
            end_line(out, start, escape);
        };
        for e in edges(g.incoming(n)) {
            edge_line(&mut out, e, g.edge(e).0);
        }
        flat_sum = flat_sum.wrapping_add(flat);
        let start = out.len();
        out.extend_from_slice(
            format!(
                "{:>10} {} {} {:>10} {}                | ",
                report.format_value(flat),
                units::percentage(flat, report.total),
                units::percentage(flat_sum, report.total),
                report.format_value(cum),
                units::percentage(cum, report.total),
            )
            .as_bytes(),
        );
        out.extend_from_slice(names.name(n));
        end_line(&mut out, start, escape);
        for e in edges(g.outgoing(n)) {
            edge_line(&mut out, e, g.edge(e).1);
        }
    }
    if !trimmed.nodes.is_empty() {
        out.extend_from_slice(SEPARATOR.as_bytes());
        out.push(b'\n');
    }
    if let Some(p) = pattern
        && matched == 0
    {
        return Err(ReportError::NoMatches(p.as_str().to_string()));
    }
    Ok(out)
}
