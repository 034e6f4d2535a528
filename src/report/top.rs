//! `ppt --top`: pprof's `-top` text report.

use super::prepare::{Prepared, prepare};
use super::{ReportError, ReportOptions, end_line};
use crate::measurement as units;
use crate::profile::Profile;

/// Prints the top report of `profile` as `go tool pprof -top` would.
pub fn top(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let Prepared {
        report,
        frames,
        trimmed,
        header,
        ..
    } = prepare(profile, options, true)?;
    let g = &trimmed.graph;
    let mut out = header;
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
        let start = out.len();
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
        end_line(&mut out, start, options.escape_strings);
    }
    Ok(out)
}
