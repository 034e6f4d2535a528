//! Command-line options. pprof's spellings are accepted next to ppt's own,
//! so a `go tool pprof` command line carries over.

use crate::analysis::{FilterError, Filters, Granularity, Pattern, TagFilter, UnknownGranularity};
use crate::fetch::{
    CombineError, SourceOptions, Sources, parse_duration, parse_refresh, parse_seconds,
};
use crate::profile::Profile;
use crate::profile::{DEFAULT_MAX_DECOMPRESSED, DecodeOptions};
use crate::report::ReportOptions;
use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

pub mod output;
mod reports;
pub mod setup;
pub use reports::{ProfileReportArgs, ReportChoiceError};

/// ppt: explore pprof profiles in the terminal.
///
/// With no report option, opens the full-screen explorer (or prints the top
/// report when standard output is not a terminal).
#[derive(Debug, Parser)]
#[command(name = "ppt", version, about, max_term_width = 100)]
pub struct Args {
    /// Profile file (gzipped or raw profile.proto), - for standard input, or a URL to fetch it from (http://, https://, or host:port for http://host:port/debug/pprof/profile).
    #[arg(
        required_unless_present_any = ["completions", "man"],
        default_value = "",
        hide_default_value = true
    )]
    pub profile: String,
    /// More profiles, merged with the first into one (as `go tool pprof A B` merges them).
    #[arg(value_name = "PROFILE")]
    pub more_profiles: Vec<String>,

    /// Print the top report (as `go tool pprof -top`) and exit.
    #[arg(long, help_heading = "Reports")]
    pub top: bool,
    /// Print callers and callees of functions matching REGEX (as `-peek`).
    #[arg(long, value_name = "REGEX", help_heading = "Reports")]
    pub peek: Option<String>,
    /// Print the stacks as collapsed lines (flamegraph.pl, inferno, speedscope: `a;b;c VALUE`) and exit.
    #[arg(long, conflicts_with_all = ["top", "peek"], help_heading = "Reports")]
    pub folded: bool,
    /// Write a flame graph of the stacks to FILE.svg (drawn by inferno) and exit.
    #[arg(long, value_name = "FILE.svg", conflicts_with_all = ["top", "peek", "folded"], help_heading = "Reports")]
    pub flamegraph: Option<PathBuf>,
    /// Let --flamegraph replace FILE.svg if it exists.
    #[arg(long, requires = "flamegraph", help_heading = "Reports")]
    pub force: bool,
    /// Sort by cumulative value instead of flat.
    #[arg(long, help_heading = "Reports")]
    pub cum: bool,
    /// Print callers and callees of every node (as `-tree`).
    #[arg(long, help_heading = "Reports")]
    pub tree: bool,
    /// Print the call graph in Graphviz format (as `-dot`).
    #[arg(long, help_heading = "Reports")]
    pub dot: bool,
    /// Print the graph in callgrind format, for KCachegrind (as `-callgrind`).
    #[arg(long, help_heading = "Reports")]
    pub callgrind: bool,
    /// Print the annotated source of functions matching REGEX (as `-list`).
    #[arg(long, value_name = "REGEX", help_heading = "Reports")]
    pub list: Option<String>,
    /// Where --list looks for source files (`:`-separated) [default: the working directory].
    #[arg(
        long = "source-path",
        visible_alias = "source_path",
        value_name = "PATHS",
        help_heading = "Reports"
    )]
    pub source_path: Option<String>,
    /// Prefixes to take off the file names a profile records (`:`-separated).
    #[arg(
        long = "trim-path",
        visible_alias = "trim_path",
        value_name = "PATHS",
        help_heading = "Reports"
    )]
    pub trim_path: Option<String>,

    /// Sample type to show, by name (inuse_space, cpu, delay...) or 0-based number.
    #[arg(
        long = "sample-index",
        visible_alias = "sample_index",
        value_name = "NAME|N",
        help_heading = "What to measure"
    )]
    pub sample_index: Option<String>,
    /// Divide every value by the first sample value (pprof's -mean).
    #[arg(long, help_heading = "What to measure")]
    pub mean: bool,
    /// Same as --sample-index=inuse_space.
    #[arg(long = "inuse_space", help_heading = "What to measure")]
    pub inuse_space: bool,
    /// Same as --sample-index=inuse_objects.
    #[arg(long = "inuse_objects", help_heading = "What to measure")]
    pub inuse_objects: bool,
    /// Same as --sample-index=alloc_space.
    #[arg(long = "alloc_space", help_heading = "What to measure")]
    pub alloc_space: bool,
    /// Same as --sample-index=alloc_objects.
    #[arg(long = "alloc_objects", help_heading = "What to measure")]
    pub alloc_objects: bool,
    /// Same as --sample-index=contentions.
    #[arg(long, help_heading = "What to measure")]
    pub contentions: bool,
    /// Same as --sample-index=delay.
    #[arg(long = "total_delay", help_heading = "What to measure")]
    pub total_delay: bool,
    /// Delay divided by contentions: --sample-index=delay --mean.
    #[arg(long = "mean_delay", help_heading = "What to measure")]
    pub mean_delay: bool,

    /// What one row stands for.
    #[arg(long, value_name = "G", value_parser = parse_granularity, help_heading = "Granularity")]
    pub granularity: Option<Granularity>,
    /// Same as --granularity=functions.
    #[arg(long, help_heading = "Granularity")]
    pub functions: bool,
    /// Same as --granularity=filefunctions.
    #[arg(long, help_heading = "Granularity")]
    pub filefunctions: bool,
    /// Same as --granularity=files.
    #[arg(long, help_heading = "Granularity")]
    pub files: bool,
    /// Same as --granularity=lines.
    #[arg(long, help_heading = "Granularity")]
    pub lines: bool,
    /// Same as --granularity=addresses.
    #[arg(long, help_heading = "Granularity")]
    pub addresses: bool,

    /// Keep only samples with a frame matching REGEX.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub focus: Option<String>,
    /// Drop samples with a frame matching REGEX.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub ignore: Option<String>,
    /// Remove frames matching REGEX from every stack.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub hide: Option<String>,
    /// Keep only frames matching REGEX in every stack.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub show: Option<String>,
    /// Cut stacks above their outermost frame matching REGEX.
    #[arg(
        long = "show-from",
        visible_alias = "show_from",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub show_from: Option<String>,
    /// Cut stacks below their innermost frame matching REGEX.
    #[arg(
        long = "prune-from",
        visible_alias = "prune_from",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub prune_from: Option<String>,
    /// Keep only samples with a label matching: KEY=REGEX[,REGEX], REGEX (matches key:value), or a range like bytes=1kb:64kb.
    // `[,REGEX]` is --help text as the user reads it, not a link.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(
        long = "tag-focus",
        visible_alias = "tagfocus",
        value_name = "FILTER",
        help_heading = "Filters"
    )]
    pub tag_focus: Option<String>,
    /// Drop samples with a label matching (same forms as --tag-focus).
    #[arg(
        long = "tag-ignore",
        visible_alias = "tagignore",
        value_name = "FILTER",
        help_heading = "Filters"
    )]
    pub tag_ignore: Option<String>,
    /// Merge inlined frames into the function they were inlined into.
    #[arg(long, help_heading = "Granularity")]
    pub noinlines: bool,
    /// Unit for values: minimum (one unit per report), auto (per value), or a unit like kb, ms.
    #[arg(long, value_name = "UNIT", help_heading = "Reports")]
    pub unit: Option<String>,
    /// Leave out nodes with negative values (diff profiles).
    #[arg(
        long = "drop-negative",
        visible_alias = "drop_negative",
        help_heading = "Reports"
    )]
    pub drop_negative: bool,

    /// Compare with PROFILE: its values are subtracted, and percentages are of its total (pprof's -diff_base). Repeatable: the bases are merged first.
    #[arg(
        long = "diff-base",
        visible_alias = "diff_base",
        value_name = "PROFILE",
        help_heading = "Comparing"
    )]
    pub diff_base: Vec<String>,
    /// Subtract PROFILE: stacks found in both cancel out (pprof's -base). Repeatable.
    #[arg(long, value_name = "PROFILE", help_heading = "Comparing")]
    pub base: Vec<String>,
    /// Scale the profile to the base's total before subtracting (pprof's -normalize).
    #[arg(long, help_heading = "Comparing")]
    pub normalize: bool,

    /// Drop nodes whose cum is below this fraction of the total [default: 0.005 in reports, 0 in the explorer].
    #[arg(
        long = "node-fraction",
        visible_alias = "nodefraction",
        value_name = "F",
        help_heading = "Trimming"
    )]
    pub node_fraction: Option<f64>,
    /// Drop edges below this fraction of the total (decides inline marks).
    #[arg(
        long = "edge-fraction",
        visible_alias = "edgefraction",
        value_name = "F",
        default_value_t = 0.001,
        help_heading = "Trimming"
    )]
    pub edge_fraction: f64,
    /// Show at most N nodes (0: all) [default: all in --top, 80 in --tree and --dot].
    #[arg(
        long = "node-count",
        visible_alias = "nodecount",
        value_name = "N",
        help_heading = "Trimming"
    )]
    pub node_count: Option<usize>,

    /// Refuse profiles that decompress to more than this many bytes. It bounds memory too: loading peaks at about this size, as the decompressed bytes are kept and long strings are not copied out of them.
    #[arg(long = "max-decompressed-size", value_name = "BYTES", default_value_t = DEFAULT_MAX_DECOMPRESSED)]
    pub max_decompressed_size: u64,

    // Fetching from a service (src/fetch).
    /// For a URL: ask for an N-second CPU or delta profile (adds seconds=N to the query, as pprof's -seconds); at most a week.
    #[arg(long, value_name = "N", value_parser = parse_seconds, help_heading = "Fetching")]
    pub seconds: Option<u64>,
    /// For a URL: give up after this long, e.g. 90s (a number is seconds; at most a week) [default: 1.5 × seconds, else 60s; plus 5s of grace, as pprof].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Fetching")]
    pub timeout: Option<Duration>,
    /// Write the profile, bytes unchanged as read or received, to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Fetching")]
    pub save: Option<PathBuf>,
    /// In the explorer, load the profile again every DURATION (e.g. 30s, 2m; at most a week).
    #[arg(long, value_name = "DURATION", value_parser = parse_refresh, help_heading = "Fetching")]
    pub refresh: Option<Duration>,

    /// -traces, -tags, -raw, -comments, -proto, -text, -output, -tagshow/-taghide.
    #[command(flatten)]
    pub profile_reports: ProfileReportArgs,

    /// Print the completion script for SHELL and exit (see the README for where to put it).
    #[arg(long, value_name = "SHELL", exclusive = true, help_heading = "Setup")]
    pub completions: Option<clap_complete::Shell>,
    /// Print the man page (roff) and exit: `ppt --man > ppt.1`.
    #[arg(long, exclusive = true, help_heading = "Setup")]
    pub man: bool,
}

fn parse_granularity(s: &str) -> Result<Granularity, UnknownGranularity> {
    s.parse()
}

impl Args {
    /// The sample index asked for, resolving pprof's legacy flags the way
    /// pprof does: an explicit --sample-index wins, then the first legacy flag.
    pub fn sample_index(&self) -> Option<String> {
        if let Some(si) = &self.sample_index {
            return Some(si.clone());
        }
        [
            (self.total_delay, "delay"),
            (self.mean_delay, "delay"),
            (self.contentions, "contentions"),
            (self.inuse_space, "inuse_space"),
            (self.inuse_objects, "inuse_objects"),
            (self.alloc_space, "alloc_space"),
            (self.alloc_objects, "alloc_objects"),
        ]
        .into_iter()
        .find(|(set, _)| *set)
        .map(|(_, name)| name.to_string())
    }

    /// The granularity asked for (the last of pprof's flags wins over none).
    pub fn granularity(&self) -> Granularity {
        if let Some(g) = self.granularity {
            return g;
        }
        [
            (self.addresses, Granularity::Addresses),
            (self.lines, Granularity::Lines),
            (self.files, Granularity::Files),
            (self.filefunctions, Granularity::FileFunctions),
            (self.functions, Granularity::Functions),
        ]
        .into_iter()
        .find(|(set, _)| *set)
        .map_or(Granularity::Functions, |(_, g)| g)
    }

    /// The filters, compiled.
    pub fn filters(&self) -> Result<Filters, FilterError> {
        let compile = |what: &str, rx: &Option<String>| {
            rx.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| Pattern::new(what, s))
                .transpose()
        };
        let (tag_show, tag_hide) = self.profile_reports.tag_key_filters()?;
        Ok(Filters {
            tag_show,
            tag_hide,
            focus: compile("focus", &self.focus)?,
            ignore: compile("ignore", &self.ignore)?,
            hide: compile("hide", &self.hide)?,
            show: compile("show", &self.show)?,
            show_from: compile("show_from", &self.show_from)?,
            prune_from: compile("prune_from", &self.prune_from)?,
            ..Filters::default()
        })
    }

    /// The label filters, compiled against `profile` (pprof infers the unit
    /// of each numeric label from the whole profile).
    pub fn tag_filters(
        &self,
        profile: &Profile,
    ) -> Result<(Option<TagFilter>, Option<TagFilter>), FilterError> {
        let compile = |what: &str, value: &Option<String>| {
            value
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| TagFilter::new(what, s, profile))
                .transpose()
        };
        Ok((
            compile("tagfocus", &self.tag_focus)?,
            compile("tagignore", &self.tag_ignore)?,
        ))
    }

    /// Report options for `--top`/`--peek`.
    pub fn report_options(&self) -> Result<ReportOptions, FilterError> {
        Ok(ReportOptions {
            sample_index: self.sample_index(),
            mean: self.mean || self.mean_delay,
            granularity: self.granularity(),
            filters: self.filters()?,
            node_fraction: self.node_fraction.unwrap_or(0.005),
            edge_fraction: self.edge_fraction,
            node_count: self.node_count,
            cum: self.cum,
            inline_frames: !self.noinlines,
            unit: self.unit.clone(),
            drop_negative: self.drop_negative,
            escape_strings: false,
            source_path: self.source_path.clone(),
            trim_path: self.trim_path.clone(),
        })
    }

    /// The profiles to merge and the bases to compare with, each read or
    /// fetched as the profile argument is (see [`Args::source_options`]).
    pub fn sources(&self) -> Result<Sources, CombineError> {
        let profiles: Vec<String> = std::iter::once(&self.profile)
            .chain(&self.more_profiles)
            .cloned()
            .collect();
        Sources::from_args(
            &profiles,
            &self.base,
            &self.diff_base,
            self.normalize,
            self.source_options(),
        )
    }

    /// How the profile argument is read or fetched: `--seconds`,
    /// `--timeout` and `--max-decompressed-size`, progress on stderr.
    pub fn source_options(&self) -> SourceOptions {
        SourceOptions {
            seconds: self.seconds,
            timeout: self.timeout,
            decode: DecodeOptions {
                max_decompressed: self.max_decompressed_size,
            },
            progress: true,
        }
    }
}

/// Accepts pprof's single-dash spellings (`-top`, `-sample_index=1`,
/// `-inuse_space`) by giving every single-dash word a second dash, so a
/// `go tool pprof` command line works unchanged. One-letter options (`-h`),
/// negative numbers and `-` (standard input) are left alone, as is anything
/// after `--`. A value that itself starts with a dash must be attached with
/// `=` (`--focus=-x`).
pub fn pprof_style_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut literal = false;
    for (i, arg) in args.into_iter().enumerate() {
        let word = arg.to_str().filter(|_| i > 0 && !literal);
        match word {
            Some("--") => {
                literal = true;
                out.push(arg);
            }
            Some(w) if reports::pprof_only_spelling(w).is_some() => {
                out.extend(reports::pprof_only_spelling(w).map(Into::into));
            }
            Some(w)
                if w.len() > 2 && w.starts_with('-') && w.as_bytes()[1].is_ascii_alphabetic() =>
            {
                out.push(format!("-{w}").into());
            }
            _ => out.push(arg),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(args: &[&str]) -> Vec<String> {
        pprof_style_args(args.iter().map(|a| a.into()))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn pprof_spellings_become_long_options() {
        assert_eq!(
            convert(&[
                "ppt",
                "-top",
                "-sample_index=1",
                "-h",
                "-",
                "--cum",
                "-5",
                "--",
                "-file"
            ]),
            [
                "ppt",
                "--top",
                "--sample_index=1",
                "-h",
                "-",
                "--cum",
                "-5",
                "--",
                "-file"
            ]
        );
    }

    #[test]
    fn pprof_command_line_parses() {
        let args = Args::parse_from(pprof_style_args(
            [
                "ppt",
                "-top",
                "-nodecount=5",
                "-inuse_objects",
                "-lines",
                "heap.pprof",
            ]
            .map(Into::into),
        ));
        assert!(args.top && args.lines && args.inuse_objects);
        assert_eq!(args.node_count, Some(5));
        assert_eq!(args.sample_index().as_deref(), Some("inuse_objects"));
    }

    #[test]
    fn graph_reports_parse_in_pprof_spelling() {
        use crate::report::ReportKind;
        let parse = |words: &[&str]| {
            let args = Args::parse_from(pprof_style_args(words.iter().map(Into::into)));
            let kind = args.report_kind().unwrap();
            (args, kind)
        };
        let (args, kind) = parse(&[
            "ppt",
            "-list",
            "main\\.fib$",
            "-source_path=src:other",
            "-trim_path=/srv/shop",
            "cpu.pprof",
        ]);
        assert!(matches!(kind, Some(ReportKind::List(p)) if p.as_str() == "main\\.fib$"));
        let options = args.report_options().unwrap();
        assert_eq!(options.source_path.as_deref(), Some("src:other"));
        assert_eq!(options.trim_path.as_deref(), Some("/srv/shop"));
        assert_eq!(options.node_count, None);
        assert!(matches!(
            parse(&["ppt", "-tree", "x"]).1,
            Some(ReportKind::Tree)
        ));
        assert!(matches!(
            parse(&["ppt", "--dot", "x"]).1,
            Some(ReportKind::Dot)
        ));
        assert!(matches!(
            parse(&["ppt", "-callgrind", "x"]).1,
            Some(ReportKind::Callgrind)
        ));
        assert!(parse(&["ppt", "x"]).1.is_none());
        let (args, _) = parse(&["ppt", "--source-path", "a", "--trim-path", "b", "x"]);
        assert_eq!(args.source_path.as_deref(), Some("a"));
        assert_eq!(args.trim_path.as_deref(), Some("b"));
    }
}
