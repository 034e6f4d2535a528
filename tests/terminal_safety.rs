//! Profile strings never drive the terminal: `ppt --top` run on a real
//! terminal (tmux) shows hostile names as visible escapes, and the same
//! report sent to a pipe stays byte-identical to pprof's. And ppt never
//! writes to the profile or beside it. The explorer started directly in a
//! terminal of a given size (the harness of `tests/common/tmux.rs`) ends
//! with the status its way out gives.
//!
//! Needs tmux; without it the test is skipped, except under CI (CI=true),
//! where it fails so the check cannot silently disappear.

mod common;

use common::tmux::{Exit, Launch};
use common::{HOSTILE_NAMES_SHOWN, Terminal, tmux_available};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[test]
fn top_on_a_terminal_escapes_hostile_names() {
    if !tmux_available() {
        return;
    }
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extra/hostile.pb");
    let t = Terminal::start("safety");
    t.run(&format!(
        "printf 'before-report\\n'; {} --top {}; printf 'after-report\\n'",
        env!("CARGO_BIN_EXE_ppt"),
        profile.display()
    ));
    t.wait_for("the report", |s| s.contains("exit=0"));
    let screen = t.joined_screen();
    assert!(
        screen.contains("after-report"),
        "report did not finish:\n{screen}"
    );
    // Nothing cleared the screen: the line printed before is still there.
    assert!(
        screen.contains("before-report"),
        "screen was cleared:\n{screen}"
    );
    // Each hostile sequence is visible as text.
    for visible in HOSTILE_NAMES_SHOWN.iter().chain(&[
        "File: app\\x1b]0;pwned-title\\x07",
        "comment \\x1b[2J clears",
    ]) {
        assert!(
            screen.contains(visible),
            "{visible:?} not shown escaped:\n{screen}"
        );
    }
    assert!(
        !t.format("#{pane_title}").contains("pwned"),
        "the window title was changed"
    );
}

#[test]
fn top_to_a_pipe_keeps_the_bytes() {
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extra/hostile.pb");
    let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg("--top")
        .arg(&profile)
        .output()
        .unwrap();
    assert!(out.status.success());
    let needle = b"clip\x1b]52;c;cHduZWQ=\x07board";
    assert!(
        out.stdout.windows(needle.len()).any(|w| w == needle),
        "raw bytes expected in piped output"
    );
}

/// Every file in `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let meta = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
                meta.modified().unwrap(),
            )
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn ppt_never_writes_to_or_beside_the_profile() {
    let scratch = tempfile::Builder::new()
        .prefix("ppt-readonly-")
        .tempdir()
        .expect("a scratch directory");
    let dir = scratch.path();
    let profile = dir.join("heap.pprof");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/heap.pprof"),
        &profile,
    )
    .unwrap();
    let before = snapshot(dir);
    for args in [&["--top"][..], &["--peek", "main"], &[]] {
        let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
            .args(args)
            .arg(&profile)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if tmux_available() {
        // The explorer, opened and closed on a real terminal.
        let t = Terminal::start("readonly");
        t.run(&format!(
            "cd {} && {} heap.pprof",
            dir.display(),
            env!("CARGO_BIN_EXE_ppt")
        ));
        t.wait_for("the explorer", |s| s.contains("flat%"));
        t.keys(&["q"]);
        t.wait_for("the explorer to quit", |s| s.contains("exit=0"));
    }
    assert_eq!(snapshot(dir), before, "ppt changed the profile's directory");
}

#[test]
fn standard_input_reads_like_a_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/heap.pprof");
    let from_file = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg("--top")
        .arg(&path)
        .output()
        .unwrap();
    let from_stdin = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(["--top", "-"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(from_stdin.status.success());
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn the_explorer_started_alone_reports_how_it_ended() {
    if !tmux_available() {
        return;
    }
    let wait = Duration::from_secs(20);
    // At a size of its own, resized, then quit: status 0.
    let t = Launch::new("alone-quit")
        .size(100, 30)
        .ppt(&["assets/heap.pprof"]);
    t.wait_for_text("main.sortWork", wait);
    assert_eq!(t.format("#{window_width}x#{window_height}"), "100x30");
    assert_eq!(t.exit(), None, "still running");
    t.resize(90, 24);
    t.wait_until("a frame of 24 rows", wait, |s| s.lines().count() == 24);
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(wait), Exit::Code(0));

    // A file that does not exist: status 1 and the error on the screen.
    let t = Launch::new("alone-error").ppt(&["no-such.pprof"]);
    assert_eq!(t.wait_exit(wait), Exit::Code(1));
    let output = t.output();
    assert!(output.contains("ppt: no-such.pprof: "), "{output}");

    // Killed: the signal is read back.
    let t = Launch::new("alone-kill").ppt(&["assets/heap.pprof"]);
    t.wait_for_text("main.sortWork", wait);
    t.kill("KILL");
    assert_eq!(t.wait_exit(wait), Exit::Signal(9));
}
