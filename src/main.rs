//! The `ppt` command: parse arguments, load the profile, then print a report
//! or open the explorer.
#![deny(clippy::unwrap_used)]

use clap::Parser;
use ppt::analysis::FilterError;
use ppt::cli::output::{self, Destination, OutputError};
use ppt::cli::{Args, ReportChoiceError};
use ppt::fetch::{self, CombineError, LoadFailure, Loaded, Source, SourceError};
use ppt::report::flamegraph::FlamegraphError;
use ppt::report::{FoldedError, ReportError, ReportKind};
use ppt::tui::ExplorerError;
use ppt::{report, safe_text};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Why `ppt` stopped: what it was doing, and the error it met.
///
/// An enum rather than strings: the command fails in a few known ways,
/// each variant keeps its context (the profile, the path saved to) as data,
/// and a new way to fail has to be named here. [`with_causes`] prints it.
#[derive(Debug, thiserror::Error)]
enum Error {
    /// A filter or a report's pattern that does not compile.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// No report, or several, that the command line can make.
    #[error(transparent)]
    ReportChoice(#[from] ReportChoiceError),
    /// The profiles and bases of the command line do not go together.
    #[error(transparent)]
    Combine(#[from] CombineError),
    /// `--save` or `--refresh` with several profiles or a base.
    #[error("--save and --refresh take a single profile, not several or a base")]
    SaveOrRefreshOfSeveral,
    /// Several profiles could not be loaded into one.
    #[error(transparent)]
    LoadSeveral(#[from] LoadFailure),
    /// The profile could not be read, fetched or decoded.
    #[error(transparent)]
    Load(#[from] SourceError),
    /// `--save` could not write the bytes.
    #[error("saving the profile to {}", .path.display())]
    Save {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    /// What the profile cannot give (a sample index, a `--peek` that
    /// matches nothing): said after its name, as pprof does.
    #[error("{profile}")]
    Profile {
        /// The profile as named on the command line.
        profile: String,
        #[source]
        error: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A report file could not be written.
    #[error(transparent)]
    Output(OutputError),
    /// The flame graph file could not be written.
    #[error(transparent)]
    Flamegraph(FlamegraphError),
    /// Standard output failed (other than a closed pipe).
    #[error("writing the report")]
    Write(#[source] std::io::Error),
    /// The explorer failed.
    #[error(transparent)]
    Explorer(#[from] ExplorerError),
    /// The merged or compared profile could not be encoded for saving.
    #[error("encoding the combined profile")]
    EncodeCombined(#[source] ReportError),
}

impl Error {
    /// `error`, met making something of the profile the command line names.
    fn of_profile(args: &Args, error: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Profile {
            profile: args.profile.clone(),
            error: Box::new(error),
        }
    }
}

/// The message of `error` followed by each of its causes, pprof-like:
/// `heap.pprof: no matches found for regexp: foo`. A cause whose message
/// ends what was said already is not repeated (many errors end their
/// message with their cause's).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = c.source();
    }
    message
}

fn main() -> ExitCode {
    let args = Args::parse_from(ppt::cli::pprof_style_args(std::env::args_os()));
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Messages quote profile data (sample type names, labels) and
            // server replies: escaped like names, newlines included.
            let message = with_causes(&error);
            eprintln!("ppt: {}", safe_text::escape(message.as_bytes()));
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), Error> {
    if let Some(shell) = args.completions {
        let mut out = Vec::new();
        ppt::cli::setup::write_completions(shell, &mut out);
        return write_plain(&out);
    }
    if args.man {
        let mut out = Vec::new();
        ppt::cli::setup::write_man_page(&mut out).map_err(Error::Write)?;
        return write_plain(&out);
    }
    let mut options = args.report_options()?;
    let kind = args.report_kind()?;
    let sources = args.sources()?;

    // The explorer only on a terminal, and only when no report was asked.
    let explore = kind.is_none()
        && !args.folded
        && args.flamegraph.is_none()
        && std::io::stdout().is_terminal();
    if !sources.is_single() {
        let mut sources = sources;
        if explore {
            sources.keep_base();
        }
        let mut combined = load_sources(args, &sources)?;
        tag_filters(args, &combined.profile, &mut options, !explore)?;
        if explore {
            let (title, comparison) = combined_names(&sources, &mut combined);
            // What `w` saves: the combined profile, as `--proto` writes it
            // (pprof reads it back as this profile).
            let mut bytes = Vec::new();
            report::proto(
                &combined.profile,
                &report::ReportOptions::default(),
                &mut bytes,
            )
            .map_err(Error::EncodeCombined)?;
            let first = fetch::Loaded {
                profile: combined.profile,
                bytes,
                fetched_at: combined.fetched_at,
                took: combined.took,
            };
            return Ok(ppt::tui::run_combined(
                first, title, comparison, args, &options,
            )?);
        }
        return print_output(args, kind, &combined.profile, &options);
    }
    if !explore && args.save.is_none() {
        // A report needs the profile only: decoded as the file is read.
        let profile = Source::new(&args.profile, args.source_options())?.decode()?;
        tag_filters(args, &profile, &mut options, true)?;
        let printed = print_output(args, kind, &profile, &options);
        // The process ends here: freeing the profile's memory piece by
        // piece would only make the report wait for the exit.
        std::mem::forget(profile);
        return printed;
    }
    let (source, loaded) = load_profile(args)?;
    tag_filters(args, &loaded.profile, &mut options, !explore)?;
    if explore {
        return Ok(ppt::tui::run(source, loaded, args, &options)?);
    }
    print_output(args, kind, &loaded.profile, &options)
}

/// Prints what the command line asks for: a report (`--top` when none is
/// named), or a file for other tools.
fn print_output(
    args: &Args,
    kind: Option<ReportKind>,
    profile: &ppt::profile::Profile,
    options: &report::ReportOptions,
) -> Result<(), Error> {
    if args.folded || args.flamegraph.is_some() {
        return files_for_other_tools(args, profile, options);
    }
    print_report(args, &kind.unwrap_or(ReportKind::Top), profile, options)
}

/// Compiles the label filters against the profile (their units come from
/// it), saying on stderr how pprof would read them; for a text report
/// (`text`), with pprof's other warnings: numeric labels of several units
/// before, filters that match nothing after (the explorer says those in
/// its status line).
fn tag_filters(
    args: &Args,
    profile: &ppt::profile::Profile,
    options: &mut report::ReportOptions,
    text: bool,
) -> Result<(), Error> {
    (options.filters.tag_focus, options.filters.tag_ignore) = args.tag_filters(profile)?;
    if text {
        for conflict in ppt::analysis::tags::unit_conflicts(profile) {
            eprintln!("{}", safe_text::escape(conflict.as_bytes()));
        }
    }
    for tag in [&options.filters.tag_focus, &options.filters.tag_ignore]
        .into_iter()
        .flatten()
    {
        if let Some(notice) = tag.notice() {
            eprintln!("{}", safe_text::escape(notice.as_bytes()));
        }
    }
    // A profile without sample types, or a sample index it does not have,
    // is an error before pprof filters (said by the report).
    let measured = !profile.sample_types.is_empty()
        && report::resolve_measure(profile, options.sample_index.as_deref(), options.mean).is_ok();
    if text && measured {
        for warning in ppt::analysis::no_match_warnings(profile, &options.filters) {
            eprintln!("{warning}");
        }
    }
    Ok(())
}

/// Loads several profiles into one (src/fetch/sources.rs), saying on
/// stderr what pprof says: the sources left out and how many were merged.
fn load_sources(args: &Args, sources: &fetch::Sources) -> Result<fetch::Combined, Error> {
    if args.save.is_some() || args.refresh.is_some() {
        return Err(Error::SaveOrRefreshOfSeveral);
    }
    let combined = sources.load().inspect_err(|failure| {
        for skipped in &failure.skipped {
            eprintln!("{skipped}");
        }
    })?;
    for notice in combined.notices(sources) {
        eprintln!("{notice}");
    }
    Ok(combined)
}

/// What the explorer's header calls profiles loaded together: the source
/// (or how many were merged), and the base compared with, kept apart for
/// its own numbers.
fn combined_names(
    sources: &fetch::Sources,
    combined: &mut fetch::Combined,
) -> (String, Option<ppt::explore::Comparison>) {
    let name = |list: &[Source], merged: usize| match list {
        [one] => safe_text::escape(ppt::gopath::base(one.name().as_bytes())),
        _ => format!("{merged} profiles merged"),
    };
    let mut title = name(sources.sources(), combined.merged);
    let comparison = combined.base.take().map(|base| {
        let mut base_name = name(sources.bases(), combined.bases_merged);
        if base_name == title
            && let ([new], [old]) = (sources.sources(), sources.bases())
        {
            // Two files of one name: their paths tell them apart.
            title = safe_text::escape(new.name().as_bytes());
            base_name = safe_text::escape(old.name().as_bytes());
        }
        let comparison = ppt::explore::Comparison::new(base, base_name, None);
        // The new profile alone: the new column and the trees' widths.
        match combined.alone.take() {
            Some(alone) => {
                let (kind, normalize) = sources.comparison_kind();
                comparison.of(alone, kind, normalize)
            }
            None => comparison,
        }
    });
    (title, comparison)
}

/// Prints the report where the command line sends it (src/cli/output.rs):
/// standard output, streamed to a pipe or file and escaped for a terminal,
/// or a file (`--output`, `--proto`).
fn print_report(
    args: &Args,
    kind: &ReportKind,
    profile: &ppt::profile::Profile,
    options: &report::ReportOptions,
) -> Result<(), Error> {
    let terminal = std::io::stdout().is_terminal();
    let destination = output::destination(kind, args.report_file(), terminal);
    // On a terminal, each line of the report is made safe as it is built
    // (a newline in a name cannot forge a row); to a pipe or file the bytes
    // are pprof's.
    let options = &report::ReportOptions {
        escape_strings: terminal && matches!(destination, Destination::Stdout),
        ..options.clone()
    };
    let render = Box::new(|out: &mut dyn Write| report::write_report(kind, profile, options, out));
    let failed = |e: OutputError| match e {
        OutputError::Report(ReportError::Write(kind, message)) => {
            Error::Write(std::io::Error::new(kind, message))
        }
        OutputError::Report(e) => Error::of_profile(args, e),
        e => Error::Output(e),
    };
    match destination {
        Destination::File(path) => {
            eprintln!("Generating report in {}", path.display());
            output::write_file(&path, render).map_err(failed)
        }
        Destination::NewFile(extension) => {
            let path = output::write_new_file(extension, render).map_err(failed)?;
            eprintln!("Generating report in {}", path.display());
            Ok(())
        }
        Destination::Stdout if terminal => {
            let mut out = Vec::new();
            render(&mut out).map_err(|e| failed(OutputError::Report(e)))?;
            write_report(&out)
        }
        Destination::Stdout => output::write_stdout(render).map_err(failed),
    }
}

/// `--folded` to standard output, or `--flamegraph FILE.svg`.
fn files_for_other_tools(
    args: &Args,
    profile: &ppt::profile::Profile,
    options: &report::ReportOptions,
) -> Result<(), Error> {
    let Some(path) = &args.flamegraph else {
        // Hundreds of megabytes for a large profile: streamed to a pipe or
        // file, escaped whole for a terminal.
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            let mut out = Vec::new();
            report::folded(profile, options, &mut out).map_err(|e| Error::of_profile(args, e))?;
            return write_report(&out);
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        let written = report::folded(profile, options, &mut out).and_then(|()| Ok(out.flush()?));
        return match written {
            Err(FoldedError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(FoldedError::Io(e)) => Err(Error::Write(e)),
            r => r.map_err(|e| Error::of_profile(args, e)),
        };
    };
    let name = args
        .profile
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(&args.profile);
    let written = report::flamegraph::write_flamegraph(profile, options, name, path, args.force)
        .map_err(|e| match e {
            e @ FlamegraphError::Write(_) => Error::Flamegraph(e),
            e => Error::of_profile(args, e),
        })?;
    if written.negative > 0 {
        eprintln!("{} stacks with a negative value left out", written.negative);
    }
    eprintln!(
        "Wrote a flame graph of {} stacks to {}",
        written.stacks,
        path.display()
    );
    Ok(())
}

/// Reads the profile, or fetches it from a service (src/fetch); `--save`
/// writes its bytes as they came. The source is kept for refreshing.
fn load_profile(args: &Args) -> Result<(Source, Loaded), Error> {
    let source = Source::new(&args.profile, args.source_options())?;
    let loaded = source.load()?;
    if let Some(path) = &args.save {
        fetch::save(path, &loaded.bytes).map_err(|error| Error::Save {
            path: path.clone(),
            error,
        })?;
        eprintln!(
            "Saved profile in {}",
            safe_text::escape(path.as_os_str().as_encoded_bytes())
        );
    }
    Ok((source, loaded))
}

/// Writes report bytes as they are to a pipe or file (so they match pprof
/// byte for byte), and with every control character escaped to a terminal
/// (the report escaped its lines already; this is the second lock).
fn write_report(out: &[u8]) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let result = if stdout.is_terminal() {
        stdout
            .lock()
            .write_all(safe_text::escape_lines(out).as_bytes())
    } else {
        stdout.lock().write_all(out)
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(Error::Write),
    }
}

/// Writes text of ppt's own (a completion script, the man page) to standard
/// output; a reader that stops early (`| head`) is not an error.
fn write_plain(out: &[u8]) -> Result<(), Error> {
    match std::io::stdout().lock().write_all(out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(Error::Write),
    }
}
