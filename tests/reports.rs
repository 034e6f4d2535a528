//! ppt's reports against what `go tool pprof` printed for the same profiles.
//!
//! Every line of every `tests/fixtures/*/expected/MANIFEST.tsv` names a
//! profile, the pprof arguments and the file holding pprof's output. ppt runs
//! with the same arguments (pprof's spellings are accepted as long options)
//! and must print the same bytes, the `Time:` line aside (its format changed
//! between pprof versions) and trailing white space aside.

use std::path::{Path, PathBuf};
use std::process::Command;

/// pprof arguments (`-top`, `-sample_index=1`, `-peek RE`) as ppt's.
fn translate(pprof_args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = pprof_args.split(' ');
    while let Some(arg) = args.next() {
        let option = format!("-{arg}");
        if arg == "-peek" || arg == "-list" {
            out.push(option);
            out.push(args.next().expect("-peek takes a regex").to_string());
        } else {
            out.push(option);
        }
    }
    out
}

fn normalize(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"Time:"))
        .map(|line| line.trim_ascii_end().to_vec())
        .collect()
}

struct Case {
    dir: PathBuf,
    profile: String,
    args: String,
    expected: String,
}

fn cases(dir: &Path) -> Vec<Case> {
    let manifest = std::fs::read_to_string(dir.join("expected/MANIFEST.tsv")).expect("manifest");
    manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "bad manifest line {line:?}");
            Case {
                dir: dir.to_path_buf(),
                profile: fields[0].to_string(),
                args: fields[1].to_string(),
                expected: fields[2].to_string(),
            }
        })
        .collect()
}

/// Runs one case; `None` when ppt's output is identical.
fn check(case: &Case) -> Option<String> {
    // In the fixture's directory, as pprof ran (`-list` looks for sources
    // relative to it).
    let output = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .current_dir(&case.dir)
        .env("TZ", "UTC")
        .args(translate(&case.args))
        .arg(case.dir.join(&case.profile))
        .output()
        .expect("run ppt");
    let label = format!("{} {}", case.profile, case.args);
    if !output.status.success() {
        return Some(format!(
            "{label}: exit {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let want =
        std::fs::read(case.dir.join("expected").join(&case.expected)).expect("expected file");
    let (got, want) = (normalize(&output.stdout), normalize(&want));
    if got == want {
        return None;
    }
    let line = (0..got.len().max(want.len()))
        .find(|&i| got.get(i) != want.get(i))
        .unwrap_or(0);
    let show = |v: Option<&Vec<u8>>| {
        v.map(|l| String::from_utf8_lossy(l).into_owned())
            .unwrap_or_default()
    };
    Some(format!(
        "{label}: line {}:\n   got: {}\n  want: {}",
        line + 1,
        show(got.get(line)),
        show(want.get(line))
    ))
}

fn check_all(fixture_dir: &str, minimum: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture_dir);
    let cases = cases(&dir);
    assert!(
        cases.len() >= minimum,
        "{fixture_dir}: only {} cases",
        cases.len()
    );
    // Two workers: the machines this runs on have two cores.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2).max(1))
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(check).collect::<Vec<_>>()))
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} reports differ from go tool pprof:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!(
        "{fixture_dir}: {} reports identical to go tool pprof",
        cases.len()
    );
}

#[test]
fn go_runtime_profiles_match_pprof() {
    check_all("go", 100);
}

#[test]
fn pprof_testdata_matches_pprof() {
    check_all("pprof-testdata", 50);
}

#[test]
fn crafted_profiles_match_pprof() {
    check_all("extra", 200);
}

#[test]
fn translate_keeps_peek_regex_apart() {
    assert_eq!(translate("-peek a|b -lines"), ["--peek", "a|b", "--lines"]);
    assert_eq!(translate("-list ^main -cum"), ["--list", "^main", "--cum"]);
    assert_eq!(
        translate("-top -sample_index=1"),
        ["--top", "--sample_index=1"]
    );
}
