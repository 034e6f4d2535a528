//! The real `ppt` binary in a real terminal (tmux, 120x32): it opens the
//! explorer, reacts to keys, and gives the terminal back on quit.
//!
//! Needs tmux; without it the tests are skipped with a note, except under
//! CI (CI set), where they fail so the check cannot silently disappear.

use std::process::Command;
use std::time::{Duration, Instant};

const PROMPT: &str = "e2e$ ";

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI"
        );
        eprintln!("note: tmux is not installed, skipping the explorer's end-to-end test");
    }
    found
}

/// A tmux server of its own (unique socket) running a shell.
struct Terminal {
    socket: String,
}

impl Terminal {
    fn start(name: &str) -> Terminal {
        let t = Terminal {
            socket: format!("ppt-e2e-{name}-{}", std::process::id()),
        };
        let ok = Command::new("tmux")
            .args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "120", "-y", "32", "-e", "NO_COLOR=", "sh"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux starts");
        // Shells pick their own prompt for root: set one to look for.
        t.type_text(&format!("PS1='{PROMPT}'"));
        t.keys(&["Enter"]);
        t.type_text("clear");
        t.keys(&["Enter"]);
        t.wait_for("shell prompt", |s| {
            s.trim_start().starts_with(PROMPT.trim_end())
        });
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally (no key names).
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses tmux key names (`Enter`, `BSpace`, `q`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Polls the screen until `ready` holds; fails after 15 s with the
    /// screen in the message.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alternate_screen(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Line `i` of the table (0: the first row), without borders.
fn table_row(screen: &str, i: usize) -> String {
    screen.lines().nth(4 + i).unwrap_or_default().to_string()
}

/// The function the callers/callees pane is on (after `▶ `).
fn current(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| l.split("│ ▶ ").nth(1))
        .map(|s| s.trim_end_matches(['│', ' ']).to_string())
        .unwrap_or_default()
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

    // The first row is `ppt --top`'s first row.
    let screen = t.screen();
    assert!(t.alternate_screen(), "full screen");
    let first = table_row(&screen, 0);
    assert!(
        first.contains("36963.58kB") && first.contains("36.80%") && first.contains("main.sortWork"),
        "{first}"
    );
    assert!(screen.contains("total 100434.91kB"), "{screen}");

    // Switch to alloc_objects (1): the total and the rows change.
    t.keys(&["1"]);
    let screen = t.wait_for("alloc_objects", |s| !s.contains("total 100434.91kB"));
    assert!(!table_row(&screen, 0).contains("36963.58kB"), "{screen}");
    t.keys(&["i"]);
    t.wait_for("alloc_space", |s| table_row(s, 0) != table_row(&screen, 0));
    t.keys(&["4"]);
    t.wait_for("inuse_space again", |s| s.contains("total 100434.91kB"));

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
