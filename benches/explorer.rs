//! The explorer's interactive actions on the large benchmark profile (60k
//! functions, 600k samples; see `support/synth.rs`): each must fit in one
//! frame (16 ms at 60 Hz). Actions run on an `App` without a worker, so
//! each measurement is the action's whole cost, results included (the
//! real explorer hands filters and granularity to a worker thread so that
//! even slower cases never block the screen).
//!
//! Run with `cargo bench --bench explorer`; results are in BENCHMARKS.md.

#[path = "support/synth.rs"]
mod synth;

use divan::Bencher;
use ppt::explore::{Session, Settings};
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use prost::Message;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::cell::RefCell;
use std::sync::{Arc, LazyLock};

fn main() {
    divan::main();
}

static PROFILE: LazyLock<Arc<Profile>> = LazyLock::new(|| {
    let raw = synth::generate(&synth::Shape::default()).encode_to_vec();
    Arc::new(decode(&raw, &DecodeOptions::default()).unwrap())
});

fn app() -> App {
    let session = Session::new(PROFILE.clone(), Settings::new(&PROFILE, "bench"));
    App::new(session, Theme { color: true })
}

/// Opening: the table's first frame (flat and cum of every sample index;
/// the call graph follows from a worker). Decoding is in `engine`.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn first_frame() {
    let session = Session::new_interactive(PROFILE.clone(), Settings::new(&PROFILE, "bench"));
    let mut app = App::new(session, Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
}

/// One frame of the main screen.
#[divan::bench]
fn render_frame(bencher: Bencher) {
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    bencher.bench_local(|| terminal.draw(|f| app.render(f)).map(drop).unwrap());
}

/// `i`: the next sample index (alternating over all four).
#[divan::bench]
fn switch_sample_index(bencher: Bencher) {
    let mut app = app();
    bencher.bench_local(|| app.update(Action::NextSample));
}

/// `s`: the next sort order.
#[divan::bench]
fn cycle_sort(bencher: Bencher) {
    let mut app = app();
    bencher.bench_local(|| app.update(Action::CycleSort));
}

/// Enter a function (its callers and callees), then go back.
#[divan::bench]
fn enter_function_and_back(bencher: Bencher) {
    let mut app = app();
    bencher.bench_local(|| {
        app.update(Action::Enter);
        app.update(Action::Back);
    });
}

/// Select the next function (Down and Up in turn): its callers and callees
/// are scanned from the stacks for the calls pane.
#[divan::bench]
fn select_next_function(bencher: Bencher) {
    let mut app = app();
    let mut down = false;
    bencher.bench_local(|| {
        down = !down;
        app.update(if down { Action::Down } else { Action::Up });
    });
}

/// Enter: from the calls pane, move to the heaviest callee (its callers
/// and callees), then back: two functions' calls scanned.
#[divan::bench]
fn enter_callee_and_back(bencher: Bencher) {
    let mut app = app();
    app.update(Action::Enter);
    bencher.bench_local(|| {
        app.update(Action::Enter);
        app.update(Action::Back);
    });
}

/// Applies filters typed in the filter pane (`f`, the `field`-th field,
/// the text, Enter), from no filters each time: the table, its new rows
/// and the calls of the selected function are all recomputed before the
/// timed Enter returns. The typing and the clearing are not timed.
fn apply_filter(bencher: Bencher, field: usize, text: &str) {
    let app = RefCell::new(app());
    bencher
        .with_inputs(|| {
            let mut app = app.borrow_mut();
            app.update(Action::ClearFilters);
            app.update(Action::OpenFilter);
            for _ in 0..field {
                app.update(Action::Down);
            }
            for c in text.chars() {
                app.update(Action::Insert(c));
            }
        })
        .bench_local_values(|()| app.borrow_mut().update(Action::Confirm));
    assert!(
        !app.borrow().session.filters().is_empty(),
        "the filter was applied"
    );
}

/// A focus filter matching 854 of the 60k functions.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_focus_filter(bencher: Bencher) {
    apply_filter(bencher, 2, "svc1/internal");
}

/// A source filter keeping the frames of 34k of the 60k functions.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_source_filter(bencher: Bencher) {
    apply_filter(bencher, 0, "/internal/");
}

/// A fuzzy search prompt over all 60k names, with `typed` typed.
fn searching(typed: &str) -> RefCell<App> {
    let mut app = app();
    app.update(Action::Search);
    for c in typed.chars() {
        app.update(Action::Insert(c));
    }
    RefCell::new(app)
}

/// One keystroke of a fuzzy search over all 60k names: `e` typed after
/// `mak` (54k matches scored again, 51k left), complete ranking. Erasing it
/// between samples is free (the results of `mak` are kept) and not timed.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn fuzzy_keystroke(bencher: Bencher) {
    let app = searching("make");
    bencher
        .with_inputs(|| app.borrow_mut().update(Action::Erase))
        .bench_local_values(|()| app.borrow_mut().update(Action::Insert('e')));
}

/// The first keystroke of a search, the worst case: `m` scores every one
/// of the 60k names (57k match) and ranks them all.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn fuzzy_first_keystroke(bencher: Bencher) {
    let app = searching("");
    bencher
        .with_inputs(|| app.borrow_mut().update(Action::ClearField))
        .bench_local_values(|()| app.borrow_mut().update(Action::Insert('m')));
}

/// A longer query typed from an empty prompt: all 14 keystrokes of
/// `svc3intpkg1Put`, each ranked completely (the first over all 60k names,
/// then narrowing down to 10 matches).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn fuzzy_type_query(bencher: Bencher) {
    let app = searching("");
    bencher
        .with_inputs(|| app.borrow_mut().update(Action::ClearField))
        .bench_local_values(|()| {
            let mut app = app.borrow_mut();
            for c in "svc3intpkg1Put".chars() {
                app.update(Action::Insert(c));
            }
        });
}
