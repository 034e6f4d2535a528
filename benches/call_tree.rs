//! The call-path tree (flame graph, call tree, `--folded`) on the large
//! benchmark profile (`support/synth.rs`: 60k functions, 600k samples,
//! stacks 8-24 deep): building it, and what a keystroke of the views asks
//! of it.
//!
//! Run with `cargo bench --bench call_tree`; results are in BENCHMARKS.md.
//! Before the benchmarks, the memory the stacks and the tree take is
//! printed (resident set growth while each is built and kept).

#[path = "support/synth.rs"]
mod synth;

use ppt::analysis::{
    CallTree, Filters, Frames, Granularity, Graph, Measure, NodeId, PathId, Pattern, Stacks,
    TreeKind,
};
use ppt::profile::{DecodeOptions, Profile, decode};
use prost::Message;
use std::sync::{Arc, LazyLock};

fn main() {
    report_memory();
    LazyLock::force(&TREE);
    divan::main();
}

static PROFILE: LazyLock<Profile> = LazyLock::new(|| {
    let raw = synth::generate(&synth::Shape::default()).encode_to_vec();
    decode(&raw, &DecodeOptions::default()).unwrap()
});

/// The nodes the explorer's stacks are resolved to (unfiltered frames,
/// inlined frames included).
static FRAMES: LazyLock<Arc<Frames>> = LazyLock::new(|| {
    Arc::new(Frames::new(
        &PROFILE,
        Granularity::Functions,
        &Filters::default(),
    ))
});

/// The explorer's default sample index (the last: inuse_space).
const INDEX: usize = 3;

static TREE: LazyLock<CallTree> =
    LazyLock::new(|| CallTree::build(&PROFILE, FRAMES.clone(), INDEX, TreeKind::TopDown).unwrap());

/// Resident memory in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// The stacks' and the tree's memory, as resident set growth.
fn report_memory() {
    LazyLock::force(&PROFILE);
    LazyLock::force(&FRAMES);
    let before = rss();
    let stacks = Stacks::new(&PROFILE, Granularity::Functions).unwrap();
    let stacks_bytes = rss() - before;
    let before = rss();
    let tree = CallTree::build(&PROFILE, stacks.frames.clone(), INDEX, TreeKind::TopDown).unwrap();
    let tree_rss = rss().saturating_sub(before);
    eprintln!(
        "stacks: {:.1} MB resident; tree: {} nodes, {:.1} MB of arrays ({:.1} MB resident growth), {:.2}x the stacks; deepest path {} frames",
        stacks_bytes as f64 / 1e6,
        tree.len(),
        tree.memory_bytes() as f64 / 1e6,
        tree_rss as f64 / 1e6,
        tree.memory_bytes() as f64 / stacks_bytes as f64,
        tree.max_depth(),
    );
    drop(tree);
    drop(stacks);
}

/// For scale: resolving the stacks as the explorer does at start (170 ms
/// on an idle machine, see BENCHMARKS.md's engine stages). The machine is
/// shared: compare the tree's times with this one's in the same run.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn reference_stacks_new() -> Stacks {
    Stacks::new(&PROFILE, Granularity::Functions).unwrap()
}

/// The top-down tree of one sample index, from the unfiltered frames
/// (what the explorer has once its stacks are resolved).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_top_down() -> CallTree {
    CallTree::build(&PROFILE, FRAMES.clone(), INDEX, TreeKind::TopDown).unwrap()
}

/// The inverted (bottom-up) tree.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_bottom_up() -> CallTree {
    CallTree::build(&PROFILE, FRAMES.clone(), INDEX, TreeKind::BottomUp).unwrap()
}

/// The heaviest function by cum below the roots (in many samples).
fn heavy_function() -> NodeId {
    let g = Graph::build_without_edges(&PROFILE, &FRAMES, &[Measure::plain(INDEX)], None);
    // Past the few root chains every sample shares.
    let mut nodes: Vec<NodeId> = (0..g.node_count() as NodeId).collect();
    nodes.sort_by_key(|&n| std::cmp::Reverse(g.cum(n, 0)));
    nodes[12]
}

/// Both halves of a sandwich for a function in many samples.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_sandwich(bencher: divan::Bencher) {
    let f = heavy_function();
    bencher.bench_local(|| {
        let callers = CallTree::build(&PROFILE, FRAMES.clone(), INDEX, TreeKind::Callers(f));
        let callees = CallTree::build(&PROFILE, FRAMES.clone(), INDEX, TreeKind::Callees(f));
        (callers, callees)
    });
}

/// A tree after a focus filter, from the filtered frames (the general
/// path: the frames are built again).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_with_focus_filter() -> CallTree {
    let filters = Filters {
        focus: Some(Pattern::new("focus", "svc1/internal").unwrap()),
        ..Filters::default()
    };
    let frames = Frames::new(&PROFILE, Granularity::Functions, &filters);
    CallTree::build(&PROFILE, Arc::new(frames), INDEX, TreeKind::TopDown).unwrap()
}

/// A node with many children: the heaviest path's deepest node with more
/// than one child.
fn busy_node(tree: &CallTree) -> PathId {
    let mut at = CallTree::ROOT;
    let mut best = at;
    while let Some(c) = tree.first_child(at) {
        if tree.children(at).count() > tree.children(best).count() {
            best = at;
        }
        at = c;
    }
    best
}

/// Listing the children of the node with the most children on the
/// heaviest path, with their values (a call tree row's expansion).
#[divan::bench]
fn children_of_a_node(bencher: divan::Bencher) {
    let tree = &*TREE;
    let node = busy_node(tree);
    bencher.bench_local(|| {
        tree.children(node)
            .map(|c| (tree.total(c), tree.self_value(c)))
            .collect::<Vec<_>>()
    });
}

/// Zooming: the path of a deep node as names, found again in the tree
/// (what a rebuild does to keep the zoom).
#[divan::bench]
fn zoom_path_found_again(bencher: divan::Bencher) {
    let tree = &*TREE;
    let mut deep = CallTree::ROOT;
    while let Some(c) = tree.first_child(deep) {
        deep = c;
    }
    let names = tree.path_names(deep);
    bencher.bench_local(|| tree.find_path(&names));
}

/// A search keystroke: a regular expression over the tree's distinct
/// names, and the matched share (once per sample) over its nodes.
#[divan::bench(sample_count = 20)]
fn search_keystroke_regex(bencher: divan::Bencher) {
    let tree = &*TREE;
    let pattern = Pattern::new("search", "Blob").unwrap();
    bencher.bench_local(|| tree.search_pattern(&pattern));
}

/// The same with a plain substring test (the matcher is the caller's).
#[divan::bench(sample_count = 20)]
fn search_keystroke_substring(bencher: divan::Bencher) {
    let tree = &*TREE;
    bencher.bench_local(|| {
        tree.search(|name| name.windows(4).any(|w| w.eq_ignore_ascii_case(b"blob")))
    });
}

/// Collapsed stacks of the whole tree (`--folded`), into a sink.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn folded_text() -> usize {
    let mut out = Counting(0);
    ppt::report::write_folded(&TREE, &mut out).unwrap();
    out.0
}

/// A writer that only counts bytes.
struct Counting(usize);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
