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
            // Messages quote profile data (sample type names, labels) and
            // server replies: escaped like names, newlines included.
            eprintln!("ppt: {}", safe_text::escape(message.as_bytes()));
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
    let (source, loaded) = load_profile(args)?;
    let profile = &loaded.profile;
    (options.filters.tag_focus, options.filters.tag_ignore) =
        args.tag_filters(profile).map_err(|e| e.to_string())?;
    let other_tools = args.folded || args.flamegraph.is_some();
    // The explorer only on a terminal, and only when no report was asked.
    let explorer = !other_tools && !args.top && peek.is_none() && std::io::stdout().is_terminal();
    if !explorer {
        // pprof's warnings about numeric labels, before anything else.
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
    // is an error before pprof filters (said by the report below).
    let measured = !profile.sample_types.is_empty()
        && report::resolve_measure(profile, options.sample_index.as_deref(), options.mean).is_ok();
    if !explorer && measured {
        // pprof's word for a filter that matched nothing (the explorer
        // says it in its status line).
        for warning in ppt::analysis::no_match_warnings(profile, &options.filters) {
            eprintln!("{warning}");
        }
    }
    if other_tools {
        return files_for_other_tools(args, profile, &options);
    }
    if explorer {
        return ppt::tui::run(source, loaded, args, &options);
    }
    // On a terminal, each line of the report is made safe as it is built
    // (a newline in a name cannot forge a row); to a pipe or file the bytes
    // are pprof's.
    options.escape_strings = std::io::stdout().is_terminal();
    let out = match &peek {
        Some(pattern) => report::peek(profile, &options, pattern),
        None => report::top(profile, &options),
    }
    .map_err(|e| format!("{}: {e}", args.profile))?;
    write_report(&out)
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
