//! The flame graph and the call tree in the real `ppt` binary, in a real
//! terminal (tmux, 120x32), on a real CPU profile: `F`, moves, a zoom and
//! back, a search, the call tree, and quit.
//!
//! Needs tmux; without it the test is skipped with a note, except under
//! CI (CI set), where it fails so the check cannot silently disappear.

mod common;

use common::{PROMPT, Terminal, tmux_available};

/// The info line of the view (the frame selected), without borders.
fn info(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .nth(2)
        .unwrap_or_default()
        .trim_matches(['│', ' '])
        .to_string()
}

/// Level `n` of the icicle (0: the root), without borders.
fn level(screen: &str, n: usize) -> String {
    screen
        .lines()
        .nth(3 + n)
        .unwrap_or_default()
        .trim_matches(['│', ' '])
        .to_string()
}

#[test]
fn flame_graph_move_zoom_back_search_and_quit() {
    if !tmux_available() {
        return;
    }
    let t = Terminal::start("flame");
    let command = format!(
        "{} {}/assets/cpu.pprof",
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    );
    t.type_text(&command);
    t.keys(&["Enter"]);
    t.wait_for("the explorer", |s| s.contains("Top ·"));

    // F: the flame graph of the whole profile, the heaviest root selected.
    t.keys(&["F"]);
    let screen = t.wait_for("the flame graph", |s| {
        s.contains("flame graph · icicle") && info(s).starts_with("main.storeWork.func1 · 3.22s")
    });
    assert!(level(&screen, 0).starts_with("root"), "{screen}");
    assert!(level(&screen, 1).contains("runtime.main"), "{screen}");
    assert!(info(&screen).contains("62.77% of total"), "{screen}");

    // Down: the heaviest callee; right: its sibling.
    t.keys(&["j"]);
    t.wait_for("Store.Put", |s| {
        info(s).starts_with("example.com/shop/internal/store.(*Store).Put · 1.22s")
    });
    t.keys(&["l"]);
    t.wait_for("Store.Decode", |s| info(s).contains("(*Store).Decode"));
    t.keys(&["h"]);
    t.wait_for("Store.Put again", |s| info(s).contains("(*Store).Put"));

    // Enter zooms: Store.Put takes the width, the path above stays.
    t.keys(&["Enter"]);
    let zoomed = t.wait_for("the zoom", |s| level(s, 2) == "store.(*Store).Put");
    assert!(level(&zoomed, 0).starts_with("root"), "{zoomed}");
    assert_eq!(level(&zoomed, 1), "main.storeWork.func1", "{zoomed}");
    assert!(level(&zoomed, 3).starts_with("json.Marshal"), "{zoomed}");

    // Backspace zooms back out.
    t.keys(&["BSpace"]);
    t.wait_for("zoomed out", |s| level(s, 1).contains("runtime.main"));

    // A search highlights and says the share of the matches.
    t.keys(&["/"]);
    t.wait_for("the prompt", |s| s.contains("search (regex):"));
    t.type_text("json");
    t.wait_for("the share", |s| {
        s.contains("/json · 35 frames · 39.38% of total")
    });
    t.keys(&["Enter"]);
    t.wait_for("the first match", |s| {
        !s.contains("search (regex):") && info(s).starts_with("encoding/json.Marshal")
    });

    // Flipped: the root at the bottom.
    t.keys(&["o"]);
    let flipped = t.wait_for("flipped", |s| s.contains("flame graph · flame"));
    let bottom = flipped.lines().rev().nth(3).unwrap_or_default();
    assert!(bottom.starts_with("│root"), "{flipped}");

    // T: the call tree on the same selection; F F: the table again.
    t.keys(&["T"]);
    t.wait_for("the call tree", |s| {
        s.contains("call tree") && s.contains("total%") && s.contains("▾ root")
    });
    t.keys(&["F", "F"]);
    t.wait_for("the table", |s| s.contains("Top ·"));

    t.keys(&["q"]);
    t.wait_for("the shell", |s| {
        s.lines()
            .filter(|l| l.starts_with(PROMPT.trim_end()))
            .count()
            >= 2
    });
    assert!(!t.alternate_screen(), "alternate screen left");
}
