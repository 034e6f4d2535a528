//! ppt's graph reports (`-tree`, `-dot`, `-callgrind`, `-list`, and `-top
//! -prune_from`) against what `go tool pprof` printed for the Go runtime
//! profiles and pprof's test data.
//!
//! `tests/fixtures/*/expected2/MANIFEST.graph.tsv` lists one report a line:
//! `profiles <TAB> pprof arguments <TAB> expected file [<TAB> exit=N]`,
//! `{DIR}` standing for the fixture directory. ppt runs with pprof's
//! arguments as they are (single dashes), in that directory, with `TZ=UTC`,
//! and must print the same lines and exit with the same status; `Time:`
//! lines (also inside the dot legend) and trailing white space aside.
//! (The crafted profiles' graph reports are in `tests/reports.rs`.)

mod common;

use common::oracle::{assert_all_match, check_case, fixture_dir, manifest_cases};
use regex::bytes::Regex;
use std::path::Path;

/// The lines compared: `Time:` lines and the dot legend's `Time: ...\l`
/// left out, trailing white space trimmed.
fn normalize(text: &[u8], dot: bool) -> Vec<Vec<u8>> {
    let legend_time = Regex::new(r"\\lTime: [^\\]*\\l").expect("regex");
    text.split(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"Time:"))
        .map(|line| {
            let line = line.trim_ascii_end();
            match dot {
                true => legend_time.replace_all(line, &b"\\l"[..]).into_owned(),
                false => line.to_vec(),
            }
        })
        .collect()
}

/// Checks every case of `fixture`'s `manifest` (under `expected2/`),
/// which must hold at least `minimum` of them.
fn check_all(fixture: &str, manifest: &str, minimum: usize) {
    let cases = manifest_cases(&fixture_dir(fixture), &format!("expected2/{manifest}"));
    assert_all_match(fixture, &cases, minimum, |case| {
        let dot = case.expected.extension().is_some_and(|e| e == "dot")
            || case.args.iter().any(|a| a == "-dot");
        check_case(case, |text| normalize(text, dot))
    });
}

#[test]
fn go_runtime_graph_reports_match_pprof() {
    check_all("go", "MANIFEST.graph.tsv", 47);
}

#[test]
fn pprof_testdata_graph_reports_match_pprof() {
    check_all("pprof-testdata", "MANIFEST.graph.tsv", 23);
}

#[test]
fn normalize_leaves_out_times() {
    let dot = b"label=\"File: x\\lTime: Nov 26, 2026 at 6:36am (UTC)\\lShowing\"  \nTime: y\n";
    assert_eq!(
        normalize(dot, true),
        [b"label=\"File: x\\lShowing\"".to_vec(), Vec::new()]
    );
}

/// The explorer's source lookup: with pprof's places empty, the Go roots
/// find `sort/zsortinterface.go` (here `expected2` stands in for `$GOROOT`,
/// its `src/` holding the file) where a Go build recorded
/// `/usr/local/go/src/...`, and the listing holds the lines pprof printed
/// with `-source_path` and `-trim_path` pointing there.
#[test]
fn listing_finds_sources_under_go_roots() {
    use ppt::analysis::Pattern;
    use ppt::profile::{DecodeOptions, decode};
    use ppt::report::{ReportOptions, RoutineSource, listing};
    use ppt::source_files::{GoRoots, SourceFiles, SourceSearch};

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go");
    let bytes = std::fs::read(dir.join("cpu.pprof")).expect("profile");
    let profile = decode(&bytes, &DecodeOptions::default()).expect("decode");
    let roots = GoRoots {
        goroot: Some(dir.join("expected2")),
        module_cache: None,
    };
    let search = SourceSearch::pprof(Some("nosuchdir"), None)
        .expect("search")
        .with_go_roots(roots);
    let pattern = Pattern::new("list", r"sort\.insertionSort$").expect("regex");
    let found = listing(
        &profile,
        &ReportOptions::default(),
        &pattern,
        &mut SourceFiles::new(search),
    )
    .expect("listing");
    assert_eq!(found.routines.len(), 1);
    let RoutineSource::Lines(lines) = &found.routines[0].source else {
        panic!("not found: {:?}", found.routines[0].source);
    };

    // pprof's lines for the same routine: `flat cum number:text`.
    let recorded =
        std::fs::read_to_string(dir.join("expected2/cpu.pprof.list.txt")).expect("oracle");
    let want: Vec<(i64, String)> = recorded
        .lines()
        .skip_while(|l| !l.contains("sort.insertionSort in"))
        .skip(2)
        .take_while(|l| !l.starts_with("ROUTINE"))
        .map(|l| {
            let (number, text) = l[21..].split_once(':').expect("numbered line");
            (
                number.trim().parse().expect("line number"),
                text.to_string(),
            )
        })
        .collect();
    let got: Vec<(i64, String)> = lines
        .iter()
        .map(|l| (l.number, String::from_utf8_lossy(&l.text).into_owned()))
        .collect();
    assert_eq!(got, want);
    // 130ms flat, 150ms cum, as pprof's header says.
    assert_eq!(
        (found.routines[0].flat, found.routines[0].cum),
        (130_000_000, 150_000_000)
    );
}
