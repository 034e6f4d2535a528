//! `ppt --peek REGEX`: pprof's `-peek` report, the callers and callees of
//! every node whose name matches.

use super::header::{Shown, header};
use super::trim::{Trim, TrimmedGraph};
use super::{Report, ReportError, ReportOptions, resolve_measure, units};
use crate::analysis::order::{SortKey, sort_edges};
use crate::analysis::{EdgeId, Frames, Pattern};
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
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    let frames = Frames::with_inlining(
        profile,
        options.granularity,
        &options.filters,
        options.inline_frames,
    );
    let sort = if options.cum {
        SortKey::Cum
    } else {
        SortKey::Flat
    };
    let trimmed = TrimmedGraph::new(
        profile,
        &frames,
        measure,
        Trim {
            drop_negative: options.drop_negative,
            ..Trim::none(sort)
        },
    );
    let g = &trimmed.graph;
    if report.set_unit(options.unit.as_deref()) {
        report.select_unit(
            trimmed
                .nodes
                .iter()
                .map(|&n| (g.flat_value(n, 0), g.cum_value(n, 0))),
        );
    }

    let shown = Shown {
        flat_sum: trimmed
            .nodes
            .iter()
            .map(|&n| g.flat_value(n, 0))
            .fold(0, i64::wrapping_add),
        count: trimmed.nodes.len(),
        before_count_cut: trimmed.before_count_cut,
        dropped: 0,
        node_fraction: 0.0,
    };
    let mut out = Vec::new();
    for line in header(&report, &options.filters, &shown) {
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
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
        let edge_line = |out: &mut Vec<u8>, e: EdgeId, other: &[u8]| {
            let w = g.edge_weight(e, 0);
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
            out.push(b'\n');
        };
        for e in sort_edges(g, names, g.incoming(n), 0) {
            edge_line(&mut out, e, names.name(g.edge(e).0));
        }
        flat_sum = flat_sum.wrapping_add(flat);
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
        out.push(b'\n');
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
