//! What `--top` and `--peek` both start from: the measure, the trimmed
//! graph, the report's unit and its header lines.

use super::header::{Shown, header};
use super::trim::{Trim, TrimmedGraph};
use super::{Report, ReportError, ReportOptions, resolve_measure};
use crate::analysis::Frames;
use crate::analysis::order::SortKey;
use crate::profile::Profile;

/// A report ready to print its rows.
pub(super) struct Prepared<'a> {
    pub report: Report<'a>,
    pub frames: Frames,
    pub trimmed: TrimmedGraph,
    /// The header, each line ending in a newline.
    pub header: Vec<u8>,
}

/// Sets up a report of `profile`; without `trim` (pprof's peek) no node or
/// edge is dropped, whatever the options say.
pub(super) fn prepare<'a>(
    profile: &'a Profile,
    options: &ReportOptions,
    trim: bool,
) -> Result<Prepared<'a>, ReportError> {
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
    let trim = match trim {
        true => Trim {
            node_fraction: options.node_fraction,
            edge_fraction: options.edge_fraction,
            node_count: options.node_count,
            sort,
            drop_negative: options.drop_negative,
        },
        false => Trim {
            drop_negative: options.drop_negative,
            ..Trim::none(sort)
        },
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
        node_fraction: trim.node_fraction,
    };
    let mut lines = Vec::new();
    for line in header(&report, &options.filters, &shown) {
        let start = lines.len();
        lines.extend_from_slice(&line);
        super::end_line(&mut lines, start, options.escape_strings);
    }
    Ok(Prepared {
        report,
        frames,
        trimmed,
        header: lines,
    })
}
