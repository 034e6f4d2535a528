//! Why a profile could not be loaded, or a sample index not found.
//!
//! As everywhere in ppt, an error that wraps another says so at the end of
//! its message (`heap.pprof: not a pprof profile: ...`) and also gives it
//! as its [`std::error::Error::source`]: a one-line message is complete on
//! its own (the explorer's status line shows just that), and a program can
//! still match on the cause.

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
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {error}")]
pub struct LoadError {
    /// The path as the user gave it.
    pub source_name: String,
    /// What went wrong.
    #[source]
    pub error: ProfileError,
}

/// Why a `-sample_index` value names no sample type of the profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleIndexError {
    /// The profile has no sample types at all.
    #[error("profile has no sample types")]
    NoSampleTypes,
    /// A number past the last sample type.
    #[error("sample index {given} is outside the range [0..{last}]")]
    OutOfRange {
        /// The number as given.
        given: String,
        /// The last valid index.
        last: usize,
    },
    /// A name that no sample type has.
    #[error("sample index {given:?} must be one of: {}", .names.join(", "))]
    UnknownName {
        /// The name as given.
        given: String,
        /// The profile's sample types.
        names: Vec<String>,
    },
}
