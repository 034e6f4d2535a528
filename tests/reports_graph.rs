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

use regex::bytes::Regex;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    dir: PathBuf,
    profiles: Vec<String>,
    args: Vec<String>,
    expected: String,
    exit: i32,
}

fn cases(dir: &Path, manifest: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("expected2").join(manifest)).expect("manifest");
    let dir_text = dir.to_str().expect("fixture path is UTF-8");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 3, "bad manifest line {line:?}");
            let exit = fields[3..]
                .iter()
                .find_map(|f| f.strip_prefix("exit="))
                .map_or(0, |n| n.parse().expect("exit=N"));
            Case {
                dir: dir.to_path_buf(),
                profiles: fields[0]
                    .split(' ')
                    .map(|p| match p.strip_prefix("{DIR}") {
                        Some(rest) => format!("{dir_text}{rest}"),
                        None => dir.join(p).to_string_lossy().into_owned(),
                    })
                    .collect(),
                args: fields[1]
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(|a| a.replace("{DIR}", dir_text))
                    .collect(),
                expected: fields[2].to_string(),
                exit,
            }
        })
        .collect()
}

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

/// Runs one case; `None` when ppt's output and exit status are pprof's.
fn check(case: &Case) -> Option<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .current_dir(&case.dir)
        .env("TZ", "UTC")
        .args(&case.args)
        .args(&case.profiles)
        .output()
        .expect("run ppt");
    let label = format!("{} {}", case.args.join(" "), case.profiles.join(" "));
    let status = output.status.code().unwrap_or(-1);
    if status != case.exit {
        return Some(format!(
            "{label}: exit {status}, want {}: {}",
            case.exit,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let want = std::fs::read(case.dir.join("expected2").join(&case.expected)).expect("expected");
    let dot = case.expected.ends_with(".dot") || case.args.iter().any(|a| a == "-dot");
    let (got, want) = (normalize(&output.stdout, dot), normalize(&want, dot));
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

/// Checks every case of `fixture_dir`'s `manifest`, which must hold at
/// least `minimum` of them.
fn check_all(fixture_dir: &str, manifest: &str, minimum: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture_dir);
    let cases = cases(&dir, manifest);
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
