//! Profile strings never drive the terminal: `ppt --top` run on a real
//! terminal (tmux) shows hostile names as visible escapes, and the same
//! report sent to a pipe stays byte-identical to pprof's. And ppt never
//! writes to the profile or beside it.
//!
//! Needs tmux; without it the test is skipped, except under CI (CI=true),
//! where it fails so the check cannot silently disappear.

mod common;

use common::{HOSTILE_NAMES_SHOWN, Terminal, tmux_available};
use std::path::Path;
use std::process::Command;

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
    let dir = std::env::temp_dir().join(format!("ppt-readonly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("heap.pprof");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/heap.pprof"),
        &profile,
    )
    .unwrap();
    let before = snapshot(&dir);
    for args in [&["--top"][..], &["--peek", "main"], &[]] {
        let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
            .args(args)
            .arg(&profile)
            .current_dir(&dir)
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
    assert_eq!(
        snapshot(&dir),
        before,
        "ppt changed the profile's directory"
    );
    std::fs::remove_dir_all(&dir).unwrap();
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
