//! The explorer's flame graph and call tree on the large benchmark profile
//! (60k functions, 600k samples; see `support/synth.rs`): every keystroke
//! (move, zoom, expand, a search keystroke) with the frame it draws must
//! fit in one frame (16 ms at 60 Hz). The tree is built once, before the
//! measurements (the explorer builds it in its worker); building it is in
//! `call_tree`.
//!
//! Run with `cargo bench --bench trees`; results are in BENCHMARKS.md.

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
use std::sync::{Arc, LazyLock};

fn main() {
    divan::main();
}

static PROFILE: LazyLock<Arc<Profile>> = LazyLock::new(|| {
    let raw = synth::generate(&synth::Shape::default()).encode_to_vec();
    Arc::new(decode(&raw, &DecodeOptions::default()).unwrap())
});

/// The explorer with the view of `key` open (`F` or `T`), its tree built,
/// on a 200x50 terminal, one frame drawn.
fn opened(key: Action) -> (App, Terminal<TestBackend>) {
    let session = Session::new(PROFILE.clone(), Settings::new(&PROFILE, "bench"));
    let mut app = App::new(session, Theme { color: true });
    app.update(key);
    assert!(app.session.tree_is_current(), "the tree is built");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    (app, terminal)
}

/// `actions` in turn, each followed by its frame.
fn keystrokes(bencher: Bencher, view: Action, actions: &[Action]) {
    let (mut app, mut terminal) = opened(view);
    let mut i = 0;
    bencher.bench_local(|| {
        app.update(actions[i % actions.len()]);
        i += 1;
        terminal.draw(|f| app.render(f)).map(drop).unwrap();
    });
}

/// One frame of the flame graph, nothing changed.
#[divan::bench]
fn flame_frame(bencher: Bencher) {
    let (mut app, mut terminal) = opened(Action::Flame);
    bencher.bench_local(|| terminal.draw(|f| app.render(f)).map(drop).unwrap());
}

/// Down to the heaviest callee and back up.
#[divan::bench]
fn flame_move_down_up(bencher: Bencher) {
    keystrokes(bencher, Action::Flame, &[Action::Down, Action::Up]);
}

/// Down the heaviest path to the leaf, then back up to the root.
#[divan::bench]
fn flame_move_to_the_leaf_and_back(bencher: Bencher) {
    let mut actions = vec![Action::Down; 40];
    actions.extend([Action::Up; 40]);
    keystrokes(bencher, Action::Flame, &actions);
}

/// To the sibling after and back.
#[divan::bench]
fn flame_move_sideways(bencher: Bencher) {
    keystrokes(bencher, Action::Flame, &[Action::Right, Action::Left]);
}

/// Zoom into the heaviest callee, and out again.
#[divan::bench]
fn flame_zoom_in_out(bencher: Bencher) {
    keystrokes(
        bencher,
        Action::Flame,
        &[Action::Down, Action::Enter, Action::Back, Action::Up],
    );
}

/// A search typed (`/`, `Blob`, a keystroke at a time), then erased: each
/// keystroke searches the tree's names, sums the matched share and draws
/// the highlighted graph.
#[divan::bench(sample_count = 20)]
fn flame_search_keystroke(bencher: Bencher) {
    let (mut app, mut terminal) = opened(Action::Flame);
    app.update(Action::Search);
    let script: Vec<Action> = "Blob"
        .chars()
        .map(Action::Insert)
        .chain([Action::Erase; 4])
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        app.update(script[i % script.len()]);
        i += 1;
        terminal.draw(|f| app.render(f)).map(drop).unwrap();
    });
}

/// The call tree: down and up a row.
#[divan::bench]
fn tree_move_down_up(bencher: Bencher) {
    keystrokes(bencher, Action::CallTree, &[Action::Down, Action::Up]);
}

/// The call tree: expand the heaviest path, then collapse the row.
#[divan::bench]
fn tree_expand_heaviest_and_collapse(bencher: Bencher) {
    keystrokes(
        bencher,
        Action::CallTree,
        &[
            Action::Down,
            Action::ExpandHeaviest,
            Action::Left,
            Action::Up,
        ],
    );
}

/// The bottom-up call tree (60k functions under the root): down and up.
#[divan::bench]
fn bottom_up_move_down_up(bencher: Bencher) {
    let (mut app, mut terminal) = opened(Action::CallTree);
    app.update(Action::Flip);
    assert!(app.session.tree_is_current());
    let mut down = false;
    bencher.bench_local(|| {
        down = !down;
        app.update(if down { Action::Down } else { Action::Up });
        terminal.draw(|f| app.render(f)).map(drop).unwrap();
    });
}

/// `F` on the explorer's session with its worker, until the tree is there
/// (built in the background: keys are answered meanwhile). Before each
/// timing, untimed: back to the table, the next sample index (so that the
/// tree is built anew), and the worker idle.
#[divan::bench(sample_count = 8, sample_size = 1)]
fn flame_ready_after_f(bencher: Bencher) {
    use ppt::explore::{Command, TreeView};
    let mut session = Session::new_interactive(PROFILE.clone(), Settings::new(&PROFILE, "bench"));
    session.with_worker(|session| {
        session.wait_idle();
        let session = std::cell::RefCell::new(session);
        bencher
            .with_inputs(|| {
                let mut s = session.borrow_mut();
                s.apply(Command::ShowTree(None));
                s.apply(Command::NextSample);
                s.wait_idle();
            })
            .bench_local_values(|()| {
                let mut s = session.borrow_mut();
                s.apply(Command::ShowTree(Some(TreeView::Flame)));
                s.wait_idle();
                assert!(s.tree_is_current());
            });
    });
}
