//! The explorer's state, driven by actions alone (no terminal): drilling
//! down and back, switching sample type with the selection kept, filters,
//! search, and the numbers against `ppt --top`.

#[path = "../benches/support/synth.rs"]
mod synth;

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{profile, selected_name, table_lines, top_lines, type_text};
use ppt::analysis::{Filters, Pattern};
use ppt::explore::{Session, Settings};
use ppt::profile::Profile;
use ppt::tui::app::{Mode, Pane};
use ppt::tui::filter_form::Field;
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use std::sync::Arc;

fn heap() -> Arc<Profile> {
    profile("assets/heap.pprof")
}

/// The explorer on `p` as `settings` say, the call graph complete.
fn explorer(p: &Arc<Profile>, settings: Settings) -> App {
    App::new(Session::new(p.clone(), settings), Theme { color: true })
}

/// The explorer on `p` with the table's numbers only (the rest from a
/// worker, or `wait_idle`).
fn interactive(p: &Arc<Profile>, settings: Settings) -> App {
    App::new(
        Session::new_interactive(p.clone(), settings),
        Theme { color: true },
    )
}

fn app(p: &Arc<Profile>) -> App {
    explorer(p, Settings::new(p, "heap.pprof"))
}

fn search(app: &mut App, query: &str) {
    app.update(Action::Search);
    type_text(app, query);
    app.update(Action::Confirm);
}

#[test]
fn starts_on_the_heaviest_function_of_the_default_type() {
    let p = heap();
    let app = app(&p);
    assert_eq!(
        p.sample_type_name(app.session.sample_index()),
        "inuse_space"
    );
    assert_eq!(selected_name(&app.session), "main.sortWork");
    assert_eq!(app.focus, Pane::Table);
}

#[test]
fn drill_down_three_levels_and_back() {
    let p = heap();
    let mut app = app(&p);
    search(&mut app, "storeWork.func1");
    assert_eq!(selected_name(&app.session), "main.storeWork.func1");

    // Enter from the table opens the callers/callees pane on the heaviest
    // callee; each further Enter moves the view to the callee under it.
    app.update(Action::Enter);
    assert_eq!(app.focus, Pane::Calls);
    let mut path = vec![selected_name(&app.session)];
    for _ in 0..3 {
        let before = app.session.selected().unwrap();
        app.update(Action::Enter);
        let now = app.session.selected().unwrap();
        assert_ne!(before, now, "entering moves to the callee");
        let callers = app
            .session
            .view()
            .neighbors(app.session.aggregate(), now)
            .unwrap()
            .callers;
        assert!(
            callers.iter().any(|c| c.node == before),
            "{} is a callee of {}",
            app.session.name(now),
            app.session.name(before)
        );
        path.push(selected_name(&app.session));
    }
    assert_eq!(path.len(), 4);
    assert_eq!(
        app.session.history().trail().len(),
        4,
        "search jump + three entries"
    );

    for expected in path.iter().rev().skip(1) {
        app.update(Action::Back);
        assert_eq!(&selected_name(&app.session), expected);
    }
    app.update(Action::Forward);
    assert_eq!(selected_name(&app.session), path[1]);
}

#[test]
fn switching_sample_type_keeps_the_selection() {
    let p = heap();
    let mut app = app(&p);
    search(&mut app, "store.(*Store).Put");
    let name = selected_name(&app.session);
    assert!(name.ends_with("store.(*Store).Put"), "{name}");
    let first_row = app.session.view().table.rows[0];
    app.update(Action::PickSample(0));
    assert_eq!(
        p.sample_type_name(app.session.sample_index()),
        "alloc_objects"
    );
    assert_eq!(selected_name(&app.session), name);
    assert_eq!(
        app.session.view().table.rows[app.session.cursor()],
        app.session.selected().unwrap()
    );
    assert_ne!(
        app.session.view().table.rows[0],
        first_row,
        "the order changed"
    );
    app.update(Action::NextSample);
    assert_eq!(
        p.sample_type_name(app.session.sample_index()),
        "alloc_space"
    );
    assert_eq!(selected_name(&app.session), name);
    app.update(Action::PrevSample);
    app.update(Action::PrevSample);
    assert_eq!(
        p.sample_type_name(app.session.sample_index()),
        "inuse_space"
    );
    assert_eq!(selected_name(&app.session), name);
    app.update(Action::CycleSort);
    app.update(Action::CycleSort);
    assert_eq!(
        selected_name(&app.session),
        name,
        "sort by name keeps it too"
    );
    app.update(Action::PickSample(8));
    assert!(app.session.notice().is_some_and(|m| m.error));
}

#[test]
fn filter_then_clear() {
    let p = heap();
    let mut app = app(&p);
    let all = app.session.view().table.rows.len();
    let total = app.session.scale().total;
    search(&mut app, "json.Marshal");
    let name = selected_name(&app.session);

    app.update(Action::OpenFilter);
    assert!(matches!(app.mode, Mode::Filter(_)));
    // Third field: focus.
    app.update(Action::Down);
    app.update(Action::Down);
    type_text(&mut app, "json\\.Marshal");
    app.update(Action::Confirm);
    assert!(matches!(app.mode, Mode::Browse));
    assert_eq!(
        app.session.filters().focus.as_ref().unwrap().as_str(),
        "json\\.Marshal"
    );
    assert!(app.session.view().table.rows.len() < all);
    assert_eq!(
        app.session.scale().total,
        total,
        "percentages of the unfiltered total"
    );
    assert_eq!(
        selected_name(&app.session),
        name,
        "selection kept through the filter"
    );

    // A bad regex: message in the pane, filters unchanged.
    app.update(Action::OpenFilter);
    // Up to the show field.
    while !matches!(&app.mode, Mode::Filter(form) if form.current() == Field::Show) {
        app.update(Action::Up);
    }
    type_text(&mut app, "(");
    app.update(Action::Confirm);
    match &app.mode {
        Mode::Filter(form) => assert!(form.error.as_ref().unwrap().contains("show")),
        _ => panic!("the pane stays open on an error"),
    }
    assert!(app.session.filters().show.is_none());
    app.update(Action::Close);

    app.update(Action::ClearFilters);
    assert!(app.session.filters().is_empty());
    assert_eq!(app.session.view().table.rows.len(), all);
    assert_eq!(selected_name(&app.session), name);
}

#[test]
fn source_filter_by_package() {
    let p = heap();
    let mut app = app(&p);
    app.update(Action::OpenFilter);
    type_text(&mut app, "internal/store");
    app.update(Action::Confirm);
    // At function granularity rows have no file; the store package's
    // functions are named after it.
    for &n in &app.session.view().table.rows {
        assert!(
            app.session.name(n).contains("internal/store."),
            "{}",
            app.session.name(n)
        );
    }
    assert!(app.session.filters().source_include.is_some());
    assert!(!app.session.view().table.rows.is_empty());
}

#[test]
fn search_then_next_and_previous_match() {
    let p = heap();
    let mut app = app(&p);
    app.update(Action::Search);
    type_text(&mut app, "json");
    let matches = match (&app.mode, app.session.finder()) {
        (Mode::Search(_), Some(f)) => f.matches.clone(),
        _ => panic!("search prompt open"),
    };
    assert!(matches.len() > 3);
    for &n in &matches {
        assert!(app.session.name(n).to_lowercase().contains('j'));
    }
    app.update(Action::Confirm);
    assert_eq!(app.session.selected(), Some(matches[0]));
    app.update(Action::NextMatch);
    assert_eq!(app.session.selected(), Some(matches[1]));
    app.update(Action::NextMatch);
    assert_eq!(app.session.selected(), Some(matches[2]));
    app.update(Action::PrevMatch);
    app.update(Action::PrevMatch);
    assert_eq!(app.session.selected(), Some(matches[0]));
    app.update(Action::PrevMatch);
    assert_eq!(
        app.session.selected(),
        Some(*matches.last().unwrap()),
        "wraps around"
    );
    assert!(app.session.notice().unwrap().text.contains("json"));
}

#[test]
fn search_narrows_and_widens() {
    let p = heap();
    let mut app = app(&p);
    app.update(Action::Search);
    type_text(&mut app, "sortw");
    let (Mode::Search(_), Some(f)) = (&app.mode, app.session.finder()) else {
        panic!()
    };
    assert_eq!(app.session.name(f.matches[0]), "main.sortWork");
    let narrow = f.matches.len();
    app.update(Action::Erase);
    app.update(Action::Erase);
    let (Mode::Search(_), Some(f)) = (&app.mode, app.session.finder()) else {
        panic!()
    };
    assert!(f.matches.len() > narrow, "erasing widens again");
    app.update(Action::Close);
    assert!(matches!(app.mode, Mode::Browse));
}

#[test]
fn granularity_keeps_the_function() {
    let p = heap();
    let mut app = app(&p);
    search(&mut app, "storeWork.func1");
    app.update(Action::CycleGranularity); // filefunctions
    assert!(selected_name(&app.session).starts_with("main.storeWork.func1 "));
    app.update(Action::CycleGranularity); // files
    assert!(
        selected_name(&app.session).ends_with("main.go"),
        "{}",
        selected_name(&app.session)
    );
    app.update(Action::CycleGranularity); // lines
    app.update(Action::CycleGranularity); // addresses
    app.update(Action::CycleGranularity); // functions
    assert_eq!(app.session.granularity().name(), "functions");
}

/// The table's numbers are `ppt --top --node-fraction=0`'s, line by line,
/// for every sample type and for filters.
#[test]
fn table_equals_the_top_report() {
    for path in ["assets/heap.pprof", "assets/cpu.pprof"] {
        let p = profile(path);
        for k in 0..p.sample_types.len() {
            for focus in [None, Some("json|sort")] {
                let filters = Filters {
                    focus: focus.map(|f| Pattern::new("focus", f).unwrap()),
                    ..Filters::default()
                };
                let mut settings = Settings::new(&p, path);
                settings.sample_index = k;
                settings.filters = filters.clone();
                let mut app = explorer(&p, settings);
                assert_eq!(
                    table_lines(&mut app.session),
                    top_lines(&p, k, &filters),
                    "{path} sample index {k} focus {focus:?}"
                );
            }
        }
    }
}

/// A filter applied from the pane sums the sample index shown first, the
/// others when switched to (without a worker) or from the worker: every
/// sample index still shows pprof's table.
#[test]
fn every_sample_index_after_a_filter_equals_the_top_report() {
    for path in ["assets/heap.pprof", "assets/cpu.pprof"] {
        let p = profile(path);
        let n = p.sample_types.len();
        let filters = Filters {
            focus: Some(Pattern::new("focus", "json|sort").unwrap()),
            ..Filters::default()
        };
        let expected: Vec<Vec<String>> = (0..n).map(|k| top_lines(&p, k, &filters)).collect();
        let apply = |app: &mut App| {
            app.update(Action::OpenFilter);
            app.update(Action::Down);
            app.update(Action::Down);
            type_text(app, "json|sort");
            app.update(Action::Confirm);
        };
        let mut sync = app(&p);
        apply(&mut sync);
        let mut interactive = interactive(&p, Settings::new(&p, path));
        interactive.with_worker(|worker| {
            apply(worker);
            worker.session.wait_idle();
            for app in [&mut sync, worker] {
                for _ in 0..n {
                    let k = app.session.sample_index();
                    assert_eq!(
                        table_lines(&mut app.session),
                        expected[k],
                        "{path} sample index {k}"
                    );
                    app.update(Action::NextSample);
                    app.session.wait_idle();
                }
            }
        });
    }
}

/// Filters typed in the pane are summed by the worker once the typing
/// pauses, and applying them takes those sums: the tables are pprof's. Typed
/// on after the pause, the filters applied are the new ones, summed then.
#[test]
fn filters_typed_are_summed_ahead_and_taken_when_applied() {
    let path = "assets/heap.pprof";
    let p = profile(path);
    let n = p.sample_types.len();
    let focus = |text: &str| Filters {
        focus: Some(Pattern::new("focus", text).unwrap()),
        ..Filters::default()
    };
    // Longer than the typing pause, and long enough for the worker to sum
    // this small profile.
    let pause = |app: &mut App| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        app.session.tick(std::time::Instant::now());
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    let every_table_is = |app: &mut App, filters: &Filters| {
        for _ in 0..n {
            let k = app.session.sample_index();
            assert_eq!(
                table_lines(&mut app.session),
                top_lines(&p, k, filters),
                "sample index {k}"
            );
            app.update(Action::NextSample);
            app.session.wait_idle();
        }
    };
    let mut app = interactive(&p, Settings::new(&p, path));
    app.with_worker(|app| {
        app.update(Action::OpenFilter);
        app.update(Action::Down);
        app.update(Action::Down);
        type_text(app, "json|sort");
        pause(app);
        app.update(Action::Confirm);
        app.session.wait_idle();
        assert!(
            app.session.aggregate().summed_ahead,
            "the sums computed ahead were taken"
        );
        every_table_is(app, &focus("json|sort"));

        app.update(Action::ClearFilters);
        app.session.wait_idle();
        app.update(Action::OpenFilter);
        app.update(Action::Down);
        app.update(Action::Down);
        type_text(app, "json");
        pause(app);
        type_text(app, "|Store");
        app.update(Action::Confirm);
        app.session.wait_idle();
        assert!(
            !app.session.aggregate().summed_ahead,
            "sums of other filters are not taken"
        );
        every_table_is(app, &focus("json|Store"));
    });
}

fn observed(app: &App) -> String {
    let names = |nodes: &[u32]| -> Vec<String> {
        nodes
            .iter()
            .map(|&n| app.session.name(n).to_string())
            .collect()
    };
    let callers: Vec<String> = app
        .session
        .calls()
        .callers
        .iter()
        .map(|c| app.session.name(c.node).to_string())
        .collect();
    let callees: Vec<String> = app
        .session
        .calls()
        .callees
        .iter()
        .map(|c| app.session.name(c.node).to_string())
        .collect();
    format!(
        "k={} sort={:?} selected={:?} cursor={} focus={:?} rows={:?}\ncallers={callers:?}\ncallees={callees:?}\ncalls cursor={}\nsearch={:?}\nmessage={:?}",
        app.session.sample_index(),
        app.session.sort(),
        app.session
            .selected()
            .map(|n| app.session.name(n).to_string()),
        app.session.cursor(),
        app.focus,
        names(&app.session.view().table.rows),
        app.session.calls().cursor,
        app.session
            .last_search()
            .map(|s| (s.query.clone(), names(&s.matches), s.index)),
        app.session.notice().map(|m| m.text.clone()),
    )
}

/// The explorer with a worker (the slow part off the UI thread, searches
/// scanned in slices) ends every action in the state the synchronous one
/// reaches at once.
#[test]
fn with_a_worker_every_action_ends_as_without() {
    let p = heap();
    let mut script: Vec<Action> = vec![Action::Down, Action::Down, Action::Enter, Action::Enter];
    let text = |s: &str| s.chars().map(Action::Insert).collect::<Vec<_>>();
    script.push(Action::Search);
    script.extend(text("json"));
    script.push(Action::Erase);
    script.extend(text("sonU"));
    script.push(Action::Confirm);
    script.extend([
        Action::NextSample,
        Action::CycleSort,
        Action::NextMatch,
        Action::CycleSort,
    ]);
    script.extend([Action::OpenFilter, Action::Down, Action::Down]);
    script.extend(text("json|Store"));
    script.extend([
        Action::Confirm,
        Action::NextMatch,
        Action::Enter,
        Action::Enter,
        Action::Back,
    ]);
    script.extend([
        Action::CycleGranularity,
        Action::PrevSample,
        Action::CycleGranularity,
    ]);
    script.extend([
        Action::ClearFilters,
        Action::NextMatch,
        Action::CycleSort,
        Action::Home,
    ]);

    // Through the stacks, and on the general path (-noinlines), which
    // computes the call graph's edges after the table.
    for inline_frames in [true, false] {
        let settings = || Settings {
            inline_frames,
            ..Settings::new(&p, "heap.pprof")
        };
        let mut sync = explorer(&p, settings());
        let mut expected = vec![observed(&sync)];
        for &action in &script {
            sync.update(action);
            expected.push(observed(&sync));
        }
        let mut interactive = interactive(&p, settings());
        assert_eq!(interactive.session.waiting_for_edges(), !inline_frames);
        run_with_worker(&mut interactive, &script, &expected);
    }
}

fn run_with_worker(interactive: &mut App, script: &[Action], expected: &[String]) {
    interactive.with_worker(|app| {
        app.session.wait_idle();
        assert!(!app.session.waiting_for_edges());
        assert_eq!(observed(app), expected[0]);
        for (i, &action) in script.iter().enumerate() {
            app.update(action);
            app.session.wait_idle();
            assert!(!app.session.busy());
            assert_eq!(
                observed(app),
                expected[i + 1],
                "after {action:?} (step {i})"
            );
        }
    });
}

#[test]
fn with_a_worker_filters_return_at_once_and_arrive_later() {
    let p = heap();
    let mut app = interactive(&p, Settings::new(&p, "heap.pprof"));
    app.with_worker(|app| {
        app.session.wait_idle();
        let all = app.session.view().table.rows.len();
        app.update(Action::OpenFilter);
        app.update(Action::Down);
        app.update(Action::Down);
        type_text(app, "json");
        app.update(Action::Confirm);
        // The request is out; the table shown is still the previous one
        // until a tick takes the result in.
        assert!(app.session.waiting_for_table());
        assert!(app.session.busy());
        assert_eq!(app.session.view().table.rows.len(), all);
        app.session.wait_idle();
        assert!(!app.session.waiting_for_table());
        assert!(app.session.view().table.rows.len() < all);
        assert!(!app.session.waiting_for_edges());
        assert!(
            app.session
                .notice()
                .as_ref()
                .is_some_and(|m| m.text.starts_with("filters applied")),
            "{:?}",
            app.session.notice()
        );
    });
}

#[test]
fn without_edges_yet_the_calls_pane_says_so() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let p = heap();
    // The general path (here for -noinlines) computes the edges after the
    // table.
    let settings = Settings {
        inline_frames: false,
        ..Settings::new(&p, "heap.pprof")
    };
    let mut app = interactive(&p, settings);
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("callers: computing…"), "{screen}");
    assert!(
        screen.contains("main.sortWork"),
        "the table is there:\n{screen}"
    );
    app.session.wait_idle();
    terminal.draw(|f| app.render(f)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(!screen.contains("computing…"), "{screen}");
    assert!(screen.contains("callers (1)"), "{screen}");
}

/// A search typed while a new granularity is computed (new node ids)
/// searches the rows that arrive, not the ones it was opened on.
#[test]
fn a_search_open_while_the_table_changes_searches_the_new_rows() {
    use ppt::tui::app::Mode;
    let p = heap();
    let mut app = interactive(&p, Settings::new(&p, "heap.pprof"));
    app.with_worker(|app| {
        app.session.wait_idle();
        app.update(Action::CycleGranularity);
        app.update(Action::Search);
        type_text(app, "go");
        app.session.wait_idle();
        let (Mode::Search(_), Some(finder)) = (&app.mode, app.session.finder()) else {
            panic!("the prompt is open");
        };
        let session = &app.session;
        let cums = session
            .rows(0..session.row_count())
            .map(|r| r.cum)
            .collect();
        let rows = &session.view().table.rows;
        let mut fresh = ppt::explore::finder::Finder::with_costs(rows, cums);
        fresh.set_query("go".into());
        fresh.finish(app.session.aggregate().display());
        assert!(!fresh.matches.is_empty());
        assert_eq!(finder.matches, fresh.matches);
    });
}

/// Keys pressed while the worker is still computing (a filter, tables
/// built in advance) end, once it is done, in the tables a synchronous
/// explorer shows: every sample index in every sort.
#[test]
fn keys_that_race_the_worker_end_in_the_right_tables() {
    let p = heap();
    let text = |s: &str| s.chars().map(Action::Insert).collect::<Vec<_>>();
    let mut script = vec![Action::NextSample, Action::PrevSample];
    script.extend([Action::OpenFilter, Action::Down, Action::Down]);
    script.extend(text("json|Store"));
    script.extend([
        Action::Confirm,
        Action::NextSample,
        Action::CycleSort,
        Action::NextSample,
        Action::PrevSample,
        Action::ClearFilters,
        Action::NextSample,
        Action::CycleSort,
    ]);
    let rows = |app: &App| -> Vec<String> {
        app.session
            .view()
            .table
            .rows
            .iter()
            .map(|&n| {
                let (flat, cum) = app.session.values(n);
                format!("{} {flat} {cum}", app.session.name(n))
            })
            .collect()
    };
    // Every table, in the order a user cycling through them meets them.
    let every_table = |app: &mut App| -> Vec<(usize, String, Vec<String>)> {
        let mut seen = Vec::new();
        for _ in 0..3 {
            for _ in 0..p.sample_types.len() {
                seen.push((
                    app.session.sample_index(),
                    format!("{:?}", app.session.sort()),
                    rows(app),
                ));
                app.update(Action::NextSample);
                app.session.wait_idle();
            }
            app.update(Action::CycleSort);
            app.session.wait_idle();
        }
        seen
    };
    let mut sync = explorer(&p, Settings::new(&p, "heap.pprof"));
    for &action in &script {
        sync.update(action);
    }
    let expected = every_table(&mut sync);
    for round in 0..20 {
        let mut app = interactive(&p, Settings::new(&p, "heap.pprof"));
        let tables = app.with_worker(|app| {
            for &action in &script {
                app.update(action);
                // Some results come in between keys, some not.
                if round % 2 == 0 {
                    app.session.tick(std::time::Instant::now());
                }
            }
            app.session.wait_idle();
            every_table(app)
        });
        assert_eq!(tables, expected, "round {round}");
    }
}

/// With a worker, switching to a table not built yet leaves the table
/// shown (and the keys working) until the worker has built it, says so,
/// and ends where the keys pressed meanwhile lead.
#[test]
fn a_switch_to_a_table_not_built_yet_waits_for_the_worker() {
    let p = heap();
    let n = p.sample_types.len();
    assert!(n >= 3);
    let mut sync = explorer(&p, Settings::new(&p, "heap.pprof"));
    for action in [Action::NextSample, Action::NextSample, Action::CycleSort] {
        sync.update(action);
    }
    let mut app = interactive(&p, Settings::new(&p, "heap.pprof"));
    let start = app.session.sample_index();
    app.with_worker(|app| {
        // No tick yet: no table was built in advance.
        app.update(Action::NextSample);
        assert_eq!(app.session.sample_index(), start, "the table shown stays");
        assert_eq!(app.session.view().table.sample, start);
        let said = app.session.notice().map(|m| m.text.clone());
        assert!(
            said.as_deref().is_some_and(|t| t.starts_with("sorting ")),
            "{said:?}"
        );
        assert!(app.session.busy());
        // Keys go on meanwhile, from the table asked for.
        app.update(Action::NextSample);
        let cursor = app.session.cursor();
        app.update(Action::Down);
        assert_eq!(
            app.session.cursor(),
            cursor + 1,
            "the table shown is browsed"
        );
        app.update(Action::CycleSort);
        app.session.wait_idle();
        assert_eq!(app.session.sample_index(), (start + 2) % n);
        assert_eq!(
            (
                app.session.view().table.sample,
                app.session.view().table.sort
            ),
            (app.session.sample_index(), app.session.sort())
        );
        assert_eq!(app.session.sort(), sync.session.sort());
        assert_eq!(
            app.session.view().table.rows,
            sync.session.view().table.rows
        );
        assert_eq!(
            app.session.notice().map(|m| m.text.as_str()),
            Some("sorted by cum")
        );
    });
}

/// With a worker, the calls of a function in too many samples to scan
/// within a frame (`runtime.goexit`, the root of every stack) are computed
/// by the worker: the pane says they are being computed, then shows what
/// the explorer without a worker computes at once.
#[test]
fn calls_of_a_function_in_every_sample_come_from_the_worker() {
    let shape = synth::Shape {
        functions: 3_000,
        locations: 6_000,
        samples: 160_000,
        min_depth: 12,
        max_depth: 20,
        ..synth::Shape::default()
    };
    let p = Arc::new(Profile::from_wire(synth::generate(&shape)).expect("valid profile"));
    let calls = |app: &App| -> Vec<String> {
        let k = app.session.view().column();
        app.session
            .calls()
            .callers
            .iter()
            .chain(&app.session.calls().callees)
            .map(|c| format!("{} {}", app.session.name(c.node), c.weight(k)))
            .collect()
    };
    // Sorted by cum, the root is the first row; the next row, then back.
    // Entering it from the table puts the pane's cursor on its first
    // callee, once the calls are there.
    let script = [
        Action::CycleSort,
        Action::Home,
        Action::Down,
        Action::Up,
        Action::Enter,
    ];
    let mut sync = explorer(&p, Settings::new(&p, "synth"));
    for action in script {
        sync.update(action);
    }
    assert_eq!(
        sync.session.name(sync.session.selected().unwrap()),
        "runtime.goexit"
    );
    assert!(sync.session.calls().known && !sync.session.calls().callees.is_empty());
    let mut app = interactive(&p, Settings::new(&p, "synth"));
    app.with_worker(|app| {
        app.session.wait_idle();
        for action in script {
            app.update(action);
        }
        assert!(!app.session.calls().known, "left to the worker");
        assert!(app.session.busy());
        app.session.wait_idle();
        assert!(app.session.calls().known);
        assert_eq!(calls(app), calls(&sync));
        assert_eq!(app.session.calls().cursor, sync.session.calls().cursor);
        assert_eq!(
            app.session.calls().cursor,
            app.session.calls().self_index() + 1
        );
    });
}
