//! Decoding the protobuf, with samples left encoded.
//!
//! A large profile is mostly samples: 600k of them, each a message with two
//! packed arrays. Decoding them with prost gives every sample three vectors
//! of its own — millions of allocations, and several times the memory of
//! the data. So the top level is split by hand: every sample is kept as a
//! byte range of the input and decoded straight into the model's flat arrays
//! later ([`RawSamples::read`]); everything else (strings, functions,
//! locations, mappings) is decoded by prost as usual.

use super::error::ProfileError;
use super::pb;
use prost::Message;

/// Profile field number of `sample`.
const SAMPLE_FIELD: u64 = 2;
/// Profile field number of `string_table`.
const STRING_FIELD: u64 = 6;
const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

/// What is wrong with the encoding: the text after `failed to decode
/// Protobuf message: ` in the error.
#[derive(Debug, thiserror::Error)]
enum WireError {
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

/// One decoded sample, in reusable buffers.
#[derive(Debug, Default)]
pub(super) struct SampleFields {
    pub location_ids: Vec<u64>,
    pub values: Vec<i64>,
    pub labels: Vec<pb::Label>,
}

/// The samples of a profile, still encoded.
pub(super) struct RawSamples<'a> {
    data: &'a [u8],
    ranges: Vec<(usize, usize)>,
}

impl RawSamples<'_> {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Decodes sample `i` into `out` (cleared first).
    pub fn read(&self, i: usize, out: &mut SampleFields) -> Result<(), ProfileError> {
        out.location_ids.clear();
        out.values.clear();
        out.labels.clear();
        let (start, end) = self.ranges[i];
        read_sample(&self.data[start..end], out).map_err(|why| {
            ProfileError::Protobuf(format!("failed to decode Protobuf message: Sample.{why}"))
        })
    }
}

/// The string table of a profile, still encoded: each string a byte range
/// of the input, so that a long one need not be copied
/// (`StringTable::lend`).
pub(super) struct RawStrings {
    pub ranges: Vec<std::ops::Range<usize>>,
}

/// Decodes everything but the samples and the strings with prost; returns
/// the samples and the strings as byte ranges of `raw`.
pub(super) fn split(raw: &[u8]) -> Result<(pb::Profile, RawSamples<'_>, RawStrings), ProfileError> {
    let corrupt = |why: WireError| {
        ProfileError::Protobuf(format!("failed to decode Protobuf message: Profile: {why}"))
    };
    let mut rest = Vec::new();
    let mut ranges = Vec::new();
    let mut strings = Vec::new();
    let mut pos = 0;
    while pos < raw.len() {
        let field_start = pos;
        let key = varint(raw, &mut pos).map_err(corrupt)?;
        let (field, wire_type) = (key >> 3, key & 7);
        if field == SAMPLE_FIELD && wire_type == LENGTH_DELIMITED {
            let len = varint(raw, &mut pos).map_err(corrupt)?;
            let end = end_of(raw, pos, len).map_err(corrupt)?;
            ranges.push((pos, end));
            pos = end;
        } else if field == STRING_FIELD && wire_type == LENGTH_DELIMITED {
            let len = varint(raw, &mut pos).map_err(corrupt)?;
            let end = end_of(raw, pos, len).map_err(corrupt)?;
            strings.push(pos..end);
            pos = end;
        } else {
            skip(raw, &mut pos, field, wire_type).map_err(corrupt)?;
            rest.extend_from_slice(&raw[field_start..pos]);
        }
    }
    let wire = pb::Profile::decode(&rest[..]).map_err(|e| ProfileError::Protobuf(e.to_string()))?;
    Ok((
        wire,
        RawSamples { data: raw, ranges },
        RawStrings { ranges: strings },
    ))
}

fn read_sample(bytes: &[u8], out: &mut SampleFields) -> Result<(), WireError> {
    let mut pos = 0;
    while pos < bytes.len() {
        let key = varint(bytes, &mut pos)?;
        let (field, wire_type) = (key >> 3, key & 7);
        match (field, wire_type) {
            (1, VARINT) => out.location_ids.push(varint(bytes, &mut pos)?),
            (1, LENGTH_DELIMITED) => {
                let len = varint(bytes, &mut pos)?;
                let end = end_of(bytes, pos, len)?;
                while pos < end {
                    out.location_ids.push(
                        varint(&bytes[..end], &mut pos)
                            .map_err(WireError::in_packed("location_id"))?,
                    );
                }
            }
            (2, VARINT) => out.values.push(varint(bytes, &mut pos)? as i64),
            (2, LENGTH_DELIMITED) => {
                let len = varint(bytes, &mut pos)?;
                let end = end_of(bytes, pos, len)?;
                while pos < end {
                    out.values.push(
                        varint(&bytes[..end], &mut pos).map_err(WireError::in_packed("value"))?
                            as i64,
                    );
                }
            }
            (3, LENGTH_DELIMITED) => {
                let len = varint(bytes, &mut pos)?;
                let end = end_of(bytes, pos, len)?;
                let label = pb::Label::decode(&bytes[pos..end]).map_err(WireError::Label)?;
                out.labels.push(label);
                pos = end;
            }
            (1..=3, _) => return Err(WireError::WrongWireType { field, wire_type }),
            _ => skip(bytes, &mut pos, field, wire_type)?,
        }
    }
    Ok(())
}

/// Reads a base-128 varint (at most 10 bytes, as protobuf allows).
fn varint(bytes: &[u8], pos: &mut usize) -> Result<u64, WireError> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some(&b) = bytes.get(*pos) else {
            return Err(WireError::Underflow);
        };
        *pos += 1;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(WireError::Varint)
}

fn end_of(bytes: &[u8], pos: usize, len: u64) -> Result<usize, WireError> {
    usize::try_from(len)
        .ok()
        .and_then(|len| pos.checked_add(len))
        .filter(|&end| end <= bytes.len())
        .ok_or(WireError::Underflow)
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

    fn sample_profile() -> pb::Profile {
        pb::Profile {
            sample_type: vec![
                pb::ValueType { r#type: 1, unit: 2 },
                pb::ValueType { r#type: 1, unit: 2 },
            ],
            sample: vec![
                pb::Sample {
                    location_id: vec![1, 2, u64::MAX],
                    value: vec![-5, i64::MAX],
                    label: vec![pb::Label {
                        key: 1,
                        str: 2,
                        num: 0,
                        num_unit: 0,
                    }],
                },
                pb::Sample::default(),
            ],
            string_table: vec![b"".to_vec(), b"a".to_vec(), b"b".to_vec()],
            comment: vec![1],
            ..Default::default()
        }
    }

    #[test]
    fn split_decoding_equals_prost() {
        let original = sample_profile();
        let raw = original.encode_to_vec();
        let (wire, samples, strings) = split(&raw).unwrap();
        assert_eq!(samples.len(), 2);
        let texts: Vec<&[u8]> = strings.ranges.iter().map(|r| &raw[r.clone()]).collect();
        assert_eq!(texts, original.string_table);
        let mut fields = SampleFields::default();
        for (i, s) in original.sample.iter().enumerate() {
            samples.read(i, &mut fields).unwrap();
            assert_eq!(fields.location_ids, s.location_id);
            assert_eq!(fields.values, s.value);
            assert_eq!(fields.labels, s.label);
        }
        assert_eq!(
            wire,
            pb::Profile {
                sample: vec![],
                string_table: vec![],
                ..original
            }
        );
    }

    #[test]
    fn unpacked_repeated_fields_are_read() {
        // location_id 7 and 9, value 3, as separate (unpacked) varint fields.
        let sample = [0x08, 7, 0x08, 9, 0x10, 3];
        let mut raw = vec![0x12, sample.len() as u8];
        raw.extend_from_slice(&sample);
        let (_, samples, _) = split(&raw).unwrap();
        let mut fields = SampleFields::default();
        samples.read(0, &mut fields).unwrap();
        assert_eq!(fields.location_ids, [7, 9]);
        assert_eq!(fields.values, [3]);
    }

    #[test]
    fn corrupt_input_is_an_error() {
        let raw = sample_profile().encode_to_vec();
        for cut in 0..raw.len() {
            // Either a clean error or a shorter valid prefix: never a panic.
            if let Ok((_, samples, _)) = split(&raw[..cut]) {
                let mut fields = SampleFields::default();
                for i in 0..samples.len() {
                    let _ = samples.read(i, &mut fields);
                }
            }
        }
        assert!(split(&[0x12, 0x05, 0x08]).is_err());
        assert!(split(&[0xff; 11]).is_err());
        let (_, samples, _) = split(&[0x12, 0x02, 0x0b, 0x00]).unwrap(); // group wire type
        assert!(samples.read(0, &mut SampleFields::default()).is_err());
    }
}
