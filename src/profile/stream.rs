//! Reading a profile's protobuf as it arrives, a chunk at a time: what
//! lets one core inflate while the other decodes, and spares holding the
//! decompressed profile (it is never all in memory at once).
//!
//! The top-level fields are split by hand ([`Splitter`]): samples go
//! straight into flat columns, strings into the string table, locations
//! and functions into flat arrays, and the rest (mappings, the scalars) is
//! gathered to be decoded by prost at the end. A field cut by the end of a chunk waits for the
//! next one; a very long string is gathered in a buffer of its own, which
//! the string table then keeps without a copy.

use super::error::ProfileError;
use super::strings::{StrId, StringTable};
use super::wire::{
    self, FUNCTION_FIELD, Field, LENGTH_DELIMITED, LOCATION_FIELD, Next, RawFunction, RawLocations,
    SAMPLE_FIELD, STRING_FIELD, SampleColumns, WireError,
};
use std::sync::Arc;

/// A string at least this long gets a buffer of its own instead of a place
/// in the table's shared one: a name of gigabytes is then held once, not
/// copied (see `StringTable::lend`).
const LONG_STRING: usize = 1 << 16;

/// How many leading bytes are kept to say what the input was when it is
/// not a profile.
const HEAD: usize = 512;

/// Everything read from a profile's protobuf.
pub(super) struct Parts {
    /// The top-level fields other than samples and strings, as they were.
    pub rest: Vec<u8>,
    /// Every distinct string.
    pub strings: StringTable,
    /// The table's id of each string of the file, in file order.
    pub string_ids: Vec<StrId>,
    /// The samples, with their references unresolved.
    pub samples: SampleColumns,
    /// The locations and functions, likewise.
    pub locations: RawLocations,
    pub functions: Vec<RawFunction>,
    /// The first bytes of the input.
    pub head: Vec<u8>,
}

/// Splits a profile's protobuf into [`Parts`] as its bytes arrive.
pub(super) struct Splitter {
    parts: Parts,
    /// The start of a field the last chunk ended inside.
    pending: Vec<u8>,
    /// A long string being gathered, and how many of its bytes are missing.
    long: Option<(Vec<u8>, usize)>,
    /// A reusable buffer for one sample's values.
    values: Vec<i64>,
    /// The first location or function that could not be read.
    wrong_message: Option<ProfileError>,
}

/// A profile's top-level error, as `go tool pprof` words it.
fn corrupt(why: WireError) -> ProfileError {
    ProfileError::Protobuf(format!("failed to decode Protobuf message: Profile: {why}"))
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter {
            parts: Parts {
                rest: Vec::new(),
                strings: StringTable::default(),
                string_ids: Vec::new(),
                samples: SampleColumns::default(),
                locations: RawLocations::default(),
                functions: Vec::new(),
                head: Vec::new(),
            },
            pending: Vec::new(),
            long: None,
            values: Vec::new(),
            wrong_message: None,
        }
    }

    /// The first bytes fed (up to 512): what the input looked like.
    pub fn head(&self) -> &[u8] {
        &self.parts.head
    }

    /// Reads the next bytes of the profile.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ProfileError> {
        if self.parts.head.len() < HEAD {
            let n = (HEAD - self.parts.head.len()).min(chunk.len());
            self.parts.head.extend_from_slice(&chunk[..n]);
        }
        let mut at = 0;
        if let Some((text, missing)) = &mut self.long {
            let n = (*missing).min(chunk.len());
            text.extend_from_slice(&chunk[..n]);
            *missing -= n;
            at = n;
            if *missing > 0 {
                return Ok(());
            }
            let (text, _) = self.long.take().expect("a long string");
            self.add_string_buffer(text);
        }
        if !self.pending.is_empty() {
            at += self.complete_pending(&chunk[at..])?;
            if !self.pending.is_empty() || self.long.is_some() {
                return Ok(());
            }
        }
        let chunk = &chunk[at..];
        let used = self.read_fields(chunk, false)?;
        self.keep_unfinished(&chunk[used..]);
        Ok(())
    }

    /// The parts, once every byte was fed; an error if the bytes end inside
    /// a field.
    pub fn finish(mut self) -> Result<Parts, ProfileError> {
        if self.long.is_some() {
            return Err(corrupt(WireError::Underflow));
        }
        let pending = std::mem::take(&mut self.pending);
        // At the end, a field cut short is an error: reading it as the last
        // bytes of the input gives the one a whole-buffer decoder would.
        self.read_fields(&pending, true)?;
        match self.wrong_message {
            Some(e) => Err(e),
            None => Ok(self.parts),
        }
    }

    /// Adds to `pending` as many bytes of `chunk` as its field needs (and
    /// reads the field once it is whole); returns how many it took.
    fn complete_pending(&mut self, chunk: &[u8]) -> Result<usize, ProfileError> {
        let mut taken = 0;
        loop {
            match wire::next_field(&self.pending, 0).map_err(corrupt)? {
                Next::Short => {
                    // A header is at most 20 bytes: add a few at a time.
                    let n = (chunk.len() - taken).min(20);
                    if n == 0 {
                        return Ok(taken);
                    }
                    self.pending.extend_from_slice(&chunk[taken..taken + n]);
                    taken += n;
                }
                Next::Header(field) | Next::Whole(field) => {
                    if self.pending.len() > field.end {
                        // Took more than the field: give the rest back.
                        let extra = self.pending.len() - field.end;
                        self.pending.truncate(field.end);
                        taken -= extra;
                    }
                    let missing = field.end - self.pending.len();
                    if missing > 0 && is_long_string(&field) {
                        let text = self.pending[field.body..].to_vec();
                        self.pending.clear();
                        self.long = Some((text, missing));
                        return self.feed_long(chunk, taken);
                    }
                    let n = missing.min(chunk.len() - taken);
                    self.pending.extend_from_slice(&chunk[taken..taken + n]);
                    taken += n;
                    if n < missing {
                        return Ok(taken);
                    }
                    let pending = std::mem::take(&mut self.pending);
                    self.read_fields(&pending, true)?;
                    self.pending = pending;
                    self.pending.clear();
                    return Ok(taken);
                }
            }
        }
    }

    /// Hands the rest of `chunk` from `taken` to the long string just
    /// started; returns how much of `chunk` is used.
    fn feed_long(&mut self, chunk: &[u8], taken: usize) -> Result<usize, ProfileError> {
        let (text, missing) = self.long.as_mut().expect("a long string");
        let n = (*missing).min(chunk.len() - taken);
        text.extend_from_slice(&chunk[taken..taken + n]);
        *missing -= n;
        if *missing == 0 {
            let (text, _) = self.long.take().expect("a long string");
            self.add_string_buffer(text);
        }
        Ok(taken + n)
    }

    /// Keeps the bytes of a field the chunk ended inside for the next one.
    fn keep_unfinished(&mut self, tail: &[u8]) {
        if tail.is_empty() {
            return;
        }
        if let Ok(Next::Header(field)) = wire::next_field(tail, 0)
            && is_long_string(&field)
        {
            let missing = field.end - tail.len();
            self.long = Some((tail[field.body..].to_vec(), missing));
            return;
        }
        self.pending.extend_from_slice(tail);
    }

    /// Reads the whole fields at the start of `bytes`; returns how many
    /// bytes they take. With `at_end`, a field cut short is an error.
    fn read_fields(&mut self, bytes: &[u8], at_end: bool) -> Result<usize, ProfileError> {
        let mut pos = 0;
        while pos < bytes.len() {
            let field = match wire::next_field(bytes, pos).map_err(corrupt)? {
                Next::Whole(field) => field,
                Next::Header(_) | Next::Short if at_end => {
                    return Err(corrupt(WireError::Underflow));
                }
                Next::Header(_) | Next::Short => break,
            };
            let body = &bytes[field.body..field.end];
            match (field.number, field.wire_type) {
                (SAMPLE_FIELD, LENGTH_DELIMITED) => {
                    self.parts
                        .samples
                        .push(body, &mut self.values)
                        .map_err(|_| {
                            ProfileError::Invalid("more than 4 billion stack frames".into())
                        })?;
                }
                (STRING_FIELD, LENGTH_DELIMITED) => {
                    let id = if body.len() >= LONG_STRING {
                        let buffer = Arc::new(body.to_vec());
                        self.parts.strings.lend(&buffer, 0..body.len())
                    } else {
                        self.parts.strings.intern(body)
                    };
                    self.parts.string_ids.push(id);
                }
                // A wrong location or function is reported once the whole
                // input is known to be well formed (as decoding it whole
                // would find).
                (LOCATION_FIELD, LENGTH_DELIMITED) => {
                    if let Err(e) = self.parts.locations.push(body) {
                        self.wrong_message.get_or_insert(e);
                    }
                }
                (FUNCTION_FIELD, LENGTH_DELIMITED) => match wire::read_function(body) {
                    Ok(f) => self.parts.functions.push(f),
                    Err(e) => {
                        self.wrong_message.get_or_insert(e);
                    }
                },
                _ => self.parts.rest.extend_from_slice(&bytes[pos..field.end]),
            }
            pos = field.end;
        }
        Ok(pos)
    }

    fn add_string_buffer(&mut self, text: Vec<u8>) {
        let len = text.len();
        let id = self.parts.strings.lend(&Arc::new(text), 0..len);
        self.parts.string_ids.push(id);
    }
}

fn is_long_string(field: &Field) -> bool {
    field.number == STRING_FIELD
        && field.wire_type == LENGTH_DELIMITED
        && field.end - field.body >= LONG_STRING
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::pb;
    use prost::Message;

    fn profile() -> pb::Profile {
        pb::Profile {
            sample_type: vec![pb::ValueType { r#type: 1, unit: 2 }],
            sample: (0..50)
                .map(|i| pb::Sample {
                    location_id: vec![1, 2, 3 + i],
                    value: vec![i as i64 * 1000],
                    label: vec![],
                })
                .collect(),
            string_table: vec![
                b"".to_vec(),
                b"alloc".to_vec(),
                vec![b'x'; LONG_STRING + 10],
                b"bytes".to_vec(),
            ],
            location: (1..60)
                .map(|id| pb::Location {
                    id,
                    ..Default::default()
                })
                .collect(),
            comment: vec![1],
            ..Default::default()
        }
    }

    /// The parts of `bytes` fed in chunks of `size`.
    fn split(bytes: &[u8], size: usize) -> Result<Parts, ProfileError> {
        let mut s = Splitter::new();
        for chunk in bytes.chunks(size) {
            s.feed(chunk)?;
        }
        s.finish()
    }

    #[test]
    fn any_chunking_gives_the_same_parts() {
        let bytes = profile().encode_to_vec();
        let whole = split(&bytes, bytes.len()).unwrap();
        assert_eq!(whole.samples.len(), 50);
        assert_eq!(whole.string_ids.len(), 4);
        for size in [1, 2, 3, 7, 19, 64, 1000, 4096, 70_000] {
            let p = split(&bytes, size).unwrap();
            assert_eq!(p.rest, whole.rest, "chunks of {size}");
            assert_eq!(p.samples.codes, whole.samples.codes);
            assert_eq!(p.samples.code_starts, whole.samples.code_starts);
            assert_eq!(p.samples.values, whole.samples.values);
            let texts = |p: &Parts| -> Vec<Vec<u8>> {
                p.string_ids
                    .iter()
                    .map(|&id| p.strings.get(id).to_vec())
                    .collect()
            };
            assert_eq!(texts(&p), texts(&whole));
            assert_eq!(texts(&p), profile().string_table);
            assert_eq!(p.head, bytes[..HEAD]);
        }
    }

    #[test]
    fn a_profile_cut_anywhere_is_an_error_or_a_shorter_profile() {
        let bytes = profile().encode_to_vec();
        for cut in (0..bytes.len()).step_by(97) {
            for size in [5, 4096] {
                // Never a panic; the same answer whatever the chunks.
                let a = split(&bytes[..cut], size).map(|p| p.samples.len());
                let b = split(&bytes[..cut], cut.max(1)).map(|p| p.samples.len());
                assert_eq!(a.is_ok(), b.is_ok(), "cut at {cut}");
                if let (Ok(a), Ok(b)) = (a, b) {
                    assert_eq!(a, b);
                }
            }
        }
        let err = split(&[0x12, 0x05, 0x08], 1).err().expect("cut short");
        assert_eq!(
            err.to_string(),
            corrupt(WireError::Underflow).to_string(),
            "{err}"
        );
        assert!(split(&[0xff; 11], 3).is_err());
    }
}
