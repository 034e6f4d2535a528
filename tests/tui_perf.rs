//! How fast the explorer answers on a big profile, and that the engine's
//! stages timed there agree with each other (ignored by default: it needs
//! a release build and a generated profile):
//!
//! ```sh
//! cargo run --release --example gen_profile -- /tmp/big.pb.gz
//! PPT_BIG_PROFILE=/tmp/big.pb.gz cargo test --release --test tui_perf -- --ignored --nocapture
//! ```

use ppt::explore::{Session, Settings};
use ppt::profile::{DecodeOptions, load};
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn time<T>(what: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    println!("{what:<40} {:>9.2} ms", took.as_secs_f64() * 1e3);
    (out, took)
}

/// Opens the filter pane, moves `downs` fields down and types `text`, each
/// key an action timed by `act`.
fn type_filter(
    app: &mut App,
    act: &mut impl FnMut(&mut App, &str, Action),
    downs: usize,
    text: &str,
) {
    act(app, "open filter pane", Action::OpenFilter);
    for _ in 0..downs {
        act(app, "down", Action::Down);
    }
    for c in text.chars() {
        act(app, &format!("type {c:?}"), Action::Insert(c));
    }
}

/// A person's pause before pressing Enter: the explorer keeps ticking.
fn pause(app: &mut App) {
    let end = Instant::now() + Duration::from_millis(200);
    while Instant::now() < end {
        app.session.tick(Instant::now() + ppt::explore::SLICE);
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The slowest an interactive action may block the UI thread.
const FRAME: Duration = Duration::from_millis(16);

#[test]
#[ignore = "needs a release build and PPT_BIG_PROFILE"]
fn big_profile_timings() {
    let path = std::env::var("PPT_BIG_PROFILE").unwrap_or("/tmp/big.pb.gz".into());
    let (p, load_t) = time("load (decode)", || {
        Arc::new(load(&path, &DecodeOptions::default()).expect("profile loads"))
    });
    // As the explorer opens it: a first look on a very large profile.
    let first_look = Session::wants_first_look(&p, true);
    let opening = match first_look {
        true => "Session::new_first_look",
        false => "Session::new_interactive",
    };
    let (mut app, new_t) = time(opening, || {
        let settings = Settings::new(&p, "big");
        let session = match first_look {
            true => Session::new_first_look(p.clone(), settings),
            false => Session::new_interactive(p.clone(), settings),
        };
        App::new(session, Theme { color: true })
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    let (_, frame_t) = time("first frame", || {
        terminal.draw(|frame| app.render(frame)).unwrap();
    });
    let first = load_t + new_t + frame_t;
    println!(
        "{:<40} {:>9.2} ms",
        "=> time to first frame",
        first.as_secs_f64() * 1e3
    );
    let mut slow = Vec::new();
    app.with_worker(|app| {
        if app.session.resolving_stacks() {
            // A first look: the stacks are resolved behind the table.
            let start = Instant::now();
            let mut longest = Duration::ZERO;
            while app.session.resolving_stacks() {
                let tick = Instant::now();
                app.session.tick(Instant::now() + ppt::explore::SLICE);
                longest = longest.max(tick.elapsed());
                std::thread::sleep(Duration::from_micros(200));
            }
            if longest > FRAME {
                slow.push(format!(
                    "a tick while the stacks were resolved: {longest:?}"
                ));
            }
            println!(
                "{:<40} {:>9.2} ms",
                "stacks resolved behind the first look",
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        // An action: how long it blocks the UI, then how long until its
        // results are all in (worker and slices).
        let mut act = |app: &mut App, what: &str, action: Action| {
            let (_, took) = time(what, || app.update(action));
            if took > FRAME {
                slow.push(format!("{what}: {took:?}"));
            }
            let start = Instant::now();
            if app.session.waiting_for_table() {
                while app.session.waiting_for_table() {
                    app.session.tick(Instant::now() + ppt::explore::SLICE);
                    std::thread::sleep(Duration::from_micros(200));
                }
                let table = start.elapsed().as_secs_f64() * 1e3;
                println!("{:<40} {table:>9.2} ms", "   ...until the new table");
            }
            if app.session.selected().is_some() && !app.session.calls().known {
                while !app.session.calls().known && app.session.busy() {
                    app.session.tick(Instant::now() + ppt::explore::SLICE);
                    std::thread::sleep(Duration::from_micros(200));
                }
                let calls = start.elapsed().as_secs_f64() * 1e3;
                println!(
                    "{:<40} {calls:>9.2} ms",
                    "   ...until its callers and callees"
                );
            }
            app.session.wait_idle();
            let done = start.elapsed();
            if done > Duration::from_micros(100) {
                println!(
                    "{:<40} {:>9.2} ms",
                    "   ...until done",
                    done.as_secs_f64() * 1e3
                );
            }
            let (_, took) = time("   render one frame", || {
                terminal.draw(|frame| app.render(frame)).unwrap();
            });
            if took > FRAME {
                slow.push(format!("render after {what}: {took:?}"));
            }
        };
        act(app, "switch sample index (i)", Action::NextSample);
        act(app, "switch sample index back (I)", Action::PrevSample);
        act(app, "sort (s)", Action::CycleSort);
        act(app, "sort again (s)", Action::CycleSort);
        act(app, "sort again (s)", Action::CycleSort);
        act(app, "move down (j)", Action::Down);
        act(app, "enter (table -> calls)", Action::Enter);
        act(app, "enter (calls -> callee)", Action::Enter);
        act(app, "back", Action::Back);
        act(app, "close", Action::Close);
        act(app, "open search (/)", Action::Search);
        for c in "pool".chars() {
            act(app, &format!("fuzzy keystroke {c:?}"), Action::Insert(c));
        }
        act(app, "fuzzy erase", Action::Erase);
        act(app, "fuzzy clear", Action::ClearField);
        act(app, "fuzzy keystroke 'x'", Action::Insert('x'));
        act(app, "confirm search", Action::Confirm);
        act(app, "next match", Action::NextMatch);
        // A focus filter, applied as soon as it is typed.
        type_filter(app, &mut act, 2, "storage");
        act(app, "apply focus filter", Action::Confirm);
        act(app, "next match (after rescan)", Action::NextMatch);
        act(app, "clear filters", Action::ClearFilters);
        // The same after a pause, as a person takes before Enter: the
        // worker has summed the filter typed.
        type_filter(app, &mut act, 2, "storage");
        pause(app);
        act(app, "apply focus filter after a pause", Action::Confirm);
        act(app, "clear filters", Action::ClearFilters);
        // A source filter, at once and after a pause.
        type_filter(app, &mut act, 0, "internal/api");
        act(app, "apply source filter", Action::Confirm);
        act(app, "clear filters", Action::ClearFilters);
        type_filter(app, &mut act, 0, "internal/api");
        pause(app);
        act(app, "apply source filter after a pause", Action::Confirm);
        act(app, "granularity (v)", Action::CycleGranularity);
        act(app, "switch sample index (i)", Action::NextSample);
    });
    println!("time to first frame: {first:?}");
    for s in &slow {
        println!("over {FRAME:?}: {s}");
    }
    if std::env::var_os("PPT_PERF_ASSERT").is_some() {
        assert!(first < Duration::from_secs(1), "first frame in {first:?}");
        assert!(slow.is_empty(), "actions over {FRAME:?}: {slow:#?}");
    }
}

#[test]
#[ignore = "needs a release build and PPT_BIG_PROFILE"]
fn big_profile_engine_parts() {
    use ppt::analysis::{Filters, Frames, Granularity, Graph, Measure};
    let path = std::env::var("PPT_BIG_PROFILE").unwrap_or("/tmp/big.pb.gz".into());
    let p = load(&path, &DecodeOptions::default()).unwrap();
    let measures: Vec<Measure> = (0..p.sample_types.len()).map(Measure::plain).collect();
    let last = measures.len() - 1;
    for _ in 0..2 {
        let (reports, _) = time("Report::new x4 (totals)", || {
            measures
                .iter()
                .map(|&m| ppt::report::Report::new(&p, m))
                .collect::<Vec<_>>()
        });
        assert_eq!(reports.len(), measures.len());
        let (frames, _) = time("Frames::with_inlining", || {
            Frames::with_inlining(&p, Granularity::Functions, &Filters::default(), true)
        });
        let (all, _) = time("Graph::build x4 measures", || {
            Graph::build(&p, &frames, &measures, None)
        });
        let (one, _) = time("Graph::build 1 measure", || {
            Graph::build(&p, &frames, &measures[last..], None)
        });
        let (one_quick, _) = time("Graph::build_without_edges 1", || {
            Graph::build_without_edges(&p, &frames, &measures[last..], None)
        });
        let (all_quick, _) = time("Graph::build_without_edges x4", || {
            Graph::build_without_edges(&p, &frames, &measures, None)
        });
        // Each way gives the same numbers: one sample index alone is that
        // column of all of them, with or without the edges.
        let n = frames.nodes.len() as u32;
        for node in 0..n {
            for k in 0..measures.len() {
                let values = (all.flat(node, k), all.cum(node, k));
                assert_eq!(values, (all_quick.flat(node, k), all_quick.cum(node, k)));
            }
            let values = (all.flat(node, last), all.cum(node, last));
            assert_eq!(values, (one.flat(node, 0), one.cum(node, 0)), "node {node}");
            assert_eq!(values, (one_quick.flat(node, 0), one_quick.cum(node, 0)));
        }
        let (names, _) = time("escape all names", || {
            (0..n)
                .map(|id| ppt::safe_text::escape(frames.nodes.name(id)))
                .collect::<Vec<_>>()
        });
        assert!(names.iter().all(|name| !name.contains('\x1b')));
    }
}

#[test]
#[ignore = "needs a release build and PPT_BIG_PROFILE"]
fn big_profile_shape() {
    use ppt::analysis::{Filters, Frames, Granularity, Graph, Measure};
    let path = std::env::var("PPT_BIG_PROFILE").unwrap_or("/tmp/big.pb.gz".into());
    let p = load(&path, &DecodeOptions::default()).unwrap();
    let measures: Vec<Measure> = (0..p.sample_types.len()).map(Measure::plain).collect();
    let frames = Frames::with_inlining(&p, Granularity::Functions, &Filters::default(), true);
    let g = Graph::build(&p, &frames, &measures, None);
    let n = frames.nodes.len() as u32;
    let edges: usize = (0..n).map(|i| g.outgoing(i).len()).sum();
    let into: usize = (0..n).map(|i| g.incoming(i).len()).sum();
    assert_eq!(edges, into, "every edge leaves one node and enters one");
    let mut total_frames = 0usize;
    for s in 0..p.samples.len() {
        let stack = frames.stack(&p, s);
        assert!(!stack.is_empty(), "sample {s} has a stack");
        for &loc in stack {
            total_frames += frames.location(loc).len();
        }
    }
    println!(
        "nodes {n} edges {edges} samples {} frames {total_frames}",
        p.samples.len()
    );
    assert!(total_frames >= p.samples.len());
    assert!(n > 0 && edges > 0, "a big profile has calls");
}

/// What the engine's row sort costs per table, and what it would cost with
/// names ranked once per aggregate (a number for the engine's owner).
#[test]
#[ignore = "needs a release build and PPT_BIG_PROFILE"]
fn big_profile_row_sort() {
    use ppt::analysis::order::{SortKey, sort_nodes};
    use ppt::analysis::{Filters, Frames, Granularity, Graph, Measure};
    let path = std::env::var("PPT_BIG_PROFILE").unwrap_or("/tmp/big.pb.gz".into());
    let p = load(&path, &DecodeOptions::default()).unwrap();
    let measures: Vec<Measure> = (0..p.sample_types.len()).map(Measure::plain).collect();
    let frames = Frames::with_inlining(&p, Granularity::Functions, &Filters::default(), true);
    let g = Graph::build_without_edges(&p, &frames, &measures, None);
    let names = &frames.nodes;
    for k in 0..measures.len() {
        let rows = g.present_nodes(k);
        let (engine, _) = time(&format!("sort_nodes flat, k={k}"), || {
            let mut r = rows.clone();
            sort_nodes(&mut r, &g, names, &p, k, SortKey::Flat);
            r
        });
        // Names ranked once (shared by every table of the aggregate)...
        let (rank, _) = time("   rank names once", || {
            let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
            by_name.sort_unstable_by(|&a, &b| names.name(a).cmp(names.name(b)));
            let mut rank = vec![0u32; names.len()];
            let mut r = 0;
            for (i, &n) in by_name.iter().enumerate() {
                if i > 0 && names.name(by_name[i - 1]) != names.name(n) {
                    r += 1;
                }
                rank[n as usize] = r;
            }
            rank
        });
        // ...then each table sorts on integer keys.
        let (ranked, _) = time("   sort on (|flat|, rank, |cum|) keys", || {
            let mut r = rows.clone();
            r.sort_unstable_by_key(|&n| {
                (
                    std::cmp::Reverse(g.flat(n, k).wrapping_abs()),
                    rank[n as usize],
                    std::cmp::Reverse(g.cum(n, k).wrapping_abs()),
                )
            });
            r
        });
        // The same order wherever the keys differ (ties need the engine's
        // last resort, pprof's printed identity): the engine's rows are in
        // the ranked keys' order.
        let key = |n: u32| {
            (
                std::cmp::Reverse(g.flat(n, k).wrapping_abs()),
                rank[n as usize],
                std::cmp::Reverse(g.cum(n, k).wrapping_abs()),
            )
        };
        assert!(
            engine.windows(2).all(|pair| key(pair[0]) <= key(pair[1])),
            "k={k}: the engine sorts by |flat|, name, |cum|"
        );
        let mut sorted = engine.clone();
        sorted.sort_unstable();
        let mut ranked_rows = ranked.clone();
        ranked_rows.sort_unstable();
        assert_eq!(sorted, ranked_rows, "the same rows");
        println!("   same order: {}", engine == ranked);
    }
}
