//! ppt against what `go tool pprof` printed for the reports recorded in
//! `tests/fixtures/*/expected2/MANIFEST.tsv` (copied from the shared
//! fixtures: `-traces`, `-tags`, `-raw`, `-text -show_from`, `-top
//! -prune_from`, `-top -tagfocus`...).
//!
//! A manifest line is `profiles <TAB> pprof arguments <TAB> expected file
//! [<TAB> exit=N]`. ppt runs with pprof's arguments verbatim (single-dash
//! spellings), `{DIR}` replaced by the fixture directory, in that directory,
//! with `TZ=UTC`. Its standard output must equal the recorded one, `Time:`
//! lines and trailing white space aside, and its exit status must be N
//! (else 0), as `check_reports2.py` compares them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn normalize(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"Time:"))
        .map(|line| line.trim_ascii_end().to_vec())
        .collect()
}

struct Case {
    dir: PathBuf,
    profiles: Vec<String>,
    args: Vec<String>,
    expected: String,
    exit: i32,
}

fn cases(dir: &Path) -> Vec<Case> {
    let manifest = std::fs::read_to_string(dir.join("expected2/MANIFEST.tsv")).expect("manifest");
    let dir_text = dir.to_str().expect("fixture path is UTF-8");
    manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(
                (3..=4).contains(&fields.len()),
                "bad manifest line {line:?}"
            );
            let exit = fields
                .get(3)
                .map(|f| {
                    f.strip_prefix("exit=")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or_else(|| panic!("bad exit field in {line:?}"))
                })
                .unwrap_or(0);
            let expand = |s: &str| s.replace("{DIR}", dir_text);
            Case {
                dir: dir.to_path_buf(),
                profiles: fields[0].split(' ').map(expand).collect(),
                args: fields[1].split(' ').map(expand).collect(),
                expected: fields[2].to_string(),
                exit,
            }
        })
        .collect()
}

/// Runs one case; `None` when ppt's output and status are pprof's.
fn check(case: &Case) -> Option<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(&case.args)
        .args(&case.profiles)
        .current_dir(&case.dir)
        .env("TZ", "UTC")
        .output()
        .expect("run ppt");
    let label = format!("{} {}", case.profiles.join(" "), case.args.join(" "));
    let status = output.status.code().unwrap_or(-1);
    if status != case.exit {
        return Some(format!(
            "{label}: exit {status}, want {}: {}",
            case.exit,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let want =
        std::fs::read(case.dir.join("expected2").join(&case.expected)).expect("expected file");
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
    check_all("go", 49);
}

#[test]
fn pprof_testdata_matches_pprof() {
    check_all("pprof-testdata", 16);
}
