//! `ppt --peek REGEX`: pprof's `-peek` report, the callers and callees of
//! every node whose name matches.

use super::prepare::{Prepared, prepare};
use super::{ReportError, ReportOptions, end_line};
use crate::analysis::order::sort_edges;
use crate::analysis::{EdgeId, Pattern};
use crate::measurement as units;
use crate::profile::Profile;

const SEPARATOR: &str = "----------------------------------------------------------+-------------";
const LEGEND: &str = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

/// Prints the peek report for nodes matching `pattern`, as pprof would.
/// pprof never trims a peek report, whatever the options say.
pub fn peek(
    profile: &Profile,
    options: &ReportOptions,
    pattern: &Pattern,
) -> Result<Vec<u8>, ReportError> {
    let Prepared {
        report,
        frames,
        trimmed,
        header,
    } = prepare(profile, options, false)?;
    let g = &trimmed.graph;
    let mut out = header;
    out.extend_from_slice(format!("{SEPARATOR}\n{LEGEND}\n").as_bytes());

    let names = &frames.nodes;
    let mut flat_sum = 0i64;
    let mut matched = 0;
    for &n in &trimmed.nodes {
        if !pattern.is_match(names.name(n)) {
            continue;
        }
        matched += 1;
        let (flat, cum) = (g.flat_value(n, 0), g.cum_value(n, 0));
        out.extend_from_slice(SEPARATOR.as_bytes());
        out.push(b'\n');
        let escape = options.escape_strings;
        let edge_line = |out: &mut Vec<u8>, e: EdgeId, other: &[u8]| {
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
            out.extend_from_slice(other);
            if g.edge_inline(e, 0) {
                out.extend_from_slice(b" (inline)");
            }
            end_line(out, start, escape);
        };
        for e in sort_edges(g, names, g.incoming(n), 0) {
            edge_line(&mut out, e, names.name(g.edge(e).0));
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
        for e in sort_edges(g, names, g.outgoing(n), 0) {
            edge_line(&mut out, e, names.name(g.edge(e).1));
        }
    }
    if !trimmed.nodes.is_empty() {
        out.extend_from_slice(SEPARATOR.as_bytes());
        out.push(b'\n');
    }
    if matched == 0 {
        return Err(ReportError::NoMatches(pattern.as_str().to_string()));
    }
    Ok(out)
}
