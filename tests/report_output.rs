//! Where reports go: `--output FILE` (pprof's `-output`), `--proto FILE`
//! and pprof's `-proto`, standard output as a pipe or a terminal; and the
//! command-line errors of the reports on the filtered profile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn ppt_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .expect("run ppt")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let heap = fixture("go/heap.pprof");
    let heap = heap.to_str().unwrap();
    for report in ["-traces", "-tags", "-raw", "-top", "-comments"] {
        let piped = ppt_in(dir.path(), &[report, heap]);
        assert!(piped.status.success(), "{report}");
        let out = ppt_in(dir.path(), &[report, "-output", "report.txt", heap]);
        assert!(out.status.success(), "{report}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty());
        assert_eq!(text(&out.stderr), "Generating report in report.txt\n");
        let written = std::fs::read(dir.path().join("report.txt")).unwrap();
        assert_eq!(written, piped.stdout, "{report}");
    }
    // Nothing but the report is left in the directory.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.txt"]);
}

#[test]
fn a_failed_report_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.txt");
    std::fs::write(&target, "precious").unwrap();
    let heap = fixture("go/heap.pprof");
    let out = ppt_in(
        dir.path(),
        &[
            "-peek",
            "nomatch",
            "-output",
            "keep.txt",
            heap.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no matches found for regexp: nomatch"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A directory is not a report file.
    let out = ppt_in(
        dir.path(),
        &["-traces", "-output", ".", heap.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is a directory"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn proto_spellings_write_the_same_profile() {
    let dir = tempfile::tempdir().unwrap();
    let cpu = fixture("go/cpu.pprof");
    let cpu = cpu.to_str().unwrap();
    let piped = ppt_in(dir.path(), &["-proto", "-focus=sortWork", cpu]);
    assert!(piped.status.success());
    assert!(piped.stdout.starts_with(&[0x1f, 0x8b]), "gzipped on stdout");
    let out = ppt_in(
        dir.path(),
        &["-proto", "-focus=sortWork", "-output", "a.pb.gz", cpu],
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "Generating report in a.pb.gz\n");
    let out = ppt_in(
        dir.path(),
        &["--proto", "b.pb.gz", "--focus", "sortWork", cpu],
    );
    assert!(out.status.success());
    let a = std::fs::read(dir.path().join("a.pb.gz")).unwrap();
    let b = std::fs::read(dir.path().join("b.pb.gz")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, piped.stdout);
    // pprof's top of the written profile: the filtered samples only.
    let top = ppt_in(dir.path(), &["-top", "a.pb.gz"]);
    let top = text(&top.stdout);
    assert!(top.contains("main.sortWork"), "{top}");
    assert!(!top.contains("main.storeWork"), "{top}");
}

#[test]
fn one_report_at_a_time_and_bad_label_patterns() {
    let heap = fixture("go/heap.pprof");
    let heap = heap.to_str().unwrap();
    let dir = std::env::temp_dir();
    let out = ppt_in(&dir, &["-top", "-traces", heap]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "ppt: must set at most one output format\n"
    );
    let out = ppt_in(&dir, &["-traces", "-tagshow=(", heap]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("invalid tagshow regexp"),
        "{}",
        text(&out.stderr)
    );
    let out = ppt_in(&dir, &["--proto", "x.pb.gz", "--output", "y", heap]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--proto FILE and --output clash"
    );
}

/// Runs `command` (a shell line) with a terminal as its standard output,
/// through `script`; `None` where `script` is missing.
fn on_a_terminal(dir: &Path, command: &str) -> Option<Output> {
    let script = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .current_dir(dir)
        .env("TZ", "UTC")
        .output();
    match script {
        Ok(out) => Some(out),
        Err(_) => {
            eprintln!("note: `script` (util-linux) is missing; terminal case skipped");
            None
        }
    }
}

#[test]
fn on_a_terminal_names_are_escaped_and_profiles_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let ppt = env!("CARGO_BIN_EXE_ppt");
    let names = fixture("extra/names.pb");
    let Some(out) = on_a_terminal(
        dir.path(),
        &format!("{ppt} -traces {}", names.to_str().unwrap()),
    ) else {
        return;
    };
    let shown = text(&out.stdout);
    assert!(shown.contains("\\x1b[31mred\\x1b[0m"), "{shown}");
    assert!(!shown.contains('\x1b'), "{shown:?}");
    // A profile is not written to a terminal: pprof's profile001.pb.gz.
    let heap = fixture("go/heap.pprof");
    for n in 1..=2 {
        let out = on_a_terminal(
            dir.path(),
            &format!("{ppt} -proto {}", heap.to_str().unwrap()),
        )
        .unwrap();
        let said = text(&out.stdout);
        assert!(
            said.contains(&format!("Generating report in profile00{n}.pb.gz")),
            "{said}"
        );
        let written = std::fs::read(dir.path().join(format!("profile00{n}.pb.gz"))).unwrap();
        assert!(written.starts_with(&[0x1f, 0x8b]));
    }
}
