//! Floods of input never freeze the explorer or make it ignore C-c: a paste
//! of thousands of bytes into the search prompt (bracketed, or raw), ten
//! thousand `j` presses at once, ten thousand characters typed. The real
//! binary in tmux; the bounds are generous (a loaded machine), the freezes
//! they catch were unbounded (still up 40 s later).
//!
//! Needs tmux; without it the tests are skipped with a note, except under
//! CI (CI set), where they fail so the check cannot silently disappear.

mod common;

use common::{Terminal, tmux_available};
use ppt::profile::{DecodeOptions, decode};
use ppt::tui::app::Mode;
use ppt::tui::{Action, App, Settings};
use std::time::{Duration, Instant};

/// How long ppt may take to end after q or C-c, however much came before.
const PROMPT_EXIT: Duration = Duration::from_secs(15);

fn open(name: &str) -> Terminal {
    let t = Terminal::start(name);
    t.run(&format!(
        "{} {}/assets/heap.pprof",
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    ));
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork")
    });
    t
}

/// Waits for ppt to end (the shell prints `exit=N`); fails if it takes
/// longer than [`PROMPT_EXIT`] since `since`.
fn assert_exits_promptly(t: &Terminal, since: Instant, what: &str) -> String {
    loop {
        let screen = t.tmux(&["capture-pane", "-p"]);
        if let Some(line) = screen.lines().find(|l| l.starts_with("exit=")) {
            return line.to_string();
        }
        assert!(
            since.elapsed() < PROMPT_EXIT,
            "{what}: ppt still runs {:?} after the keys:\n{screen}",
            since.elapsed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Pastes `text` as a terminal does: bracketed, since ppt asks for it.
fn paste(t: &Terminal, text: &str) {
    t.tmux(&["set-buffer", "-b", "flood", text]);
    t.tmux(&["paste-buffer", "-p", "-d", "-b", "flood"]);
}

#[test]
fn a_paste_into_the_search_is_one_edit_and_q_still_quits() {
    if !tmux_available() {
        return;
    }
    for size in [3_000, 10_000] {
        let t = open(&format!("paste{size}"));
        t.keys(&["/"]);
        t.wait_for("the prompt", |s| s.contains("Search:"));
        let text: String = "sortWork".chars().cycle().take(size).collect();
        let start = Instant::now();
        paste(&t, &text);
        let screen = t.wait_for("the query", |s| s.contains("Search: sortWorksortWork"));
        assert!(
            screen.contains("a search is at most 256 characters"),
            "{screen}"
        );
        assert!(
            start.elapsed() < PROMPT_EXIT,
            "the paste took {:?}",
            start.elapsed()
        );
        t.keys(&["Escape"]);
        t.wait_for("the table", |s| !s.contains("Search:"));
        let start = Instant::now();
        t.keys(&["q"]);
        assert_eq!(
            assert_exits_promptly(&t, start, "q after a paste"),
            "exit=0"
        );
    }
}

#[test]
fn a_raw_flood_into_the_search_and_c_c_quits_promptly() {
    if !tmux_available() {
        return;
    }
    for size in [3_000, 10_000] {
        let t = open(&format!("raw{size}"));
        t.keys(&["/"]);
        t.wait_for("the prompt", |s| s.contains("Search:"));
        // Not bracketed: what a terminal without bracketed paste sends.
        let text: String = "abc".chars().cycle().take(size).collect();
        let start = Instant::now();
        t.type_text(&text);
        t.keys(&["C-c"]);
        assert_exits_promptly(&t, start, &format!("C-c after {size} characters"));
    }
}

#[test]
fn ten_thousand_j_then_q_quits_promptly() {
    if !tmux_available() {
        return;
    }
    let t = open("jflood");
    let start = Instant::now();
    t.type_text(&"j".repeat(10_000));
    t.keys(&["q"]);
    assert_eq!(
        assert_exits_promptly(&t, start, "q after 10,000 j"),
        "exit=0"
    );

    let t = open("jflood-cc");
    let start = Instant::now();
    t.type_text(&"j".repeat(10_000));
    t.keys(&["C-c"]);
    assert_exits_promptly(&t, start, "C-c after 10,000 j");
}

#[test]
fn ten_thousand_characters_typed_into_the_search_then_c_c() {
    if !tmux_available() {
        return;
    }
    let t = open("typed");
    t.keys(&["/"]);
    t.wait_for("the prompt", |s| s.contains("Search:"));
    // 100 key presses per tmux call, 100 calls: a fast typist, not a paste.
    let keys: Vec<&str> = ["x", "y", "z", "w"]
        .iter()
        .copied()
        .cycle()
        .take(100)
        .collect();
    for _ in 0..100 {
        t.keys(&keys);
    }
    t.wait_for("the query", |s| {
        s.contains("a search is at most 256 characters")
    });
    let start = Instant::now();
    t.keys(&["C-c"]);
    assert_exits_promptly(&t, start, "C-c after typing");
}

/// Each keystroke of the search costs the same, however long the query:
/// ten thousand characters typed one by one (no worker: each is scored to
/// the end at once) take a few seconds at most, the query stops at 256.
#[test]
fn typing_ten_thousand_characters_one_by_one_stays_cheap() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/heap.pprof")).unwrap();
    let profile = decode(&bytes, &DecodeOptions::default()).unwrap();
    let mut app = App::new(&profile, Settings::new(&profile, "heap.pprof"));
    app.update(Action::Search);
    let start = Instant::now();
    for c in "sortwork".chars().cycle().take(10_000) {
        app.update(Action::Insert(c));
    }
    let took = start.elapsed();
    let Mode::Search(finder) = &app.mode else {
        panic!("the prompt stays open")
    };
    assert_eq!(finder.query.chars().count(), 256);
    assert!(
        took < Duration::from_secs(10),
        "10,000 keystrokes took {took:?}"
    );
}
