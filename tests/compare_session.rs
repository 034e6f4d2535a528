//! A comparison explored, driven by commands alone (no terminal): the
//! delta, base and new values of every row against `go tool pprof -top` of
//! the comparison and of each profile alone (recorded with `-unit=B
//! -nodefraction=0`, so every node and exact bytes); the orders of change;
//! a base taken in the session (`b`) and a refresh compared with it; the
//! explorer's screens of a comparison (insta snapshots).

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{fixture_bytes, profile};
use ppt::analysis::order::SortKey;
use ppt::explore::compare::resume_loaded;
use ppt::explore::{Change, Command, Comparison, Session, Settings};
use ppt::fetch::{SourceOptions, Sources};
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::sync::Arc;

const NEW: &str = "tests/fixtures/go/heap.pprof";
const BASE: &str = "tests/fixtures/go2/heap.pprof";

/// flat and cum by function name, from a `-unit=B` `-top` report.
fn pprof_top(path: &str) -> Vec<(String, i64, i64)> {
    let text = String::from_utf8(fixture_bytes(path)).expect("text");
    let bytes = |s: &str| -> i64 {
        s.strip_suffix('B')
            .unwrap_or(s)
            .parse()
            .unwrap_or_else(|_| panic!("{path}: {s} is a number of bytes"))
    };
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let name = fields[5..]
                .iter()
                .filter(|f| !f.starts_with('(') || !f.ends_with(')'))
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (name, bytes(fields[0]), bytes(fields[3]))
        })
        .collect()
}

fn by_name(rows: Vec<(String, i64, i64)>) -> BTreeMap<String, (i64, i64)> {
    rows.into_iter().map(|(n, f, c)| (n, (f, c))).collect()
}

/// The comparison as the command line loads it (`--diff-base` or
/// `--base`), in a session showing `sample_type`.
fn comparison(diff: bool, sample_type: &str) -> Session {
    let (base, diff_base) = match diff {
        true => (vec![], vec![BASE.to_string()]),
        false => (vec![BASE.to_string()], vec![]),
    };
    let dir = env!("CARGO_MANIFEST_DIR");
    let at = |p: &str| format!("{dir}/{p}");
    let mut sources = Sources::from_args(
        &[at(NEW)],
        &base.iter().map(|p| at(p)).collect::<Vec<_>>(),
        &diff_base.iter().map(|p| at(p)).collect::<Vec<_>>(),
        false,
        SourceOptions::default(),
    )
    .expect("sources");
    sources.keep_base();
    let mut combined = sources.load().expect("the comparison loads");
    let base = combined.base.take().expect("the base kept");
    let p = Arc::new(combined.profile);
    let mut settings = Settings::new(&p, "heap.pprof");
    settings.sample_index = p
        .sample_types
        .iter()
        .position(|t| p.strings.get(t.kind) == sample_type.as_bytes())
        .expect("the sample type");
    let mut session = Session::new(p, settings);
    session.set_comparison(Comparison::new(base, "base.pprof".into(), None));
    session.prepare_comparison();
    session
}

/// Every row: name and change.
fn changes(session: &Session) -> Vec<(String, Change)> {
    session
        .rows(0..session.row_count())
        .map(|r| {
            let change = session.change(r.node).expect("a comparison");
            (session.name(r.node).to_string(), change)
        })
        .collect()
}

#[test]
fn delta_base_and_new_are_pprof_top_of_the_comparison_and_of_each_profile() {
    for sample_type in ["inuse_space", "alloc_space"] {
        let diff = by_name(pprof_top(&format!(
            "tests/fixtures/go/expected2/heap.pprof.{sample_type}.all.diff.top.txt"
        )));
        let new = by_name(pprof_top(&format!(
            "tests/fixtures/go/expected2/heap.pprof.{sample_type}.all.top.txt"
        )));
        let base = by_name(pprof_top(&format!(
            "tests/fixtures/go2/expected/heap.pprof.{sample_type}.all.top.txt"
        )));
        assert!(
            new.len() > 40 && base.len() > 40,
            "{sample_type}: real reports"
        );
        for kind_is_diff in [true, false] {
            let session = comparison(kind_is_diff, sample_type);
            let rows = changes(&session);
            let mut checked = 0;
            for (name, change) in &rows {
                let zero = (0, 0);
                let want_delta = diff.get(name).copied().unwrap_or(zero);
                assert_eq!(change.delta, want_delta, "{sample_type}: Δ of {name}");
                assert_eq!(
                    change.base,
                    base.get(name).copied().unwrap_or(zero),
                    "{sample_type}: base of {name}"
                );
                assert_eq!(
                    change.new,
                    new.get(name).copied().unwrap_or(zero),
                    "{sample_type}: new of {name}"
                );
                checked += 1;
            }
            // The rows are pprof's: every function that changed (one the
            // same in both sums to zero, and pprof leaves it out).
            let shown: Vec<&String> = rows.iter().map(|(n, _)| n).collect();
            for name in diff.keys() {
                assert!(shown.contains(&name), "{sample_type}: {name} shown");
            }
            assert_eq!(checked, diff.len(), "{sample_type}: pprof's rows");
            assert!(checked > 40);
        }
    }
    // A few numbers read off the recorded reports, so the parsing itself
    // is checked: main.sortWork's flat in each.
    let session = comparison(true, "inuse_space");
    let (_, sort_work) = changes(&session)
        .into_iter()
        .find(|(n, _)| n == "main.sortWork")
        .expect("main.sortWork");
    assert_eq!(sort_work.delta.0, 21625308);
    assert_eq!(sort_work.new.0, 37850708);
    assert_eq!(sort_work.base.0, 37850708 - 21625308);
}

#[test]
fn the_orders_of_change_and_back_to_pprofs() {
    let mut session = comparison(true, "alloc_space");
    assert_eq!(
        session.sort(),
        SortKey::Growth,
        "a comparison opens on growth"
    );
    let flats = |s: &Session| -> Vec<i64> { changes(s).iter().map(|(_, c)| c.delta.0).collect() };
    let growth = flats(&session);
    assert!(growth.windows(2).all(|w| w[0] >= w[1]), "{growth:?}");
    assert!(growth[0] > 0 && growth[growth.len() - 1] < 0, "both ways");
    session.apply(Command::MoveCursor(5));
    session.apply(Command::CycleChangeOrder);
    assert_eq!(session.sort(), SortKey::Shrink);
    assert_eq!(session.cursor(), 0, "the largest shrink selected");
    let shrink = flats(&session);
    assert!(shrink.windows(2).all(|w| w[0] <= w[1]), "{shrink:?}");
    assert_eq!(shrink[0], *growth.last().expect("rows"));
    assert_eq!(
        session.notice().map(|n| n.text.as_str()),
        Some("sorted by change: largest shrink first")
    );
    session.apply(Command::CycleChangeOrder);
    assert_eq!(session.sort(), SortKey::Flat, "pprof's order");
    // pprof's own order of the comparison's rows.
    let pprof: Vec<String> =
        pprof_top("tests/fixtures/go/expected2/heap.pprof.alloc_space.all.diff.top.txt")
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
    let ours: Vec<String> = changes(&session).into_iter().map(|(n, _)| n).collect();
    assert_eq!(ours[..pprof.len()], pprof[..]);
    session.apply(Command::CycleChangeOrder);
    assert_eq!(session.sort(), SortKey::Growth, "and around again");
}

/// A session on `path` alone, as a file opened with `ppt`.
fn plain(path: &str) -> Session {
    let p = profile(path);
    let settings = Settings::new(&p, "heap.pprof");
    Session::new(p, settings)
}

fn decoded(path: &str) -> Profile {
    decode(&fixture_bytes(path), &DecodeOptions::default()).expect("decodes")
}

#[test]
fn a_base_taken_shows_what_a_refresh_changed_and_b_drops_it() {
    let mut session = plain(BASE);
    assert!(session.comparison().is_none());
    session.apply(Command::ToggleBase);
    assert!(session.take_base_request(), "the driver is asked");
    let mut taken = session.toggled_base().expect("the base taken");
    taken.prepare_comparison();
    let comparison = taken.comparison().expect("a comparison");
    assert!(comparison.live());
    assert_eq!(taken.sort(), SortKey::Growth);
    // The profile less itself: nothing changed yet, and pprof shows no
    // row that did not change.
    assert_eq!(taken.row_count(), 0);
    assert!(taken.scale().total > 0, "the base's total");
    // The next profile arrives: compared with the base, as `--diff-base`.
    let want = by_name(pprof_top(
        "tests/fixtures/go/expected2/heap.pprof.inuse_space.all.diff.top.txt",
    ));
    for loader_compared in [false, true] {
        let next = decoded(NEW);
        let (shown, plain_profile) = match loader_compared {
            true => {
                let c = taken.comparison().expect("a comparison");
                (c.compare(next.clone()).expect("compared"), Some(next))
            }
            false => (next, None),
        };
        let mut refreshed =
            resume_loaded(shown, plain_profile, taken.carry(), None).expect("reopened");
        refreshed.prepare_comparison();
        assert!(refreshed.comparison().is_some_and(Comparison::live));
        let rows = changes(&refreshed);
        let (name, top) = &rows[0];
        assert_eq!(name, "main.sortWork", "the largest growth first");
        assert_eq!(top.delta.0, 21625308);
        for (name, change) in &rows {
            assert_eq!(
                change.delta,
                want.get(name).copied().unwrap_or((0, 0)),
                "{name}"
            );
        }
        // `b` again: the new profile alone.
        let mut refreshed = refreshed;
        refreshed.apply(Command::ToggleBase);
        assert!(refreshed.take_base_request());
        let dropped = refreshed.toggled_base().expect("the base dropped");
        assert!(dropped.comparison().is_none());
        assert_eq!(dropped.sort(), SortKey::Flat);
        let new = by_name(pprof_top(
            "tests/fixtures/go/expected2/heap.pprof.inuse_space.all.top.txt",
        ));
        for r in dropped.rows(0..dropped.row_count()) {
            let name = dropped.name(r.node);
            assert_eq!((r.flat, r.cum), new[name], "{name}");
        }
    }
}

#[test]
fn a_base_from_the_command_line_stays() {
    let mut session = comparison(true, "inuse_space");
    session.apply(Command::ToggleBase);
    assert!(!session.take_base_request());
    let notice = session.notice().expect("said");
    assert!(
        notice.error && notice.text.contains("command line"),
        "{notice:?}"
    );
    // Without a base, there is no change to order by.
    let mut alone = plain(NEW);
    alone.apply(Command::CycleChangeOrder);
    assert_eq!(alone.sort(), SortKey::Flat);
    assert!(alone.notice().is_some_and(|n| n.error));
}

/// The explorer's screen of the comparison after `keys`.
fn screen(width: u16, height: u16, keys: &str) -> Terminal<TestBackend> {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let session = comparison(true, "inuse_space");
    let mut app = App::new(session, Theme { color: false });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    let events: Vec<Event> = keys
        .chars()
        .map(|c| {
            let code = match c {
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
        })
        .collect();
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(events)).expect("runs");
    terminal
}

#[test]
fn comparison_screens() {
    insta::assert_snapshot!("comparison_growth_80x24", screen(80, 24, "").backend());
    insta::assert_snapshot!("comparison_growth_200x50", screen(200, 50, "").backend());
    insta::assert_snapshot!("comparison_shrink_120x32", screen(120, 32, "d").backend());
    insta::assert_snapshot!(
        "comparison_drilled_120x32",
        screen(120, 32, "j\n").backend()
    );
}

#[test]
fn growth_and_shrink_are_coloured_and_signed() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::style::Color;
    let session = comparison(true, "alloc_space");
    let mut app = App::new(session, Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).expect("a test terminal");
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(vec![])).expect("runs");
    let buffer = terminal.backend().buffer().clone();
    let text = |y: u16| -> String {
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    // The first row: growth, red, with its sign.
    let y = (0..buffer.area.height)
        .find(|&y| text(y).contains("main.sortWork"))
        .expect("the first row");
    let row = text(y);
    let plus = row.find('+').expect("a sign") as u16;
    assert_eq!(buffer[(plus + 1, y)].fg, Color::LightRed, "{row}");
    // The largest shrink first (`d`): green, with its minus.
    let d = Event::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    run_app(&mut terminal, &mut app, &mut ScriptedEvents::new(vec![d])).expect("runs");
    let buffer = terminal.backend().buffer().clone();
    let text = |y: u16| -> String {
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect()
    };
    let y = (0..buffer.area.height)
        .find(|&y| text(y).contains(" -"))
        .expect("a shrinking row on screen");
    let row = text(y);
    let minus = row.find(" -").expect("a sign") as u16 + 1;
    assert_eq!(buffer[(minus, y)].fg, Color::LightGreen, "{row}");
}

#[test]
fn with_a_worker_every_order_is_built_and_the_session_goes_idle() {
    // A comparison's worker sorts the orders of change too; a plain
    // profile's does not, and neither stays busy waiting for them.
    for mut session in [comparison(true, "alloc_space"), plain(NEW)] {
        let comparing = session.comparison().is_some();
        session.with_worker(|s| {
            s.wait_idle();
            assert!(!s.busy(), "idle (comparison: {comparing})");
            // A switch to a table built ahead is immediate.
            s.apply(Command::CycleChangeOrder);
            assert!(!s.waiting_for_table());
        });
        let want = if comparing {
            SortKey::Shrink
        } else {
            SortKey::Flat
        };
        assert_eq!(session.sort(), want);
    }
}
