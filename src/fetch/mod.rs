//! Where a profile comes from: a file, standard input, or a running service
//! over HTTP(S), the way `go tool pprof` fetches one.
//!
//! - [`target`]: what a command-line argument means (pprof's `adjustURL`:
//!   `host:port` is `http://host:port/debug/pprof/profile`, `seconds=`,
//!   timeouts);
//! - [`http`]: one bounded GET, with errors that say what went wrong;
//! - [`progress`]: what is printed on stderr while waiting;
//! - [`source`]: [`Source`], loadable again and again (for refreshing);
//! - [`save`](mod@save): writing the bytes as received, never clobbering
//!   what was not asked for;
//! - [`sources`]: [`Sources`], several profiles merged into one, or
//!   compared with a base, as pprof loads its command line;
//! - [`duration`]: humane durations for `--timeout` and `--refresh`.
//!
//! Fetched bytes go through exactly the same [`crate::profile::decode`] as a
//! file's, with the same limits.

pub mod duration;
mod grab;
pub mod http;
pub mod progress;
pub mod save;
pub mod source;
pub mod sources;
pub mod target;

pub use duration::{
    DurationError, MAX_DURATION, format_duration, parse_duration, parse_refresh, parse_seconds,
};
pub use save::save;
pub use source::{Loaded, Source, SourceOptions};
pub use sources::{CombineError, Combined, LoadFailure, Role, Sources};
pub use target::{DEFAULT_PATH, GRACE, Remote, adjust_url, redact};

use crate::profile::ProfileError;
use std::time::Duration;

/// Why a profile could not be fetched over HTTP.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Nothing listens on the host and port.
    #[error(
        "connection refused: nothing is listening on {authority} (is the service running, with pprof on this port?)"
    )]
    ConnectionRefused {
        /// `host:port` as in the URL (without user and password).
        authority: String,
    },
    /// The host name does not resolve.
    #[error("host not found: {host} ({detail})")]
    HostNotFound {
        /// The host part of the URL.
        host: String,
        /// What the resolver said.
        detail: String,
    },
    /// No complete response in time.
    #[error(
        "timed out: no complete response within {} (--timeout {} plus {} of grace, as pprof); raise --timeout if the service is slow",
        format_duration(*.timeout + GRACE), format_duration(*.timeout), format_duration(GRACE)
    )]
    Timeout {
        /// The timeout before the grace period.
        timeout: Duration,
    },
    /// The server answered with another status than 200 OK.
    #[error("server answered {status}{}", .message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        /// `404 Not Found`, `500 Internal Server Error`...
        status: String,
        /// The first line of the body, when it is text (pprof endpoints
        /// explain their errors there), made safe to print.
        message: Option<String>,
    },
    /// The body is larger than the download limit.
    #[error(
        "the response is larger than {limit} bytes; if the profile is genuine, raise the limit with --max-decompressed-size"
    )]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The TLS handshake or certificate check failed.
    #[error("TLS: {0}")]
    Tls(String),
    /// A URL that ppt cannot fetch.
    #[error("{0}")]
    BadUrl(String),
    /// Any other transport failure.
    #[error("{0}")]
    Transport(String),
}

/// What went wrong loading a [`Source`].
#[derive(Debug, thiserror::Error)]
pub enum SourceErrorKind {
    /// Getting the bytes over HTTP failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// Reading the file failed, or the bytes are not a valid profile (the
    /// same errors as for a file).
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// A [`SourceErrorKind`] together with the source it is about (the path as
/// given, `-`, or the URL actually requested).
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {kind}")]
pub struct SourceError {
    /// The path or URL.
    pub source_name: String,
    /// What went wrong.
    #[source]
    pub kind: SourceErrorKind,
}
