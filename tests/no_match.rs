//! Filters that match nothing are said on stderr exactly as
//! `go tool pprof` says them (`Focus expression matched no samples`, and
//! for ignore, hide, show, show_from, tagfocus, tagignore), with pprof's
//! other warnings about the profile's labels before them: each case of
//! `tests/fixtures/no_match/cases.tsv` against pprof's recorded stderr.

use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/no_match");

#[test]
fn text_reports_say_which_filters_match_nothing_as_pprof() {
    let cases = std::fs::read_to_string(format!("{DIR}/cases.tsv")).expect("the cases");
    let mut checked = 0;
    for case in cases.lines().filter(|l| !l.is_empty()) {
        let [profile, options, expected] = case.split('\t').collect::<Vec<_>>()[..] else {
            panic!("a case is three fields: {case}");
        };
        let expected = std::fs::read(format!("{DIR}/{expected}")).expect("pprof's stderr");
        let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("--top")
            .args(options.split(' '))
            .arg(profile)
            .output()
            .expect("ppt runs");
        assert!(out.status.success(), "{case}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&expected),
            "{case}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} cases");
}
