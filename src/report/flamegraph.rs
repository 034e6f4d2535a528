//! `--flamegraph FILE.svg`: the collapsed stacks drawn as an interactive
//! flame graph SVG by the `inferno` crate (flamegraph.pl's renderer ported
//! to Rust), for a pull request or a chat.
//!
//! inferno draws what flamegraph.pl draws, with its search, zoom and
//! tooltips in the SVG's own script, from the same collapsed lines that
//! `--folded` prints; the SVG is written through [`crate::safe_write`].

use super::folded::{FoldedError, options_tree};
use super::{Report, ReportOptions};
use crate::analysis::{CallTree, Granularity, Measure};
use crate::profile::Profile;
use crate::{safe_text, safe_write};
use inferno::flamegraph::{self, Options};
use std::path::Path;

/// What `--flamegraph` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Stacks drawn.
    pub stacks: usize,
    /// Stacks with a negative sum (a diff profile's) left out: a flame
    /// graph draws sizes.
    pub negative: usize,
}

/// Why no flame graph was written.
#[derive(Debug, thiserror::Error)]
pub enum FlamegraphError {
    /// The stacks could not be made (see [`FoldedError`]).
    #[error(transparent)]
    Stacks(FoldedError),
    /// No stack has a positive value: nothing to draw.
    #[error("no stack has a positive value to draw (see --sample-index and the filters)")]
    NoStacks,
    /// inferno failed to draw them.
    #[error("drawing the flame graph: {0}")]
    Render(std::io::Error),
    /// The file could not be written (or exists, see [`safe_write`]).
    #[error(transparent)]
    Write(safe_write::WriteError),
}

/// Draws the stacks of `profile` under `options` as a flame graph titled
/// `name` (the profile's name) and the sample type, and writes it to
/// `path`; an existing file is only replaced when `overwrite` says so.
pub fn write_flamegraph(
    profile: &Profile,
    options: &ReportOptions,
    name: &str,
    path: &Path,
    overwrite: bool,
) -> Result<Written, FlamegraphError> {
    let (svg, written) = render(profile, options, name)?;
    safe_write::write_new(path, &svg, overwrite).map_err(FlamegraphError::Write)?;
    Ok(written)
}

/// The SVG of [`write_flamegraph`], and what it holds.
pub fn render(
    profile: &Profile,
    options: &ReportOptions,
    name: &str,
) -> Result<(Vec<u8>, Written), FlamegraphError> {
    let tree = options_tree(profile, options).map_err(FlamegraphError::Stacks)?;
    let stacks = stack_lines(&tree);
    // A flame graph draws sizes: stacks with a negative sum (a diff
    // profile's) are left out, and counted.
    let negative = stacks.iter().filter(|(_, v)| *v < 0).count();
    let lines: Vec<String> = stacks
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .map(|(text, v)| format!("{text} {v}"))
        .collect();
    let written = Written {
        stacks: lines.len(),
        negative,
    };
    let report = Report::new(profile, Measure::plain(tree.sample_index()));
    let mut opts = Options::default();
    opts.title = format!("{name}: {}", report.sample_type);
    opts.subtitle = subtitle(options);
    opts.count_name = report.sample_unit.clone();
    // One colour per name, the same in every graph drawn.
    opts.hash = true;
    if lines.is_empty() {
        return Err(FlamegraphError::NoStacks);
    }
    let mut svg = Vec::new();
    flamegraph::from_lines(&mut opts, lines.iter().map(String::as_str), &mut svg)
        .map_err(FlamegraphError::Render)?;
    Ok((svg, written))
}

/// The tree's stacks as text for inferno, sorted, with their sums (equal
/// texts merged, zero sums left out). Names are made safe for it and for
/// XML: control characters, line breaks, invalid UTF-8 and bidirectional
/// overrides written as visible escapes (as on a terminal), and `;` (the
/// frame separator) as `\x3b`. XML 1.0 has no way to write most control
/// characters at all, so one in a name would make the file unreadable.
fn stack_lines(tree: &CallTree) -> Vec<(String, i64)> {
    let nodes = &tree.frames().nodes;
    let mut names: Vec<String> = vec![String::new(); nodes.len()];
    for &f in tree.distinct_frames() {
        names[f as usize] = svg_name(nodes.name(f));
    }
    let mut lines: Vec<(String, i64)> = tree
        .stacks()
        .map(|(id, value)| {
            let mut frames: Vec<&str> = tree
                .ancestors(id)
                .filter_map(|n| tree.frame(n))
                .map(|f| names[f as usize].as_str())
                .collect();
            frames.reverse();
            (frames.join(";"), value)
        })
        .collect();
    lines.sort_unstable();
    let mut merged: Vec<(String, i64)> = Vec::with_capacity(lines.len());
    for (text, value) in lines {
        match merged.last_mut() {
            Some(last) if last.0 == text => last.1 = last.1.wrapping_add(value),
            _ => merged.push((text, value)),
        }
    }
    merged.retain(|(_, v)| *v != 0);
    merged
}

/// A frame name as inferno and XML can take it (see [`stack_lines`]).
fn svg_name(name: &[u8]) -> String {
    safe_text::escape(name)
        .replace(';', "\\x3b")
        .replace('\u{fffe}', "\\u{fffe}")
        .replace('\u{ffff}', "\\u{ffff}")
}

/// The granularity and filters, when they are not the defaults.
fn subtitle(options: &ReportOptions) -> Option<String> {
    let mut parts = Vec::new();
    if options.granularity != Granularity::Functions {
        parts.push(format!("granularity {}", options.granularity.name()));
    }
    if !options.inline_frames {
        parts.push("inlined frames merged".to_string());
    }
    for (what, pattern) in options.filters.legend() {
        parts.push(format!("{what}={pattern}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
