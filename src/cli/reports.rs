//! The options of the reports on the filtered profile (pprof's `-traces`,
//! `-tags`, `-raw`, `-comments`, `-proto`, and `-text` for `-top`), the
//! label-key filters `-tagshow`/`-taghide`, `-output`, and which report a
//! command line asks for.

use super::Args;
use crate::analysis::{FilterError, Pattern};
use crate::report::ReportKind;
use std::path::{Path, PathBuf};

/// Why the command line's choice of report does not stand.
#[derive(Debug, thiserror::Error)]
pub enum ReportChoiceError {
    /// A report's pattern (`--peek`, `--list`) does not compile.
    #[error(transparent)]
    Pattern(#[from] FilterError),
    /// Two reports asked for at once (pprof's words).
    #[error("must set at most one output format")]
    MoreThanOne,
}

/// Options flattened into [`Args`].
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProfileReportArgs {
    /// Same as --top (pprof's -text).
    #[arg(long, help_heading = "Reports")]
    pub text: bool,
    /// Print every sample: labels, value and stack (as `-traces`).
    #[arg(long, help_heading = "Reports")]
    pub traces: bool,
    /// Print the label breakdown: per label, the values and their share (as `-tags`).
    #[arg(long, help_heading = "Reports")]
    pub tags: bool,
    /// Print the whole profile as text: samples, locations, mappings (as `-raw`).
    #[arg(long, help_heading = "Reports")]
    pub raw: bool,
    /// Print the profile's comments (as `-comments`).
    #[arg(long, help_heading = "Reports")]
    pub comments: bool,
    /// Write the profile, after filters, to FILE as gzipped profile.proto (as `-proto -output FILE`).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "output",
        help_heading = "Reports"
    )]
    pub proto: Option<PathBuf>,
    /// pprof's `-proto` (a flag there): the profile to --output, or to
    /// standard output (a file `profile001.pb.gz` when that is a terminal).
    #[arg(long = "proto-report", hide = true)]
    pub proto_report: bool,
    /// Write the report to FILE instead of standard output (as `-output`); FILE is replaced only once the report is complete.
    #[arg(long, value_name = "FILE", help_heading = "Reports")]
    pub output: Option<PathBuf>,
    /// Keep only the labels whose key matches REGEX (as `-tagshow`).
    #[arg(
        long = "tag-show",
        visible_alias = "tagshow",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub tag_show: Option<String>,
    /// Remove the labels whose key matches REGEX (as `-taghide`).
    #[arg(
        long = "tag-hide",
        visible_alias = "taghide",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub tag_hide: Option<String>,
}

/// pprof's spellings that mean something else in ppt's: `-proto` is a
/// flag in pprof (the file comes from `-output`), `--proto` takes the file.
pub(super) fn pprof_only_spelling(word: &str) -> Option<&'static str> {
    match word {
        "-proto" => Some("--proto-report"),
        _ => None,
    }
}

impl ProfileReportArgs {
    /// The label-key filters, compiled.
    pub fn tag_key_filters(&self) -> Result<(Option<Pattern>, Option<Pattern>), FilterError> {
        let compile = |what: &str, rx: &Option<String>| {
            rx.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| Pattern::new(what, s))
                .transpose()
        };
        Ok((
            compile("tagshow", &self.tag_show)?,
            compile("taghide", &self.tag_hide)?,
        ))
    }
}

impl Args {
    /// The report the command line asks for; `None` when it asks for none
    /// (the explorer on a terminal, else `--top`). Like pprof, at most one.
    pub fn report_kind(&self) -> Result<Option<ReportKind>, ReportChoiceError> {
        let r = &self.profile_reports;
        let mut kinds = Vec::new();
        if self.top || r.text {
            kinds.push(ReportKind::Top);
        }
        if let Some(rx) = &self.peek {
            let pattern = Pattern::new("peek", rx)?;
            kinds.push(ReportKind::Peek(pattern));
        }
        if let Some(rx) = &self.list {
            let pattern = Pattern::new("list", rx)?;
            kinds.push(ReportKind::List(pattern));
        }
        for (set, kind) in [
            (self.tree, ReportKind::Tree),
            (self.dot, ReportKind::Dot),
            (self.callgrind, ReportKind::Callgrind),
            (r.traces, ReportKind::Traces),
            (r.tags, ReportKind::Tags),
            (r.raw, ReportKind::Raw),
            (r.comments, ReportKind::Comments),
            (r.proto.is_some() || r.proto_report, ReportKind::Proto),
        ] {
            if set {
                kinds.push(kind);
            }
        }
        if kinds.len() > 1 {
            return Err(ReportChoiceError::MoreThanOne);
        }
        Ok(kinds.pop())
    }

    /// The file the report goes to (`--proto FILE` or `--output FILE`);
    /// `None` for standard output.
    pub fn report_file(&self) -> Option<&Path> {
        let r = &self.profile_reports;
        r.proto.as_deref().or(r.output.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Args, pprof_style_args};
    use crate::report::ReportKind;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(pprof_style_args(args.iter().map(Into::into)))
    }

    #[test]
    fn pprof_spellings() {
        let a = parse(&["ppt", "-traces", "-tagshow=bytes", "-taghide=x", "p.pb"]).unwrap();
        assert!(matches!(a.report_kind(), Ok(Some(ReportKind::Traces))));
        assert_eq!(a.profile_reports.tag_show.as_deref(), Some("bytes"));
        let a = parse(&["ppt", "-proto", "-output", "out.pb.gz", "p.pb"]).unwrap();
        assert!(matches!(a.report_kind(), Ok(Some(ReportKind::Proto))));
        assert_eq!(a.report_file().unwrap().to_str(), Some("out.pb.gz"));
        let a = parse(&["ppt", "-proto", "p.pb"]).unwrap();
        assert!(matches!(a.report_kind(), Ok(Some(ReportKind::Proto))));
        assert_eq!(a.report_file(), None);
        let a = parse(&["ppt", "--proto", "out.pb.gz", "p.pb"]).unwrap();
        assert_eq!(a.report_file().unwrap().to_str(), Some("out.pb.gz"));
        assert_eq!(a.profile, "p.pb");
        let a = parse(&["ppt", "-text", "p.pb"]).unwrap();
        assert!(matches!(a.report_kind(), Ok(Some(ReportKind::Top))));
        for w in ["-tags", "-raw", "-comments"] {
            assert!(matches!(
                parse(&["ppt", w, "p.pb"]).unwrap().report_kind(),
                Ok(Some(_))
            ));
        }
    }

    #[test]
    fn one_report_at_most() {
        let a = parse(&["ppt", "-top", "-traces", "p.pb"]).unwrap();
        assert_eq!(
            a.report_kind().unwrap_err().to_string(),
            "must set at most one output format"
        );
        // -top and -text are the same report.
        let a = parse(&["ppt", "-top", "-text", "p.pb"]).unwrap();
        assert!(matches!(a.report_kind(), Ok(Some(ReportKind::Top))));
        assert!(parse(&["ppt", "--proto", "a", "--output", "b", "p.pb"]).is_err());
        assert!(matches!(
            parse(&["ppt", "p.pb"]).unwrap().report_kind(),
            Ok(None)
        ));
    }
}
