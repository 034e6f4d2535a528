//! Whole screens of the explorer on ratatui's TestBackend, driven by
//! scripted key events, compared with accepted snapshots
//! (`tests/snapshots/`; review changes with `cargo insta review`).

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ppt::profile::{DecodeOptions, Profile, load};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, Settings, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn heap() -> Profile {
    load("assets/heap.pprof", &DecodeOptions::default()).expect("fixture loads")
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Key events for `keys`: characters as typed, `<Enter>`-style names for
/// the others.
fn keys(script: &[&str]) -> Vec<Event> {
    let mut events = Vec::new();
    for &k in script {
        let code = match k {
            "<Enter>" => KeyCode::Enter,
            "<Esc>" => KeyCode::Esc,
            "<Tab>" => KeyCode::Tab,
            "<Down>" => KeyCode::Down,
            "<Up>" => KeyCode::Up,
            "<Bksp>" => KeyCode::Backspace,
            text => {
                events.extend(text.chars().map(|c| key(KeyCode::Char(c))));
                continue;
            }
        };
        events.push(key(code));
    }
    events
}

/// The screen after playing `events` on a `width` x `height` terminal.
fn screen_after(
    p: &Profile,
    theme: Theme,
    width: u16,
    height: u16,
    events: Vec<Event>,
) -> Terminal<TestBackend> {
    let mut settings = Settings::new(p, "heap.pprof");
    settings.theme = theme;
    let mut app = App::new(p, settings);
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
    let mut settings = Settings::new(&p, "heap.pprof");
    settings.theme = Theme { color: true };
    let mut app = App::new(&p, settings);
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    let events = vec![click(10, 6), wheel.clone()];
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(events)).unwrap();
    assert_eq!(app.cursor, 2 + 3);
    // A double click enters the function: the calls pane gets the focus.
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(vec![click(10, 7), click(10, 7)]),
    )
    .unwrap();
    assert_eq!(app.focus, ppt::tui::app::Pane::Calls);
}
