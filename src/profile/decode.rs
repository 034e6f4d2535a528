//! From a file (or standard input) to a [`Profile`]: read, gunzip if needed,
//! decode the protobuf, validate.

use super::builder::Unfinished;
use super::error::{LoadError, ProfileError};
use super::model::Profile;
use super::wire;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

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
    let bytes = read_input(path).map_err(|e| wrap(ProfileError::Io(e)))?;
    decode(&bytes, options).map_err(wrap)
}

fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let p = Path::new(path);
    if p.is_dir() {
        return Err(std::io::Error::other("is a directory, not a profile"));
    }
    std::fs::read(p)
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
    if bytes.is_empty() {
        return Err(ProfileError::Empty);
    }
    if is_gzip(bytes) {
        let raw = gunzip(bytes, options.max_decompressed)?;
        if raw.is_empty() {
            return Err(ProfileError::Empty);
        }
        // Shared, so that the model may keep its longest strings in it
        // rather than copy them (the buffer is freed otherwise).
        let raw = Arc::new(raw);
        decode_raw(&raw, Some(&raw))
    } else {
        if bytes.len() as u64 > options.max_decompressed {
            return Err(ProfileError::TooLarge {
                limit: options.max_decompressed,
            });
        }
        decode_raw(bytes, None)
    }
}

/// Decodes uncompressed protobuf bytes. Samples are read straight from
/// `raw` into the model (see `wire.rs`); `lender` holds `raw` when the
/// model may keep its longest strings there.
fn decode_raw(raw: &[u8], lender: Option<&Arc<Vec<u8>>>) -> Result<Unfinished, ProfileError> {
    let (wire, samples, strings) = wire::split(raw).map_err(|e| explain_decode_failure(raw, e))?;
    Profile::from_split(wire, samples, &strings, raw, lender).map_err(|e| match e {
        ProfileError::Protobuf(_) => explain_decode_failure(raw, e),
        e => e,
    })
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, ProfileError> {
    // The gzip trailer's size field is only a hint (and untrusted): reserve at
    // most what deflate could really expand these bytes to, and the limit.
    let trailer_size = bytes
        .len()
        .checked_sub(4)
        .map(|i| u32::from_le_bytes(bytes[i..].try_into().expect("4 bytes")) as u64)
        .unwrap_or(0);
    // Deflate expands at most about 1032:1 (a little more with the gzip
    // framing): a ceiling just above it, and room for the last read past
    // the end, so that an honest size never makes the buffer grow (which
    // doubles it: a profile of one huge string would take twice its size).
    let ceiling = (bytes.len() as u64).saturating_mul(1040);
    let hint = trailer_size
        .min(ceiling)
        .min(limit)
        .saturating_add(64 << 10);
    let mut out = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ProfileError::Gzip(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(ProfileError::TooLarge { limit });
    }
    Ok(out)
}

/// Turns a protobuf failure into a message that says what the input was.
fn explain_decode_failure(raw: &[u8], error: ProfileError) -> ProfileError {
    let head = &raw[..raw.len().min(512)];
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
