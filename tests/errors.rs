//! Bad input: every class gets one clear line on stderr that names the file
//! and the problem, exit status 1, and never a panic.

use ppt::profile::pb;
use prost::Message;
use std::path::PathBuf;
use std::process::Command;

/// A valid two-sample profile to break in different ways.
fn good_profile() -> pb::Profile {
    let s = |t: &str| t.as_bytes().to_vec();
    pb::Profile {
        sample_type: vec![pb::ValueType { r#type: 1, unit: 2 }],
        sample: vec![
            pb::Sample {
                location_id: vec![1, 2],
                value: vec![10],
                label: vec![],
            },
            pb::Sample {
                location_id: vec![2],
                value: vec![5],
                label: vec![],
            },
        ],
        mapping: vec![pb::Mapping {
            id: 1,
            filename: 5,
            ..Default::default()
        }],
        location: vec![
            pb::Location {
                id: 1,
                mapping_id: 1,
                line: vec![pb::Line {
                    function_id: 1,
                    line: 3,
                    column: 0,
                }],
                ..Default::default()
            },
            pb::Location {
                id: 2,
                mapping_id: 1,
                line: vec![pb::Line {
                    function_id: 2,
                    line: 7,
                    column: 0,
                }],
                ..Default::default()
            },
        ],
        function: vec![
            pb::Function {
                id: 1,
                name: 3,
                filename: 6,
                ..Default::default()
            },
            pb::Function {
                id: 2,
                name: 4,
                filename: 6,
                ..Default::default()
            },
        ],
        string_table: vec![
            s(""),
            s("samples"),
            s("count"),
            s("main.leaf"),
            s("main.main"),
            s("/bin/app"),
            s("main.go"),
        ],
        ..Default::default()
    }
}

/// `bytes` in a file `name` of a scratch directory, removed when the
/// directory is dropped.
fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("ppt-errors-")
        .tempdir()
        .expect("a scratch directory");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("the profile is written");
    (dir, path)
}

/// Runs `ppt --top` on `bytes`; returns (exit code, stderr).
fn run(name: &str, bytes: &[u8]) -> (i32, String) {
    let (_dir, path) = write_temp(name, bytes);
    let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg("--top")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_clear_error(name: &str, bytes: &[u8], problem: &str) {
    let (code, stderr) = run(name, bytes);
    assert_eq!(code, 1, "{name}: exit code; stderr: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{name}: one line expected: {stderr}"
    );
    assert!(
        stderr.contains(name),
        "{name}: message does not name the file: {stderr}"
    );
    assert!(
        stderr.contains(problem),
        "{name}: expected {problem:?} in {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
}

fn broken(edit: impl FnOnce(&mut pb::Profile)) -> Vec<u8> {
    let mut p = good_profile();
    edit(&mut p);
    p.encode_to_vec()
}

#[test]
fn good_profile_is_accepted() {
    let (code, stderr) = run("good.pb", &good_profile().encode_to_vec());
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn missing_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(["--top", "no/such/file.pprof"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("no/such/file.pprof") && stderr.contains("No such file"),
        "{stderr}"
    );
}

#[test]
fn empty_file() {
    assert_clear_error("empty.pb", b"", "empty input");
}

#[test]
fn text_is_not_a_profile() {
    assert_clear_error(
        "notes.txt",
        b"hello, this is not a profile\n",
        "not a pprof profile",
    );
    assert_clear_error(
        "goroutine.txt",
        b"goroutine profile: total 4\n1 @ 0x43a0b6 0x4057d0\n",
        "legacy text profile",
    );
}

#[test]
fn truncated_gzip() {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(&good_profile().encode_to_vec()).unwrap();
    let gz = enc.finish().unwrap();
    assert_clear_error("truncated.pb.gz", &gz[..gz.len() - 12], "gzip");
}

#[test]
fn corrupt_protobuf() {
    let mut bytes = good_profile().encode_to_vec();
    bytes.truncate(bytes.len() - 3);
    assert_clear_error("cut.pb", &bytes, "corrupt protobuf");
    assert_clear_error(
        "garbage.pb",
        &[0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x80],
        "corrupt protobuf",
    );
}

#[test]
fn string_index_out_of_range() {
    let bytes = broken(|p| p.function[0].name = 99);
    assert_clear_error("strings.pb", &bytes, "refers to string 99");
}

#[test]
fn unknown_ids() {
    assert_clear_error(
        "loc.pb",
        &broken(|p| p.sample[0].location_id = vec![42]),
        "unknown location id 42",
    );
    assert_clear_error(
        "func.pb",
        &broken(|p| p.location[0].line[0].function_id = 9),
        "unknown function id 9",
    );
    assert_clear_error(
        "map.pb",
        &broken(|p| p.location[1].mapping_id = 7),
        "unknown mapping id 7",
    );
    assert_clear_error(
        "zero.pb",
        &broken(|p| p.location[0].id = 0),
        "reserved id 0",
    );
    assert_clear_error("dup.pb", &broken(|p| p.function[1].id = 1), "same id 1");
}

#[test]
fn value_count_mismatch() {
    let bytes = broken(|p| p.sample[1].value = vec![1, 2]);
    assert_clear_error(
        "values.pb",
        &bytes,
        "has 2 values but the profile has 1 sample types",
    );
}

#[test]
fn first_string_must_be_empty() {
    let bytes = broken(|p| p.string_table[0] = b"x".to_vec());
    assert_clear_error("table.pb", &bytes, "string_table[0]");
}

#[test]
fn bad_option_values() {
    let (_dir, path) = write_temp("options.pb", &good_profile().encode_to_vec());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["--top", "--sample-index", "bogus"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("must be one of: samples"), "{stderr}");
    let (code, stderr) = run(&["--top", "--sample-index", "3"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("outside the range [0..0]"), "{stderr}");
    let (code, stderr) = run(&["--top", "--focus", "main("]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("invalid focus regexp"), "{stderr}");
    let (code, stderr) = run(&["--peek", "nomatch"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no matches found for regexp: nomatch"),
        "{stderr}"
    );
}
