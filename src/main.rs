//! The `ppt` command: parse arguments, load the profile, then print a report
//! or open the explorer.
#![deny(clippy::unwrap_used)]

use clap::Parser;
use ppt::cli::Args;
use ppt::cli::output::{self, Destination, OutputError};
use ppt::fetch::{self, Loaded, Source};
use ppt::report::ReportKind;
use ppt::{report, safe_text};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Args::parse_from(ppt::cli::pprof_style_args(std::env::args_os()));
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Messages quote profile data (sample type names, labels) and
            // server replies: escaped like names, newlines included.
            eprintln!("ppt: {}", safe_text::escape(message.as_bytes()));
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut options = args.report_options().map_err(|e| e.to_string())?;
    let kind = args.report_kind()?;
    let sources = args.sources().map_err(|e| e.to_string())?;
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
        tag_filters(args, &combined.profile, &mut options)?;
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
            .map_err(|e| format!("encoding the combined profile: {e}"))?;
            let first = fetch::Loaded {
                profile: combined.profile,
                bytes,
                fetched_at: combined.fetched_at,
                took: combined.took,
            };
            return ppt::tui::run_combined(first, title, comparison, args, &options);
        }
        return print_output(args, kind, &combined.profile, &options);
    }
    let (source, loaded) = load_profile(args)?;
    tag_filters(args, &loaded.profile, &mut options)?;
    if explore {
        return ppt::tui::run(source, loaded, args, &options);
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
) -> Result<(), String> {
    if args.folded || args.flamegraph.is_some() {
        return files_for_other_tools(args, profile, options);
    }
    print_report(args, &kind.unwrap_or(ReportKind::Top), profile, options)
}

/// Compiles the label filters against the profile (their units come from
/// it), saying on stderr how pprof would read them.
fn tag_filters(
    args: &Args,
    profile: &ppt::profile::Profile,
    options: &mut report::ReportOptions,
) -> Result<(), String> {
    (options.filters.tag_focus, options.filters.tag_ignore) =
        args.tag_filters(profile).map_err(|e| e.to_string())?;
    for tag in [&options.filters.tag_focus, &options.filters.tag_ignore]
        .into_iter()
        .flatten()
    {
        if let Some(notice) = tag.notice() {
            eprintln!("{}", safe_text::escape(notice.as_bytes()));
        }
    }
    Ok(())
}

/// Loads several profiles into one (src/fetch/sources.rs), saying on
/// stderr what pprof says: the sources left out and how many were merged.
fn load_sources(args: &Args, sources: &fetch::Sources) -> Result<fetch::Combined, String> {
    if args.save.is_some() || args.refresh.is_some() {
        return Err("--save and --refresh take a single profile, not several or a base".into());
    }
    let combined = sources.load().map_err(|failure| {
        for skipped in &failure.skipped {
            eprintln!("{skipped}");
        }
        failure.to_string()
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
        ppt::explore::Comparison::new(base, base_name, None)
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
) -> Result<(), String> {
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
        OutputError::Report(e @ report::ReportError::Write(..)) => e.to_string(),
        OutputError::Report(e) => format!("{}: {e}", args.profile),
        e => e.to_string(),
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
) -> Result<(), String> {
    let Some(path) = &args.flamegraph else {
        // Hundreds of megabytes for a large profile: streamed to a pipe or
        // file, escaped whole for a terminal.
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            let mut out = Vec::new();
            report::folded(profile, options, &mut out)
                .map_err(|e| format!("{}: {e}", args.profile))?;
            return write_report(&out);
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        let written = report::folded(profile, options, &mut out).and_then(|()| Ok(out.flush()?));
        return match written {
            Err(report::FoldedError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| format!("{}: {e}", args.profile)),
        };
    };
    let name = args
        .profile
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(&args.profile);
    let written = report::flamegraph::write_flamegraph(profile, options, name, path, args.force)
        .map_err(|e| match e {
            report::flamegraph::FlamegraphError::Write(e) => e.to_string(),
            e => format!("{}: {e}", args.profile),
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
fn load_profile(args: &Args) -> Result<(Source, Loaded), String> {
    let source = Source::new(&args.profile, args.source_options()).map_err(|e| e.to_string())?;
    let loaded = source.load().map_err(|e| e.to_string())?;
    if let Some(path) = &args.save {
        fetch::save(path, &loaded.bytes)
            .map_err(|e| format!("saving the profile to {}: {e}", path.display()))?;
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
fn write_report(out: &[u8]) -> Result<(), String> {
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
        r => r.map_err(|e| format!("writing the report: {e}")),
    }
}
