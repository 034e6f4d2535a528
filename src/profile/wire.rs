//! The protobuf wire format, by hand, for the parts of a profile that are
//! most of its bytes: the top-level fields (read as they arrive, see
//! `stream.rs`) and the samples.
//!
//! A large profile is mostly samples: 600k of them, each a message with two
//! packed arrays. Decoding them with prost gives every sample three vectors
//! of its own — millions of allocations, and several times the memory of
//! the data. Here every sample goes straight into flat columns
//! ([`SampleColumns`]); everything else but the strings (functions,
//! locations, mappings) is decoded by prost as usual.

use super::error::ProfileError;
use super::model::Label;
use super::pb;
use super::strings::StrId;
use prost::Message;
use rustc_hash::FxHashMap;

/// Profile field number of `sample`.
pub(super) const SAMPLE_FIELD: u64 = 2;
/// Profile field number of `location`.
pub(super) const LOCATION_FIELD: u64 = 4;
/// Profile field number of `function`.
pub(super) const FUNCTION_FIELD: u64 = 5;
/// Profile field number of `string_table`.
pub(super) const STRING_FIELD: u64 = 6;
const VARINT: u64 = 0;
const FIXED64: u64 = 1;
pub(super) const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

/// What is wrong with the encoding: the text after `failed to decode
/// Protobuf message: ` in the error.
#[derive(Debug, Clone, thiserror::Error)]
pub(super) enum WireError {
    #[error("buffer underflow")]
    Underflow,
    #[error("invalid varint")]
    Varint,
    #[error("invalid field number 0")]
    FieldZero,
    #[error("unsupported wire type {0}")]
    UnsupportedWireType(u64),
    #[error("field {field}: invalid wire type {wire_type}")]
    WrongWireType { field: u64, wire_type: u64 },
    /// In an element of a packed array.
    #[error("{field}: {error}")]
    InPacked {
        field: &'static str,
        error: Box<WireError>,
    },
    #[error("label: {0}")]
    Label(prost::DecodeError),
}

impl WireError {
    /// This error met in packed array `field`.
    fn in_packed(field: &'static str) -> impl Fn(WireError) -> WireError {
        move |error| WireError::InPacked {
            field,
            error: Box::new(error),
        }
    }
}

/// A varint cut short by the end of the bytes at hand: more may follow.
#[derive(Debug)]
pub(super) enum Partial {
    /// The bytes end inside the item.
    Incomplete,
    /// The bytes are wrong whatever follows.
    Wrong(WireError),
}

/// Reads a base-128 varint (at most 10 bytes, as protobuf allows).
pub(super) fn varint(bytes: &[u8], pos: &mut usize) -> Result<u64, WireError> {
    varint_or_incomplete(bytes, pos).map_err(|e| match e {
        Partial::Incomplete => WireError::Underflow,
        Partial::Wrong(e) => e,
    })
}

fn varint_or_incomplete(bytes: &[u8], pos: &mut usize) -> Result<u64, Partial> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some(&b) = bytes.get(*pos) else {
            return Err(Partial::Incomplete);
        };
        *pos += 1;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Partial::Wrong(WireError::Varint))
}

fn end_of(bytes: &[u8], pos: usize, len: u64) -> Result<usize, WireError> {
    usize::try_from(len)
        .ok()
        .and_then(|len| pos.checked_add(len))
        .filter(|&end| end <= bytes.len())
        .ok_or(WireError::Underflow)
}

/// One top-level field: its number and wire type, and where its value (for
/// a length-delimited field, its payload) and the whole field end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field {
    pub number: u64,
    pub wire_type: u64,
    /// Where the payload of a length-delimited field starts (else the value).
    pub body: usize,
    /// One past the field's last byte.
    pub end: usize,
}

/// How far the bytes at hand go into the next field.
#[derive(Debug)]
pub(super) enum Next {
    /// The whole field is there.
    Whole(Field),
    /// Its header is there, but not all of its payload: the field takes
    /// `end - start` bytes in all.
    Header(Field),
    /// Not even its header.
    Short,
}

/// Reads the field at `bytes[start..]` as far as it goes. A field the bytes
/// end inside is not an error (more bytes may come); a field that is wrong
/// whatever follows is, with the error the whole profile would give.
pub(super) fn next_field(bytes: &[u8], start: usize) -> Result<Next, WireError> {
    let mut pos = start;
    let key = match varint_or_incomplete(bytes, &mut pos) {
        Ok(key) => key,
        Err(Partial::Incomplete) => return Ok(Next::Short),
        Err(Partial::Wrong(e)) => return Err(e),
    };
    let (number, wire_type) = (key >> 3, key & 7);
    if number == 0 {
        return Err(WireError::FieldZero);
    }
    let sized = |len: u64, body: usize| {
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| body.checked_add(len));
        let field = |end| Field {
            number,
            wire_type,
            body,
            end,
        };
        match end {
            Some(end) if end <= bytes.len() => Next::Whole(field(end)),
            Some(end) => Next::Header(field(end)),
            // Longer than memory: as short of bytes as can be.
            None => Next::Header(field(usize::MAX)),
        }
    };
    match wire_type {
        VARINT => match varint_or_incomplete(bytes, &mut pos) {
            Ok(_) => Ok(sized(0, pos)),
            Err(Partial::Incomplete) => Ok(Next::Short),
            Err(Partial::Wrong(e)) => Err(e),
        },
        FIXED64 => Ok(sized(8, pos)),
        FIXED32 => Ok(sized(4, pos)),
        LENGTH_DELIMITED => match varint_or_incomplete(bytes, &mut pos) {
            Ok(len) => Ok(sized(len, pos)),
            Err(Partial::Incomplete) => Ok(Next::Short),
            Err(Partial::Wrong(e)) => Err(e),
        },
        other => Err(WireError::UnsupportedWireType(other)),
    }
}

/// A sample's label as written: string indices not resolved yet (the
/// strings usually come after the samples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawLabel {
    pub key: i64,
    pub str: i64,
    pub num: i64,
    pub num_unit: i64,
}

/// In a label read but not resolved, a string index that does not fit
/// (see [`SampleColumns::wide_label`]).
pub(super) const WIDE_INDEX: u32 = u32::MAX;

/// Location ids below this are stored as they are; larger ones get a code
/// from here up (see [`SampleColumns::codes`]).
pub(super) const FIRST_LARGE_CODE: u32 = 1 << 31;

/// The samples of a profile in flat columns, as read; locations and
/// strings are resolved once the whole profile is read (`builder.rs`).
#[derive(Debug, Default)]
pub(super) struct SampleColumns {
    /// Every sample's location ids, leaf first, one after the other: an id
    /// below [`FIRST_LARGE_CODE`] as it is, a larger one as
    /// `FIRST_LARGE_CODE + k` with the id in `large_ids[k]` (ids are nearly
    /// always small: 1, 2, 3, ...; four bytes a frame instead of eight).
    pub codes: Vec<u32>,
    /// `codes[code_starts[k]..code_starts[k + 1]]` is sample `k`'s stack.
    pub code_starts: Vec<u32>,
    pub large_ids: Vec<u64>,
    large_codes: FxHashMap<u64, u32>,
    /// `value_count` values per sample.
    pub values: Vec<i64>,
    /// The number of values of the first sample read; every sample's values
    /// are stored as that many (the profile is invalid otherwise, see
    /// `first_error`).
    pub value_count: Option<usize>,
    /// The labels, their strings still the file's indices (resolved in
    /// place once the strings are known: a second array of labels would
    /// cost as much again). An index beyond `u32` is [`WIDE_INDEX`].
    pub labels: Vec<Label>,
    /// The first label with an index beyond `u32` (which no string table
    /// has): its place in `labels` and its indices as written.
    pub wide_label: Option<(usize, RawLabel)>,
    pub label_starts: Vec<u32>,
    /// The first sample that could not be read, or whose number of values
    /// differs from the first one's: what the profile is rejected for
    /// unless an earlier sample refers to something missing.
    pub first_error: Option<SampleFault>,
}

/// The location id `code` stands for (see [`SampleColumns::codes`]).
#[inline]
pub(super) fn location_id(large_ids: &[u64], code: u32) -> u64 {
    match code.checked_sub(FIRST_LARGE_CODE) {
        // Codes are only made for ids in the list.
        Some(k) => large_ids.get(k as usize).copied().unwrap_or(u64::MAX),
        None => u64::from(code),
    }
}

/// Why a sample is wrong before anything is resolved.
#[derive(Debug, Clone)]
pub(super) struct SampleFault {
    /// The sample's number in the file.
    pub sample: usize,
    pub kind: SampleFaultKind,
}

#[derive(Debug, Clone)]
pub(super) enum SampleFaultKind {
    /// Its encoding is wrong.
    Unreadable(WireError),
    /// It has this many values, not as many as the first sample.
    ValueCount(usize),
}

/// More than `u32` can count: 4 billion frames or labels.
#[derive(Debug)]
pub(super) struct TooManyFrames;

impl SampleColumns {
    /// Number of samples read.
    pub fn len(&self) -> usize {
        self.code_starts.len().saturating_sub(1)
    }

    /// Reads one sample message; a wrong one is stored empty and noted in
    /// `first_error`.
    pub fn push(&mut self, bytes: &[u8], values: &mut Vec<i64>) -> Result<(), TooManyFrames> {
        if self.code_starts.is_empty() {
            self.code_starts.push(0);
            self.label_starts.push(0);
        }
        let sample = self.len();
        let (codes, labels) = (self.codes.len(), self.labels.len());
        values.clear();
        if let Err(error) = self.read(bytes, values) {
            self.codes.truncate(codes);
            self.labels.truncate(labels);
            values.clear();
            self.fault(sample, SampleFaultKind::Unreadable(error));
        }
        let count = *self.value_count.get_or_insert(values.len());
        if values.len() != count {
            self.fault(sample, SampleFaultKind::ValueCount(values.len()));
        }
        values.resize(count, 0);
        self.values.extend_from_slice(values);
        let codes = u32::try_from(self.codes.len()).map_err(|_| TooManyFrames)?;
        let labels = u32::try_from(self.labels.len()).map_err(|_| TooManyFrames)?;
        self.code_starts.push(codes);
        self.label_starts.push(labels);
        Ok(())
    }

    fn fault(&mut self, sample: usize, kind: SampleFaultKind) {
        if self.first_error.is_none() {
            self.first_error = Some(SampleFault { sample, kind });
        }
    }

    fn code(&mut self, id: u64) -> u32 {
        if id < u64::from(FIRST_LARGE_CODE) {
            return id as u32;
        }
        let next = FIRST_LARGE_CODE.saturating_add(self.large_ids.len() as u32);
        *self.large_codes.entry(id).or_insert_with(|| {
            self.large_ids.push(id);
            next
        })
    }

    /// The location id a code stands for.
    #[cfg(test)]
    fn id_of(&self, code: u32) -> u64 {
        location_id(&self.large_ids, code)
    }

    fn read(&mut self, bytes: &[u8], values: &mut Vec<i64>) -> Result<(), WireError> {
        let mut pos = 0;
        while pos < bytes.len() {
            let key = varint(bytes, &mut pos)?;
            let (field, wire_type) = (key >> 3, key & 7);
            match (field, wire_type) {
                (1, VARINT) => {
                    let id = varint(bytes, &mut pos)?;
                    let code = self.code(id);
                    self.codes.push(code);
                }
                (1, LENGTH_DELIMITED) => {
                    let len = varint(bytes, &mut pos)?;
                    let end = end_of(bytes, pos, len)?;
                    let packed = &bytes[..end];
                    while pos < end {
                        let id = varint(packed, &mut pos)
                            .map_err(WireError::in_packed("location_id"))?;
                        let code = self.code(id);
                        self.codes.push(code);
                    }
                }
                (2, VARINT) => values.push(varint(bytes, &mut pos)? as i64),
                (2, LENGTH_DELIMITED) => {
                    let len = varint(bytes, &mut pos)?;
                    let end = end_of(bytes, pos, len)?;
                    let packed = &bytes[..end];
                    while pos < end {
                        values.push(
                            varint(packed, &mut pos).map_err(WireError::in_packed("value"))? as i64,
                        );
                    }
                }
                (3, LENGTH_DELIMITED) => {
                    let len = varint(bytes, &mut pos)?;
                    let end = end_of(bytes, pos, len)?;
                    let label = pb::Label::decode(&bytes[pos..end]).map_err(WireError::Label)?;
                    let narrow = |index: i64| StrId(u32::try_from(index).unwrap_or(WIDE_INDEX));
                    let written = Label {
                        key: narrow(label.key),
                        str: narrow(label.str),
                        num: label.num,
                        num_unit: narrow(label.num_unit),
                    };
                    let wide =
                        [written.key, written.str, written.num_unit].contains(&StrId(WIDE_INDEX));
                    if wide && self.wide_label.is_none() {
                        let raw = RawLabel {
                            key: label.key,
                            str: label.str,
                            num: label.num,
                            num_unit: label.num_unit,
                        };
                        self.wide_label = Some((self.labels.len(), raw));
                    }
                    self.labels.push(written);
                    pos = end;
                }
                (1..=3, _) => return Err(WireError::WrongWireType { field, wire_type }),
                _ => skip(bytes, &mut pos, field, wire_type)?,
            }
        }
        Ok(())
    }
}

/// A location as written: its references not resolved yet.
#[derive(Debug, Clone, Default)]
pub(super) struct RawLocation {
    pub id: u64,
    pub mapping_id: u64,
    pub address: u64,
    /// Its lines in [`RawLocations::lines`].
    pub lines: std::ops::Range<u32>,
    pub is_folded: bool,
}

/// A line of a location as written.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct RawLine {
    pub function_id: u64,
    pub line: i64,
}

/// The locations of a profile, their lines in one array.
#[derive(Debug, Default)]
pub(super) struct RawLocations {
    pub locations: Vec<RawLocation>,
    pub lines: Vec<RawLine>,
}

/// A function as written: its strings not resolved yet.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct RawFunction {
    pub id: u64,
    pub name: i64,
    pub system_name: i64,
    pub filename: i64,
    pub start_line: i64,
}

/// Reads a varint field's value, or says which field had the wrong type.
fn varint_field(
    bytes: &[u8],
    pos: &mut usize,
    field: u64,
    wire_type: u64,
) -> Result<u64, WireError> {
    match wire_type {
        VARINT => varint(bytes, pos),
        _ => Err(WireError::WrongWireType { field, wire_type }),
    }
}

impl RawLocations {
    /// Reads one location message (as prost would: the last value of a
    /// field wins, unknown fields are skipped).
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), ProfileError> {
        let first_line = self.lines.len();
        let mut location = RawLocation::default();
        self.read(bytes, &mut location).map_err(|why| {
            ProfileError::Protobuf(format!("failed to decode Protobuf message: Location.{why}"))
        })?;
        let too_many = || ProfileError::Invalid("more than 4 billion lines".into());
        let first = u32::try_from(first_line).map_err(|_| too_many())?;
        let end = u32::try_from(self.lines.len()).map_err(|_| too_many())?;
        location.lines = first..end;
        self.locations.push(location);
        Ok(())
    }

    fn read(&mut self, bytes: &[u8], out: &mut RawLocation) -> Result<(), WireError> {
        let mut pos = 0;
        while pos < bytes.len() {
            let key = varint(bytes, &mut pos)?;
            let (field, wire_type) = (key >> 3, key & 7);
            match field {
                1 => out.id = varint_field(bytes, &mut pos, field, wire_type)?,
                2 => out.mapping_id = varint_field(bytes, &mut pos, field, wire_type)?,
                3 => out.address = varint_field(bytes, &mut pos, field, wire_type)?,
                4 if wire_type == LENGTH_DELIMITED => {
                    let len = varint(bytes, &mut pos)?;
                    let end = end_of(bytes, pos, len)?;
                    let line = read_line(&bytes[pos..end]).map_err(|e| WireError::InPacked {
                        field: "line: Line",
                        error: Box::new(e),
                    })?;
                    self.lines.push(line);
                    pos = end;
                }
                4 => return Err(WireError::WrongWireType { field, wire_type }),
                5 => out.is_folded = varint_field(bytes, &mut pos, field, wire_type)? != 0,
                _ => skip(bytes, &mut pos, field, wire_type)?,
            }
        }
        Ok(())
    }
}

fn read_line(bytes: &[u8]) -> Result<RawLine, WireError> {
    let mut line = RawLine::default();
    let mut pos = 0;
    while pos < bytes.len() {
        let key = varint(bytes, &mut pos)?;
        let (field, wire_type) = (key >> 3, key & 7);
        match field {
            1 => line.function_id = varint_field(bytes, &mut pos, field, wire_type)?,
            2 => line.line = varint_field(bytes, &mut pos, field, wire_type)? as i64,
            _ => skip(bytes, &mut pos, field, wire_type)?,
        }
    }
    Ok(line)
}

/// Reads one function message.
pub(super) fn read_function(bytes: &[u8]) -> Result<RawFunction, ProfileError> {
    let mut f = RawFunction::default();
    let mut pos = 0;
    let mut read = || -> Result<(), WireError> {
        while pos < bytes.len() {
            let key = varint(bytes, &mut pos)?;
            let (field, wire_type) = (key >> 3, key & 7);
            let slot = match field {
                1 => {
                    f.id = varint_field(bytes, &mut pos, field, wire_type)?;
                    continue;
                }
                2 => &mut f.name,
                3 => &mut f.system_name,
                4 => &mut f.filename,
                5 => &mut f.start_line,
                _ => {
                    skip(bytes, &mut pos, field, wire_type)?;
                    continue;
                }
            };
            *slot = varint_field(bytes, &mut pos, field, wire_type)? as i64;
        }
        Ok(())
    };
    read().map_err(|why| {
        ProfileError::Protobuf(format!("failed to decode Protobuf message: Function.{why}"))
    })?;
    Ok(f)
}

/// Skips one field's value.
fn skip(bytes: &[u8], pos: &mut usize, field: u64, wire_type: u64) -> Result<(), WireError> {
    if field == 0 {
        return Err(WireError::FieldZero);
    }
    match wire_type {
        VARINT => varint(bytes, pos).map(drop),
        FIXED64 => {
            *pos = end_of(bytes, *pos, 8)?;
            Ok(())
        }
        LENGTH_DELIMITED => {
            let len = varint(bytes, pos)?;
            *pos = end_of(bytes, *pos, len)?;
            Ok(())
        }
        FIXED32 => {
            *pos = end_of(bytes, *pos, 4)?;
            Ok(())
        }
        other => Err(WireError::UnsupportedWireType(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(bytes: &[u8]) -> (SampleColumns, Vec<i64>) {
        let mut columns = SampleColumns::default();
        let mut values = Vec::new();
        columns.push(bytes, &mut values).unwrap();
        (columns, values)
    }

    #[test]
    fn packed_and_unpacked_repeated_fields_are_read() {
        let sample = pb::Sample {
            location_id: vec![1, 2, u64::MAX, 1 << 31, u64::MAX],
            value: vec![-5, i64::MAX],
            label: vec![pb::Label {
                key: 1,
                str: 2,
                num: 0,
                num_unit: 0,
            }],
        };
        let (c, values) = read_one(&sample.encode_to_vec());
        let ids: Vec<u64> = c.codes.iter().map(|&code| c.id_of(code)).collect();
        assert_eq!(ids, sample.location_id);
        assert_eq!(c.codes[2], c.codes[4], "one code per large id");
        assert_eq!(values, sample.value);
        assert_eq!(c.values, sample.value);
        assert_eq!(c.labels.len(), 1);
        assert!(c.first_error.is_none());

        // location_id 7 and 9, value 3, as separate (unpacked) varint fields.
        let (c, values) = read_one(&[0x08, 7, 0x08, 9, 0x10, 3]);
        assert_eq!(c.codes, [7, 9]);
        assert_eq!(values, [3]);
    }

    #[test]
    fn a_wrong_sample_is_kept_empty_and_noted() {
        let mut columns = SampleColumns::default();
        let mut values = Vec::new();
        columns.push(&[0x10, 1, 0x10, 2], &mut values).unwrap();
        columns.push(&[0x0b, 0x00], &mut values).unwrap(); // group wire type
        columns.push(&[0x10, 1], &mut values).unwrap();
        assert_eq!(columns.len(), 3);
        assert_eq!(columns.values, [1, 2, 0, 0, 1, 0]);
        let fault = columns.first_error.expect("noted");
        assert_eq!(fault.sample, 1);
        assert!(matches!(fault.kind, SampleFaultKind::Unreadable(_)));
    }

    #[test]
    fn fields_cut_short_wait_for_more_and_wrong_ones_fail() {
        let field = [0x12, 0x03, 0x08, 0x01, 0x10];
        for cut in 0..field.len() {
            match next_field(&field[..cut], 0).unwrap() {
                Next::Short => assert!(cut < 2),
                Next::Header(f) => assert_eq!((f.body, f.end), (2, 5)),
                Next::Whole(_) => panic!("not whole at {cut}"),
            }
        }
        assert!(matches!(next_field(&field, 0), Ok(Next::Whole(_))));
        assert!(matches!(
            next_field(&[0x02, 0x00], 0),
            Err(WireError::FieldZero)
        ));
        assert!(matches!(
            next_field(&[0x0b], 0),
            Err(WireError::UnsupportedWireType(3))
        ));
        assert!(matches!(next_field(&[0xff; 11], 0), Err(WireError::Varint)));
    }
}
