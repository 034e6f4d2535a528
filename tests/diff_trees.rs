//! A comparison's flame graph and call trees, driven through the session
//! with commands alone (no terminal), their numbers checked against
//! pprof's: every call path's new value is what `go tool pprof -raw` lists
//! of the new profile alone, its base value what it lists of the base
//! alone (`tests/fixtures/folded`), and its change what it lists of the
//! comparison (`-diff_base`, `-base`, `-normalize`: recorded in
//! `tests/fixtures/folded/compare`); the root holds `--top`'s totals. The
//! widths switch between the new profile and the base, and a frame that
//! vanished is reached either way.

#[path = "common/compared.rs"]
mod compared;

use compared::How;
use ppt::analysis::{CallTree, PathChange, PathId, Pattern, Side};
use ppt::explore::{Command, Session, TreeStep, TreeView};
use rustc_hash::FxHashMap;
use std::sync::Arc;

const NEW: &str = "tests/fixtures/go/heap.pprof";
const BASE: &str = "tests/fixtures/go2/heap.pprof";
/// The heap profile's sample types, by index.
const HEAP_TYPES: [&str; 4] = [
    "alloc_objects",
    "alloc_space",
    "inuse_objects",
    "inuse_space",
];

/// The (stack, value) lines of a recorded folded file.
fn folded(file: &str) -> Vec<(Vec<String>, i64)> {
    let path = format!(
        "{}/tests/fixtures/folded/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("a recorded folded file");
    text.lines()
        .map(|line| {
            let (stack, value) = line.rsplit_once(' ').expect("stack value");
            let frames = stack.split(';').map(str::to_string).collect();
            (frames, value.parse().expect("a number"))
        })
        .collect()
}

/// pprof's value of every call path: the sum of the stacks beginning
/// with it (the root is the empty path).
fn path_sums(file: &str) -> FxHashMap<Vec<String>, i64> {
    let lines = folded(file);
    assert!(!lines.is_empty(), "{file}: recorded stacks");
    let mut sums = FxHashMap::default();
    for (stack, value) in &lines {
        for depth in 0..=stack.len() {
            *sums.entry(stack[..depth].to_vec()).or_insert(0) += value;
        }
    }
    sums
}

fn path_of(tree: &CallTree, id: PathId) -> Vec<String> {
    tree.path_names(id)
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

/// The recorded sums a comparison's tree is checked against.
struct Want {
    new: FxHashMap<Vec<String>, i64>,
    base: FxHashMap<Vec<String>, i64>,
    delta: FxHashMap<Vec<String>, i64>,
}

impl Want {
    fn of(new: &str, base: &str, delta: &str) -> Want {
        Want {
            new: path_sums(new),
            base: path_sums(base),
            delta: path_sums(delta),
        }
    }
}

/// Checks every path of `tree` against `want`, and that every path pprof
/// lists on either side is in the tree; returns how many paths vanished
/// (in the base, not in the new profile).
fn check(tree: &CallTree, want: &Want, what: &str) -> usize {
    let get = |sums: &FxHashMap<Vec<String>, i64>, p: &Vec<String>| *sums.get(p).unwrap_or(&0);
    let mut seen = FxHashMap::default();
    let mut vanished = 0;
    for id in 0..tree.len() as PathId {
        let p = path_of(tree, id);
        let c = tree.change(id).expect("a comparison's tree");
        assert_eq!(c.new, get(&want.new, &p), "{what}: new of {p:?}");
        assert_eq!(c.base, get(&want.base, &p), "{what}: base of {p:?}");
        assert_eq!(c.delta, get(&want.delta, &p), "{what}: change of {p:?}");
        let side = tree.widths().expect("widths");
        assert_eq!(tree.total(id), c.of(side), "{what}: width of {p:?}");
        if c.new == 0 && c.base != 0 {
            vanished += 1;
        }
        assert!(seen.insert(p, id).is_none(), "{what}: one node per path");
    }
    for sums in [&want.new, &want.base] {
        for (p, v) in sums {
            if *v != 0 {
                assert!(seen.contains_key(p), "{what}: {p:?} is in the tree");
            }
        }
    }
    vanished
}

/// The comparison's session showing the flame graph of `sample_type`.
fn flame(how: How, sample_type: &str, focus: Option<&str>) -> Session {
    let mut session = compared::session(NEW, BASE, how, sample_type, |s| {
        s.filters.focus = focus.map(|f| Pattern::new("focus", f).expect("a regex"));
    });
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    session
}

#[test]
fn every_path_has_the_new_and_base_values_of_each_profile_alone_and_pprofs_change() {
    let mut vanished = 0;
    for (k, sample_type) in HEAP_TYPES.into_iter().enumerate() {
        for (how, delta) in [(How::Diff, "heap.diff"), (How::Base, "heap.base")] {
            let what = format!("{sample_type} {how:?}");
            let want = Want::of(
                &format!("go_heap.pprof.all.{k}.folded"),
                &format!("go2_heap.pprof.all.{k}.folded"),
                &format!("compare/{delta}.{k}.folded"),
            );
            let session = flame(how, sample_type, None);
            let tree = Arc::clone(session.tree().expect("built without a worker"));
            assert_eq!(tree.widths(), Some(Side::New), "{what}");
            vanished += check(&tree, &want, &what);
            // The root: each side's total, and the comparison's.
            let root = tree.change(CallTree::ROOT).expect("a comparison");
            assert_eq!(root.delta, session.shown(), "{what}: --top's Δ total");
            assert_eq!(root.new, want.new[&Vec::new()], "{what}");
            assert_eq!(root.base, want.base[&Vec::new()], "{what}");
        }
    }
    // inuse_*: the `bytes.(*Buffer).WriteByte` chain was freed by the
    // new profile's time.
    assert_eq!(vanished, 2 * 2 * 3, "vanished paths");
}

#[test]
fn the_root_holds_each_sides_top_total() {
    // pprof's `-top -unit=B -nodefraction=0` of each profile alone.
    let total = |file: &str| -> i64 {
        let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("a recorded report");
        let line = text
            .lines()
            .find(|l| l.starts_with("Showing nodes accounting for"))
            .expect("the totals line");
        let total = line.rsplit_once(" of ").expect("of").1;
        total
            .trim_end_matches(" total")
            .trim_end_matches('B')
            .parse()
            .expect("bytes")
    };
    for sample_type in ["inuse_space", "alloc_space"] {
        let session = flame(How::Diff, sample_type, None);
        let tree = session.tree().expect("built");
        let root = tree.change(CallTree::ROOT).expect("a comparison");
        let new = total(&format!(
            "tests/fixtures/go/expected2/heap.pprof.{sample_type}.all.top.txt"
        ));
        let base = total(&format!(
            "tests/fixtures/go2/expected/heap.pprof.{sample_type}.all.top.txt"
        ));
        assert_eq!((root.new, root.base), (new, base), "{sample_type}");
        // The status line's shares are of the side drawn, unfiltered.
        let info = session.tree_frame_info().expect("a selection");
        assert_eq!(info.grand_total, new, "{sample_type}");
    }
}

#[test]
fn filters_apply_to_both_sides_as_pprof_applies_them_to_the_comparison() {
    for (k, sample_type) in HEAP_TYPES.into_iter().enumerate() {
        let what = format!("{sample_type} -focus=encoding/json");
        let want = Want::of(
            &format!("go_heap.pprof.focus.{k}.folded"),
            &format!("compare/go2_heap.focus.{k}.folded"),
            &format!("compare/heap.diff.focus.{k}.folded"),
        );
        let session = flame(How::Diff, sample_type, Some("encoding/json"));
        check(session.tree().expect("built"), &want, &what);
    }
}

#[test]
fn with_normalize_the_change_is_pprofs_and_new_is_the_profile_as_taken() {
    // The CPU profiles: -normalize scales the new one to the base's total.
    for k in 0..2 {
        let what = format!("cpu sample index {k} -normalize");
        let want = Want::of(
            &format!("go_cpu.pprof.all.{k}.folded"),
            &format!("go2_cpu.pprof.all.{k}.folded"),
            &format!("compare/cpu.normalize.diff.{k}.folded"),
        );
        let types = ["samples", "cpu"];
        let mut session = compared::session(
            "tests/fixtures/go/cpu.pprof",
            "tests/fixtures/go2/cpu.pprof",
            How::NormalizedDiff,
            types[k],
            |_| {},
        );
        session.apply(Command::ShowTree(Some(TreeView::Flame)));
        let tree = Arc::clone(session.tree().expect("built"));
        check(&tree, &want, &what);
        let root = tree.change(CallTree::ROOT).expect("a comparison");
        assert_ne!(root.delta, root.new - root.base, "{what}: scaled");
    }
}

/// The first path of `tree` whose new value is 0 and base value is not.
fn vanished(tree: &CallTree) -> PathId {
    (0..tree.len() as PathId)
        .find(|&id| {
            let c = tree.change(id).expect("a comparison");
            c.new == 0 && c.base > 0
        })
        .expect("a vanished path")
}

#[test]
fn a_vanished_frame_is_reached_with_either_widths() {
    let mut session = flame(How::Diff, "inuse_space", None);
    let tree = Arc::clone(session.tree().expect("built"));
    let gone = vanished(&tree);
    let names = tree.path_names(gone);
    // New widths: 0 wide, merged into its parent's stub of narrow frames,
    // and reached by the moves: down to the heaviest callee, then along
    // the siblings.
    let parent = tree.parent(gone).expect("not the root");
    session.apply(Command::TreeMove(TreeStep::Select(parent)));
    session.apply(Command::TreeMove(TreeStep::Child));
    for _ in 0..tree.children(parent).count() {
        if session.tree_selected() == gone {
            break;
        }
        session.apply(Command::TreeMove(TreeStep::NextSibling));
    }
    assert_eq!(session.tree_selected(), gone, "reached by moves");
    assert_eq!(tree.total(gone), 0);
    let layout = session.flame_layout(200, 60);
    let (_, shown) = layout.find(gone).expect("on screen");
    assert!(shown.merged > 0, "in a stub: {shown:?}");
    let info = session.tree_frame_info().expect("a selection");
    let (change, side) = info.change.expect("a comparison");
    assert_eq!(side, Side::New);
    assert_eq!((change.new, change.delta), (0, -change.base));
    assert!(change.base > 0);

    // Base widths: the same path selected, drawn as wide as its base value.
    session.apply(Command::TreeWidths);
    let rebuilt = Arc::clone(session.tree().expect("built again at once"));
    assert_eq!(rebuilt.widths(), Some(Side::Base));
    let at = session.tree_selected();
    assert_eq!(rebuilt.path_names(at), names, "the selection stays");
    assert_eq!(rebuilt.total(at), change.base);
    assert_eq!(
        rebuilt.total(CallTree::ROOT),
        rebuilt.change(CallTree::ROOT).expect("compared").base
    );
    session.apply(Command::TreeZoomIn);
    let layout = session.flame_layout(80, 22);
    let (_, drawn) = layout.find(at).expect("drawn");
    assert_eq!((drawn.merged, drawn.width), (0, 80), "zoomed: full width");
    assert!(session.notice().is_some_and(|n| n.text.contains("widths")));

    // And back: the new profile's widths, the zoom kept on its path.
    session.apply(Command::TreeWidths);
    let back = Arc::clone(session.tree().expect("built"));
    assert_eq!(back.widths(), Some(Side::New));
    assert_eq!(back.path_names(session.tree_zoom()), names);
    // A profile alone has no other widths.
    let p = Arc::new(
        ppt::profile::load(
            &format!("{}/{NEW}", env!("CARGO_MANIFEST_DIR")),
            &Default::default(),
        )
        .expect("loads"),
    );
    let mut alone = Session::new(Arc::clone(&p), ppt::explore::Settings::new(&p, "heap"));
    alone.apply(Command::TreeWidths);
    assert!(alone.notice().is_some_and(|n| n.error));
}

#[test]
fn the_call_tree_and_the_sandwich_carry_the_comparison_too() {
    let mut session = flame(How::Diff, "inuse_space", None);
    session.apply(Command::ShowTree(Some(TreeView::TopDown)));
    session.apply(Command::TreeMove(TreeStep::ExpandHeaviest));
    let rows = session.tree_rows();
    assert!(rows.len() > 3);
    let tree = Arc::clone(session.tree().expect("built"));
    for row in &rows {
        let c: PathChange = tree.change(row.id).expect("a comparison");
        assert_eq!(c.delta, c.new - c.base);
    }
    // Bottom-up: the same sides, read from the leaves.
    session.apply(Command::ShowTree(Some(TreeView::BottomUp)));
    let up = Arc::clone(session.tree().expect("built"));
    let root = up.change(CallTree::ROOT).expect("a comparison");
    assert_eq!(root, tree.change(CallTree::ROOT).expect("a comparison"));
    // The sandwich of the heaviest function: its callees hold its cum on
    // each side.
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    session.apply(Command::TreeMove(TreeStep::Child));
    session.apply(Command::Sandwich);
    let (callers, callees) = session.sandwich_trees().expect("built");
    let top = callees.first_child(CallTree::ROOT).expect("the function");
    assert_eq!(
        callees.change(top),
        callers.change(callers.first_child(CallTree::ROOT).expect("it"))
    );
    assert!(callees.change(top).is_some_and(|c| c.new > 0));
}

#[test]
fn with_a_worker_the_comparison_trees_are_built_in_the_background() {
    // `--base`: the profile holding both sides is made by the worker.
    let mut session = compared::session(NEW, BASE, How::Base, "inuse_space", |_| {});
    session.with_worker(|session| {
        session.wait_idle();
        session.apply(Command::ShowTree(Some(TreeView::Flame)));
        session.wait_idle();
        assert!(session.tree_is_current());
        session.apply(Command::TreeWidths);
        session.wait_idle();
        let tree = session.tree().expect("a tree");
        assert_eq!(tree.widths(), Some(Side::Base));
        let root = tree.change(CallTree::ROOT).expect("a comparison");
        assert_eq!(tree.total(CallTree::ROOT), root.base);
        assert_eq!(root.delta, session.shown());
    });
}
