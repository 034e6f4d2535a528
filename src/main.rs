//! The `ppt` command: parse arguments, load the profile, then print a report
//! or open the explorer.

use clap::Parser;
use ppt::cli::Args;
use ppt::fetch::{self, Loaded, Source};
use ppt::{analysis::Pattern, report, safe_text};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Args::parse_from(ppt::cli::pprof_style_args(std::env::args_os()));
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ppt: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut options = args.report_options().map_err(|e| e.to_string())?;
    let peek = args
        .peek
        .as_deref()
        .map(|rx| Pattern::new("peek", rx))
        .transpose()
        .map_err(|e| e.to_string())?;
    let sources = args.sources().map_err(|e| e.to_string())?;
    // The explorer only on a terminal, and only when no report was asked.
    let explore = !args.top && peek.is_none() && std::io::stdout().is_terminal();
    if !sources.is_single() {
        let combined = load_sources(args, &sources, explore)?;
        tag_filters(args, &combined.profile, &mut options)?;
        return report(args, &combined.profile, &options, peek.as_ref());
    }
    let (source, loaded) = load_profile(args)?;
    tag_filters(args, &loaded.profile, &mut options)?;
    if explore {
        return ppt::tui::run(source, loaded, args, &options);
    }
    report(args, &loaded.profile, &options, peek.as_ref())
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
            eprintln!("{notice}");
        }
    }
    Ok(())
}

/// Loads several profiles into one (src/fetch/sources.rs), saying on
/// stderr what pprof says: the sources left out and how many were merged.
fn load_sources(
    args: &Args,
    sources: &fetch::Sources,
    explore: bool,
) -> Result<fetch::Combined, String> {
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
    if explore {
        eprintln!(
            "ppt: the explorer opens a single profile for now; here is the --top report of the {} merged",
            if sources.bases().is_empty() {
                "profiles"
            } else {
                "comparison"
            }
        );
    }
    Ok(combined)
}

/// Prints `--peek` or `--top`.
fn report(
    args: &Args,
    profile: &ppt::profile::Profile,
    options: &report::ReportOptions,
    peek: Option<&Pattern>,
) -> Result<(), String> {
    let out = match peek {
        Some(pattern) => report::peek(profile, options, pattern),
        None => report::top(profile, options),
    }
    .map_err(|e| format!("{}: {e}", args.profile))?;
    write_report(&out)
}

/// Reads the profile, or fetches it from a service (src/fetch); `--save`
/// writes its bytes as they came. The source is kept for refreshing.
fn load_profile(args: &Args) -> Result<(Source, Loaded), String> {
    let source = Source::new(&args.profile, args.source_options()).map_err(|e| e.to_string())?;
    let loaded = source.load().map_err(|e| e.to_string())?;
    if let Some(path) = &args.save {
        fetch::save(path, &loaded.bytes)
            .map_err(|e| format!("saving the profile to {}: {e}", path.display()))?;
        eprintln!("Saved profile in {}", path.display());
    }
    Ok((source, loaded))
}

/// Writes report bytes as they are to a pipe or file (so they match pprof
/// byte for byte), and with every control character escaped to a terminal.
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
