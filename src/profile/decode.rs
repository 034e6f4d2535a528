//! From a file (or standard input, or bytes) to a [`Profile`]: read,
//! gunzip if needed, decode the protobuf, validate. The three steps overlap
//! (`input.rs`, `stream.rs`).

use super::builder::Unfinished;
use super::error::{LoadError, ProfileError};
use super::input;
use super::model::Profile;
use super::stream::Splitter;
use std::io::Read;
use std::path::Path;

/// Default ceiling on the size of a decompressed profile: far above any real
/// profile (pprof's own trackers mention 300 MB), low enough that a gzip bomb
/// stops with an error instead of eating the machine's memory.
pub const DEFAULT_MAX_DECOMPRESSED: u64 = 4 << 30;

/// Knobs for decoding untrusted input.
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Largest decompressed size accepted, in bytes.
    pub max_decompressed: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_decompressed: DEFAULT_MAX_DECOMPRESSED,
        }
    }
}

/// Reads and decodes the profile at `path` (`-` is standard input).
pub fn load(path: &str, options: &DecodeOptions) -> Result<Profile, LoadError> {
    let wrap = |error| LoadError {
        source_name: path.to_string(),
        error,
    };
    let decoded = if path == "-" {
        decode_from(std::io::stdin(), options)
    } else {
        open(Path::new(path))
            .map_err(ProfileError::Io)
            .and_then(|file| decode_from(file, options))
    };
    decoded.and_then(Unfinished::finish).map_err(wrap)
}

/// Opens a profile file for reading.
pub fn open(path: &Path) -> std::io::Result<std::fs::File> {
    if path.is_dir() {
        return Err(std::io::Error::other("is a directory, not a profile"));
    }
    std::fs::File::open(path)
}

/// Decodes profile bytes, gzipped or not.
pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<Profile, ProfileError> {
    decode_unfinished(bytes, options).and_then(Unfinished::finish)
}

/// Decodes profile bytes, gzipped or not, leaving out what pprof applies
/// only once several profiles are merged (see [`Unfinished`]).
pub fn decode_unfinished(
    bytes: &[u8],
    options: &DecodeOptions,
) -> Result<Unfinished, ProfileError> {
    decode_from(bytes, options)
}

/// Like [`decode_unfinished`], reading the bytes from `input` as they are
/// decoded: gzipped input is inflated on a second thread while this one
/// decodes, and neither the input nor the decompressed profile is ever
/// held whole.
pub fn decode_from(
    input: impl Read + Send,
    options: &DecodeOptions,
) -> Result<Unfinished, ProfileError> {
    let mut splitter = Splitter::new();
    let read = input::read_chunks(input, options.max_decompressed, &mut |chunk| {
        splitter.feed(chunk)
    });
    let head = splitter.head().to_vec();
    read.and_then(|_| splitter.finish())
        .and_then(Profile::from_parts)
        .map_err(|e| match e {
            ProfileError::Protobuf(_) => explain_decode_failure(&head, e),
            e => e,
        })
}

/// Turns a protobuf failure into a message that says what the input was.
fn explain_decode_failure(head: &[u8], error: ProfileError) -> ProfileError {
    let printable = head
        .iter()
        .filter(|&&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        .count();
    if printable * 10 >= head.len() * 9 {
        let text = String::from_utf8_lossy(head);
        let hint = if text.contains("profile:") || text.starts_with("--- ") {
            "this is a legacy text profile (debug=1); fetch it again without debug=1 to get the protobuf format"
        } else {
            "the file is text, not a protobuf profile"
        };
        return ProfileError::NotAProfile(hint.into());
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(
            decode(b"", &DecodeOptions::default()),
            Err(ProfileError::Empty)
        ));
    }

    #[test]
    fn text_is_not_a_profile() {
        let err = decode(
            b"goroutine profile: total 4\n1 @ 0x1\n",
            &DecodeOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("legacy text profile"), "{err}");
    }

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&vec![0u8; 1 << 20]).unwrap();
        let gz = enc.finish().unwrap();
        let err = decode(
            &gz,
            &DecodeOptions {
                max_decompressed: 1000,
            },
        )
        .unwrap_err();
        assert!(matches!(err, ProfileError::TooLarge { limit: 1000 }));
    }

    #[test]
    fn truncated_gzip_is_reported() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&[1u8; 5000]).unwrap();
        let gz = enc.finish().unwrap();
        let err = decode(&gz[..gz.len() / 2], &DecodeOptions::default()).unwrap_err();
        assert!(matches!(err, ProfileError::Gzip(_)), "{err}");
    }
}
