//! The call-path tree ([`CallTree`]): exact shapes and values on small
//! crafted profiles, and on every fixture profile its agreement with the
//! graph numbers that the pprof oracles check (the bottom-up tree's first
//! level is pprof's flat, a sandwich's root and a search's share are
//! pprof's cum) and its own invariants. The top-down tree's stacks are
//! compared with `go tool pprof -raw` by `tests/folded.rs`.

use ppt::analysis::{
    CallTree, Filters, Frames, Granularity, Graph, Measure, NodeId, PathId, Pattern, TreeKind,
};
use ppt::profile::{DecodeOptions, Profile, decode, pb};
use prost::Message;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A profile of `stacks`: each is frames from the root joined by `;`,
/// and a frame `a+b` is one location where `b` was inlined into `a`.
/// Two sample types, `samples/count` and `cpu/nanoseconds`.
fn profile(stacks: &[(&str, [i64; 2])]) -> Profile {
    let mut strings: Vec<String> = vec![String::new()];
    let mut string = |s: &str| -> i64 {
        if let Some(i) = strings.iter().position(|x| x == s) {
            return i as i64;
        }
        strings.push(s.to_string());
        strings.len() as i64 - 1
    };
    let mut functions: Vec<pb::Function> = Vec::new();
    let mut locations: Vec<pb::Location> = Vec::new();
    let mut location_ids: HashMap<String, u64> = HashMap::new();
    let mut samples = Vec::new();
    let sample_type = vec![
        pb::ValueType {
            r#type: string("samples"),
            unit: string("count"),
        },
        pb::ValueType {
            r#type: string("cpu"),
            unit: string("nanoseconds"),
        },
    ];
    for (stack, values) in stacks {
        let mut ids = Vec::new();
        for frame in stack.split(';').filter(|f| !f.is_empty()) {
            let next_id = location_ids.len() as u64 + 1;
            let id = *location_ids.entry(frame.to_string()).or_insert(next_id);
            if id == next_id {
                // Lines innermost first: the inlined functions, last first.
                let mut lines = Vec::new();
                for name in frame.split('+').rev() {
                    let name_id = string(name);
                    let function_id = match functions.iter().find(|f| f.name == name_id) {
                        Some(f) => f.id,
                        None => {
                            let id = functions.len() as u64 + 1;
                            functions.push(pb::Function {
                                id,
                                name: name_id,
                                system_name: name_id,
                                filename: string("main.go"),
                                start_line: 1,
                            });
                            id
                        }
                    };
                    lines.push(pb::Line {
                        function_id,
                        line: 10,
                        column: 0,
                    });
                }
                locations.push(pb::Location {
                    id,
                    mapping_id: 0,
                    address: 0x1000 + id * 16,
                    line: lines,
                    is_folded: false,
                });
            }
            ids.push(id);
        }
        ids.reverse();
        samples.push(pb::Sample {
            location_id: ids,
            value: values.to_vec(),
            label: Vec::new(),
        });
    }
    let wire = pb::Profile {
        sample_type,
        sample: samples,
        location: locations,
        function: functions,
        string_table: strings.into_iter().map(String::into_bytes).collect(),
        ..Default::default()
    };
    decode(&wire.encode_to_vec(), &DecodeOptions::default()).expect("crafted profile")
}

fn frames(p: &Profile) -> Arc<Frames> {
    Arc::new(Frames::new(p, Granularity::Functions, &Filters::default()))
}

fn tree(p: &Profile, index: usize, kind: TreeKind) -> CallTree {
    CallTree::build(p, frames(p), index, kind).expect("tree")
}

fn name(t: &CallTree, id: PathId) -> String {
    String::from_utf8_lossy(t.name(id)).into_owned()
}

/// The tree as text: one line per node, indented by depth, in display
/// order: `name total/self`.
fn outline(t: &CallTree) -> String {
    let mut out = String::new();
    for id in t.subtree(CallTree::ROOT) {
        out.push_str(&format!(
            "{}{} {}/{}\n",
            "  ".repeat(t.depth(id)),
            name(t, id),
            t.total(id),
            t.self_value(id)
        ));
    }
    out
}

fn node_named(t: &CallTree, name: &str) -> NodeId {
    let nodes = &t.frames().nodes;
    (0..nodes.len() as NodeId)
        .find(|&n| nodes.name(n) == name.as_bytes())
        .expect("node")
}

#[test]
fn top_down_sums_paths_and_orders_heaviest_first() {
    let p = profile(&[
        ("main;a;b", [5, 50]),
        ("main;a;c", [7, 70]),
        ("main;a", [2, 20]),
        ("main;d", [1, 10]),
        ("main;a;b", [3, 30]),
    ]);
    let t = tree(&p, 0, TreeKind::TopDown);
    assert_eq!(
        outline(&t),
        "root 18/0\n  main 18/0\n    a 17/2\n      b 8/8\n      c 7/7\n    d 1/1\n"
    );
    let main = t.first_child(CallTree::ROOT).unwrap();
    let a = t.first_child(main).unwrap();
    let d = t.next_sibling(a).unwrap();
    assert_eq!(name(&t, d), "d");
    assert_eq!(t.prev_sibling(d), Some(a));
    assert_eq!(t.next_sibling(d), None);
    assert_eq!(t.prev_sibling(a), None);
    assert_eq!(t.parent(a), Some(main));
    assert_eq!(t.parent(CallTree::ROOT), None);
    assert_eq!(t.frame(CallTree::ROOT), None);
    let b = t.first_child(a).unwrap();
    assert_eq!(t.depth(b), 3);
    assert_eq!(t.path_names(b), [&b"main"[..], b"a", b"b"].map(Box::from));
    assert_eq!(t.children(a).count(), 2);
    assert_eq!(t.subtree(a).len(), 3);
    assert_eq!(t.max_depth(), 3);
    let stacks: Vec<(String, i64)> = t.stacks().map(|(id, v)| (name(&t, id), v)).collect();
    assert_eq!(
        stacks,
        [("a", 2), ("b", 8), ("c", 7), ("d", 1)].map(|(n, v)| (n.to_string(), v))
    );
    // The other sample index: the same shape, other values.
    let t = tree(&p, 1, TreeKind::TopDown);
    assert_eq!(t.total(CallTree::ROOT), 180);
}

#[test]
fn equal_values_are_ordered_by_name() {
    let p = profile(&[("x;zeta", [5, 0]), ("x;alpha", [5, 0]), ("x;mid", [6, 0])]);
    let t = tree(&p, 0, TreeKind::TopDown);
    assert_eq!(
        outline(&t),
        "root 16/0\n  x 16/0\n    mid 6/6\n    alpha 5/5\n    zeta 5/5\n"
    );
}

#[test]
fn inlined_functions_are_frames_after_their_caller() {
    // `inner` was inlined into `outer` at one location.
    let p = profile(&[("main;outer+inner;leaf", [4, 0]), ("main;outer", [1, 0])]);
    let t = tree(&p, 0, TreeKind::TopDown);
    assert_eq!(
        outline(&t),
        "root 5/0\n  main 5/0\n    outer 5/1\n      inner 4/0\n        leaf 4/4\n"
    );
}

#[test]
fn zero_values_are_left_out_and_empty_stacks_count_at_the_root() {
    let p = profile(&[("main;a", [0, 9]), ("main;b", [3, 0]), ("", [2, 1])]);
    let t = tree(&p, 0, TreeKind::TopDown);
    assert_eq!(outline(&t), "root 5/2\n  main 3/0\n    b 3/3\n");
    let t = tree(&p, 1, TreeKind::TopDown);
    assert_eq!(outline(&t), "root 10/1\n  main 9/0\n    a 9/9\n");
}

#[test]
fn bottom_up_starts_at_the_leaves() {
    let p = profile(&[
        ("main;a;b", [5, 0]),
        ("main;c;b", [2, 0]),
        ("main;a", [4, 0]),
    ]);
    let t = tree(&p, 0, TreeKind::BottomUp);
    assert_eq!(
        outline(&t),
        "root 11/0\n  b 7/0\n    a 5/0\n      main 5/5\n    c 2/0\n      main 2/2\n  a 4/0\n    main 4/4\n"
    );
}

#[test]
fn sandwich_merges_every_call_and_counts_recursion_once() {
    let p = profile(&[
        ("main;f;g;f;h", [4, 0]),
        ("main;k;f", [2, 0]),
        ("main;g", [1, 0]),
        ("run;f", [3, 0]),
    ]);
    let f = node_named(&tree(&p, 0, TreeKind::TopDown), "f");
    let callees = tree(&p, 0, TreeKind::Callees(f));
    assert_eq!(
        outline(&callees),
        "root 9/0\n  f 9/5\n    g 4/0\n      f 4/0\n        h 4/4\n"
    );
    let callers = tree(&p, 0, TreeKind::Callers(f));
    assert_eq!(
        outline(&callers),
        "root 9/0\n  f 9/0\n    main 4/4\n    run 3/3\n    k 2/0\n      main 2/2\n"
    );
}

#[test]
fn search_counts_each_sample_once() {
    let p = profile(&[
        ("main;f;g;f;h", [4, 0]),
        ("main;k;f", [2, 0]),
        ("main;g", [1, 0]),
        ("run;x", [3, 0]),
    ]);
    let t = tree(&p, 0, TreeKind::TopDown);
    let f = t.search_pattern(&Pattern::new("search", "^f$").unwrap());
    assert_eq!(f.share(), 6);
    assert_eq!(f.frames().len(), 1);
    let fg = t.search(|n| n == b"f" || n == b"g");
    assert_eq!(fg.share(), 7);
    assert!(fg.contains(node_named(&t, "g")));
    assert!(!fg.contains(node_named(&t, "main")));
    let none = t.search(|_| false);
    assert_eq!((none.share(), none.frames().len()), (0, 0));
    // Stepping through the matches in preorder, wrapping around.
    let first = t.next_match(&fg, CallTree::ROOT).unwrap();
    assert_eq!(t.path_names(first), [&b"main"[..], b"f"].map(Box::from));
    let mut seen = vec![first];
    let mut at = first;
    while let Some(next) = t.next_match(&fg, at) {
        if next == first {
            break;
        }
        seen.push(next);
        at = next;
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.iter().all(|&n| t.is_match(&fg, n)));
}

#[test]
fn a_zoom_path_is_found_again_after_a_rebuild() {
    let p = profile(&[
        ("main;a;b;c", [5, 1]),
        ("main;a;x", [7, 0]),
        ("main;d", [1, 9]),
    ]);
    let t = tree(&p, 0, TreeKind::TopDown);
    let (c, matched) = t.find_path(&["main", "a", "b", "c"]);
    assert_eq!((name(&t, c), matched), ("c".to_string(), 4));
    let names = t.path_names(c);
    // Another sample index: the path is still there (other node ids).
    let other = tree(&p, 1, TreeKind::TopDown);
    let (found, matched) = other.find_path(&names);
    assert_eq!(matched, 4);
    assert_eq!(other.path_names(found), names);
    // A filter hides `b`: the longest beginning that exists.
    let hidden = Frames::new(
        &p,
        Granularity::Functions,
        &Filters {
            hide: Some(Pattern::new("hide", "^b$").unwrap()),
            ..Filters::default()
        },
    );
    let filtered = CallTree::build(&p, Arc::new(hidden), 0, TreeKind::TopDown).unwrap();
    let (a, matched) = filtered.find_path(&names);
    assert_eq!((name(&filtered, a), matched), ("a".to_string(), 2));
    assert_eq!(filtered.find_path(&["nothing"]), (CallTree::ROOT, 0));
}

fn fixtures() -> Vec<(String, Profile)> {
    let mut out = Vec::new();
    for dir in ["go", "go2", "pprof-testdata", "extra", "node", "rust"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(p) = decode(&bytes, &DecodeOptions::default()) {
                out.push((path.file_name().unwrap().to_string_lossy().into_owned(), p));
            }
        }
    }
    assert!(out.len() >= 30, "fixtures found: {}", out.len());
    out
}

/// The tree's own invariants: values add up, siblings are in display
/// order, subtrees nest.
fn check_invariants(label: &str, t: &CallTree) {
    let ranks = t.frames().nodes.name_ranks();
    for id in t.subtree(CallTree::ROOT) {
        let children: Vec<PathId> = t.children(id).collect();
        let sum = children
            .iter()
            .fold(t.self_value(id), |s, &c| s.wrapping_add(t.total(c)));
        assert_eq!(sum, t.total(id), "{label}: node {id}");
        for pair in children.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let key = |n: PathId| {
                (
                    std::cmp::Reverse(t.total(n).unsigned_abs()),
                    ranks[t.frame(n).unwrap() as usize],
                    t.frame(n),
                )
            };
            assert!(key(a) < key(b), "{label}: children {a} {b} of {id}");
        }
        for &c in &children {
            assert_eq!(t.parent(c), Some(id));
            assert!(t.subtree(c).end <= t.subtree(id).end);
        }
    }
}

/// Every fixture and sample index: the bottom-up tree's first level is
/// pprof's flat, a function's sandwich holds its cum, a search for one
/// function's name shares its cum (also under a hide filter), and the
/// invariants hold.
#[test]
fn trees_agree_with_flat_and_cum_on_every_fixture() {
    let mut checked = 0;
    for (label, p) in fixtures() {
        for filters in [
            Filters::default(),
            Filters {
                hide: Some(Pattern::new("hide", "runtime|json|main").unwrap()),
                ..Filters::default()
            },
        ] {
            let frames = Arc::new(Frames::new(&p, Granularity::Functions, &filters));
            for index in 0..p.sample_types.len() {
                let label = format!("{label} index {index}");
                let g = Graph::build_without_edges(&p, &frames, &[Measure::plain(index)], None);
                let top = CallTree::build(&p, frames.clone(), index, TreeKind::TopDown).unwrap();
                let bottom =
                    CallTree::build(&p, frames.clone(), index, TreeKind::BottomUp).unwrap();
                check_invariants(&label, &top);
                check_invariants(&label, &bottom);
                assert_eq!(top.total(CallTree::ROOT), bottom.total(CallTree::ROOT));
                // Leaves: the flat of each node.
                let mut flat: HashMap<NodeId, i64> = HashMap::new();
                for leaf in bottom.children(CallTree::ROOT) {
                    flat.insert(bottom.frame(leaf).unwrap(), bottom.total(leaf));
                }
                for n in 0..g.node_count() as NodeId {
                    let want = g.flat(n, 0);
                    let got = flat.get(&n).copied().unwrap_or(0);
                    assert_eq!(got, want, "{label}: flat of {n}");
                }
                // Cum, for the heaviest nodes with a name of their own.
                let nodes = &frames.nodes;
                let mut by_cum: Vec<NodeId> = (0..g.node_count() as NodeId)
                    .filter(|&n| g.cum(n, 0) != 0)
                    .collect();
                by_cum.sort_by_key(|&n| std::cmp::Reverse(g.cum(n, 0).unsigned_abs()));
                for &n in by_cum.iter().take(8) {
                    let unique = (0..nodes.len() as NodeId)
                        .filter(|&m| nodes.name(m) == nodes.name(n))
                        .count()
                        == 1;
                    if !unique {
                        continue;
                    }
                    let cum = g.cum(n, 0);
                    let callees = CallTree::build(&p, frames.clone(), index, TreeKind::Callees(n));
                    let callers = CallTree::build(&p, frames.clone(), index, TreeKind::Callers(n));
                    let (callees, callers) = (callees.unwrap(), callers.unwrap());
                    assert_eq!(
                        callees.total(CallTree::ROOT),
                        cum,
                        "{label}: callees of {n}"
                    );
                    assert_eq!(
                        callers.total(CallTree::ROOT),
                        cum,
                        "{label}: callers of {n}"
                    );
                    check_invariants(&label, &callees);
                    check_invariants(&label, &callers);
                    let wanted = nodes.name(n).to_vec();
                    assert_eq!(
                        top.search(|name| name == wanted).share(),
                        cum,
                        "{label}: {n}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} functions checked");
}
