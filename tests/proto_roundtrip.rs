//! `--proto` round trips: the profile ppt writes, after filters, means for
//! pprof what the filtered original does.
//!
//! `tests/fixtures/proto/make_roundtrip.sh` wrote each fixture profile with
//! `ppt --proto` under three filter sets and recorded what `go tool pprof
//! -top` prints for the written file (checking, with Go, that pprof's own
//! `-proto` reads back identically, and that the rows equal those of the
//! filtered original). Here ppt writes the file again, and:
//! - `ppt -top` of it must print what pprof printed for it;
//! - its rows (flat, cum, name, every value in its own unit) must equal
//!   those of `ppt -top` with the filters on the original (the percentages
//!   differ: pprof takes its total before filtering).

mod common;

use common::oracle::{assert_all_match, first_difference};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOP: [&str; 3] = ["-top", "-nodefraction=0", "-nodecount=100"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn ppt(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(args)
        .current_dir(fixtures())
        .env("TZ", "UTC")
        .output()
        .expect("run ppt");
    assert!(
        output.status.success(),
        "ppt {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn normalize(text: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(text)
        .lines()
        .filter(|l| !l.starts_with("Time:"))
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// The rows of a `-top` report: flat, cum and name.
fn rows(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text);
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|l| {
            let mut rest = l.trim_start();
            let mut fields = Vec::new();
            for _ in 0..5 {
                let end = rest.find(' ').unwrap_or(rest.len());
                fields.push(&rest[..end]);
                rest = rest[end..].trim_start();
            }
            format!("{} {} {}", fields[0], fields[3], rest)
        })
        .collect()
}

fn check(dir: &Path, profile: &str, filters: &str, expected: &str) -> Option<String> {
    let written = dir.join(format!("{expected}.pb.gz"));
    let written = written.to_str().expect("temporary path is UTF-8");
    let filters: Vec<&str> = filters.split(' ').collect();
    let mut args = vec!["--proto", written];
    args.extend(&filters);
    args.push(profile);
    ppt(&args);
    let bytes = std::fs::read(written).expect("written profile");
    let label = format!("{profile} {}", filters.join(" "));
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Some(format!("{label}: not gzipped"));
    }

    let mut top = TOP.to_vec();
    top.push(written);
    let got = normalize(&ppt(&top).stdout);
    let want = normalize(
        &std::fs::read(fixtures().join("proto/expected").join(expected)).expect("expected file"),
    );
    let bytes = |lines: Vec<String>| -> Vec<Vec<u8>> {
        lines.into_iter().map(String::into_bytes).collect()
    };
    let difference = first_difference(
        &format!("{label}: ppt -top of the written file"),
        &bytes(got),
        &bytes(want),
    );
    if difference.is_some() {
        return difference;
    }

    let mut of_written = TOP.to_vec();
    of_written.extend(["-unit=auto", written]);
    let mut of_original = TOP.to_vec();
    of_original.push("-unit=auto");
    of_original.extend(&filters);
    of_original.push(profile);
    let (written_rows, original_rows) = (
        rows(&ppt(&of_written).stdout),
        rows(&ppt(&of_original).stdout),
    );
    (written_rows != original_rows).then(|| {
        format!(
            "{label}: rows of the written file differ from the filtered original's:\n{written_rows:#?}\n{original_rows:#?}"
        )
    })
}

#[test]
fn written_profiles_read_back_as_pprof_reads_them() {
    let manifest =
        std::fs::read_to_string(fixtures().join("proto/MANIFEST.tsv")).expect("manifest");
    let cases: Vec<Vec<&str>> = manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    let dir = tempfile::tempdir().expect("temporary directory");
    assert_all_match("round trips", &cases, 72, |c| {
        check(dir.path(), c[0], c[1], c[2])
    });
}

#[test]
fn rows_of_a_top_report() {
    let top = b"File: x\nType: cpu\n      flat  flat%   sum%        cum   cum%\n     2.94s 57.53% 57.53%      2.94s 57.53%  runtime.memmove (inline)\n         0     0% 57.53%      1.20s 23.48%  main.main\n";
    assert_eq!(
        rows(top),
        ["2.94s 2.94s runtime.memmove (inline)", "0 1.20s main.main"]
    );
}
