//! Shared by the tests: the real binary in a real terminal (`tmux`), a
//! loopback HTTP server (`http`), and what the explorer shows.
//!
//! Each test binary uses part of this.
#![allow(dead_code)]

pub mod http;
pub mod oracle;
pub mod tmux;

// Where the end-to-end tests have always found them.
#[allow(unused_imports)]
pub use tmux::{PROMPT, Terminal, tmux_available};

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
