//! The flame graph and the call tree on ratatui's TestBackend, driven by
//! scripted keys, compared with accepted snapshots (`tests/snapshots/`;
//! review changes with `cargo insta review`), and their colours checked
//! cell by cell.

#[path = "common/keys.rs"]
mod keys;
use keys::keys;

use crossterm::event::{Event, KeyModifiers};
use ppt::explore::{Session, Settings};
use ppt::profile::{DecodeOptions, Profile, load};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::sync::Arc;

fn cpu() -> Arc<Profile> {
    Arc::new(load("assets/cpu.pprof", &DecodeOptions::default()).expect("fixture loads"))
}

/// The app after playing `script` on a `width` x `height` terminal.
fn play(color: bool, width: u16, height: u16, script: &[&str]) -> (App, Terminal<TestBackend>) {
    let p = cpu();
    let settings = Settings::new(&p, "cpu.pprof");
    let mut app = App::new(Session::new(p.clone(), settings), Theme { color });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(keys(script)),
    )
    .expect("runs");
    (app, terminal)
}

fn screen(width: u16, height: u16, script: &[&str]) -> Terminal<TestBackend> {
    play(true, width, height, script).1
}

fn line(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect()
}

#[test]
fn icicle() {
    let t = screen(100, 30, &["F"]);
    let buffer = t.backend().buffer();
    assert!(line(buffer, 2).contains("flame graph · icicle"));
    // The root on top, full width.
    assert!(line(buffer, 3).starts_with("│root "));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn flipped() {
    let t = screen(100, 30, &["F", "o"]);
    let buffer = t.backend().buffer();
    assert!(line(buffer, 2).contains("flame graph · flame"));
    // The root at the bottom, above the info line.
    assert!(line(buffer, 26).starts_with("│root "));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn zoomed_then_back() {
    // Down to Store.Put (main.storeWork.func1's heaviest callee), zoom.
    let t = screen(100, 30, &["F", "j", "<Enter>"]);
    let buffer = t.backend().buffer();
    assert!(line(buffer, 3).starts_with("│root "));
    assert!(line(buffer, 4).starts_with("│main.storeWork.func1 "));
    assert!(line(buffer, 5).starts_with("│store.(*Store).Put "));
    insta::assert_snapshot!("zoomed", t.backend());
    let back = screen(100, 30, &["F", "j", "<Enter>", "<Bksp>"]);
    insta::assert_snapshot!("zoomed_back", back.backend());
}

#[test]
fn searched() {
    let (app, t) = play(true, 100, 30, &["F", "/", "json", "<Enter>"]);
    let buffer = t.backend().buffer();
    // The title says the query and the share of the matched frames (the
    // share is checked against pprof's stacks in tests/trees.rs).
    let title = line(buffer, 2);
    assert!(
        title.contains("/json · 35 frames · 39.38% of total"),
        "{title}"
    );
    let info = line(buffer, 27);
    assert!(info.contains("encoding/json.Marshal · 0.97s"), "{info}");
    // Matching frames are highlighted; the selection went to the first.
    let highlighted = buffer
        .content()
        .iter()
        .filter(|c| c.bg == Color::Rgb(230, 90, 230))
        .count();
    assert!(highlighted > 0);
    assert!(
        app.session
            .tree_name(app.session.tree_selected())
            .contains("json")
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn narrow_60x15() {
    insta::assert_snapshot!("flame_60x15", screen(60, 15, &["F", "jj"]).backend());
    insta::assert_snapshot!("tree_60x15", screen(60, 15, &["T", "e"]).backend());
}

#[test]
fn no_color() {
    let (_, t) = play(false, 100, 30, &["F", "j", "/", "json"]);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    // The selection in reverse video: Store.Put on the third level.
    let buffer = t.backend().buffer();
    let y = 5;
    assert!(line(buffer, y).starts_with("│store.(*Store).Put"));
    assert!(buffer[(1, y)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn one_hue_per_package() {
    let t = screen(200, 50, &["F"]);
    let buffer = t.backend().buffer();
    // The first cell of every box named `sort.…` has the same colour.
    let mut sort_colours = std::collections::HashSet::new();
    let mut colours = std::collections::HashSet::new();
    for y in 4..46 {
        let text = line(buffer, y);
        for (i, _) in text.match_indices("sort.") {
            let x = text[..i].chars().count() as u16;
            let before = if x > 0 {
                buffer[(x - 1, y)].symbol()
            } else {
                ""
            };
            if before == " " || before == "│" {
                sort_colours.insert(buffer[(x, y)].bg);
            }
        }
        for x in 1..199 {
            colours.insert(buffer[(x, y)].bg);
        }
    }
    assert_eq!(sort_colours.len(), 1, "{sort_colours:?}");
    assert!(colours.len() > 5, "packages differ: {}", colours.len());
}

#[test]
fn call_trees() {
    insta::assert_snapshot!("top_down", screen(100, 30, &["T", "e"]).backend());
    insta::assert_snapshot!(
        "bottom_up",
        screen(100, 30, &["T", "o", "j", "<Right>"]).backend()
    );
    // T again: back to the table.
    let t = screen(100, 30, &["T", "T"]);
    assert!(line(t.backend().buffer(), 2).contains("Top"));
}

#[test]
fn sandwich() {
    // sort.Ints: runtime.main's heaviest path, three calls down.
    let t = screen(100, 30, &["F", "l", "jjj", "S"]);
    let buffer = t.backend().buffer();
    assert!(line(buffer, 2).contains("sandwich · sort.Ints"));
    // The function ends the callers' half (as high as its callers go)
    // and starts the callees'.
    assert!(line(buffer, 3).starts_with("│runtime.main "));
    assert!(line(buffer, 5).starts_with("│main.sortWork "));
    assert!(line(buffer, 6).starts_with("│sort.Ints "));
    assert!(line(buffer, 7).starts_with("│sort.Ints "));
    assert!(line(buffer, 8).starts_with("│sort.Sort "));
    insta::assert_snapshot!(t.backend());
    // S again: the flame graph.
    let t = screen(100, 30, &["F", "l", "jjj", "S", "S"]);
    assert!(line(t.backend().buffer(), 2).contains("flame graph"));
}

#[test]
fn every_size_draws_without_panic() {
    let script = [
        "F", "j", "<Enter>", "/", "js", "<Esc>", "o", "S", "S", "T", "e", "o", "S", "?",
    ];
    for (w, h) in [(1, 1), (2, 2), (5, 3), (10, 4), (20, 6), (33, 9), (45, 12)] {
        for prefix in 0..=script.len() {
            screen(w, h, &script[..prefix]);
        }
    }
}

fn click(column: u16, row: u16) -> Event {
    Event::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_click_selects_a_frame_and_a_double_click_zooms() {
    let (mut app, mut terminal) = play(true, 100, 30, &["F"]);
    // Level 2 (screen line 5): store.(*Store).Decode from column 23.
    let buffer = terminal.backend().buffer().clone();
    let text = line(&buffer, 5);
    let at = text.find("(*Store).Decode").expect("Decode is drawn");
    let x = text[..at].chars().count() as u16 + 2;
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(vec![click(x, 5)]),
    )
    .expect("runs");
    let selected = app.session.tree_name(app.session.tree_selected());
    assert_eq!(selected, "example.com/shop/internal/store.(*Store).Decode");
    assert_eq!(app.session.tree_zoom(), 0, "one click: no zoom");
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(vec![click(x + 1, 5), click(x + 1, 5)]),
    )
    .expect("runs");
    assert_eq!(app.session.tree_zoom(), app.session.tree_selected());
    let buffer = terminal.backend().buffer();
    assert!(line(buffer, 5).starts_with("│store.(*Store).Decode      "));
}

#[test]
fn t_shows_the_frame_in_the_table_and_comes_back() {
    let (mut app, terminal) = play(true, 120, 32, &["F", "j", "t"]);
    assert_eq!(app.session.tree_view(), None);
    assert_eq!(app.focus, ppt::tui::app::Pane::Calls);
    let node = app.session.selected().expect("a row");
    assert_eq!(
        app.session.name(node),
        "example.com/shop/internal/store.(*Store).Put"
    );
    assert_eq!(
        app.session.calls().node,
        Some(node),
        "its callers and callees"
    );
    assert!(line(terminal.backend().buffer(), 2).contains("Top"));
    app.update(ppt::tui::Action::ToTable);
    assert_eq!(app.session.tree_view(), Some(ppt::explore::TreeView::Flame));
    assert_eq!(
        app.session.tree_name(app.session.tree_selected()),
        "example.com/shop/internal/store.(*Store).Put"
    );
}

/// Characters that would act on the terminal rather than be shown.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

#[test]
fn hostile_names_are_escaped_in_every_view() {
    let p = Arc::new(
        load("tests/fixtures/extra/hostile.pb", &DecodeOptions::default()).expect("loads"),
    );
    for script in [
        &["F"][..],
        &["F", "j", "<Enter>"],
        &["F", "j", "S"],
        &["F", "/", "clip", "<Enter>"],
        &["T", "e"],
        &["T", "o", "e"],
    ] {
        for (w, h) in [(120, 32), (40, 12)] {
            let settings = Settings::new(&p, "hostile.pb");
            let mut app = App::new(Session::new(p.clone(), settings), Theme { color: true });
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a terminal");
            run_app(
                &mut terminal,
                &mut app,
                &mut ScriptedEvents::new(keys(script)),
            )
            .expect("runs");
            for cell in terminal.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(acts_on_terminal),
                    "{script:?}: raw control {:?}:\n{}",
                    cell.symbol(),
                    terminal.backend()
                );
            }
        }
    }
    // The names are there, written out.
    let settings = Settings::new(&p, "hostile.pb");
    let mut app = App::new(Session::new(p.clone(), settings), Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(200, 40)).expect("a terminal");
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(keys(&["T", "e"])),
    )
    .expect("runs");
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("\\x1b"), "{screen}");
}

#[test]
fn a_zoomed_call_tree_names_the_path_to_its_top() {
    let t = screen(100, 30, &["T", "<Right>", "<Right>", "<Enter>"]);
    let buffer = t.backend().buffer();
    let title = line(buffer, 2);
    assert!(
        title.contains("· in main.storeWork.func1 › store.(*Store).Put"),
        "{title}"
    );
    assert!(line(buffer, 4).contains("▾ example.com/shop/internal/store.(*Store).Put"));
}
