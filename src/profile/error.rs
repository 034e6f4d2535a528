//! Why a profile could not be loaded.

use std::fmt;

/// What is wrong with the input. Each variant is one class of bad input with
/// its own message; [`LoadError`] adds the name of the file.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Zero bytes of input.
    #[error("empty input: not a profile")]
    Empty,
    /// The gzip stream is damaged or cut short.
    #[error("corrupt or truncated gzip data: {0}")]
    Gzip(String),
    /// Decompressing would exceed the configured size limit.
    #[error(
        "decompressed profile is larger than {limit} bytes; if it is genuine, raise the limit with --max-decompressed-size"
    )]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Readable data, but not in the protobuf profile format.
    #[error("not a pprof profile: {0}")]
    NotAProfile(String),
    /// The protobuf encoding itself is damaged.
    #[error("corrupt protobuf: {0}")]
    Protobuf(String),
    /// Well-formed protobuf that breaks the rules of the profile format.
    #[error("invalid profile: {0}")]
    Invalid(String),
}

/// A [`ProfileError`] together with the file (or `-`) it came from.
#[derive(Debug)]
pub struct LoadError {
    /// The path as the user gave it.
    pub source_name: String,
    /// What went wrong.
    pub error: ProfileError,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.error)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
