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
    let graph = args.graph_report().map_err(|e| e.to_string())?;
    let (source, loaded) = load_profile(args)?;
    let profile = &loaded.profile;
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
    // The explorer only on a terminal, and only when no report was asked.
    if !args.top && peek.is_none() && graph.is_none() && std::io::stdout().is_terminal() {
        return ppt::tui::run(source, loaded, args, &options);
    }
    let out = match (&peek, &graph) {
        (_, Some(kind)) => report::graph_report(profile, &options, kind),
        (Some(pattern), None) => report::peek(profile, &options, pattern),
        (None, None) => report::top(profile, &options),
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
