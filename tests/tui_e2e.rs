//! The real `ppt` binary in a real terminal (tmux, 120x32): it opens the
//! explorer, reacts to keys, and gives the terminal back on quit.
//!
//! Needs tmux; without it the tests are skipped with a note, except under
//! CI (CI set), where they fail so the check cannot silently disappear.

mod common;

use common::{HOSTILE_NAMES_SHOWN, PROMPT, Terminal, current, tmux_available};
use std::process::Command;
use std::time::Duration;

/// Line `i` of the table (0: the first row), without borders.
fn table_row(screen: &str, i: usize) -> String {
    screen.lines().nth(4 + i).unwrap_or_default().to_string()
}

fn open(name: &str) -> Terminal {
    let t = Terminal::start(name);
    let command = format!(
        "{} {}/assets/heap.pprof",
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    );
    t.type_text(&command);
    t.keys(&["Enter"]);
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork")
    });
    t
}

#[test]
fn explore_heap_profile_and_quit() {
    if !tmux_available() {
        return;
    }
    let t = open("explore");

    // The first row is `ppt --top`'s first row (36963.58kB there: the
    // explorer prints each value in its own unit).
    let screen = t.screen();
    assert!(t.alternate_screen(), "full screen");
    let first = table_row(&screen, 0);
    assert!(
        first.contains("36.10MB") && first.contains("36.80%") && first.contains("main.sortWork"),
        "{first}"
    );
    assert!(screen.contains("total 98.08MB"), "{screen}");
    // A file is read, not fetched.
    let header = screen.lines().next().unwrap_or_default();
    assert!(
        header.contains("· read ") && !header.contains("fetched"),
        "{header}"
    );

    // Switch to alloc_objects (1): the total and the rows change.
    t.keys(&["1"]);
    let screen = t.wait_for("alloc_objects", |s| !s.contains("total 98.08MB"));
    assert!(!table_row(&screen, 0).contains("36.10MB"), "{screen}");
    t.keys(&["i"]);
    t.wait_for("alloc_space", |s| table_row(s, 0) != table_row(&screen, 0));
    t.keys(&["4"]);
    t.wait_for("inuse_space again", |s| s.contains("total 98.08MB"));

    // Search a function and land on it.
    t.keys(&["/"]);
    t.wait_for("the prompt", |s| s.contains("Search:"));
    t.type_text("json.Unmarshal");
    t.wait_for("the match", |s| s.contains("▶ encoding/json.Unmarshal"));
    t.keys(&["Enter"]);
    let screen = t.wait_for("the jump", |s| {
        !s.contains("Search:") && current(s) == "encoding/json.Unmarshal"
    });
    assert!(screen.contains("match 1/"), "{screen}");

    // Enter a callee, then go back.
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    let screen = t.wait_for("the callee", |s| {
        let c = current(s);
        !c.is_empty() && c != "encoding/json.Unmarshal"
    });
    let trail = screen
        .lines()
        .find(|l| l.contains("trail "))
        .unwrap_or_default();
    assert!(
        trail.contains(" › json.Unmarshal"),
        "trail shows the path:\n{screen}"
    );
    t.keys(&["BSpace"]);
    t.wait_for("back", |s| current(s) == "encoding/json.Unmarshal");

    // Quit: the shell is back, out of the alternate screen.
    t.keys(&["q"]);
    let screen = t.wait_for("the shell", |s| {
        s.lines()
            .filter(|l| l.starts_with(PROMPT.trim_end()))
            .count()
            >= 2
    });
    assert!(!t.alternate_screen(), "alternate screen left");
    assert!(!screen.contains("Top ·"), "explorer gone:\n{screen}");
    // The terminal is usable: a command echoes normally (not raw mode).
    t.type_text("echo restored-$((1+1))");
    t.keys(&["Enter"]);
    t.wait_for("echo output", |s| s.contains("restored-2"));
}

#[test]
fn piped_output_prints_the_top_report() {
    let out = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/heap.pprof"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Showing nodes accounting for"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no terminal control codes on a pipe"
    );
}

#[test]
fn bad_profile_errors_before_the_terminal_is_touched() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("error");
    t.type_text(&format!("{} /nonexistent.pprof", env!("CARGO_BIN_EXE_ppt")));
    t.keys(&["Enter"]);
    let screen = t.wait_for("the error", |s| s.contains("ppt: "));
    assert!(screen.contains("/nonexistent.pprof"), "{screen}");
    assert!(!t.alternate_screen());
}

/// `ppt` on the heap profile, with `env` set for it.
fn ppt_command(env: &str, profile: &str) -> String {
    format!(
        "{env} {} {}/{profile}",
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The exit status the shell printed after the last `run`.
fn exit_status(t: &Terminal) -> String {
    // A line `exit=N` (the typed command line shows `exit=$?`).
    let status = |s: &str| {
        s.lines().rev().find_map(|l| {
            l.trim_end()
                .strip_prefix("exit=")
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_string)
        })
    };
    let screen = t.wait_for("the exit status", |s| status(s).is_some());
    status(&screen).unwrap_or_default()
}

/// The shell's terminal is as before the explorer: main screen with what
/// was printed before still there, cursor shown, mouse not captured, and
/// the line discipline cooked (canonical, echoing).
fn assert_terminal_restored(t: &Terminal, printed_before: &str) {
    assert_eq!(t.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor visible");
    assert_eq!(
        t.format("#{mouse_any_flag}#{mouse_button_flag}#{mouse_all_flag}"),
        "000",
        "mouse capture off"
    );
    let screen = t.screen();
    assert!(
        screen.contains(printed_before),
        "what was printed before is visible:\n{screen}"
    );
    // stty reads the line discipline of the pane's terminal.
    t.type_text("clear; stty -a; echo stty-done");
    t.keys(&["Enter"]);
    let screen = t.wait_for("stty", |s| s.contains("\nstty-done"));
    let words: Vec<&str> = screen.split_whitespace().collect();
    for flag in ["icanon", "echo", "icrnl", "isig"] {
        assert!(
            words.contains(&flag) && !words.contains(&format!("-{flag}").as_str()),
            "{flag} is on (raw mode is off):\n{screen}"
        );
    }
    // Typed text echoes, and a command runs.
    t.type_text("echo typed-$((40+2))");
    let screen = t.wait_for("the echo of typed text", |s| {
        s.contains("echo typed-$((40+2))")
    });
    assert!(!screen.contains("typed-42"), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("the command's output", |s| s.contains("\ntyped-42"));
}

#[test]
fn panic_in_the_event_loop_gives_the_terminal_back() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("panic");
    t.type_text("echo printed-before-ppt");
    t.keys(&["Enter"]);
    t.run(&ppt_command(
        "PPT_TEST_PANIC_AFTER_DRAW=1 RUST_BACKTRACE=0",
        "assets/heap.pprof",
    ));
    let status = exit_status(&t);
    assert_eq!(status, "101", "a panic exits with Rust's panic status");
    let screen = t.screen();
    assert!(
        screen.contains("panicked") && screen.contains("deliberate panic after the first frame"),
        "the panic message is printed on the normal screen:\n{screen}"
    );
    assert_terminal_restored(&t, "printed-before-ppt");
}

#[test]
fn error_in_the_event_loop_gives_the_terminal_back() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("loop-error");
    t.type_text("echo printed-before-ppt");
    t.keys(&["Enter"]);
    t.run(&ppt_command(
        "PPT_TEST_ERROR_AFTER_DRAW=1",
        "assets/heap.pprof",
    ));
    assert_eq!(exit_status(&t), "1");
    let screen = t.screen();
    assert!(
        screen.contains("ppt: terminal: PPT_TEST_ERROR_AFTER_DRAW"),
        "the error is printed:\n{screen}"
    );
    assert_terminal_restored(&t, "printed-before-ppt");
}

#[test]
fn quit_gives_the_terminal_back() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("quit");
    t.type_text("echo printed-before-ppt");
    t.keys(&["Enter"]);
    t.run(&ppt_command("", "assets/heap.pprof"));
    t.wait_for("the explorer", |s| s.contains("Top ·"));
    t.keys(&["q"]);
    assert_eq!(exit_status(&t), "0");
    assert_terminal_restored(&t, "printed-before-ppt");
}

/// A small deterministic generator (no dependency, same storm every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn survives_resizing_to_one_cell_and_resize_storms() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("resize");
    t.run(&ppt_command("", "assets/heap.pprof"));
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork")
    });
    let alive = |t: &Terminal, when: &str| {
        let command = t.format("#{pane_current_command}");
        assert_eq!(command, "ppt", "ppt still runs {when}:\n{}", t.screen());
    };

    t.resize(1, 1);
    assert_eq!(t.format("#{window_width}x#{window_height}"), "1x1");
    std::thread::sleep(Duration::from_millis(300));
    alive(&t, "at 1x1");
    t.keys(&["j"]);
    t.resize(2, 1);
    t.resize(1, 2);
    std::thread::sleep(Duration::from_millis(200));
    alive(&t, "at 1x2");

    // A storm: many sizes, no pause, keys in between.
    let mut rng = Lcg(7);
    for i in 0..120 {
        let (w, h) = (1 + rng.below(200) as u16, 1 + rng.below(60) as u16);
        t.resize(w, h);
        if i % 10 == 0 {
            t.keys(&["j"]);
        }
    }
    t.resize(120, 32);
    alive(&t, "after the storm");

    // Still answering: the table is back and a key does what it says.
    t.wait_for("the table at 120x32", |s| {
        s.contains("Top ·") && s.lines().count() >= 31
    });
    t.keys(&["s"]);
    let screen = t.wait_for("the sort", |s| s.contains("sorted by cum"));
    assert!(screen.contains("Top · sort cum"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(exit_status(&t), "0");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn hostile_names_cannot_drive_the_terminal() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("hostile");
    let title = t.format("#{pane_title}");
    t.run(&ppt_command("", "tests/fixtures/extra/hostile.pb"));
    let screen = t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.main")
    });
    let intact = |screen: &str, what: &str| {
        let lines: Vec<&str> = screen.lines().collect();
        assert!(lines.len() >= 31, "{what}: screen lines kept:\n{screen}");
        assert!(
            lines[0].starts_with(" ppt "),
            "{what}: header on top:\n{screen}"
        );
        assert!(
            lines[2].starts_with("┌ Top"),
            "{what}: table in place:\n{screen}"
        );
        assert!(
            lines[30].starts_with('└'),
            "{what}: table's bottom in place:\n{screen}"
        );
        assert!(
            ["? help", "Esc cancel", "granularity: "]
                .iter()
                .any(|s| lines[31].contains(s)),
            "{what}: status line at the bottom:\n{screen}"
        );
        assert_eq!(
            t.format("#{pane_title}"),
            title,
            "{what}: the title is unchanged"
        );
        assert!(
            t.tmux(&["list-buffers"]).trim().is_empty(),
            "{what}: nothing reached the clipboard (OSC 52)"
        );
        assert_eq!(
            t.format("#{alternate_on}"),
            "1",
            "{what}: still full screen"
        );
    };
    intact(&screen, "table");
    for visible in HOSTILE_NAMES_SHOWN
        .iter()
        .chain(&["app\\x1b]0;pwned-title\\x07"])
    {
        assert!(
            screen.contains(visible),
            "{visible:?} shown escaped:\n{screen}"
        );
    }
    // The side pane on main.main lists them all; search ranks them.
    t.keys(&["G"]);
    let screen = t.wait_for("main.main's callees", |s| s.contains("callees (7)"));
    intact(&screen, "callees");
    t.keys(&["/"]);
    t.type_text("title");
    let screen = t.wait_for("the search", |s| s.contains("▶ title\\x1b]2;pwned-title"));
    intact(&screen, "search");
    t.keys(&["Enter", "v", "v"]);
    let screen = t.wait_for("files", |s| s.contains("granularity: files"));
    assert!(
        screen.contains("bad\\xff.go"),
        "file names escaped:\n{screen}"
    );
    intact(&screen, "files");
    t.keys(&["q"]);
    assert_eq!(exit_status(&t), "0");
    assert_eq!(t.format("#{pane_title}"), title);
}
