//! A profile that decompresses to one huge string: peak memory stays
//! within 1.5x the decompressed size, because the string is borrowed from
//! the decompressed buffer, not copied (into a protobuf copy, the string
//! table, its index key, the node names, the report), which made loading
//! peak at 4x.
//!
//! Alone in its test binary: the peak is read from `getrusage` of the
//! children, which would count every child of a shared test process.

#![cfg(target_os = "linux")]

use flate2::Compression;
use flate2::write::GzEncoder;
use ppt::profile::pb;
use prost::Message;
use std::io::Write;
use std::process::{Command, Stdio};

/// Writes a valid profile whose one function's name is `size` bytes long
/// to `out`, without holding it in memory: a spawned child's peak counts
/// the peak of the process that spawns it (they share memory until the
/// child runs ppt).
fn write_one_huge_name(size: usize, out: &mut impl Write) -> std::io::Result<()> {
    let profile = pb::Profile {
        sample_type: vec![pb::ValueType { r#type: 2, unit: 3 }],
        sample: vec![pb::Sample {
            location_id: vec![1],
            value: vec![5],
            label: vec![],
        }],
        location: vec![pb::Location {
            id: 1,
            line: vec![pb::Line {
                function_id: 1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        function: vec![pb::Function {
            id: 1,
            name: 1,
            ..Default::default()
        }],
        ..Default::default()
    };
    out.write_all(&profile.encode_to_vec())?;
    // The string table (field 6) after the rest: its order alone numbers
    // the strings.
    let string = |out: &mut dyn Write, len: usize| -> std::io::Result<()> {
        let mut head = vec![0x32];
        prost::encoding::encode_varint(len as u64, &mut head);
        out.write_all(&head)
    };
    string(out, 0)?;
    string(out, size)?;
    out.write_all(b"main.huge")?;
    let chunk = vec![b'x'; 1 << 20];
    let mut left = size - 9;
    while left > 0 {
        let n = left.min(chunk.len());
        out.write_all(&chunk[..n])?;
        left -= n;
    }
    for s in [&b"samples"[..], b"count"] {
        string(out, s.len())?;
        out.write_all(s)?;
    }
    Ok(())
}

/// The largest resident set of the children waited for so far, in bytes.
fn children_peak() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(done, 0, "getrusage");
    u64::try_from(usage.ru_maxrss).expect("a size") * 1024
}

#[test]
fn a_huge_string_is_not_copied() {
    let size: u64 = 256 << 20;
    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("bomb.pb.gz");
    let file = std::fs::File::create(&path).expect("create the bomb");
    let mut gz = GzEncoder::new(std::io::BufWriter::new(file), Compression::fast());
    write_one_huge_name(size as usize, &mut gz).expect("write the bomb");
    gz.finish().expect("gzip").flush().expect("write the bomb");
    let decompressed = size + 40;

    for report in ["--top", "--comments"] {
        let status = Command::new(env!("CARGO_BIN_EXE_ppt"))
            .arg(report)
            .arg(&path)
            .stdout(Stdio::null())
            .status()
            .expect("ppt runs");
        assert!(status.success(), "{report}: {status}");
        let peak = children_peak();
        let limit = decompressed * 3 / 2;
        assert!(
            peak <= limit,
            "{report}: peak {peak} bytes for about {decompressed} decompressed (at most {limit})"
        );
    }
}
