//! The differential flame graph and call tree on screen (ratatui's
//! `TestBackend`): insta snapshots at 80x24 and 200x50 under `NO_COLOR`
//! (the `+`/`-` marks, the status line's new, base and signed change), a
//! vanished frame reached with either widths; and the colours by change.

#[path = "common/compared.rs"]
mod compared;

use compared::How;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ppt::analysis::PathId;
use ppt::explore::{Command, TreeStep};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const NEW: &str = "tests/fixtures/go/heap.pprof";
const BASE: &str = "tests/fixtures/go2/heap.pprof";

fn key_events(keys: &str) -> Vec<Event> {
    keys.chars()
        .map(|c| {
            let code = match c {
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
        })
        .collect()
}

/// The explorer on the comparison (`inuse_space`), after `keys`.
fn app_after(width: u16, height: u16, color: bool, keys: &str) -> (App, Terminal<TestBackend>) {
    app_of(How::Diff, width, height, color, keys)
}

/// [`app_after`] with the comparison made `how`.
fn app_of(
    how: How,
    width: u16,
    height: u16,
    color: bool,
    keys: &str,
) -> (App, Terminal<TestBackend>) {
    let session = compared::session(NEW, BASE, how, "inuse_space", |_| {});
    let mut app = App::new(session, Theme { color });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(key_events(keys)),
    )
    .expect("runs");
    (app, terminal)
}

/// Draws the app again after commands given to its session.
fn redraw(app: &mut App, terminal: &mut Terminal<TestBackend>, keys: &str) {
    run_app(terminal, app, &mut ScriptedEvents::new(key_events(keys))).expect("runs");
}

/// The first path whose frame vanished: in the base, not in the new
/// profile.
fn vanished(app: &App) -> PathId {
    let tree = app.session.tree().expect("a tree");
    (0..tree.len() as PathId)
        .find(|&id| tree.change(id).is_some_and(|c| c.new == 0 && c.base > 0))
        .expect("a vanished path")
}

fn lines(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn differential_flame_graph_screens() {
    let (_, t) = app_after(80, 24, false, "F");
    insta::assert_snapshot!("diff_flame_80x24", t.backend());
    let (_, t) = app_after(200, 50, false, "F");
    insta::assert_snapshot!("diff_flame_200x50", t.backend());
    // The call tree of the comparison, the heaviest path open.
    let (_, t) = app_after(120, 32, false, "Te");
    insta::assert_snapshot!("diff_calltree_120x32", t.backend());
}

#[test]
fn a_vanished_frame_is_reached_and_drawn_by_the_base_widths() {
    let (mut app, mut t) = app_after(120, 32, false, "F");
    let gone = vanished(&app);
    app.session.apply(Command::TreeMove(TreeStep::Select(gone)));
    redraw(&mut app, &mut t, "");
    let screen = lines(&t).join("\n");
    // New widths: in its parent's stub, its numbers in the status line.
    assert!(
        screen.contains("bytes.(*Buffer).WriteByte · new 0"),
        "{screen}"
    );
    assert!(screen.contains("(vanished)"), "{screen}");
    insta::assert_snapshot!("diff_flame_vanished_new_widths_120x32", t.backend());
    // `d`: the base's widths; zoomed in, it fills the width.
    redraw(&mut app, &mut t, "d\n");
    let screen = lines(&t).join("\n");
    assert!(screen.contains("widths base"), "{screen}");
    insta::assert_snapshot!("diff_flame_vanished_base_widths_120x32", t.backend());
}

#[test]
fn frames_are_coloured_by_change_and_marked_without_colour() {
    // The new profile ran twice as long: normalized, some frames grew and
    // some shrank.
    let (app, t) = app_of(How::NormalizedDiff, 200, 50, true, "F");
    let tree = std::sync::Arc::clone(app.session.tree().expect("a tree"));
    let layout = app.session.flame_layout(198, 40);
    let buffer = t.backend().buffer();
    // The graph starts on the fourth line (header, title), one cell in.
    let (x0, y0) = (1u16, 3u16);
    let mut seen = (0, 0);
    for (level, boxes) in layout.levels.iter().enumerate() {
        for b in boxes.iter().filter(|b| b.merged == 0 && b.width > 4) {
            if b.id == app.session.tree_selected() {
                continue;
            }
            let c = tree.change(b.id).expect("a comparison");
            // A change of a few parts in a million looks unchanged.
            let larger = c.base.abs().max((c.base + c.delta).abs()).max(1);
            if c.delta != 0 && c.delta.abs() * 100 < larger {
                continue;
            }
            let cell = &buffer[(x0 + b.x, y0 + level as u16)];
            let Color::Rgb(r, g, _) = cell.bg else {
                panic!("a colour: {:?}", cell.bg);
            };
            match c.delta.signum() {
                1 => {
                    assert!(r > g, "growth is red: {c:?} {:?}", cell.bg);
                    seen.0 += 1;
                }
                -1 => {
                    assert!(g > r, "shrink is green: {c:?} {:?}", cell.bg);
                    seen.1 += 1;
                }
                _ => assert_eq!(cell.bg, Color::Rgb(200, 200, 192), "unchanged: grey"),
            }
        }
    }
    assert!(seen.0 > 0 && seen.1 > 0, "both ways: {seen:?}");
    // Without colour, the signs say it.
    let (_, t) = app_of(How::NormalizedDiff, 200, 50, false, "F");
    let screen = lines(&t);
    let graph = &screen[3..40].join("\n");
    assert!(graph.contains("+main.sortWork"), "{graph}");
    assert!(
        graph.contains("│-store.(*Store).Put"),
        "a shrinking frame:\n{graph}"
    );
    // The change is not new − base as each was taken: both the header and
    // the status line say the base was normalized.
    assert!(screen[0].contains("normalized"), "{}", screen[0]);
    assert!(
        screen.iter().any(|l| l.contains("· Δ normalized ")),
        "{}",
        screen.join("\n")
    );
    let (_, t) = app_of(How::Diff, 200, 50, false, "F");
    let screen = lines(&t);
    assert!(!screen[0].contains("normalized"), "{}", screen[0]);
    assert!(
        screen.iter().any(|l| l.contains("· Δ +")),
        "{}",
        screen.join("\n")
    );
}
