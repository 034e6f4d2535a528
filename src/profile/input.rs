//! A profile's bytes, decompressed, a chunk at a time: gzipped input is
//! inflated on a second thread while the caller decodes the chunk before,
//! so that reading a profile takes about as long as inflating it, and the
//! decompressed profile is never held whole.

use super::error::ProfileError;
use std::io::{BufReader, Read};
use std::sync::mpsc;

/// Bytes handed over at a time: small enough to stay in the caches between
/// the two threads, large enough that handing over costs nothing.
const CHUNK: usize = 256 << 10;
/// Chunks inflated ahead of the decoder.
const AHEAD: usize = 2;

/// Hands the decompressed bytes of `input` to `sink`, in order, a chunk at
/// a time, and returns how many there were. Gzipped input (by its magic
/// number) is inflated; anything else is passed on as it is.
///
/// Errors come as a decoder of the whole input would give them: an input
/// that is not valid gzip, or that decompresses to more than `limit` bytes,
/// is that error even when `sink` failed on an earlier chunk (the rest is
/// still read, not decoded); then an empty input; then `sink`'s error.
pub(super) fn read_chunks(
    mut input: impl Read + Send,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ProfileError>,
) -> Result<u64, ProfileError> {
    let mut magic = [0u8; 2];
    let got = read_full(&mut input, &mut magic).map_err(ProfileError::Io)?;
    let input = (&magic[..got]).chain(input);
    let mut failed = None;
    let mut sink = |chunk: &[u8]| {
        if failed.is_none()
            && let Err(e) = sink(chunk)
        {
            failed = Some(e);
        }
    };
    let total = match magic[..got] == [0x1f, 0x8b] {
        true => inflate_beside(input, limit, &mut sink)?,
        false => pass_on(input, limit, &mut sink)?,
    };
    if total == 0 {
        return Err(ProfileError::Empty);
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

/// Reads until `buf` is full or the input ends; returns how much it read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn too_large(total: u64, limit: u64) -> Result<(), ProfileError> {
    match total > limit {
        true => Err(ProfileError::TooLarge { limit }),
        false => Ok(()),
    }
}

/// Uncompressed input, read on this thread.
fn pass_on(
    mut input: impl Read,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<u64, ProfileError> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = read_full(&mut input, &mut buf).map_err(ProfileError::Io)?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        too_large(total, limit)?;
        sink(&buf[..n]);
    }
}

/// Gzipped input, inflated on a second thread (several gzip members one
/// after the other are one stream, as `gunzip` reads them).
fn inflate_beside(
    input: impl Read + Send,
    limit: u64,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<u64, ProfileError> {
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<(Vec<u8>, usize), ProfileError>>(AHEAD);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut decoder =
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(64 << 10, input));
            let mut total = 0u64;
            loop {
                let mut buf = empty_rx.try_recv().unwrap_or_else(|_| vec![0u8; CHUNK]);
                let chunk = match read_full(&mut decoder, &mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        total += n as u64;
                        too_large(total, limit).map(|()| (buf, n))
                    }
                    Err(e) => Err(ProfileError::Gzip(e.to_string())),
                };
                let stop = chunk.is_err();
                // The decoder is gone (it failed): nothing left to do.
                if full_tx.send(chunk).is_err() || stop {
                    return;
                }
            }
        });
        let mut total = 0u64;
        for chunk in full_rx {
            let (buf, n) = chunk?;
            total += n as u64;
            sink(&buf[..n]);
            // The inflater may be gone already.
            let _ = empty_tx.send(buf);
        }
        Ok(total)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn collect(input: &[u8], limit: u64) -> Result<Vec<u8>, ProfileError> {
        let mut out = Vec::new();
        read_chunks(input, limit, &mut |c| {
            out.extend_from_slice(c);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn gzipped_and_plain_bytes_come_out_whole_and_in_order() {
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(collect(&data, u64::MAX).unwrap(), data);
        assert_eq!(collect(&gzip(&data), u64::MAX).unwrap(), data);
        let mut two = gzip(&data[..1000]);
        two.extend(gzip(&data[1000..]));
        assert_eq!(collect(&two, u64::MAX).unwrap(), data, "two members");
        assert_eq!(collect(b"x", u64::MAX).unwrap(), b"x");
    }

    #[test]
    fn limits_and_broken_input_are_errors_before_the_sinks() {
        let data = vec![7u8; 10_000];
        for input in [data.clone(), gzip(&data)] {
            let err = collect(&input, 9_999).unwrap_err();
            assert!(matches!(err, ProfileError::TooLarge { limit: 9_999 }));
            assert_eq!(collect(&input, 10_000).unwrap().len(), 10_000);
            // The sink's error waits for the limit's.
            let err = read_chunks(&input[..], 9_999, &mut |_| {
                Err(ProfileError::Invalid("sink".into()))
            })
            .unwrap_err();
            assert!(matches!(err, ProfileError::TooLarge { .. }), "{err}");
        }
        assert!(matches!(collect(b"", 10), Err(ProfileError::Empty)));
        assert!(matches!(collect(&gzip(b""), 10), Err(ProfileError::Empty)));
        let gz = gzip(&data);
        let err = collect(&gz[..gz.len() / 2], u64::MAX).unwrap_err();
        assert!(matches!(err, ProfileError::Gzip(_)), "{err}");
    }
}
