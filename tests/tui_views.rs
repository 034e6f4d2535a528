//! The source and tags views on ratatui's TestBackend, driven by scripted
//! keys, compared with accepted snapshots (`tests/snapshots/`).

#[path = "common/keys.rs"]
mod keys;
use keys::keys;

#[path = "common/explorer.rs"]
mod explorer;

use crossterm::event::{Event, KeyModifiers};
use ppt::explore::{Session, Settings, SourcePaths};
use ppt::profile::{DecodeOptions, load};
use ppt::source_files::GoRoots;
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;

/// The app after `script` on `file` (under tests/fixtures/go) on a
/// `width` x `height` screen, sources looked for under `source_path` with
/// the Go fixtures' trim path and no Go roots (the same on every machine).
fn app_after(
    file: &str,
    source_path: &str,
    width: u16,
    height: u16,
    script: &[&str],
) -> (App, Terminal<TestBackend>) {
    app_with(file, source_path, width, height, script, |_| {})
}

/// [`app_after`] with `edit` applied to the settings first.
fn app_with(
    file: &str,
    source_path: &str,
    width: u16,
    height: u16,
    script: &[&str],
    edit: impl FnOnce(&mut Settings),
) -> (App, Terminal<TestBackend>) {
    let p = Arc::new(
        load(
            &format!("tests/fixtures/go/{file}"),
            &DecodeOptions::default(),
        )
        .expect("fixture loads"),
    );
    let mut settings = Settings::new(&p, file);
    settings.source_paths = SourcePaths {
        source_path: Some(source_path.to_string()),
        trim_path: Some("/srv/shop:/usr/local/go/src".into()),
        go_roots: Some(GoRoots::default()),
    };
    edit(&mut settings);
    let mut app = App::new(Session::new(p, settings), Theme { color: false });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    run_app(
        &mut terminal,
        &mut app,
        &mut ScriptedEvents::new(keys(script)),
    )
    .unwrap();
    (app, terminal)
}

const SRC: &str = "tests/fixtures/go/expected2/src";

#[test]
fn source_view_opens_at_the_hottest_line() {
    let (_, t) = app_after("cpu.pprof", SRC, 100, 30, &["/main.fib", "<Enter>", "l"]);
    insta::assert_snapshot!("source_view_fib", t.backend());
}

#[test]
fn source_view_scrolls_and_marks_inlined_calls() {
    let (app, t) = app_after(
        "cpu.pprof",
        SRC,
        100,
        24,
        &["/main.sortWork", "<Enter>", "l", "jjj"],
    );
    insta::assert_snapshot!("source_view_sortwork_scrolled", t.backend());
    assert!(app.session.source_listing().is_some());
}

#[test]
fn source_view_says_which_paths_were_tried() {
    let (_, t) = app_after(
        "cpu.pprof",
        "nosuchdir",
        100,
        20,
        &["/main.fib", "<Enter>", "l"],
    );
    insta::assert_snapshot!("source_view_not_found", t.backend());
}

#[test]
fn source_view_closes_back_to_the_table() {
    let (app, _) = app_after(
        "cpu.pprof",
        SRC,
        100,
        30,
        &["/main.fib", "<Enter>", "l", "<Esc>"],
    );
    assert!(app.session.source_listing().is_none());
    assert_eq!(app.context(), ppt::tui::keymap::Context::Browse);
}

#[test]
fn tags_view_shows_the_label_breakdown() {
    let (_, t) = app_after("allocs.pprof", SRC, 100, 30, &["#"]);
    insta::assert_snapshot!("tags_view", t.backend());
}

#[test]
fn a_tag_value_chosen_becomes_the_tag_focus() {
    let (app, t) = app_after("allocs.pprof", SRC, 120, 30, &["#", "j", "<Enter>"]);
    insta::assert_snapshot!("tags_view_focus_applied", t.backend());
    let focus = app
        .session
        .filters()
        .tag_focus
        .as_ref()
        .expect("a tag focus");
    assert_eq!(focus.as_str(), "bytes=163840bytes");
    assert!(app.session.tags().is_none());
    // The filter pane shows it in its tagfocus field.
    use ppt::tui::filter_form::{Field, FilterForm};
    let form = FilterForm::new(app.session.filters());
    let field = Field::ALL
        .iter()
        .position(|&f| f == Field::TagFocus)
        .expect("a tagfocus field");
    assert_eq!(form.values[field], "bytes=163840bytes");
}

#[test]
fn show_from_in_the_filter_pane_gives_pprofs_table() {
    // pprof's default node fraction, so that the table is `-text`'s.
    let (mut app, _) = app_with(
        "heap.pprof",
        SRC,
        120,
        32,
        &[
            "f",
            "<Down>",
            "<Down>",
            "<Down>",
            "<Down>",
            "<Down>",
            "<Down>",
            "storeWork|sortWork",
            "<Enter>",
        ],
        |settings| settings.table.node_fraction = 0.005,
    );
    let show_from = app.session.filters().show_from.as_ref().expect("set");
    assert_eq!(show_from.as_str(), "storeWork|sortWork");
    let recorded = std::fs::read_to_string(format!(
        "{}/tests/fixtures/go/expected2/heap.pprof.showfrom.text.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("recorded");
    let want: Vec<&str> = recorded
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .collect();
    assert!(want.len() > 5);
    // The rows, numbers and `(inline)` marks are pprof's: under show_from
    // with trimming, `reflect.MakeMap (inline)` comes from the trimmed
    // graph's own edges (it was once missing here).
    let got = explorer::table_lines(&mut app.session);
    let want: Vec<String> = want.iter().map(|l| l.to_string()).collect();
    assert_eq!(got, want);
}

#[test]
fn the_wheel_scrolls_the_source_view() {
    use crossterm::event::{MouseEvent, MouseEventKind};
    let (mut app, _) = app_after(
        "cpu.pprof",
        SRC,
        100,
        24,
        &["/main.sortWork", "<Enter>", "l"],
    );
    let cursor = |app: &App| match app.mode {
        ppt::tui::app::Mode::Source(scroll) => scroll.cursor,
        _ => None,
    };
    let opened = cursor(&app).expect("the cursor placed");
    let wheel = |kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.handle_event(
        &wheel(MouseEventKind::ScrollDown),
        std::time::Instant::now(),
    );
    let down = cursor(&app).expect("still open");
    assert!(down > opened, "{opened} -> {down}");
    app.handle_event(&wheel(MouseEventKind::ScrollUp), std::time::Instant::now());
    assert_eq!(cursor(&app), Some(opened));
}
