//! Which report to print, and printing it: one entry point for every
//! report, so the command line only picks one.

use super::{ReportError, ReportOptions, resolve_measure};
use crate::analysis::Pattern;
use crate::profile::Profile;
use std::io::Write;

/// A report, as pprof names it.
#[derive(Debug, Clone)]
pub enum ReportKind {
    /// `-top` (also `-text`).
    Top,
    /// `-peek REGEX`.
    Peek(Pattern),
    /// `-tree`: every node with its callers and callees.
    Tree,
    /// `-dot`: the call graph in Graphviz format.
    Dot,
    /// `-callgrind`: the graph for KCachegrind.
    Callgrind,
    /// `-list REGEX`: the annotated source of matching functions.
    List(Pattern),
    /// `-traces`: every sample's stack.
    Traces,
    /// `-tags`: the label breakdown.
    Tags,
    /// `-raw`: the profile as text.
    Raw,
    /// `-comments`: the profile's comments.
    Comments,
    /// `-proto`: the filtered profile, gzipped profile.proto.
    Proto,
}

impl ReportKind {
    /// Whether the report is binary: pprof writes it to a file rather than
    /// to a terminal.
    pub fn is_binary(&self) -> bool {
        matches!(self, ReportKind::Proto)
    }

    /// The extension of the file pprof writes a binary report to when
    /// standard output is a terminal (`profile001.pb.gz`).
    pub fn file_extension(&self) -> &'static str {
        match self {
            ReportKind::Proto => "pb.gz",
            _ => "txt",
        }
    }
}

/// Prints report `kind` of `profile` to `out`.
pub fn write_report(
    kind: &ReportKind,
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    // pprof resolves the sample index for every report, even those that
    // print all values or none (`-raw`, `-proto`, `-comments`).
    resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    // pprof's totals are sums of |value| over the samples it merged on
    // load: with negative values, merging changes them (two identical
    // samples of 5 and -5 count 10 apart, 0 merged).
    let merged;
    let graph_profile = if !profile.signs_apart && has_negative_values(profile) {
        merged = profile.merged();
        &*merged
    } else {
        profile
    };
    match kind {
        ReportKind::Top => super::top::write_top(graph_profile, options, out)?,
        ReportKind::Peek(pattern) => {
            out.write_all(&super::peek(graph_profile, options, pattern)?)?
        }
        ReportKind::Tree => out.write_all(&super::tree(graph_profile, options)?)?,
        ReportKind::Dot => out.write_all(&super::dot(graph_profile, options)?)?,
        ReportKind::Callgrind => super::write_callgrind(graph_profile, options, out)?,
        ReportKind::List(pattern) => {
            out.write_all(&super::list(graph_profile, options, pattern)?)?
        }
        ReportKind::Traces => super::traces(profile, options, out)?,
        ReportKind::Tags => super::tags(profile, options, out)?,
        ReportKind::Raw => super::raw(profile, options, out)?,
        ReportKind::Comments => super::comments(profile, out)?,
        ReportKind::Proto => super::proto(profile, options, out)?,
    }
    Ok(())
}

/// Whether some sample value is negative (a diff profile).
pub(super) fn has_negative_values(profile: &Profile) -> bool {
    (0..profile.samples.len()).any(|s| profile.samples.values(s).iter().any(|&v| v < 0))
}
