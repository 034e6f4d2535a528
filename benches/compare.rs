//! The comparison view's keys on the large benchmark profile compared with
//! a second one of the same shape (60k functions, 600k samples each, seeds
//! 1 and 2; see `support/synth.rs`), as `ppt --diff-base` opens them: each
//! key with the frame it draws must fit in one frame (16 ms at 60 Hz).
//!
//! The explorer runs as it does on a terminal: a worker beside the screen
//! (tables, filters, the base's and new profile's own numbers, the trees),
//! idle before each key (the waiting is not timed). A timed key is the
//! action, a tick taking in what the worker has ready, and the frame;
//! what the worker then computes is timed apart (`*_result`: the key until
//! everything is on screen).
//!
//! Run with `cargo bench --bench compare`; results are in BENCHMARKS.md.

#[path = "support/synth.rs"]
mod synth;

use divan::Bencher;
use ppt::explore::{Comparison, Session, Settings};
use ppt::profile::{BaseKind, DecodeOptions, Profile, decode, subtract_base};
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use prost::Message;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::cell::RefCell;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

fn main() {
    divan::main();
}

fn generated(seed: u64) -> Profile {
    let shape = synth::Shape {
        seed,
        ..synth::Shape::default()
    };
    let raw = synth::generate(&shape).encode_to_vec();
    decode(&raw, &DecodeOptions::default()).unwrap()
}

/// The new profile (seed 1) and the base (seed 2).
static PAIR: LazyLock<(Profile, Profile)> = LazyLock::new(|| (generated(1), generated(2)));

/// The explorer on the comparison, its worker started and idle, on a
/// 200x50 terminal, one frame drawn.
struct Explorer {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Explorer {
    fn open() -> Explorer {
        let (new, base) = &*PAIR;
        let combined = subtract_base(new.clone(), base.clone(), BaseKind::Diff, false).unwrap();
        let combined = Arc::new(combined);
        let comparison = Comparison::new(base.clone(), "base.pb.gz".into(), None).of(
            new.clone(),
            BaseKind::Diff,
            false,
        );
        let mut session =
            Session::new_interactive(Arc::clone(&combined), Settings::new(&combined, "bench"));
        session.set_comparison(comparison);
        let mut explorer = Explorer {
            app: App::new(session, Theme { color: true }),
            terminal: Terminal::new(TestBackend::new(200, 50)).unwrap(),
        };
        // The worker ends with the session (its handle is not kept).
        drop(explorer.app.session.start_worker());
        explorer.idle();
        explorer
    }

    /// Waits until the worker has computed everything, and draws.
    fn idle(&mut self) {
        loop {
            self.app.session.wait_idle();
            self.draw();
            if !self.app.session.busy() {
                break;
            }
        }
    }

    fn draw(&mut self) {
        let app = &mut self.app;
        self.terminal.draw(|f| app.render(f)).map(drop).unwrap();
    }

    /// Ticks and draws until what the last key asked for is on screen: the
    /// table of the settings shown with each side's numbers, the tree
    /// shown (not the tables the worker builds ahead).
    fn shown(&mut self) {
        loop {
            self.app.session.tick(Instant::now());
            self.draw();
            let s = &self.app.session;
            let first = s.rows(0..1).next();
            let sides_in = first
                .and_then(|r| s.change(r.node))
                .is_none_or(|c| !c.pending);
            let tree_in = s.tree_view().is_none() || s.tree_is_current();
            if !s.waiting_for_table() && sides_in && tree_in {
                return;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// One key as the event loop handles it: the action, a tick, the
    /// frame.
    fn key(&mut self, action: Action) {
        self.app.update(action);
        self.app.session.tick(Instant::now());
        self.draw();
    }
}

/// `actions` in turn, each from an idle explorer, with its frame.
fn keys(bencher: Bencher, setup: &[Action], actions: &[Action]) {
    let explorer = RefCell::new(Explorer::open());
    for &a in setup {
        explorer.borrow_mut().key(a);
        explorer.borrow_mut().idle();
    }
    let mut i = 0;
    bencher
        .with_inputs(|| explorer.borrow_mut().idle())
        .bench_local_values(|()| {
            explorer.borrow_mut().key(actions[i % actions.len()]);
            i += 1;
        });
}

/// `actions` in turn, each from an idle explorer until what it asks for
/// is on screen (the worker's part included; see [`Explorer::shown`]).
fn results(bencher: Bencher, setup: &[Action], actions: &[Action]) {
    let explorer = RefCell::new(Explorer::open());
    for &a in setup {
        explorer.borrow_mut().key(a);
        explorer.borrow_mut().idle();
    }
    let mut i = 0;
    bencher
        .with_inputs(|| explorer.borrow_mut().idle())
        .bench_local_values(|()| {
            let mut e = explorer.borrow_mut();
            e.key(actions[i % actions.len()]);
            e.shown();
            i += 1;
        });
}

/// One frame of the comparison table, nothing changed.
#[divan::bench(sample_count = 50)]
fn frame(bencher: Bencher) {
    let explorer = RefCell::new(Explorer::open());
    bencher.bench_local(|| explorer.borrow_mut().draw());
}

/// `j`/`k`: the next function, its callers and callees.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn move_down_up(bencher: Bencher) {
    keys(bencher, &[], &[Action::Down, Action::Up]);
}

/// Enter (its callers and callees) and Backspace.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn drill_down_and_back(bencher: Bencher) {
    keys(bencher, &[], &[Action::Enter, Action::Back]);
}

/// `d`: growth, shrink, pprof's order, growth...
#[divan::bench(sample_count = 30, sample_size = 1)]
fn sort_flip(bencher: Bencher) {
    keys(bencher, &[], &[Action::CycleChangeOrder]);
}

/// `i`: the next sample index.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn switch_sample_index(bencher: Bencher) {
    keys(bencher, &[], &[Action::NextSample]);
}

/// `-` (ignore the selected function) and `z` (undo): a filter change.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn filter_change(bencher: Bencher) {
    keys(
        bencher,
        &[Action::Down],
        &[
            Action::Refine(ppt::explore::Refinement::Ignore),
            Action::UndoFilters,
        ],
    );
}

/// `v`: the next granularity (functions, files, lines...).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn granularity_change(bencher: Bencher) {
    keys(bencher, &[], &[Action::CycleGranularity]);
}

/// The same filter change until the table, the calls and each side's
/// numbers are on screen.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn filter_change_result(bencher: Bencher) {
    results(
        bencher,
        &[Action::Down],
        &[
            Action::Refine(ppt::explore::Refinement::Ignore),
            Action::UndoFilters,
        ],
    );
}

/// The granularity change until everything is on screen.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn granularity_change_result(bencher: Bencher) {
    results(bencher, &[], &[Action::CycleGranularity]);
}

/// The differential flame graph: `j`/`k` (heaviest callee, caller).
#[divan::bench(sample_count = 50, sample_size = 1)]
fn flame_move_down_up(bencher: Bencher) {
    keys(bencher, &[Action::Flame], &[Action::Down, Action::Up]);
}

/// The differential flame graph: Enter and Backspace (zoom in, out).
#[divan::bench(sample_count = 50, sample_size = 1)]
fn flame_zoom_in_out(bencher: Bencher) {
    keys(
        bencher,
        &[Action::Flame, Action::Down],
        &[Action::Enter, Action::Back],
    );
}

/// The differential flame graph: `d` (the base's widths, the new
/// profile's), the tree built anew by the worker.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn flame_toggle_widths(bencher: Bencher) {
    keys(bencher, &[Action::Flame], &[Action::ToggleWidths]);
}

/// `d` in the flame graph until the other widths' tree is drawn.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn flame_toggle_widths_result(bencher: Bencher) {
    results(bencher, &[Action::Flame], &[Action::ToggleWidths]);
}

/// `i` in the flame graph until the next sample index's tree is drawn.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn flame_switch_sample_index_result(bencher: Bencher) {
    results(bencher, &[Action::Flame], &[Action::NextSample]);
}

/// The combined profile (new less base), and its frames at function
/// granularity, for the tree builds.
static COMBINED: LazyLock<(Arc<Profile>, Arc<ppt::analysis::Frames>)> = LazyLock::new(|| {
    let (new, base) = &*PAIR;
    let combined = subtract_base(new.clone(), base.clone(), BaseKind::Diff, false).unwrap();
    let frames = ppt::analysis::Frames::with_inlining(
        &combined,
        ppt::analysis::Granularity::Functions,
        &ppt::analysis::Filters::default(),
        true,
    );
    (Arc::new(combined), Arc::new(frames))
});

/// The comparison's tree (each path's new, base and change values), as
/// the worker builds it for the flame graph: inuse_space.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_compared_tree(bencher: Bencher) {
    let (profile, frames) = &*COMBINED;
    let how = ppt::analysis::TreeComparison {
        widths: ppt::analysis::Side::New,
        new_scale: 1.0,
    };
    let kind = ppt::analysis::TreeKind::TopDown;
    bencher.bench(|| {
        ppt::analysis::CallTree::build_compared(profile, Arc::clone(frames), 3, kind, how).unwrap()
    });
}

/// The plain tree of the same combined profile (widths by the change), as
/// the flame graph drew a comparison before: the reference.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_plain_tree_of_the_comparison(bencher: Bencher) {
    let (profile, frames) = &*COMBINED;
    let kind = ppt::analysis::TreeKind::TopDown;
    bencher.bench(|| ppt::analysis::CallTree::build(profile, Arc::clone(frames), 3, kind).unwrap());
}
