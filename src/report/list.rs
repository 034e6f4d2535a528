//! `ppt --list REGEX`: pprof's `-list` report, the annotated source of
//! every function whose name matches: each line of the function's files
//! near its samples, with its flat and cum values.
//!
//! The report works at line granularity and is never trimmed. Source files
//! are found as pprof 1.19 finds them ([`SourceSearch::pprof`]), without
//! the Go installation roots the explorer adds.

use super::prepare::frame_options;
use super::{Report, ReportError, ReportOptions, resolve_measure};
use crate::analysis::{Frames, Granularity, Graph, NodeId, Pattern};
use crate::measurement as units;
use crate::profile::Profile;
use crate::source_files::{SourceFiles, SourceSearch};
use std::collections::BTreeMap;

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

/// Prints the source listing of the functions matching `pattern`, as
/// `go tool pprof -list` would.
pub fn list(
    profile: &Profile,
    options: &ReportOptions,
    pattern: &Pattern,
) -> Result<Vec<u8>, ReportError> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    // pprof never chooses one unit for a listing: `minimum` scales each
    // value on its own.
    report.set_unit(options.unit.as_deref());
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
    let search = SourceSearch::pprof(options.source_path.as_deref(), options.trim_path.as_deref())
        .map_err(|e| ReportError::Source(format!("could not stat current dir: {e}")))?;
    let mut sources = SourceFiles::new(search);

    let mut out = format!("Total: {}\n", report.format_value(report.total)).into_bytes();
    let value_or_dot = |v: i64| match v {
        0 => ".".to_string(),
        v => report.format_value(v),
    };
    for (name, files) in &functions {
        if files.is_empty() {
            out.extend_from_slice(b"No source information for ");
            out.extend_from_slice(name);
            out.push(b'\n');
            continue;
        }
        for (&file, nodes) in files {
            // pprof sums raw values here, even for means.
            let sum = |f: fn(&Graph, NodeId, usize) -> i64| {
                nodes
                    .iter()
                    .map(|&n| f(&graph, n, 0))
                    .fold(0i64, i64::wrapping_add)
            };
            let (flat_sum, cum_sum) = (sum(Graph::flat), sum(Graph::cum));
            out.extend_from_slice(b"ROUTINE ======================== ");
            out.extend_from_slice(name);
            out.extend_from_slice(b" in ");
            out.extend_from_slice(file);
            out.extend_from_slice(
                format!(
                    "\n{:>10} {:>10} (flat, cum) {} of Total\n",
                    report.format_value(flat_sum),
                    report.format_value(cum_sum),
                    units::percentage(cum_sum, report.total)
                )
                .as_bytes(),
            );
            let (start, end) = line_range(table, nodes);
            if start > end {
                // pprof opens the file only for a line it prints, but
                // reports an error an earlier routine met in it.
                if let Some(Err(missing)) = sources.cached(file) {
                    out.extend_from_slice(format!(" Error: {missing}\n").as_bytes());
                }
                continue;
            }
            let source = match sources.get(file) {
                Ok(source) => source,
                Err(missing) => {
                    out.extend_from_slice(format!(" Error: {missing}\n").as_bytes());
                    continue;
                }
            };
            for lineno in start..=end {
                let Some(text) = source.line(lineno) else {
                    break;
                };
                let (mut flat, mut cum) = (0i64, 0i64);
                for &n in nodes.iter().filter(|&&n| table.info(n).line == lineno) {
                    flat = flat.wrapping_add(graph.flat(n, 0));
                    cum = cum.wrapping_add(graph.cum(n, 0));
                }
                out.extend_from_slice(
                    format!(
                        "{:>10} {:>10} {lineno:>6}:",
                        value_or_dot(flat),
                        value_or_dot(cum)
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(text);
                out.push(b'\n');
            }
        }
    }
    Ok(out)
}

/// pprof's `getSourceFromFile` range: from the function's start line (or
/// 5 lines before the first sampled line) to 5 lines after the last, never
/// before line 1. pprof's loop widens either the start or the end per
/// node, not both; its order is kept here as node order.
fn line_range(table: &crate::analysis::NodeTable, nodes: &[NodeId]) -> (i64, i64) {
    let first = table.info(nodes[0]);
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
