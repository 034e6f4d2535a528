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

/// `tests/fixtures/extra/spoof.pb`: names with newlines and invisible
/// characters, a sample type named with escape sequences.
const SPOOF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extra/spoof.pb");

/// Whether `script` (util-linux) is installed, to run ppt on a pseudo
/// terminal; skipped without it, except under CI.
fn script_available() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "script is required under CI"
        );
        eprintln!("note: script is not installed, skipping a pty test");
    }
    found
}

/// Runs ppt with `args` on a pseudo terminal (stdout and stderr both the
/// terminal, as typed in a shell): what the terminal received, and the
/// exit status.
fn on_a_pty(args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let mut command = format!("'{}'", env!("CARGO_BIN_EXE_ppt"));
    for arg in args {
        command.push_str(&format!(" '{arg}'"));
    }
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .unwrap();
    (out.stdout, out.status.code())
}

/// What no profile may send to a terminal: ESC, BEL, C1 CSI, and the
/// invisible characters of spoof.pb.
fn assert_nothing_raw(out: &[u8], what: &str) {
    let text = String::from_utf8_lossy(out);
    for bad in [
        "\x1b",
        "\x07",
        "\u{9b}",
        "\u{200b}",
        "\u{200d}",
        "\u{2060}",
        "\u{e0041}",
        "\u{fe0f}",
    ] {
        assert!(
            !text.contains(bad),
            "{what}: {bad:?} reached the terminal:\n{text}"
        );
    }
}

#[test]
fn sample_types_quoted_in_an_error_are_escaped() {
    if !script_available() {
        return;
    }
    let (out, status) = on_a_pty(&["--top", "--sample-index=zz", SPOOF]);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.contains("must be one of: clip\\x1b]52;c;cHduZWQ=\\x07\\x1b]0;pwned-title\\x07\\x1b[2Jtype, distance, cpu"),
        "{text}"
    );
    assert_nothing_raw(&out, "--sample-index=zz");
}

#[test]
fn a_newline_in_a_name_cannot_forge_a_row_on_a_terminal() {
    if !script_available() {
        return;
    }
    for args in [
        &["--top", "--node-fraction=0", SPOOF][..],
        &["--peek", "main", SPOOF],
        &["--top", "--sample-index=distance", SPOOF],
    ] {
        let (out, status) = on_a_pty(args);
        let text = String::from_utf8_lossy(&out);
        assert_eq!(status, Some(0), "{args:?}: {text}");
        let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
        // The forged row and header lines are shown inside the line of the
        // name, comment or file name that carries them.
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("main.forgedHotspot") && !l.contains("main.real\\n")),
            "{args:?}: a forged row:\n{text}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("File: app\\nBuild ID: forged")),
            "{args:?}: {text}"
        );
        assert!(
            lines.contains(&"first comment\\nType: forged"),
            "{args:?}: {text}"
        );
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("Build ID:") || l.starts_with("Type: forged")),
            "{args:?}: {text}"
        );
        assert_nothing_raw(&out, &format!("{args:?}"));
        for shown in [
            "main.zero\\u{200b}width",
            "main.word\\u{2060}joiner",
            "main.tag\\u{e0041}\\u{e0042}\\u{e007f}",
            "main.heart\u{2764}\\u{fe0f}",
        ] {
            assert!(
                text.contains(shown),
                "{args:?}: {shown:?} not shown:\n{text}"
            );
        }
    }
}

/// Display width of `line` as a terminal that draws one character at a
/// time counts it (tmux, xterm): each character's own width, joiners and
/// combining marks zero.
fn cells(line: &str) -> usize {
    line.chars()
        .map(|c| ratatui::text::Span::raw(c.to_string()).width())
        .sum()
}

/// Invisible characters are shown escaped in the explorer, and every row
/// keeps the table's borders in place, whatever the name: ZWJ emoji
/// sequences, skin tones, variation selectors, flags, combining accents,
/// CJK (tmux draws them; the column of the border between the two panes
/// is the same on every line).
#[test]
fn explorer_borders_stay_aligned_and_invisibles_are_shown() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("spoof");
    t.run(&format!("{} {SPOOF}", env!("CARGO_BIN_EXE_ppt")));
    let screen = t.wait_for("the explorer", |s| s.contains("main.wide"));
    let junction = |line: &str| line.find("││").map(|i| cells(&line[..i]));
    let header = screen
        .lines()
        .find(|l| l.contains("flat%"))
        .expect("the table header");
    let want = junction(header).expect("two panes");
    let mut rows = 0;
    for line in screen
        .lines()
        .filter(|l| l.starts_with("│ ") && l.contains("ms "))
    {
        rows += 1;
        assert_eq!(
            junction(line),
            Some(want),
            "border moved:\n{line}\n{screen}"
        );
        assert_eq!(cells(line), 120, "line width:\n{line}\n{screen}");
    }
    assert!(rows >= 14, "{screen}");
    for shown in [
        "main.zero\\u{200b}width",
        "main.zero\\u{200c}nonjoiner",
        "main.word\\u{2060}joiner",
        "\\u{e0041}\\u{e0042}\\u{e007f}",
        "\\u{200d}\u{1f466}",
        "main.heart\u{2764}\\u{fe0f}",
        "main.soft\\xadhyphen",
        "main.hangul\\u{3164}filler",
        "main.thumb\u{1f44d}\\u{1f3fd}",
    ] {
        assert!(screen.contains(shown), "{shown:?} not shown:\n{screen}");
    }
    t.keys(&["q"]);
    t.wait_for("the shell", |s| s.contains("exit=0"));
}

/// Once escaped, no grapheme of a name has a width that depends on the
/// terminal drawing it as one glyph (as ratatui counts it) or character by
/// character (as tmux and xterm do): joiners, variation selectors and skin
/// tones, which glue characters into one glyph, are escaped.
#[test]
fn escaped_names_are_as_wide_for_every_terminal() {
    use ratatui::style::Style;
    use ratatui::text::Span;
    let names = [
        "main.family\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}",
        "main.heart\u{2764}\u{fe0f}",
        "keycap1\u{fe0f}\u{20e3}",
        "main.thumb\u{1f44d}\u{1f3fd}",
        "main.flag\u{1f1eb}\u{1f1f7}",
        "main.e\u{301}cole",
        "main.hangul\u{1100}\u{1161}\u{11a8}",
        "main.hindi\u{915}\u{93f}",
        "main.tag\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}",
        "main.wide\u{6f22}\u{5b57}",
    ];
    for name in names {
        let shown = ppt::safe_text::escape(name.as_bytes());
        let span = Span::raw(shown.as_str());
        for g in span.styled_graphemes(Style::default()) {
            assert_eq!(
                Span::raw(g.symbol).width(),
                cells(g.symbol),
                "{name:?} shown as {shown:?}: grapheme {:?}",
                g.symbol
            );
        }
    }
}

/// A sample type's unit is any string: a long one is cut in the explorer
/// (`13000furlongs…`), the numbers kept, so the names stay in the table
/// and the callers pane.
#[test]
fn a_long_unit_does_not_push_the_names_out() {
    use ppt::explore::{Session, Settings};
    use ppt::profile::{DecodeOptions, decode};
    use ppt::tui::theme::Theme;
    use ppt::tui::{Action, App};
    use ratatui::Terminal as Screen;
    use ratatui::backend::TestBackend;
    let bytes = std::fs::read(SPOOF).unwrap();
    let profile = std::sync::Arc::new(decode(&bytes, &DecodeOptions::default()).unwrap());
    let settings = Settings::new(&profile, "spoof.pb");
    let mut app = App::new(Session::new(profile, settings), Theme { color: true });
    app.update(Action::PickSample(1)); // distance, in furlongs-per-fortnight-of-…
    let mut screen = Screen::new(TestBackend::new(120, 32)).unwrap();
    screen.draw(|frame| app.render(frame)).unwrap();
    let buffer = screen.backend().buffer();
    let lines: Vec<String> = (0..32)
        .map(|y| (0..120).map(|x| buffer[(x, y)].symbol()).collect())
        .collect();
    let text = lines.join("\n");
    let row = lines
        .iter()
        .find(|l| l.contains("main.wide"))
        .unwrap_or_else(|| panic!("the names are shown:\n{text}"));
    assert!(row.contains("13000furlongs…"), "{row}");
    assert!(row.matches("13000").count() == 2, "flat and cum: {row}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("furlongs…") && l.contains("main.main")),
        "the callers pane shows its names:\n{text}"
    );
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
