//! The explorer's flame graph and call tree, driven through the session
//! with commands alone (no terminal), their numbers checked against
//! pprof's: the collapsed stacks `go tool pprof -raw` listed for the same
//! profile, filters and sample index (`tests/fixtures/folded`), and
//! `--top`'s total.

#[path = "common/explorer.rs"]
mod explorer;

use explorer::profile;
use ppt::analysis::{CallTree, Filters, Granularity, PathId, Pattern};
use ppt::explore::flame::layout;
use ppt::explore::{Command, Session, Settings, TreeStep, TreeView};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The (stack, value) lines of a recorded `-raw` output turned into
/// collapsed stacks.
fn folded(file: &str) -> Vec<(Vec<String>, i64)> {
    let path = format!(
        "{}/tests/fixtures/folded/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("a recorded folded file");
    let mut text = String::new();
    if file.ends_with(".gz") {
        use std::io::Read;
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("gzipped text");
    } else {
        text = String::from_utf8(bytes).expect("text");
    }
    text.lines()
        .map(|line| {
            let (stack, value) = line.rsplit_once(' ').expect("stack value");
            let frames = stack.split(';').map(str::to_string).collect();
            (frames, value.parse().expect("a number"))
        })
        .collect()
}

/// pprof's value of every call path: the sum of the stacks beginning
/// with it.
fn path_sums(lines: &[(Vec<String>, i64)]) -> FxHashMap<Vec<String>, i64> {
    let mut sums = FxHashMap::default();
    for (stack, value) in lines {
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

fn session_with(path: &str, sample_index: usize, args: &str) -> Session {
    let p = profile(path);
    let mut settings = Settings::new(&p, path);
    settings.sample_index = sample_index;
    let pattern = |s: &str| Some(Pattern::new("test", s).expect("a regex"));
    match args.split_once('=') {
        Some(("-focus", re)) => settings.filters.focus = pattern(re),
        Some(("-ignore", re)) => settings.filters.ignore = pattern(re),
        Some(("-hide", re)) => settings.filters.hide = pattern(re),
        Some(("-show", re)) => settings.filters.show = pattern(re),
        _ if args == "-lines" => settings.granularity = Granularity::Lines,
        _ if args == "-files" => settings.granularity = Granularity::Files,
        _ => assert!(args.is_empty(), "{args}"),
    }
    Session::new(p, settings)
}

/// The manifest's cases for the Go CPU and allocation profiles.
fn cases() -> Vec<(String, String, usize, String)> {
    let manifest = std::fs::read_to_string(format!(
        "{}/tests/fixtures/folded/MANIFEST.tsv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("manifest");
    manifest
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let wanted = ["go/cpu.pprof", "go/allocs.pprof"].contains(&f[0])
                && [
                    "",
                    "-focus=encoding/json",
                    "-ignore=encoding/json",
                    "-hide=encoding/json",
                    "-show=encoding/json",
                    "-lines",
                    "-files",
                ]
                .contains(&f[1]);
            wanted.then(|| {
                (
                    format!("tests/fixtures/{}", f[0]),
                    f[1].to_string(),
                    f[2].parse().expect("an index"),
                    f[3].to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn every_path_of_the_flame_graph_has_pprofs_value() {
    let cases = cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    for (path, args, k, expected) in cases {
        let what = format!("{path} {args} sample index {k}");
        let mut session = session_with(&path, k, &args);
        session.apply(Command::ShowTree(Some(TreeView::Flame)));
        let tree = Arc::clone(session.tree().expect("built without a worker"));
        let lines = folded(&expected);
        let sums = path_sums(&lines);
        // The root is all samples kept: --top's total and the sum of
        // the stacks.
        // (Samples whose every frame is hidden are the root's own.)
        let all: i64 = lines.iter().map(|(_, v)| v).sum();
        let framed = tree.total(CallTree::ROOT) - tree.self_value(CallTree::ROOT);
        assert_eq!(framed, all, "{what}");
        assert_eq!(framed, session.shown(), "{what}");
        if !args.starts_with("-show") {
            assert_eq!(tree.self_value(CallTree::ROOT), 0, "{what}");
        }
        let mut paths = 0;
        for id in 1..tree.len() as PathId {
            let p = path_of(&tree, id);
            assert_eq!(Some(&tree.total(id)), sums.get(&p), "{what}: {p:?}");
            paths += 1;
        }
        // Every stack pprof lists is a path of the tree.
        let distinct: std::collections::HashSet<&Vec<String>> =
            lines.iter().map(|(s, _)| s).collect();
        for stack in distinct {
            let (_, matched) = tree.find_path(stack);
            assert_eq!(matched, stack.len(), "{what}: {stack:?}");
        }
        assert!(paths > 0, "{what}");
    }
}

#[test]
fn the_layout_adds_up_and_merges_narrow_frames_into_stubs() {
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    let tree = Arc::clone(session.tree().expect("a tree"));
    for width in [1u16, 7, 60, 80, 200] {
        let flame = layout(&tree, CallTree::ROOT, width, 100);
        let root = &flame.levels[0];
        assert_eq!(root.len(), 1);
        assert_eq!((root[0].x, root[0].width), (0, width));
        assert_eq!(root[0].value, tree.total(CallTree::ROOT));
        let mut stubs = 0;
        for (level, boxes) in flame.levels.iter().enumerate().skip(1) {
            for pair in boxes.windows(2) {
                assert!(pair[0].x + pair[0].width <= pair[1].x, "overlap at {level}");
            }
            for b in boxes {
                assert!(b.x + b.width <= width);
                if b.merged > 0 {
                    stubs += 1;
                    continue;
                }
                // Each frame takes its share of its caller's cells, to
                // the cell (and the last may go to a stub beside it).
                let parent = flame.levels[level - 1]
                    .iter()
                    .find(|p| Some(p.id) == tree.parent(b.id))
                    .expect("the caller is laid out");
                let exact = b.value as f64 / parent.value as f64 * f64::from(parent.width);
                assert!(
                    (f64::from(b.width) - exact).abs() < 2.0,
                    "{width}: {} cells for {exact}",
                    b.width
                );
            }
        }
        // Under each laid-out frame, its children's values (frames and
        // stubs together) are its value less its self value: nothing is
        // dropped.
        for (level, boxes) in flame.levels.iter().enumerate() {
            let Some(below) = flame.levels.get(level + 1) else {
                break;
            };
            for b in boxes.iter().filter(|b| b.merged == 0) {
                let under: i64 = below
                    .iter()
                    .filter(|c| tree.parent(c.id) == Some(b.id))
                    .map(|c| c.value)
                    .sum();
                let children: i64 = tree.children(b.id).map(|c| tree.total(c)).sum();
                let dropped = tree
                    .children(b.id)
                    .all(|c| below.iter().all(|x| !x.shows(c)));
                if !dropped {
                    assert_eq!(under, children, "width {width} level {level}");
                }
            }
        }
        if width < 80 {
            assert!(stubs > 0, "narrow frames merged at width {width}");
        }
    }
}

#[test]
fn moves_zooms_and_steps_back_out() {
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    let tree = Arc::clone(session.tree().expect("a tree"));
    let first = tree.first_child(CallTree::ROOT).expect("a root frame");
    assert_eq!(
        session.tree_selected(),
        first,
        "starts on the heaviest root"
    );
    session.apply(Command::TreeMove(TreeStep::Child));
    let child = tree.first_child(first).expect("a callee");
    assert_eq!(
        session.tree_selected(),
        child,
        "down is the heaviest callee"
    );
    session.apply(Command::TreeMove(TreeStep::NextSibling));
    let sibling = tree.next_sibling(child).expect("a sibling");
    assert_eq!(session.tree_selected(), sibling);
    session.apply(Command::TreeMove(TreeStep::PrevSibling));
    assert_eq!(session.tree_selected(), child);
    session.apply(Command::TreeZoomIn);
    assert_eq!(session.tree_zoom(), child);
    session.apply(Command::TreeMove(TreeStep::Child));
    let grandchild = session.tree_selected();
    session.apply(Command::TreeZoomIn);
    assert_eq!(session.tree_zoom(), grandchild);
    // The path above the zoom stays drawn, full width.
    let flame = session.flame_layout(100, 10);
    assert_eq!(flame.levels[0][0].id, CallTree::ROOT);
    assert_eq!(flame.levels[1][0].id, first);
    assert_eq!(flame.levels[2][0].id, child);
    assert_eq!(
        (flame.levels[3][0].id, flame.levels[3][0].width),
        (grandchild, 100)
    );
    // Siblings of the zoom are not on screen: no move there.
    session.apply(Command::TreeMove(TreeStep::NextSibling));
    assert_eq!(session.tree_selected(), grandchild);
    // Up from the zoom goes over the path above; down again follows it.
    session.apply(Command::TreeMove(TreeStep::Parent));
    session.apply(Command::TreeMove(TreeStep::Parent));
    assert_eq!(session.tree_selected(), first);
    session.apply(Command::TreeMove(TreeStep::Child));
    assert_eq!(session.tree_selected(), child);
    session.apply(Command::TreeZoomOut);
    assert_eq!(session.tree_zoom(), child, "one step back");
    session.apply(Command::TreeZoomOut);
    assert_eq!(session.tree_zoom(), CallTree::ROOT);
    session.apply(Command::TreeZoomOut);
    assert_eq!(
        session.notice().map(|n| n.text.as_str()),
        Some("not zoomed in")
    );
    let info = session.tree_frame_info().expect("a selection");
    assert_eq!(info.total, tree.total(child));
    assert_eq!(info.parent, tree.total(first));
    assert_eq!(info.grand_total, session.scale().total);
}

#[test]
fn search_share_counts_each_sample_once_as_the_stacks_do() {
    for (args, file, re) in [
        ("", "go_cpu.pprof.all.1.folded", "runtime\\."),
        ("", "go_cpu.pprof.all.1.folded", "json"),
        ("", "go_cpu.pprof.all.1.folded", "sort\\."),
        (
            "-focus=encoding/json",
            "go_cpu.pprof.focus.1.folded",
            "Marshal",
        ),
    ] {
        let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, args);
        session.apply(Command::ShowTree(Some(TreeView::Flame)));
        session.apply(Command::TreeSearch(re.to_string()));
        let matches = session.tree_matches().expect("matches").clone();
        let regex = regex::Regex::new(re).expect("a regex");
        let share: i64 = folded(file)
            .iter()
            .filter(|(stack, _)| stack.iter().any(|f| regex.is_match(f)))
            .map(|(_, v)| v)
            .sum();
        assert!(share > 0, "{re}");
        assert_eq!(matches.share(), share, "{args} /{re}/");
        // n walks the matches.
        session.apply(Command::TreeNextMatch(1));
        let tree = session.tree().expect("a tree");
        assert!(tree.is_match(&matches, session.tree_selected()));
    }
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    session.apply(Command::TreeSearch("json(".into()));
    assert!(session.tree_matches().is_none());
    assert!(session.tree_query_error().is_some());
}

#[test]
fn the_zoom_stays_on_its_call_path_across_sample_index_filter_and_granularity() {
    let mut session = session_with("tests/fixtures/go/allocs.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    for _ in 0..2 {
        session.apply(Command::TreeMove(TreeStep::Child));
    }
    session.apply(Command::TreeZoomIn);
    session.apply(Command::TreeMove(TreeStep::Child));
    let names = |s: &Session| {
        let tree = s.tree().expect("a tree");
        (
            path_of(tree, s.tree_zoom()),
            path_of(tree, s.tree_selected()),
        )
    };
    let (zoom, selected) = names(&session);
    assert_eq!(zoom.len(), 3);
    session.apply(Command::NextSample);
    assert_eq!(session.tree().expect("rebuilt").sample_index(), 2);
    assert_eq!(names(&session), (zoom.clone(), selected.clone()));
    let focus = Filters {
        focus: Some(Pattern::new("focus", "encoding/json").expect("a regex")),
        ..Filters::default()
    };
    session.apply(Command::ApplyFilters(Box::new(focus)));
    let (z, _) = names(&session);
    // The path where it still exists: as much of it as the filter kept.
    assert!(zoom.starts_with(&z), "{z:?} of {zoom:?}");
    session.apply(Command::ClearFilters);
    assert_eq!(names(&session).0, zoom, "back when the filter goes");
    session.apply(Command::CycleGranularity);
    assert!(session.tree_is_current());
}

#[test]
fn the_call_tree_expands_collapses_and_opens_the_heaviest_path() {
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::TopDown)));
    let tree = Arc::clone(session.tree().expect("a tree"));
    let roots = tree.children(CallTree::ROOT).count();
    assert_eq!(
        session.tree_rows().len(),
        1 + roots,
        "root and its children"
    );
    session.apply(Command::TreeMove(TreeStep::ExpandHeaviest));
    let rows = session.tree_rows();
    // The heaviest path, down to its leaf, is open.
    let mut id = session.tree_selected();
    while let Some(child) = tree.first_child(id) {
        let row = rows.iter().position(|r| r.id == id).expect("shown");
        assert_eq!(rows[row + 1].id, child);
        assert_eq!(rows[row + 1].depth, rows[row].depth + 1);
        id = child;
    }
    session.apply(Command::TreeMove(TreeStep::Collapse));
    assert_eq!(session.tree_rows().len(), 1 + roots);
    session.apply(Command::TreeMove(TreeStep::Collapse));
    assert_eq!(
        session.tree_selected(),
        CallTree::ROOT,
        "left again: parent"
    );
    session.apply(Command::TreeMove(TreeStep::Rows(2)));
    assert_eq!(session.tree_rows()[2].id, session.tree_selected());
    // Bottom-up: the top level is where the value is spent: --top's flat.
    session.apply(Command::ShowTree(Some(TreeView::BottomUp)));
    let up = Arc::clone(session.tree().expect("a bottom-up tree"));
    for leaf in up.children(CallTree::ROOT) {
        let name = String::from_utf8_lossy(up.name(leaf)).into_owned();
        let node = session
            .aggregate()
            .find(name.as_bytes())
            .expect("a function of the table");
        assert_eq!(session.values(node).0, up.total(leaf), "{name} flat");
        assert_eq!(session.tree_self(leaf), up.total(leaf));
    }
}

#[test]
fn with_a_worker_the_tree_is_built_in_the_background() {
    let p = profile("tests/fixtures/go/cpu.pprof");
    let mut session = Session::new_interactive(p.clone(), Settings::new(&p, "cpu.pprof"));
    session.with_worker(|session| {
        session.wait_idle();
        session.apply(Command::ShowTree(Some(TreeView::Flame)));
        // The command returns before the tree is there; moves meanwhile
        // do nothing and do not wait.
        session.apply(Command::TreeMove(TreeStep::Child));
        session.wait_idle();
        assert!(session.tree_is_current());
        session.apply(Command::NextSample);
        session.wait_idle();
        let tree = session.tree().expect("a tree");
        assert_eq!(tree.sample_index(), session.sample_index());
    });
}

#[test]
fn a_sandwich_holds_the_functions_cum_once_however_recursive() {
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    let tree = Arc::clone(session.tree().expect("a tree"));
    // sort.pdqsort calls itself: its deepest frames are many levels down.
    let deep = (1..tree.len() as PathId)
        .filter(|&id| tree.name(id) == b"sort.pdqsort")
        .max_by_key(|&id| tree.depth(id))
        .expect("sort.pdqsort is in the profile");
    assert!(
        tree.ancestors(deep)
            .skip(1)
            .any(|a| tree.name(a) == b"sort.pdqsort"),
        "recursive"
    );
    session.apply(Command::TreeMove(TreeStep::Select(deep)));
    session.apply(Command::Sandwich);
    assert_eq!(session.tree_view(), Some(TreeView::Sandwich));
    assert_eq!(session.sandwich_function().as_deref(), Some("sort.pdqsort"));
    let (callers, callees) = session.sandwich_trees().expect("both halves");
    let node = session.aggregate().find(b"sort.pdqsort").expect("a row");
    let (_, cum) = session.values(node);
    for half in [callers, callees] {
        let f = half.first_child(CallTree::ROOT).expect("the function");
        assert_eq!(half.name(f), b"sort.pdqsort");
        assert_eq!(half.children(CallTree::ROOT).count(), 1);
        // --top's cum: every sample through it, once.
        assert_eq!(half.total(f), cum);
    }
    // Below the function in the callees, the recursive calls are in it:
    // nothing is counted twice, so the callees' value is the cum, not
    // more, and pdqsort appears again under it.
    let f = callees.first_child(CallTree::ROOT).expect("the function");
    assert!(
        callees
            .subtree(f)
            .skip(1)
            .any(|id| callees.name(id) == b"sort.pdqsort")
    );
    // The callers' first level: who called its outermost call.
    let f = callers.first_child(CallTree::ROOT).expect("the function");
    let names: Vec<&[u8]> = callers.children(f).map(|c| callers.name(c)).collect();
    assert_eq!(names, vec![&b"sort.Sort"[..]]);
    let layouts = session.sandwich_layouts(100, 10, 10);
    assert_eq!(
        layouts.0.levels[0][0].width, 100,
        "the function, full width"
    );
    assert_eq!(layouts.1.levels[0][0].width, 100);
    // S again: back to the flame graph, on the frame selected before.
    session.apply(Command::Sandwich);
    assert_eq!(session.tree_view(), Some(TreeView::Flame));
    assert_eq!(session.tree_selected(), deep);
}

#[test]
fn a_refresh_reopens_the_view_on_the_same_call_path() {
    let mut session = session_with("tests/fixtures/go/cpu.pprof", 1, "");
    session.apply(Command::ShowTree(Some(TreeView::Flame)));
    session.apply(Command::TreeMove(TreeStep::Child));
    session.apply(Command::TreeZoomIn);
    session.apply(Command::TreeMove(TreeStep::Child));
    session.apply(Command::TreeSearch("json".into()));
    let before = {
        let tree = session.tree().expect("a tree");
        (
            path_of(tree, session.tree_zoom()),
            path_of(tree, session.tree_selected()),
        )
    };
    let again = session.reopen(profile("tests/fixtures/go/cpu.pprof"));
    assert_eq!(again.tree_view(), Some(TreeView::Flame));
    let tree = again.tree().expect("built on the new profile");
    assert_eq!(
        (
            path_of(tree, again.tree_zoom()),
            path_of(tree, again.tree_selected())
        ),
        before
    );
    assert_eq!(again.tree_query(), "json");
    assert!(again.tree_matches().is_some());
}
