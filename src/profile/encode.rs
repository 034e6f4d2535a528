//! The model back to profile.proto bytes, piece by piece: the caller says
//! which samples, stacks, location lines and labels to write (what filters
//! leave of them), the writer numbers the strings it meets and writes the
//! rest of the profile as it is.
//!
//! Fields are written by hand rather than through the generated types: a
//! profile of 600,000 samples would otherwise cost over a million small
//! allocations.

use super::model::{Label, Line, Location, Profile};
use super::strings::StrId;
use std::io::Write;

/// Writes one profile.
pub struct ProtoWriter<'p> {
    profile: &'p Profile,
    out: Vec<u8>,
    /// Per string id of the profile: its index in the written string table
    /// plus one (0: not written yet).
    string_index: Vec<u32>,
    /// The written string table.
    strings: Vec<StrId>,
    /// Scratch space for one message.
    scratch: Vec<u8>,
    packed: Vec<u8>,
}

impl<'p> ProtoWriter<'p> {
    /// Starts writing `profile` (strings are taken from it).
    pub fn new(profile: &'p Profile) -> ProtoWriter<'p> {
        let mut w = ProtoWriter {
            profile,
            out: Vec::new(),
            string_index: vec![0; profile.strings.len()],
            strings: Vec::new(),
            scratch: Vec::new(),
            packed: Vec::new(),
        };
        // String 0 is always the empty string.
        w.string(StrId::EMPTY);
        w
    }

    /// The index of string `id` in the written table.
    fn string(&mut self, id: StrId) -> u64 {
        let slot = &mut self.string_index[id.0 as usize];
        if *slot == 0 {
            self.strings.push(id);
            *slot = self.strings.len() as u32;
        }
        u64::from(*slot - 1)
    }

    /// Writes a sample: its location ids (leaf first), values and labels.
    /// Labels that are neither a string nor a number (pprof drops those on
    /// reading) are left out.
    pub fn sample<'a>(
        &mut self,
        location_ids: impl Iterator<Item = u64>,
        values: &[i64],
        labels: impl Iterator<Item = &'a Label>,
    ) {
        let mut msg = std::mem::take(&mut self.scratch);
        msg.clear();
        self.packed.clear();
        for id in location_ids {
            varint(&mut self.packed, id);
        }
        bytes_field(&mut msg, 1, &self.packed);
        self.packed.clear();
        for &v in values {
            varint(&mut self.packed, v as u64);
        }
        bytes_field(&mut msg, 2, &self.packed);
        let mut label_msg = Vec::new();
        for l in labels {
            let is_string = !l.str.is_empty();
            if !is_string && l.num == 0 && l.num_unit.is_empty() {
                continue;
            }
            label_msg.clear();
            int_field(&mut label_msg, 1, self.string(l.key));
            if is_string {
                int_field(&mut label_msg, 2, self.string(l.str));
            } else {
                int_field(&mut label_msg, 3, l.num as u64);
                int_field(&mut label_msg, 4, self.string(l.num_unit));
            }
            bytes_field(&mut msg, 3, &label_msg);
        }
        bytes_field(&mut self.out, 2, &msg);
        self.scratch = msg;
    }

    /// Writes a location with the given lines (innermost first).
    pub fn location<'a>(&mut self, loc: &Location, lines: impl Iterator<Item = &'a Line>) {
        let mut msg = std::mem::take(&mut self.scratch);
        msg.clear();
        int_field(&mut msg, 1, loc.id);
        if let Some(m) = loc.mapping {
            int_field(&mut msg, 2, self.profile.mappings[m as usize].id);
        }
        int_field(&mut msg, 3, loc.address);
        let mut line_msg = Vec::new();
        for line in lines {
            line_msg.clear();
            int_field(
                &mut line_msg,
                1,
                self.profile.functions[line.function as usize].id,
            );
            int_field(&mut line_msg, 2, line.line as u64);
            bytes_field(&mut msg, 4, &line_msg);
        }
        if loc.is_folded {
            int_field(&mut msg, 5, 1);
        }
        bytes_field(&mut self.out, 4, &msg);
        self.scratch = msg;
    }

    /// Writes the rest of the profile (sample types, mappings, functions,
    /// header fields, the string table) and returns the encoded bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let p = self.profile;
        let mut msg = Vec::new();
        for t in &p.sample_types {
            msg.clear();
            int_field(&mut msg, 1, self.string(t.kind));
            int_field(&mut msg, 2, self.string(t.unit));
            bytes_field(&mut self.out, 1, &msg);
        }
        for m in &p.mappings {
            msg.clear();
            int_field(&mut msg, 1, m.id);
            int_field(&mut msg, 2, m.start);
            int_field(&mut msg, 3, m.limit);
            int_field(&mut msg, 4, m.offset);
            int_field(&mut msg, 5, self.string(m.file));
            int_field(&mut msg, 6, self.string(m.build_id));
            for (field, set) in [
                (7, m.has.functions),
                (8, m.has.filenames),
                (9, m.has.line_numbers),
                (10, m.has.inline_frames),
            ] {
                int_field(&mut msg, field, u64::from(set));
            }
            bytes_field(&mut self.out, 3, &msg);
        }
        for f in &p.functions {
            msg.clear();
            int_field(&mut msg, 1, f.id);
            int_field(&mut msg, 2, self.string(f.name));
            int_field(&mut msg, 3, self.string(f.system_name));
            int_field(&mut msg, 4, self.string(f.filename));
            int_field(&mut msg, 5, f.start_line as u64);
            bytes_field(&mut self.out, 5, &msg);
        }
        for (field, id) in [(7, p.drop_frames), (8, p.keep_frames)] {
            let index = self.string(id);
            int_field(&mut self.out, field, index);
        }
        int_field(&mut self.out, 9, p.time_nanos as u64);
        int_field(&mut self.out, 10, p.duration_nanos as u64);
        if let Some(pt) = &p.period_type {
            msg.clear();
            int_field(&mut msg, 1, self.string(pt.kind));
            int_field(&mut msg, 2, self.string(pt.unit));
            bytes_field(&mut self.out, 11, &msg);
        }
        int_field(&mut self.out, 12, p.period as u64);
        for &c in &p.comments {
            let index = self.string(c);
            // Written one by one (not packed): every decoder reads both.
            int_field_always(&mut self.out, 13, index);
        }
        let default_type = self.string(p.default_sample_type);
        int_field(&mut self.out, 14, default_type);
        let doc_url = self.string(p.doc_url);
        int_field(&mut self.out, 15, doc_url);
        let table: Vec<StrId> = std::mem::take(&mut self.strings);
        for id in table {
            bytes_field(&mut self.out, 6, p.strings.get(id));
        }
        self.out
    }
}

/// Gzips `bytes` as profile files are stored (pprof always gzips).
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    // Level 1: a tenth of the default level's time for a file a fifth
    // larger; pprof and every gunzip read it the same.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A varint field, left out when zero (proto3's default).
fn int_field(out: &mut Vec<u8>, field: u64, v: u64) {
    if v != 0 {
        int_field_always(out, field, v);
    }
}

fn int_field_always(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

/// A length-delimited field.
fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}
