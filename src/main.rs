//! The `ppt` command: parse arguments, load the profile, then print a report
//! or open the explorer.
#![deny(clippy::unwrap_used)]

use clap::Parser;
use ppt::analysis::{FilterError, Pattern};
use ppt::cli::Args;
use ppt::fetch::{self, Loaded, Source, SourceError};
use ppt::report::{self, ReportError};
use ppt::safe_text;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Args::parse_from(ppt::cli::pprof_style_args(std::env::args_os()));
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ppt: {}", with_causes(&error));
            ExitCode::from(1)
        }
    }
}

/// Why `ppt` stopped: what it was doing, and the error it met.
///
/// An enum rather than `Box<dyn Error>`: the command fails in a few known
/// ways, each variant keeps its context (the file, the path saved to) as
/// data instead of formatting it into a string at the `?`, and a new way
/// to fail has to be named here. [`with_causes`] prints it.
#[derive(Debug, thiserror::Error)]
enum Error {
    /// A filter or `--peek` pattern that does not compile.
    #[error(transparent)]
    Options(#[from] FilterError),
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
    /// The report could not be made (a sample index, a `--peek` that
    /// matches nothing).
    #[error("{profile}")]
    Report {
        /// The profile as named on the command line.
        profile: String,
        #[source]
        error: ReportError,
    },
    /// Standard output failed (other than a closed pipe).
    #[error("writing the report")]
    Write(#[source] std::io::Error),
    /// The explorer failed.
    #[error(transparent)]
    Explorer(Box<dyn std::error::Error + Send + Sync>),
}

/// The message of `error` followed by each of its causes, pprof-like:
/// `heap.pprof: no matches found for regexp: foo`. A cause whose message
/// ends what was said already is not repeated: the library's errors end
/// their messages with their cause's (see `ppt::profile::LoadError`).
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

fn run(args: &Args) -> Result<(), Error> {
    let mut options = args.report_options()?;
    let peek = args
        .peek
        .as_deref()
        .map(|rx| Pattern::new("peek", rx))
        .transpose()?;
    let (source, loaded) = load_profile(args)?;
    let profile = &loaded.profile;
    (options.filters.tag_focus, options.filters.tag_ignore) = args.tag_filters(profile)?;
    for tag in [&options.filters.tag_focus, &options.filters.tag_ignore]
        .into_iter()
        .flatten()
    {
        if let Some(notice) = tag.notice() {
            eprintln!("{notice}");
        }
    }
    // The explorer only on a terminal, and only when no report was asked.
    if !args.top && peek.is_none() && std::io::stdout().is_terminal() {
        return ppt::tui::run(source, loaded, args, &options)
            .map_err(|e| Error::Explorer(e.into()));
    }
    let out = match &peek {
        Some(pattern) => report::peek(profile, &options, pattern),
        None => report::top(profile, &options),
    }
    .map_err(|error| Error::Report {
        profile: args.profile.clone(),
        error,
    })?;
    write_report(&out)
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
        eprintln!("Saved profile in {}", path.display());
    }
    Ok((source, loaded))
}

/// Writes report bytes as they are to a pipe or file (so they match pprof
/// byte for byte), and with every control character escaped to a terminal.
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
