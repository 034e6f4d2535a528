//! `ppt --folded` against the stacks `go tool pprof -raw` listed for the
//! same profiles, filters and sample indices.
//!
//! `tests/fixtures/folded/MANIFEST.tsv` names, per line, a profile (under
//! `tests/fixtures`), pprof's arguments, a sample index and the expected
//! collapsed stacks, recorded by `make_folded.sh` from pprof's `-raw`
//! output with `raw_to_folded.py`. ppt runs with the same arguments (it
//! takes pprof's spellings) and `--sample-index`, and must print the same
//! bytes.

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

struct Case {
    profile: String,
    args: String,
    index: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let manifest =
        std::fs::read_to_string(fixtures().join("folded/MANIFEST.tsv")).expect("folded manifest");
    manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "bad manifest line {line:?}");
            Case {
                profile: fields[0].to_string(),
                args: fields[1].to_string(),
                index: fields[2].to_string(),
                expected: fields[3].to_string(),
            }
        })
        .collect()
}

fn expected(file: &str) -> Vec<u8> {
    let bytes = std::fs::read(fixtures().join("folded").join(file)).expect("expected file");
    if !file.ends_with(".gz") {
        return bytes;
    }
    let mut text = Vec::new();
    GzDecoder::new(&bytes[..])
        .read_to_end(&mut text)
        .expect("gzipped expected file");
    text
}

fn ppt_folded(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg("--folded")
        .args(args)
        .arg(profile)
        .output()
        .expect("run ppt")
}

/// Every recorded case, byte for byte; failures are listed together.
#[test]
fn folded_matches_pprof_raw() {
    let cases = cases();
    assert!(cases.len() > 200, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut args: Vec<&str> = case.args.split(' ').filter(|a| !a.is_empty()).collect();
        let index = format!("--sample-index={}", case.index);
        args.push(&index);
        let output = ppt_folded(&args, &fixtures().join(&case.profile));
        let label = format!("{} {} (index {})", case.profile, case.args, case.index);
        if !output.status.success() {
            failures.push(format!(
                "{label}: {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
            continue;
        }
        let want = expected(&case.expected);
        if output.stdout != want {
            let got = String::from_utf8_lossy(&output.stdout);
            let want = String::from_utf8_lossy(&want);
            let first = got
                .lines()
                .zip(want.lines())
                .find(|(g, w)| g != w)
                .map(|(g, w)| format!("got  {g}\n  want {w}"))
                .unwrap_or_else(|| {
                    format!(
                        "{} lines, want {}",
                        got.lines().count(),
                        want.lines().count()
                    )
                });
            failures.push(format!("{label}: {}\n  {first}", case.expected));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The cases cover every sample index of every Go profile of the
/// fixtures, and the filters.
#[test]
fn folded_cases_cover_every_go_profile_and_index() {
    let cases = cases();
    for dir in ["go", "go2"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".pprof") {
                continue;
            }
            let profile = format!("{dir}/{name}");
            let indices: Vec<&str> = cases
                .iter()
                .filter(|c| c.profile == profile && c.args.is_empty())
                .map(|c| c.index.as_str())
                .collect();
            assert!(!indices.is_empty(), "{profile} has no folded case");
            // Profiles with samples have a case per sample type.
            let types = if name.starts_with("threadcreate") || name.starts_with("goroutine") {
                1
            } else if name.starts_with("heap") || name.starts_with("allocs") {
                4
            } else {
                2
            };
            assert_eq!(indices.len(), types, "{profile}: indices {indices:?}");
        }
    }
    for filter in ["-focus=", "-ignore=", "-hide=", "-show="] {
        assert!(
            cases.iter().any(|c| c.args.starts_with(filter)),
            "no case with {filter}"
        );
    }
}

/// `--mean` has no meaning for raw sums: a clear error, no output.
#[test]
fn folded_refuses_mean() {
    let output = ppt_folded(&["--mean"], &fixtures().join("go/block.pprof"));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--mean does not apply"), "{stderr}");
}

/// `--noinlines` merges an inlined function into its caller: no frame of
/// the folded output is then an inlined one.
#[test]
fn folded_noinlines_merges_inlined_frames() {
    let profile = fixtures().join("extra/inline.pb.gz");
    let with = ppt_folded(&[], &profile);
    let without = ppt_folded(&["--noinlines"], &profile);
    assert!(with.status.success() && without.status.success());
    let (with, without) = (
        String::from_utf8(with.stdout).unwrap(),
        String::from_utf8(without.stdout).unwrap(),
    );
    assert!(with.contains("main.always"), "{with}");
    assert!(!without.contains("main.always"), "{without}");
    let sum = |text: &str| -> i64 {
        text.lines()
            .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
            .sum()
    };
    assert_eq!(sum(&with), sum(&without));
}
