//! `ppt --top`: pprof's `-top` text report.

use super::prepare::{Prepared, prepare};
use super::{ReportError, ReportOptions, end_line};
use crate::measurement as units;
use crate::profile::Profile;
use std::io::Write;

/// Prints the top report of `profile` as `go tool pprof -top` would.
pub fn top(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_top(profile, options, &mut out)?;
    Ok(out)
}

/// [`top`], written to `w` as it is made: lines are gathered a few kB at a
/// time, and a name is written from where the profile holds it rather than
/// copied (a profile may be one name of gigabytes) unless the line must be
/// escaped as a whole.
pub fn write_top(
    profile: &Profile,
    options: &ReportOptions,
    w: &mut dyn Write,
) -> Result<(), ReportError> {
    const FLUSH_AT: usize = 1 << 16;
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
        let name = frames.nodes.name(n);
        if !options.escape_strings && name.len() >= FLUSH_AT {
            w.write_all(&out)?;
            w.write_all(name)?;
            out.clear();
        } else {
            out.extend_from_slice(name);
        }
        out.extend_from_slice(suffix);
        // The name written out already only when not escaping: `start`
        // then only matters as far as `out` goes.
        let start = start.min(out.len());
        end_line(&mut out, start, options.escape_strings);
        if out.len() >= FLUSH_AT {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)?;
    Ok(())
}
