//! A comparison explored, driven by commands alone (no terminal): the
//! delta, base and new values of every row against `go tool pprof -top` of
//! the comparison and of each profile alone (recorded with `-unit=B
//! -nodefraction=0`, so every node and exact bytes); the orders of change;
//! a base taken in the session (`b`) and a refresh compared with it; the
//! explorer's screens of a comparison (insta snapshots).

#[path = "common/compared.rs"]
mod compared;
#[path = "common/explorer.rs"]
mod explorer;

use compared::How;
use explorer::{fixture_bytes, profile};
use ppt::analysis::order::SortKey;
use ppt::explore::compare::resume_loaded;
use ppt::explore::{Change, Command, Comparison, Session, Settings};
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::tui::theme::Theme;
use ppt::tui::{App, ScriptedEvents, run_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;

const NEW: &str = "tests/fixtures/go/heap.pprof";
const BASE: &str = "tests/fixtures/go2/heap.pprof";

/// flat and cum by function name, from a `-unit=B` `-top` report.
fn pprof_top(path: &str) -> Vec<(String, i64, i64)> {
    pprof_top_in(path, "B")
}

/// flat and cum by function name, from a `-top` report whose values are
/// all in `unit` (`-unit=B`, `-unit=ns`).
fn pprof_top_in(path: &str, unit: &str) -> Vec<(String, i64, i64)> {
    let text = String::from_utf8(fixture_bytes(path)).expect("text");
    let number = |s: &str| -> i64 {
        s.strip_suffix(unit)
            .unwrap_or(s)
            .parse()
            .unwrap_or_else(|_| panic!("{path}: {s} is a number of {unit}"))
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
            (name, number(fields[0]), number(fields[3]))
        })
        .collect()
}

fn by_name(rows: Vec<(String, i64, i64)>) -> BTreeMap<String, (i64, i64)> {
    rows.into_iter().map(|(n, f, c)| (n, (f, c))).collect()
}

/// The comparison as the command line loads it (`--diff-base` or
/// `--base`), in a session showing `sample_type`.
fn comparison(diff: bool, sample_type: &str) -> Session {
    let how = if diff { How::Diff } else { How::Base };
    compared::session(NEW, BASE, how, sample_type, |_| {})
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

/// Checks every row of `session` against pprof's `-top` of the
/// comparison (`delta`), of the new profile alone and of the base alone,
/// each recorded with every node in `unit`.
fn check_columns(session: &Session, delta: &str, new: &str, base: &str, unit: &str) {
    let [delta, new, base] = [delta, new, base].map(|f| by_name(pprof_top_in(f, unit)));
    assert!(
        delta.len() > 2 && new.len() > 2 && base.len() > 2,
        "real reports"
    );
    let rows = changes(session);
    assert_eq!(rows.len(), delta.len(), "pprof's rows");
    let zero = (0, 0);
    for (name, change) in &rows {
        assert!(!change.pending, "computed");
        assert_eq!(change.delta, delta[name], "Δ of {name}");
        assert_eq!(change.new, *new.get(name).unwrap_or(&zero), "new of {name}");
        assert_eq!(
            change.base,
            *base.get(name).unwrap_or(&zero),
            "base of {name}"
        );
    }
}

#[test]
fn with_mean_each_column_is_the_mean_of_its_own_profile() {
    // `--mean --sample-index=delay`: pprof's -mean_delay. The mean of the
    // comparison is not the difference of the means: new is the new
    // profile's own (a new column of Δ + base was wrong).
    let session = compared::session(
        "tests/fixtures/go/mutex.pprof",
        "tests/fixtures/go2/mutex.pprof",
        How::Diff,
        "delay",
        |s| s.mean = true,
    );
    check_columns(
        &session,
        "tests/fixtures/go/expected2/compare.mutex.diff.mean_delay.all.top.txt",
        "tests/fixtures/go/expected2/mutex.pprof.mean_delay.all.top.txt",
        "tests/fixtures/go/expected2/go2.mutex.pprof.mean_delay.all.top.txt",
        "ns",
    );
}

#[test]
fn with_normalize_new_is_the_profile_as_taken_and_delta_pprofs_normalized_change() {
    for sample_type in ["inuse_space", "alloc_space"] {
        let session = compared::session(NEW, BASE, How::NormalizedDiff, sample_type, |_| {});
        check_columns(
            &session,
            &format!(
                "tests/fixtures/go/expected2/compare.heap.diff.normalize.{sample_type}.all.top.txt"
            ),
            &format!("tests/fixtures/go/expected2/heap.pprof.{sample_type}.all.top.txt"),
            &format!("tests/fixtures/go2/expected/heap.pprof.{sample_type}.all.top.txt"),
            "B",
        );
    }
}

#[test]
fn a_base_in_another_unit_of_the_family_is_converted() {
    // The base in milliseconds, the new profile in nanoseconds: pprof
    // compares them in nanoseconds, and so do the base and new columns.
    let session = compared::session(
        "tests/fixtures/compare/ns.pb",
        "tests/fixtures/compare/ms.pb",
        How::Diff,
        "cpu",
        |_| {},
    );
    check_columns(
        &session,
        "tests/fixtures/compare/expected/ns.diff.ms.all.top.txt",
        "tests/fixtures/compare/expected/ns.all.top.txt",
        "tests/fixtures/compare/expected/ms.all.top.txt",
        "ns",
    );
}

#[test]
fn the_header_says_when_each_profile_of_the_command_line_was_taken() {
    // As pprof's `Time:` lines say (to the minute): the new profile Nov
    // 26, 2026 at 6:36am, the base Dec 7, 2026 at 2:54pm (UTC).
    let terminal = screen(120, 10, "");
    let buffer = terminal.backend().buffer();
    let first: String = (0..buffer.area.width)
        .map(|x| buffer[(x, 0)].symbol().to_string())
        .collect();
    let new = first.find("heap.pprof (2026-11-26 06:36:").expect(&first);
    let base = first
        .find("− base base.pprof (2026-12-07 14:54:")
        .expect(&first);
    assert!(new < base, "{first}");
    assert!(first.contains(" UTC)"), "{first}");
}

#[test]
fn with_a_worker_the_sides_numbers_come_from_it_and_rows_say_so_meanwhile() {
    use ppt::analysis::Granularity;
    let mut session = comparison(true, "inuse_space");
    session.with_worker(|s| {
        s.wait_idle();
        s.prepare_comparison();
        assert!(changes(s).iter().all(|(_, c)| !c.pending));
        // Another granularity: the worker computes each side's numbers for
        // it; until they come, base and new are pending, never another
        // granularity's numbers.
        s.apply(Command::CycleGranularity);
        s.wait_idle();
        s.prepare_comparison();
        assert_eq!(s.granularity(), Granularity::FileFunctions);
        // (The numbers are taken in by a tick: none came in between.)
        assert!(changes(s).iter().all(|(_, c)| c.pending), "pending");
        s.wait_idle();
        s.prepare_comparison();
        let rows = changes(s);
        assert!(rows.iter().all(|(_, c)| !c.pending), "arrived");
        // pprof's new = Δ + base without -normalize and -mean.
        for (name, c) in &rows {
            assert_eq!(c.new.0, c.delta.0 + c.base.0, "{name}");
        }
    });
}
