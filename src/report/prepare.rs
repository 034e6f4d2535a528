//! What the graph reports (`--top`, `--peek`, `--tree`, `--dot`,
//! `--callgrind`) start from: the measure, the trimmed graph, the report's
//! unit and its header lines.

use super::header::{Shown, header};
use super::node_tags::TagSpec;
use super::trim::{Trim, TrimmedGraph};
use super::{Report, ReportError, ReportOptions, resolve_measure};
use crate::analysis::order::SortKey;
use crate::analysis::{FrameOptions, Frames, Granularity};
use crate::profile::Profile;

/// A report ready to print its rows.
pub(super) struct Prepared<'a> {
    pub report: Report<'a>,
    pub frames: Frames,
    pub trimmed: TrimmedGraph,
    /// The header, each line ending in a newline.
    pub header: Vec<u8>,
    /// The header lines without their newlines (the `-dot` legend).
    pub labels: Vec<Vec<u8>>,
}

/// How one report builds its graph: pprof's `applyCommandOverrides` and
/// `newTrimmedGraph` for one output format.
#[derive(Debug, Clone, Copy)]
pub(super) struct GraphShape {
    /// Whether the options' trimming applies at all.
    pub trim: bool,
    /// The node count when the options leave it unset.
    pub default_node_count: usize,
    /// pprof's visual mode (`-dot`).
    pub visual: bool,
    /// A granularity the report imposes, with inlined frames always kept
    /// (`-callgrind`); `None` for the options' own.
    pub forced_granularity: Option<Granularity>,
    /// Keep binaries and start lines in node identities (`-callgrind`).
    pub obj_names: bool,
    /// Whether a unit chosen for the report may be that of 100 times the
    /// smallest value (all but `-callgrind`, which prints integers).
    pub unit_of_hundredfold: bool,
}

impl GraphShape {
    /// pprof's `-top` (`-text`).
    pub const TOP: GraphShape = GraphShape {
        trim: true,
        default_node_count: 0,
        visual: false,
        forced_granularity: None,
        obj_names: false,
        unit_of_hundredfold: true,
    };
    /// pprof's `-peek`: never trimmed.
    pub const PEEK: GraphShape = GraphShape {
        trim: false,
        ..GraphShape::TOP
    };
    /// pprof's `-tree`: trimmed to 80 nodes unless told otherwise.
    pub const TREE: GraphShape = GraphShape {
        default_node_count: 80,
        ..GraphShape::TOP
    };
    /// pprof's `-dot`: as `-tree`, in visual mode.
    pub const DOT: GraphShape = GraphShape {
        visual: true,
        ..GraphShape::TREE
    };
    /// pprof's `-callgrind`: addresses with inlined frames, never trimmed.
    pub const CALLGRIND: GraphShape = GraphShape {
        trim: false,
        default_node_count: 80,
        visual: false,
        forced_granularity: Some(Granularity::Addresses),
        obj_names: true,
        unit_of_hundredfold: false,
    };
}

/// Sets up a report of `profile`; without `trim` (pprof's peek) no node or
/// edge is dropped, whatever the options say.
pub(super) fn prepare<'a>(
    profile: &'a Profile,
    options: &ReportOptions,
    trim: bool,
) -> Result<Prepared<'a>, ReportError> {
    let shape = if trim {
        GraphShape::TOP
    } else {
        GraphShape::PEEK
    };
    prepare_shaped(profile, options, &shape)
}

/// The [`FrameOptions`] of `options` for a report that does (`obj_names`)
/// or does not key nodes by binary.
pub(super) fn frame_options(options: &ReportOptions, obj_names: bool) -> FrameOptions {
    FrameOptions {
        inline_frames: options.inline_frames,
        obj_names,
        trim_path: options.trim_path.clone().unwrap_or_default(),
        source_path: options.source_path.clone().unwrap_or_default(),
    }
}

/// Sets up a report of `profile` built as `shape` says.
pub(super) fn prepare_shaped<'a>(
    profile: &'a Profile,
    options: &ReportOptions,
    shape: &GraphShape,
) -> Result<Prepared<'a>, ReportError> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    let mut frame_options = frame_options(options, shape.obj_names);
    let granularity = match shape.forced_granularity {
        Some(g) => {
            frame_options.inline_frames = true;
            g
        }
        None => options.granularity,
    };
    let frames = Frames::with_options(profile, granularity, &options.filters, &frame_options);
    let sort = if options.cum {
        SortKey::Cum
    } else {
        SortKey::Flat
    };
    let trim = match shape.trim {
        true => Trim {
            node_fraction: options.node_fraction,
            edge_fraction: options.edge_fraction,
            node_count: options.node_count.unwrap_or(shape.default_node_count),
            sort,
            drop_negative: options.drop_negative,
            visual: shape.visual,
        },
        false => Trim {
            drop_negative: options.drop_negative,
            ..Trim::none(sort)
        },
    };
    let select_unit = report.set_unit(options.unit.as_deref());
    let tags = match shape.visual {
        true => TagSpec::new(profile, &report.output_unit),
        false => None,
    };
    let trimmed = TrimmedGraph::with_tags(profile, &frames, measure, trim, tags.as_ref());
    let g = &trimmed.graph;
    if select_unit {
        let shown = trimmed
            .nodes
            .iter()
            .map(|&n| (g.flat_value(n, 0), g.cum_value(n, 0)));
        match shape.unit_of_hundredfold {
            true => report.select_unit(shown),
            false => report.select_unit_from_smallest(super::smallest_shown(shown)),
        }
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
        // Only the dot legend says how many edges were dropped.
        dropped_edges: if shape.visual {
            trimmed.dropped_edges
        } else {
            0
        },
        edge_fraction: trim.edge_fraction,
    };
    let labels = header(&report, &options.filters, &shown);
    let mut lines = Vec::new();
    for line in &labels {
        let start = lines.len();
        lines.extend_from_slice(line);
        super::end_line(&mut lines, start, options.escape_strings);
    }
    Ok(Prepared {
        report,
        frames,
        trimmed,
        header: lines,
        labels,
    })
}
