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

mod common;

use common::oracle::{assert_all_match, check_case, fixture_dir, manifest_cases, report_lines};

fn check_all(fixture: &str, minimum: usize) {
    let cases = manifest_cases(&fixture_dir(fixture), "expected2/MANIFEST.tsv");
    assert_all_match(fixture, &cases, minimum, |c| check_case(c, report_lines));
}

#[test]
fn go_runtime_profiles_match_pprof() {
    check_all("go", 49);
}

#[test]
fn pprof_testdata_matches_pprof() {
    check_all("pprof-testdata", 16);
}
