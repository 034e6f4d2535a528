//! ppt's reports against what `go tool pprof` printed for the same profiles.
//!
//! Every line of every `tests/fixtures/*/expected/MANIFEST.tsv` names a
//! profile, the pprof arguments and the file holding pprof's output. ppt runs
//! with the same arguments (pprof's spellings are accepted as long options)
//! and must print the same bytes, the `Time:` line aside (its format changed
//! between pprof versions) and trailing white space aside.

mod common;

use common::oracle::{Case, assert_all_match, check_case, fixture_dir, report_lines};
use std::path::Path;

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

/// The cases of `expected/MANIFEST.tsv`: profile <TAB> pprof arguments
/// (`-top -sample_index=1`, translated) <TAB> expected file.
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
                profiles: vec![dir.join(fields[0]).to_string_lossy().into_owned()],
                args: translate(fields[1]),
                expected: dir.join("expected").join(fields[2]),
                exit: 0,
            }
        })
        .collect()
}

fn check_all(fixture: &str, minimum: usize) {
    let cases = cases(&fixture_dir(fixture));
    assert_all_match(fixture, &cases, minimum, |c| check_case(c, report_lines));
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
