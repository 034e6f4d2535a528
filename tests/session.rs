//! The exploration session driven by commands alone, with no terminal
//! anywhere: a focus filter gives `ppt --top --focus`'s table, a sample
//! index switch keeps the selection, a drill-down into callees comes back,
//! and a refresh keeps every choice; with a worker and without.

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{
    decoded, doubled_heap, fixture_bytes, profile, selected_name, table_lines, top_lines,
    top_lines_trimmed, without_inline_marks,
};
use ppt::analysis::order::SortKey;
use ppt::analysis::{Filters, Granularity, Pattern};
use ppt::explore::{Command, Session, Settings};

fn heap_session() -> Session {
    let p = profile("assets/heap.pprof");
    Session::new(p.clone(), Settings::new(&p, "heap.pprof"))
}

fn focus(pattern: &str) -> Filters {
    Filters {
        focus: Some(Pattern::new("focus", pattern).expect("a regex")),
        ..Filters::default()
    }
}

/// Selects the function printed as `name`.
fn select(session: &mut Session, name: &str) {
    let row = (0..session.row_count())
        .find(|&r| {
            session
                .rows(r..r + 1)
                .any(|row| session.name(row.node) == name)
        })
        .unwrap_or_else(|| panic!("{name} is in the table"));
    session.apply(Command::SelectRow(row));
    assert_eq!(selected_name(session), name);
}

#[test]
fn a_focus_filter_gives_the_top_report_of_every_sample_index() {
    for path in ["assets/heap.pprof", "assets/cpu.pprof"] {
        let p = profile(path);
        let n = p.sample_types.len();
        let mut session = Session::new(p.clone(), Settings::new(&p, path));
        let all = session.row_count();
        let total = session.scale().total;
        session.apply(Command::ApplyFilters(Box::new(focus("json|sort"))));
        let notice = session.notice().expect("the filter is said");
        assert_eq!(
            notice.text,
            format!("filters applied: {} rows", session.row_count())
        );
        assert!(session.row_count() < all);
        assert_eq!(session.scale().total, total, "percentages of the total");
        for _ in 0..n {
            let k = session.sample_index();
            assert_eq!(
                table_lines(&mut session),
                top_lines(&p, k, &focus("json|sort")),
                "{path} sample index {k}"
            );
            session.apply(Command::NextSample);
        }
        session.apply(Command::ClearFilters);
        assert_eq!(session.row_count(), all);
        assert_eq!(
            session.notice().map(|m| m.text.as_str()),
            Some("filters cleared")
        );
    }
}

#[test]
fn with_a_worker_the_focus_filter_arrives_with_the_same_table() {
    let p = profile("assets/heap.pprof");
    let mut session = Session::new_interactive(p.clone(), Settings::new(&p, "heap.pprof"));
    session.with_worker(|session| {
        session.wait_idle();
        let all = session.row_count();
        session.apply(Command::ApplyFilters(Box::new(focus("json|sort"))));
        assert!(session.waiting_for_table(), "the worker has it");
        assert_eq!(session.row_count(), all, "the table shown stays meanwhile");
        session.wait_idle();
        assert!(!session.busy());
        let k = session.sample_index();
        assert_eq!(table_lines(session), top_lines(&p, k, &focus("json|sort")));
    });
}

#[test]
fn a_sample_index_switch_keeps_the_selection_and_shows_that_index() {
    let mut session = heap_session();
    let p = session.profile().clone();
    select(&mut session, "example.com/shop/internal/store.(*Store).Put");
    let name = selected_name(&session);
    for (command, expected) in [
        (Command::PickSample(0), "alloc_objects"),
        (Command::NextSample, "alloc_space"),
        (Command::PrevSample, "alloc_objects"),
        (Command::PickSample(3), "inuse_space"),
    ] {
        session.apply(command);
        let k = session.sample_index();
        assert_eq!(p.sample_type_name(k), expected);
        assert_eq!(selected_name(&session), name, "{expected}");
        assert_eq!(session.calls().node, session.selected(), "its calls");
        assert_eq!(
            table_lines(&mut session),
            top_lines(&p, k, &Filters::default())
        );
    }
    session.apply(Command::PickSample(8));
    assert!(
        session.notice().is_some_and(|m| m.error),
        "no 9th sample type"
    );
    assert_eq!(selected_name(&session), name);
}

#[test]
fn a_drill_down_into_callees_comes_back() {
    let mut session = heap_session();
    select(&mut session, "main.storeWork.func1");
    let start = session.selected().expect("a selection");
    let mut path = vec![selected_name(&session)];
    session.apply(Command::ToFirstCallee);
    for _ in 0..3 {
        let before = session.selected().expect("a selection");
        let calls = session.calls();
        assert!(!calls.on_self(), "the cursor is on a callee");
        let callee = calls.at(calls.cursor).expect("a callee").node;
        session.apply(Command::EnterCall);
        let now = session.selected().expect("a selection");
        assert_eq!(now, callee, "the callee under the cursor is selected");
        assert!(
            session.calls().callers.iter().any(|c| c.node == before),
            "{} is called by {}",
            session.name(now),
            session.name(before)
        );
        path.push(selected_name(&session));
    }
    assert_eq!(session.history().trail().len(), 3);
    for expected in path.iter().rev().skip(1) {
        session.apply(Command::Back);
        assert_eq!(&selected_name(&session), expected);
    }
    assert_eq!(session.selected(), Some(start));
    session.apply(Command::Back);
    assert_eq!(
        session.notice().map(|m| m.text.as_str()),
        Some("nothing to go back to")
    );
    session.apply(Command::Forward);
    assert_eq!(selected_name(&session), path[1]);
}

#[test]
fn a_refresh_keeps_sample_type_filters_sort_granularity_and_selection() {
    let a = decoded(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let b = decoded(&doubled_heap());
    let mut session = Session::new(a.clone(), Settings::new(&a, "heap.pprof"));
    session.apply(Command::PickSample(1)); // alloc_space
    session.apply(Command::CycleSort); // cum
    session.apply(Command::CycleGranularity); // filefunctions
    session.apply(Command::ApplyFilters(Box::new(focus("store"))));
    session.apply(Command::MoveCursor(2));
    let name = selected_name(&session);
    let cursor = session.cursor();
    let total = session.scale().total;

    // As a refresh does it: the worker computes the new profile's tables.
    let carry = session.carry();
    let mut refreshed = Session::resume(b.clone(), carry);
    refreshed.with_worker(|refreshed| refreshed.wait_idle());
    assert_eq!(refreshed.sample_index(), 1, "sample type kept");
    assert_eq!(refreshed.sort(), SortKey::Cum, "sort kept");
    assert_eq!(refreshed.granularity(), Granularity::FileFunctions);
    assert_eq!(refreshed.shown_granularity(), Granularity::FileFunctions);
    assert_eq!(
        refreshed.filters().focus.as_ref().map(|p| p.as_str()),
        Some("store"),
        "filters kept"
    );
    assert_eq!(selected_name(&refreshed), name, "selection kept");
    assert_eq!(refreshed.cursor(), cursor);
    assert_eq!(refreshed.scale().total, 2 * total, "the new numbers");
    assert_eq!(refreshed.calls().node, refreshed.selected());
    assert!(refreshed.calls().known, "its calls computed");
    assert_eq!(
        table_lines(&mut refreshed),
        table_lines(&mut session.reopen(b)),
        "the same table as a refresh without a worker"
    );
}

/// With show_from and the node fraction, the table is `--top`'s, the
/// inline marks of the trimmed graph included (`reflect.MakeMap (inline)`
/// in the heap and allocation profiles, as pprof prints it:
/// tests/fixtures/go/expected2/heap.pprof.showfrom.text.txt). The mark was
/// once missing from the explorer's table there: its trimmed graph's marks
/// were not the report's.
#[test]
fn show_from_with_trimming_keeps_the_inline_marks_of_top() {
    let show_from = || Filters {
        show_from: Some(Pattern::new("show_from", "storeWork|sortWork").expect("a regex")),
        ..Filters::default()
    };
    let top_rows = |p: &ppt::profile::Profile, k: usize, fraction: f64| {
        top_lines_trimmed(p, k, &show_from(), fraction)
    };
    for path in [
        "tests/fixtures/go/allocs.pprof",
        "tests/fixtures/go/heap.pprof",
        "tests/fixtures/go/cpu.pprof",
    ] {
        let p = profile(path);
        for trimmed_first in [true, false] {
            let mut settings = Settings::new(&p, path);
            if trimmed_first {
                // pprof's default, from the command line.
                settings.table.node_fraction = 0.005;
            }
            let mut session = Session::new(p.clone(), settings);
            session.apply(Command::ApplyFilters(Box::new(show_from())));
            if !trimmed_first {
                session.apply(Command::CycleNodeFraction);
            }
            let fraction = session.node_fraction();
            assert!(fraction > 0.0, "the table is trimmed");
            let want = top_rows(&p, session.sample_index(), fraction);
            assert!(want.iter().any(|l| l.ends_with("(inline)")), "{path}");
            assert_eq!(table_lines(&mut session), want, "{path} {trimmed_first}");
        }
        // As the explorer runs: with a worker, the marks of the rows shown.
        let mut settings = Settings::new(&p, path);
        settings.table.node_fraction = 0.005;
        let mut session = Session::new_interactive(p.clone(), settings);
        session.with_worker(|session| {
            session.wait_idle();
            session.apply(Command::ApplyFilters(Box::new(show_from())));
            session.wait_idle();
            session.want_marks(0..session.row_count());
            session.wait_idle();
            let want = top_rows(&p, session.sample_index(), 0.005);
            assert_eq!(table_lines(session), want, "{path} with a worker");
        });
    }
    let heap = profile("tests/fixtures/go/heap.pprof");
    assert!(
        top_rows(&heap, heap.sample_types.len() - 1, 0.005)
            .iter()
            .any(|l| l.ends_with("reflect.MakeMap (inline)"))
    );
}

/// A very large profile opens with a first look: the table of the sample
/// index shown, summed as `--top` sums it, before the stacks are resolved
/// (forced here on a small profile). The worker then resolves them behind
/// the table: callers, the other sample indices and filters work as in any
/// session, every table still `--top`'s.
#[test]
fn a_first_look_shows_top_at_once_and_the_stacks_follow() {
    let p = profile("assets/heap.pprof");
    let mut settings = Settings::new(&p, "heap.pprof");
    settings.sample_index = 1;
    let mut session = Session::new_first_look(p.clone(), settings);
    assert!(!Session::wants_first_look(&p, true), "a small profile");
    assert_eq!(session.sample_index(), 1);
    assert_eq!(
        without_inline_marks(table_lines(&mut session)),
        without_inline_marks(top_lines(&p, 1, &Filters::default()))
    );
    assert!(session.waiting_for_edges(), "callers follow");
    session.with_worker(|session| {
        assert!(session.resolving_stacks(), "the stacks are resolved");
        assert!(!session.waiting_for_table(), "the table is there");
        session.wait_idle();
        assert_eq!(
            session.notice().map(|n| n.text.as_str()),
            Some("callers and callees ready")
        );
        assert!(!session.waiting_for_edges());
        assert_eq!(table_lines(session), top_lines(&p, 1, &Filters::default()));
        select(session, "example.com/shop/internal/store.(*Store).Put");
        assert!(session.calls().len() > 1, "its callers and callees");
        for k in 0..p.sample_types.len() {
            session.apply(Command::PickSample(k));
            session.wait_idle();
            assert_eq!(
                table_lines(session),
                top_lines(&p, k, &Filters::default()),
                "sample index {k}"
            );
        }
        session.apply(Command::ApplyFilters(Box::new(focus("json|sort"))));
        session.wait_idle();
        let k = session.sample_index();
        assert_eq!(table_lines(session), top_lines(&p, k, &focus("json|sort")));
    });
}

/// Without a worker, a first look's other sample indices and callers are
/// computed when asked for.
#[test]
fn a_first_look_without_a_worker_computes_what_is_asked() {
    let p = profile("assets/heap.pprof");
    let mut session = Session::new_first_look(p.clone(), Settings::new(&p, "heap.pprof"));
    for k in [0, 2, 1, 3] {
        session.apply(Command::PickSample(k));
        assert_eq!(
            table_lines(&mut session),
            top_lines(&p, k, &Filters::default()),
            "sample index {k}"
        );
    }
    session.wait_idle();
    select(&mut session, "example.com/shop/internal/store.(*Store).Put");
    assert!(session.calls().len() > 1, "its callers and callees");
}

/// A new granularity on a very large profile (forced here) shows a first
/// look while its stacks are resolved, then the table from the stacks:
/// both the table a session opened at that granularity shows.
#[test]
fn a_new_granularity_shows_a_first_look_while_the_stacks_are_resolved() {
    let p = profile("assets/heap.pprof");
    let settings = Settings::new(&p, "heap.pprof");
    let mut session = Session::new_interactive(p.clone(), settings.clone());
    session.first_look_above(0);
    session.with_worker(|session| {
        session.wait_idle();
        session.apply(Command::CycleGranularity);
        let granularity = session.granularity();
        let mut opened = Session::new(
            p.clone(),
            Settings {
                granularity,
                ..settings
            },
        );
        let want = table_lines(&mut opened);
        // The first look arrives with the notice of the granularity, the
        // stacks still being resolved (the worker has them).
        while session.shown_granularity() != granularity {
            session.tick(std::time::Instant::now() + ppt::explore::SLICE);
        }
        if session.resolving_stacks() {
            assert!(session.waiting_for_edges(), "callers come with the stacks");
        }
        assert_eq!(
            without_inline_marks(table_lines(session)),
            without_inline_marks(want.clone())
        );
        session.wait_idle();
        assert_eq!(
            session.notice().map(|n| n.text.as_str()),
            Some("callers and callees ready"),
            "the stacks followed a first look"
        );
        assert!(!session.waiting_for_edges());
        assert_eq!(table_lines(session), want);
        session.apply(Command::SelectRow(2));
        assert!(session.calls().len() > 1, "its callers and callees");
    });
}
