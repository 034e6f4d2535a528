//! `ppt --top`: pprof's `-top` text report.

use super::header::{Shown, header};
use super::trim::{Trim, TrimmedGraph};
use super::{Report, ReportError, ReportOptions, resolve_measure, units};
use crate::analysis::Frames;
use crate::analysis::order::SortKey;
use crate::profile::Profile;

/// Prints the top report of `profile` as `go tool pprof -top` would.
pub fn top(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    let frames = Frames::with_inlining(
        profile,
        options.granularity,
        &options.filters,
        options.inline_frames,
    );
    let trim = Trim {
        node_fraction: options.node_fraction,
        edge_fraction: options.edge_fraction,
        node_count: options.node_count,
        sort: if options.cum {
            SortKey::Cum
        } else {
            SortKey::Flat
        },
        drop_negative: options.drop_negative,
    };
    let trimmed = TrimmedGraph::new(profile, &frames, measure, trim);
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
        dropped: trimmed.dropped,
        node_fraction: options.node_fraction,
    };
    let mut out = Vec::new();
    for line in header(&report, &options.filters, &shown) {
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    out.extend_from_slice(
        format!(
            "{:>10} {:>5}% {:>5}% {:>10} {:>5}%\n",
            "flat", "flat", "sum", "cum", "cum"
        )
        .as_bytes(),
    );
    let mut flat_sum = 0i64;
    for &n in &trimmed.nodes {
        let (flat, cum) = (g.flat_value(n, 0), g.cum_value(n, 0));
        flat_sum = flat_sum.wrapping_add(flat);
        let (mut inline, mut not_inline) = (false, false);
        for &e in g.incoming(n) {
            if trimmed.keeps_edge(e) {
                if g.edge_inline(e, 0) {
                    inline = true;
                } else {
                    not_inline = true;
                }
            }
        }
        let suffix: &[u8] = match (inline, not_inline) {
            (true, true) => b" (partial-inline)",
            (true, false) => b" (inline)",
            _ => b"",
        };
        out.extend_from_slice(
            format!(
                "{:>10} {} {} {:>10} {}  ",
                report.format_value(flat),
                units::percentage(flat, report.total),
                units::percentage(flat_sum, report.total),
                report.format_value(cum),
                units::percentage(cum, report.total),
            )
            .as_bytes(),
        );
        out.extend_from_slice(frames.nodes.name(n));
        out.extend_from_slice(suffix);
        out.push(b'\n');
    }
    Ok(out)
}
