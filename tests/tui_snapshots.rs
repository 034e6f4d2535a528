//! Whole screens of the explorer on ratatui's TestBackend, driven by
//! scripted key events, compared with accepted snapshots
//! (`tests/snapshots/`; review changes with `cargo insta review`).

#[path = "common/keys.rs"]
mod keys;
use keys::{key, keys};

mod common;

use common::HOSTILE_NAMES_SHOWN;
use crossterm::event::{Event, KeyCode, KeyModifiers, MouseEvent, MouseEventKind};
use ppt::explore::{Session, Settings};
use ppt::profile::{DecodeOptions, Profile, load};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::sync::Arc;

fn heap() -> Arc<Profile> {
    Arc::new(load("assets/heap.pprof", &DecodeOptions::default()).expect("fixture loads"))
}

/// The screen after playing `events` on a `width` x `height` terminal.
fn screen_after(
    p: &Arc<Profile>,
    theme: Theme,
    width: u16,
    height: u16,
    events: Vec<Event>,
) -> Terminal<TestBackend> {
    let settings = Settings::new(p, "heap.pprof");
    let mut app = App::new(Session::new(p.clone(), settings), theme);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(events)).unwrap();
    terminal
}

fn screen(width: u16, height: u16, script: &[&str]) -> Terminal<TestBackend> {
    screen_after(&heap(), Theme { color: true }, width, height, keys(script))
}

#[test]
fn table() {
    insta::assert_snapshot!(screen(120, 32, &[]).backend());
}

#[test]
fn callers_and_callees() {
    // Store.Put is the fourth row; enter it, then its heaviest callee.
    let t = screen(120, 32, &["jjj", "<Enter>"]);
    insta::assert_snapshot!("callers_callees", t.backend());
    let t = screen(120, 32, &["jjj", "<Enter>", "<Enter>"]);
    insta::assert_snapshot!("callers_callees_entered", t.backend());
}

#[test]
fn sample_type_switched() {
    insta::assert_snapshot!(screen(120, 32, &["jjj", "1"]).backend());
}

#[test]
fn filter_pane() {
    let t = screen(120, 32, &["f", "internal/", "<Down>", "<Down>", "json"]);
    insta::assert_snapshot!("filter_pane_editing", t.backend());
    let t = screen(120, 32, &["f", "<Down>", "<Down>", "json(", "<Enter>"]);
    insta::assert_snapshot!("filter_pane_bad_regex", t.backend());
    let t = screen(120, 32, &["f", "<Down>", "<Down>", "Marshal", "<Enter>"]);
    insta::assert_snapshot!("filter_applied", t.backend());
}

#[test]
fn search_prompt() {
    let t = screen(120, 32, &["/", "stodec"]);
    insta::assert_snapshot!(t.backend());
    // The matched characters of the first result are highlighted.
    let buffer = t.backend().buffer();
    let (x0, y) = (0..buffer.area.height)
        .find_map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            line.find("▶ example.com")
                .map(|i| (line[..i].chars().count() as u16 + 2, y))
        })
        .expect("first result on screen");
    let highlighted: String = (x0..buffer.area.width)
        .filter(|&x| buffer[(x, y)].fg == Color::LightYellow)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect();
    assert_eq!(highlighted.to_lowercase(), "stodec");
}

#[test]
fn search_jumped() {
    insta::assert_snapshot!(screen(120, 32, &["/", "unmarshal", "<Enter>"]).backend());
}

#[test]
fn help() {
    insta::assert_snapshot!(screen(120, 40, &["?"]).backend());
}

#[test]
fn narrow_stacks_then_hides_the_side_pane() {
    insta::assert_snapshot!("stacked_80x32", screen(80, 32, &["jjj"]).backend());
    insta::assert_snapshot!("small_60x16", screen(60, 16, &["jjj"]).backend());
    insta::assert_snapshot!(
        "small_60x16_calls",
        screen(60, 16, &["jjj", "<Tab>"]).backend()
    );
}

#[test]
fn every_size_down_to_one_cell_draws_without_panic() {
    let p = heap();
    let script = ["jjj", "<Enter>", "/", "js", "<Esc>", "f", "x", "<Esc>", "?"];
    for (w, h) in [
        (1, 1),
        (2, 2),
        (5, 3),
        (10, 4),
        (20, 6),
        (33, 9),
        (45, 12),
        (70, 14),
        (100, 19),
    ] {
        for prefix in 0..=script.len() {
            screen_after(&p, Theme { color: true }, w, h, keys(&script[..prefix]));
        }
    }
}

#[test]
fn no_color_means_no_colour() {
    let t = screen_after(
        &heap(),
        Theme { color: false },
        120,
        32,
        keys(&["jjj", "<Enter>", "/", "json"]),
    );
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    let p = heap();
    let click = |column, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let wheel = Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    });
    // Header (2 lines), border, column titles: the first row is on line 4.
    let settings = Settings::new(&p, "heap.pprof");
    let mut app = App::new(Session::new(p.clone(), settings), Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    let events = vec![click(10, 6), wheel.clone()];
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(events)).unwrap();
    assert_eq!(app.session.cursor(), 2 + 3);
    // A double click enters the function: the calls pane gets the focus.
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(vec![click(10, 7), click(10, 7)]),
    )
    .unwrap();
    assert_eq!(app.focus, ppt::tui::app::Pane::Calls);
}

fn hostile() -> Arc<Profile> {
    Arc::new(
        load("tests/fixtures/extra/hostile.pb", &DecodeOptions::default()).expect("fixture loads"),
    )
}

/// The screen after `events` on the hostile-name profile.
fn hostile_screen(width: u16, height: u16, events: Vec<Event>) -> Terminal<TestBackend> {
    let p = hostile();
    let settings = Settings::new(&p, "hostile\x1b]0;file-title\x07.pb");
    let mut app = App::new(Session::new(p.clone(), settings), Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(events)).unwrap();
    terminal
}

/// Whether a terminal could act on `c` or it reorders text: C0, DEL, C1,
/// bidirectional controls, line separators, BOM.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn assert_no_raw_controls(t: &Terminal<TestBackend>, what: &str) {
    for cell in t.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(acts_on_terminal),
            "{what}: raw control in a cell {:?}:\n{}",
            cell.symbol(),
            t.backend()
        );
    }
}

#[test]
fn hostile_names_are_shown_escaped() {
    let t = hostile_screen(120, 32, vec![]);
    insta::assert_snapshot!("hostile_table", t.backend());
    let text = t.backend().to_string();
    for visible in HOSTILE_NAMES_SHOWN.iter().chain(&[
        // The binary (first mapping) and the file name in the header.
        "app\\x1b]0;pwned-title\\x07",
        "hostile\\x1b]0;file-title\\x07.pb",
    ]) {
        assert!(text.contains(visible), "{visible:?} not shown:\n{text}");
    }
    // The side pane lists the hostile callees of main.main; the search
    // prompt ranks hostile names.
    let t = hostile_screen(120, 32, keys(&["/", "main.main", "<Enter>", "<Enter>"]));
    insta::assert_snapshot!("hostile_calls", t.backend());
    let t = hostile_screen(120, 32, keys(&["/", "e"]));
    insta::assert_snapshot!("hostile_search", t.backend());
}

#[test]
fn no_screen_passes_a_profile_control_to_the_terminal() {
    let pasted =
        |text: &str| -> Vec<Event> { text.chars().map(|c| key(KeyCode::Char(c))).collect() };
    let mut scripts: Vec<(&str, Vec<Event>)> = vec![
        ("table", vec![]),
        ("calls", keys(&["<Enter>"])),
        ("entered", keys(&["jj", "<Enter>", "<Enter>"])),
        ("search", keys(&["/", "e"])),
        ("search jump", keys(&["/", "bidi", "<Enter>"])),
        ("no match", keys(&["/", "zzz", "<Enter>"])),
        ("help", keys(&["?"])),
    ];
    // Control characters typed or pasted into the prompts are echoed
    // escaped too, and so is a filter built from them.
    let mut search = keys(&["/"]);
    search.extend(pasted("\u{202e}\u{9b}2J"));
    scripts.push(("pasted search", search.clone()));
    search.extend(keys(&["<Enter>"]));
    scripts.push(("pasted search, no match", search));
    let mut filter = keys(&["f", "<Down>", "<Down>"]);
    filter.extend(pasted("clip\u{1b}|bidi\u{202e}"));
    scripts.push(("pasted filter", filter.clone()));
    filter.extend(keys(&["<Enter>"]));
    scripts.push(("pasted filter applied", filter));
    // Every granularity: files and lines show the hostile file names.
    for n in 1..=4 {
        scripts.push(("granularity", keys(&[&"v".repeat(n), "<Enter>"])));
    }
    for (width, height) in [(120, 32), (80, 24), (40, 12)] {
        for (what, events) in &scripts {
            let t = hostile_screen(width, height, events.clone());
            assert_no_raw_controls(&t, &format!("{what} at {width}x{height}"));
        }
    }
}

/// The event loop with a worker (as `ppt` runs it) ends a script on the
/// screen the synchronous explorer shows: results are taken in between
/// events until nothing is left to compute.
#[test]
fn event_loop_with_a_worker_ends_on_the_same_screen() {
    let p = heap();
    let script = keys(&[
        "jjj",
        "<Enter>",
        "/",
        "unm",
        "<Bksp>",
        "marsh",
        "<Enter>",
        "f",
        "<Down>",
        "<Down>",
        "json|Store",
        "<Enter>",
        "i",
        "s",
        "v",
        "n",
        "<Enter>",
    ]);
    let expected = screen_after(&p, Theme { color: true }, 120, 32, script.clone());
    let settings = Settings::new(&p, "heap.pprof");
    let mut app = App::new(
        Session::new_interactive(p.clone(), settings),
        Theme { color: true },
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    app.with_worker(|app| {
        run_app(&mut terminal, app, &mut ScriptedEvents::new(script)).unwrap();
        assert!(!app.session.busy());
    });
    assert_eq!(terminal.backend().buffer(), expected.backend().buffer());
}
