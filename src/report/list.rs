//! `ppt --list REGEX`: pprof's `-list` report, the annotated source of
//! every function whose name matches: each line of the function's files
//! near its samples, with its flat and cum values.
//!
//! [`listing`] computes it as data (what the explorer's source view shows),
//! [`list()`] prints it as pprof does. The report works at line granularity
//! and is never trimmed. For `--list`, source files are found as pprof 1.19
//! finds them ([`SourceSearch::pprof`]), without the Go installation roots
//! the explorer may add.

use super::prepare::frame_options;
use super::{Report, ReportError, ReportOptions, resolve_measure};
use crate::analysis::{Frames, Granularity, Graph, NodeId, NodeTable, Pattern};
use crate::measurement as units;
use crate::profile::Profile;
use crate::source_files::{NotFound, SourceFiles, SourceSearch};
use std::collections::BTreeMap;

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

/// The annotated source of the functions matching a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The report's total (what percentages are of).
    pub total: i64,
    /// One per function and source file, functions by name, then files
    /// by name.
    pub routines: Vec<Routine>,
}

/// One function's lines in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routine {
    /// The function's name.
    pub function: Vec<u8>,
    /// The file as the report names it; `None` when the profile has no
    /// file for the function's samples.
    pub file: Option<Vec<u8>>,
    /// Raw sums of the function's line nodes in this file (pprof sums raw
    /// values, even for means; cum adds per line, so recursion can count
    /// twice).
    pub flat: i64,
    /// See `flat`.
    pub cum: i64,
    /// The lines, or why there are none.
    pub source: RoutineSource,
}

/// What a routine shows under its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutineSource {
    /// The lines around the sampled ones, in order.
    Lines(Vec<SourceLine>),
    /// The file was not found (pprof prints ` Error: ...`).
    Missing(NotFound),
    /// Nothing to show (no line in range; pprof prints nothing).
    Empty,
}

/// One line of a source file with the values sampled on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// The line number (1-based).
    pub number: i64,
    /// Raw flat sum of the samples on this line.
    pub flat: i64,
    /// Raw cum sum.
    pub cum: i64,
    /// The text, without its line end.
    pub text: Vec<u8>,
}

/// Prints the source listing of the functions matching `pattern`, as
/// `go tool pprof -list` would.
pub fn list(
    profile: &Profile,
    options: &ReportOptions,
    pattern: &Pattern,
) -> Result<Vec<u8>, ReportError> {
    let search = SourceSearch::pprof(options.source_path.as_deref(), options.trim_path.as_deref())
        .map_err(|e| ReportError::Source(format!("could not stat current dir: {e}")))?;
    let listing = listing(profile, options, pattern, &mut SourceFiles::new(search))?;
    write_listing(profile, options, &listing)
}

/// Prints `listing` (made with `options`) as `go tool pprof -list` does.
pub fn write_listing(
    profile: &Profile,
    options: &ReportOptions,
    listing: &Listing,
) -> Result<Vec<u8>, ReportError> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    // pprof never chooses one unit for a listing: `minimum` scales each
    // value on its own.
    report.set_unit(options.unit.as_deref());
    let value_or_dot = |v: i64| match v {
        0 => ".".to_string(),
        v => report.format_value(v),
    };
    let mut out = format!("Total: {}\n", report.format_value(listing.total)).into_bytes();
    for routine in &listing.routines {
        let Some(file) = &routine.file else {
            out.extend_from_slice(b"No source information for ");
            out.extend_from_slice(&routine.function);
            out.push(b'\n');
            continue;
        };
        out.extend_from_slice(b"ROUTINE ======================== ");
        out.extend_from_slice(&routine.function);
        out.extend_from_slice(b" in ");
        out.extend_from_slice(file);
        out.extend_from_slice(
            format!(
                "\n{:>10} {:>10} (flat, cum) {} of Total\n",
                report.format_value(routine.flat),
                report.format_value(routine.cum),
                units::percentage(routine.cum, listing.total)
            )
            .as_bytes(),
        );
        match &routine.source {
            RoutineSource::Lines(lines) => {
                for line in lines {
                    out.extend_from_slice(
                        format!(
                            "{:>10} {:>10} {:>6}:",
                            value_or_dot(line.flat),
                            value_or_dot(line.cum),
                            line.number
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(&line.text);
                    out.push(b'\n');
                }
            }
            RoutineSource::Missing(missing) => {
                out.extend_from_slice(format!(" Error: {missing}\n").as_bytes());
            }
            RoutineSource::Empty => {}
        }
    }
    Ok(out)
}

/// The listing of the functions matching `pattern` (unanchored, on the
/// function name), with sources from `sources`. An error when no function
/// matches.
pub fn listing(
    profile: &Profile,
    options: &ReportOptions,
    pattern: &Pattern,
    sources: &mut SourceFiles,
) -> Result<Listing, ReportError> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let total = Report::new(profile, measure).total;
    let frames = Frames::with_options(
        profile,
        Granularity::Lines,
        &options.filters,
        &frame_options(options, true),
    );
    // A listing needs flat and cum only.
    let graph = Graph::build_without_edges(profile, &frames, &[measure], None);
    let table = &frames.nodes;

    // Each matching function's nodes, by file; functions by name.
    let mut functions: BTreeMap<&[u8], BTreeMap<&[u8], Vec<NodeId>>> = BTreeMap::new();
    for n in graph.present_nodes(0) {
        let (flat, cum) = (graph.flat(n, 0), graph.cum(n, 0));
        if options.drop_negative && (flat < 0 || flat == 0 && cum < 0) {
            continue;
        }
        let name = profile.strings.get(table.info(n).name);
        if !pattern.is_match(name) {
            continue;
        }
        let files = functions.entry(name).or_default();
        let file = table.file(n);
        if !file.is_empty() {
            files.entry(file).or_default().push(n);
        }
    }
    if functions.is_empty() {
        return Err(ReportError::NoMatches(pattern.as_str().to_string()));
    }

    let mut routines = Vec::new();
    for (name, files) in &functions {
        if files.is_empty() {
            routines.push(Routine {
                function: name.to_vec(),
                file: None,
                flat: 0,
                cum: 0,
                source: RoutineSource::Empty,
            });
            continue;
        }
        for (&file, nodes) in files {
            let sum = |f: fn(&Graph, NodeId, usize) -> i64| {
                nodes
                    .iter()
                    .map(|&n| f(&graph, n, 0))
                    .fold(0i64, i64::wrapping_add)
            };
            routines.push(Routine {
                function: name.to_vec(),
                file: Some(file.to_vec()),
                flat: sum(Graph::flat),
                cum: sum(Graph::cum),
                source: source_lines(&graph, table, file, nodes, sources),
            });
        }
    }
    Ok(Listing { total, routines })
}

/// pprof's `getSourceFromFile`: the lines of `file` in range, each with the
/// values of `nodes` (one function's line nodes) on it.
fn source_lines(
    graph: &Graph,
    table: &NodeTable,
    file: &[u8],
    nodes: &[NodeId],
    sources: &mut SourceFiles,
) -> RoutineSource {
    let (start, end) = line_range(table, nodes);
    if start > end {
        // pprof opens the file only for a line it prints, but reports an
        // error an earlier routine met in it.
        return match sources.cached(file) {
            Some(Err(missing)) => RoutineSource::Missing(missing.clone()),
            _ => RoutineSource::Empty,
        };
    }
    let source = match sources.get(file) {
        Ok(source) => source,
        Err(missing) => return RoutineSource::Missing(missing),
    };
    let mut lines = Vec::new();
    for number in start..=end {
        // pprof stops at the end of the file without saying so.
        let Some(text) = source.line(number) else {
            break;
        };
        let (mut flat, mut cum) = (0i64, 0i64);
        for &n in nodes.iter().filter(|&&n| table.info(n).line == number) {
            flat = flat.wrapping_add(graph.flat(n, 0));
            cum = cum.wrapping_add(graph.cum(n, 0));
        }
        lines.push(SourceLine {
            number,
            flat,
            cum,
            text: text.to_vec(),
        });
    }
    RoutineSource::Lines(lines)
}

/// pprof's `getSourceFromFile` range: from the function's start line (or
/// 5 lines before the first sampled line) to 5 lines after the last, never
/// before line 1. pprof's loop widens either the start or the end per
/// node, not both; its order is kept here as node order.
fn line_range(table: &NodeTable, nodes: &[NodeId]) -> (i64, i64) {
    let Some(&first) = nodes.first() else {
        return (1, 0);
    };
    let first = table.info(first);
    let mut start = if first.start_line != 0 {
        first.start_line
    } else {
        first.line - MARGIN
    };
    let mut end = first.line + MARGIN;
    for &n in nodes {
        let info = table.info(n);
        let node_start = if info.start_line == 0 {
            info.line - MARGIN
        } else {
            info.start_line
        };
        let node_end = info.line + MARGIN;
        if node_start < start {
            start = node_start;
        } else if node_end > end {
            end = node_end;
        }
    }
    (start.max(1), end)
}
