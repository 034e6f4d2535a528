//! Shared by the end-to-end tests: the real binary in a real terminal, a
//! tmux server of the test's own.
//!
//! Each test binary uses part of this.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// The function names of `tests/fixtures/extra/hostile.pb` as ppt must
/// show them: every control, escape, bidi override and invalid byte
/// written out.
pub const HOSTILE_NAMES_SHOWN: [&str; 7] = [
    "clip\\x1b]52;c;cHduZWQ=\\x07board",
    "clear\\x1b[2J\\x1b[Hscreen",
    "title\\x1b]2;pwned-title\\x1b\\set",
    "c1\\x9b31mcsi",
    "bidi\\u{202e}evil\\u{202c}.go",
    "bell\\x07del\\x7f",
    "bad\\xff\\xfeutf8",
];

/// The function the callers/callees pane is on (after `▶ `).
pub fn current(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| l.split("│ ▶ ").nth(1))
        .map(|s| s.trim_end_matches(['│', ' ']).to_string())
        .unwrap_or_default()
}

/// Whether tmux is installed. Without it the calling test is skipped with
/// a note, except under CI (CI set), where it fails so the check cannot
/// silently disappear.
pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI"
        );
        eprintln!("note: tmux is not installed, skipping an end-to-end test");
    }
    found
}

pub const PROMPT: &str = "e2e$ ";

/// A tmux server of its own (unique socket) running a shell.
pub struct Terminal {
    pub socket: String,
}

impl Terminal {
    pub fn start(name: &str) -> Terminal {
        let t = Terminal {
            socket: format!("ppt-test-{name}-{}", std::process::id()),
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

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses tmux key names (`Enter`, `BSpace`, `q`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// The screen, once two captures in a row agree: the explorer redraws
    /// (the header's "fetched … ago" ticks), and a capture taken while a
    /// frame is being written shows half of it.
    pub fn screen(&self) -> String {
        let mut last = self.tmux(&["capture-pane", "-p"]);
        for _ in 0..50 {
            std::thread::sleep(Duration::from_millis(15));
            let now = self.tmux(&["capture-pane", "-p"]);
            if now == last {
                break;
            }
            last = now;
        }
        last
    }

    /// The screen with wrapped lines joined (long report lines).
    pub fn joined_screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J"])
    }

    /// Polls the screen until `ready` holds; fails after 20 s with the
    /// screen in the message.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
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

    /// A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`...).
    pub fn format(&self, format: &str) -> String {
        self.tmux(&["display-message", "-p", format])
            .trim()
            .to_string()
    }

    /// Resizes the window (tmux keeps the size until told otherwise).
    pub fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// Runs `command` at the shell prompt, then prints its exit status
    /// as `exit=N`.
    pub fn run(&self, command: &str) {
        self.type_text(&format!("{command}; echo exit=$?"));
        self.keys(&["Enter"]);
    }

    pub fn alternate_screen(&self) -> bool {
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
