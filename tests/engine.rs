//! The analysis layer on small hand-made profiles: pprof's row order, how
//! recursion and inlining count, and aggregation of every sample index at once.

use ppt::analysis::order::{SortKey, sort_nodes};
use ppt::analysis::{Filters, Frames, Granularity, Graph, Measure, NodeId};
use ppt::profile::{Profile, pb};

/// A profile whose stacks are given as function names, root last per stack
/// (leaf first, as in the wire format), with two sample types.
fn profile(stacks: &[(&[&str], [i64; 2])]) -> Profile {
    let mut strings: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"alloc".to_vec(),
        b"bytes".to_vec(),
        b"count".to_vec(),
    ];
    let mut functions = Vec::new();
    let mut locations: Vec<pb::Location> = Vec::new();
    let mut samples = Vec::new();
    for (stack, values) in stacks {
        let mut ids = Vec::new();
        for name in *stack {
            let sid = match strings.iter().position(|s| s == name.as_bytes()) {
                Some(i) => i as i64,
                None => {
                    strings.push(name.as_bytes().to_vec());
                    strings.len() as i64 - 1
                }
            };
            let fid = match functions.iter().position(|f: &pb::Function| f.name == sid) {
                Some(i) => i as u64 + 1,
                None => {
                    functions.push(pb::Function {
                        id: functions.len() as u64 + 1,
                        name: sid,
                        ..Default::default()
                    });
                    functions.len() as u64
                }
            };
            let lid = match locations.iter().position(|l| l.line[0].function_id == fid) {
                Some(i) => i as u64 + 1,
                None => {
                    locations.push(pb::Location {
                        id: locations.len() as u64 + 1,
                        line: vec![pb::Line {
                            function_id: fid,
                            line: 1,
                            column: 0,
                        }],
                        ..Default::default()
                    });
                    locations.len() as u64
                }
            };
            ids.push(lid);
        }
        samples.push(pb::Sample {
            location_id: ids,
            value: values.to_vec(),
            label: vec![],
        });
    }
    Profile::from_wire(pb::Profile {
        sample_type: vec![
            pb::ValueType { r#type: 3, unit: 3 },
            pb::ValueType { r#type: 1, unit: 2 },
        ],
        sample: samples,
        location: locations,
        function: functions,
        string_table: strings,
        ..Default::default()
    })
    .expect("valid profile")
}

fn graph(p: &Profile) -> (Frames, Graph) {
    let frames = Frames::new(p, Granularity::Functions, &Filters::default());
    let g = Graph::build(p, &frames, &[Measure::plain(0), Measure::plain(1)], None);
    (frames, g)
}

fn node(frames: &Frames, name: &str) -> NodeId {
    (0..frames.nodes.len() as NodeId)
        .find(|&n| frames.nodes.name(n) == name.as_bytes())
        .expect("node exists")
}

#[test]
fn flat_order_breaks_ties_by_name_then_cum() {
    let p = profile(&[
        (&["b", "main"], [1, 10]),
        (&["a", "main"], [1, 10]),
        (&["c", "x", "main"], [1, 10]),
        (&["x", "main"], [1, 10]),
    ]);
    let (frames, g) = graph(&p);
    let mut nodes = g.present_nodes(1);
    sort_nodes(&mut nodes, &g, &frames.nodes, &p, 1, SortKey::Flat);
    let names: Vec<_> = nodes
        .iter()
        .map(|&n| String::from_utf8_lossy(frames.nodes.name(n)).into_owned())
        .collect();
    // a, b, c, x all have flat 10: by name. main has flat 0.
    assert_eq!(names, ["a", "b", "c", "x", "main"]);
    sort_nodes(&mut nodes, &g, &frames.nodes, &p, 1, SortKey::Cum);
    let names: Vec<_> = nodes
        .iter()
        .map(|&n| String::from_utf8_lossy(frames.nodes.name(n)).into_owned())
        .collect();
    assert_eq!(names, ["main", "x", "a", "b", "c"]);
}

#[test]
fn recursion_counts_cum_once_and_skips_self_edges() {
    let p = profile(&[(&["f", "f", "g", "f", "main"], [1, 100])]);
    let (frames, g) = graph(&p);
    let f = node(&frames, "f");
    assert_eq!(
        g.cum(f, 1),
        100,
        "f is on the stack three times but counts once"
    );
    assert_eq!(g.flat(f, 1), 100);
    let self_edges = g.outgoing(f).iter().filter(|&&e| g.edge(e).1 == f).count();
    assert_eq!(self_edges, 0);
    let g_node = node(&frames, "g");
    let f_to_g: Vec<_> = g
        .outgoing(f)
        .iter()
        .filter(|&&e| g.edge(e).1 == g_node)
        .collect();
    assert_eq!(f_to_g.len(), 1);
    assert_eq!(g.edge_weight(*f_to_g[0], 1), 100);
}

#[test]
fn every_sample_index_is_aggregated_in_one_pass() {
    let p = profile(&[(&["a", "main"], [2, 200]), (&["b", "main"], [3, 0])]);
    let (frames, g) = graph(&p);
    let (a, b, main) = (
        node(&frames, "a"),
        node(&frames, "b"),
        node(&frames, "main"),
    );
    assert_eq!((g.flat(a, 0), g.flat(a, 1)), (2, 200));
    assert_eq!((g.cum(main, 0), g.cum(main, 1)), (5, 200));
    // b has no alloc value: absent from that index, present in the other.
    assert!(g.has_node(b, 0) && !g.has_node(b, 1));
    let main_to_b = g
        .outgoing(main)
        .iter()
        .copied()
        .find(|&e| g.edge(e).1 == b)
        .unwrap();
    assert!(g.has_edge(main_to_b, 0) && !g.has_edge(main_to_b, 1));
}

#[test]
fn name_ranks_order_like_names() {
    let stacks: Vec<(Vec<String>, [i64; 2])> = (0..1500)
        .map(|i| {
            (
                vec![format!("f{}", (i * 7919) % 1500), "main".to_string()],
                [1, 1],
            )
        })
        .collect();
    let refs: Vec<(Vec<&str>, [i64; 2])> = stacks
        .iter()
        .map(|(s, v)| (s.iter().map(String::as_str).collect(), *v))
        .collect();
    let slices: Vec<(&[&str], [i64; 2])> = refs.iter().map(|(s, v)| (&s[..], *v)).collect();
    let p = profile(&slices);
    let (frames, g) = graph(&p);
    // More than 1000 rows, all tied on flat: the order comes from ranks.
    let mut nodes = g.present_nodes(1);
    sort_nodes(&mut nodes, &g, &frames.nodes, &p, 1, SortKey::Flat);
    let names: Vec<&[u8]> = nodes.iter().map(|&n| frames.nodes.name(n)).collect();
    let mut by_bytes: Vec<&[u8]> = names[..names.len() - 1].to_vec();
    by_bytes.sort();
    assert_eq!(&names[..names.len() - 1], &by_bytes[..]);
    assert_eq!(*names.last().unwrap(), b"main");
}

/// pprof's `large.cpu` test profile (23k functions).
fn large_cpu() -> Profile {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pprof-testdata/large.cpu"
    );
    let bytes = std::fs::read(path).unwrap();
    ppt::profile::decode(&bytes, &ppt::profile::DecodeOptions::default()).unwrap()
}

/// Sorts the rows of `g` (column 0) by every key and checks the order
/// against pprof's comparison, written out here; returns how many
/// neighbouring rows shared a name.
fn check_many_rows_order(p: &Profile, frames: &Frames, g: &Graph) -> usize {
    let names = &frames.nodes;
    let mut tied_names = 0;
    for key in SortKey::ALL {
        let present = g.present_nodes(0);
        let mut nodes = present.clone();
        assert!(nodes.len() > 1000, "the many-rows sort is used");
        sort_nodes(&mut nodes, g, names, p, 0, key);
        let mut same_rows = nodes.clone();
        same_rows.sort_unstable();
        assert_eq!(same_rows, present, "{key:?}: every row once");
        let flat = |n: NodeId| g.flat(n, 0).wrapping_abs();
        let cum = |n: NodeId| g.cum(n, 0).wrapping_abs();
        for pair in nodes.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let by_name = names.name(a).cmp(names.name(b));
            tied_names += usize::from(by_name.is_eq());
            let order = match key {
                SortKey::Flat => flat(b)
                    .cmp(&flat(a))
                    .then(by_name)
                    .then(cum(b).cmp(&cum(a))),
                SortKey::Cum => cum(b)
                    .cmp(&cum(a))
                    .then(by_name)
                    .then(flat(b).cmp(&flat(a))),
                SortKey::Name => by_name
                    .then(flat(b).cmp(&flat(a)))
                    .then(cum(b).cmp(&cum(a))),
                // The orders of change compare signed values.
                SortKey::Growth => g
                    .flat(b, 0)
                    .cmp(&g.flat(a, 0))
                    .then(by_name)
                    .then(g.cum(b, 0).cmp(&g.cum(a, 0))),
                SortKey::Shrink => g
                    .flat(a, 0)
                    .cmp(&g.flat(b, 0))
                    .then(by_name)
                    .then(g.cum(a, 0).cmp(&g.cum(b, 0))),
            };
            let order = order.then_with(|| names.go_sprint(a, p).cmp(&names.go_sprint(b, p)));
            assert!(order.is_le(), "{key:?}: {a} before {b}");
        }
    }
    tied_names
}

/// The many-rows sort (packed keys, name ranks, zero-flat rows in name
/// order) gives the order of pprof's comparison, for every sort key, on a
/// real profile of 23k nodes.
#[test]
fn many_rows_sort_as_pprof_compares() {
    let p = large_cpu();
    let frames = Frames::new(&p, Granularity::Functions, &Filters::default());
    let g = Graph::build_without_edges(&p, &frames, &[Measure::plain(0)], None);
    check_many_rows_order(&p, &frames, &g);
}

/// Rows that share a printed name and tie on value, zero or not, are
/// ordered as pprof orders them: by the other value, then by the printed
/// identity. Unsymbolized frames of binaries with one base name in several
/// directories (`[lib7.so]`) are such rows.
#[test]
fn many_rows_sort_breaks_ties_as_pprof() {
    // 1,500 unsymbolized leaves called from `main`, in binaries of 300 base
    // names, each in 5 directories; flat 0 (the leaf calls into another
    // binary), 1 or 2; cum 1 to 4.
    let mut strings: Vec<Vec<u8>> = vec![b"".into(), b"samples".into(), b"count".into()];
    let mut string = |s: String| {
        strings.push(s.into_bytes());
        strings.len() as i64 - 1
    };
    let main = string("main".into());
    let sink_file = string("/lib/sink.so".into());
    let mut mappings = vec![pb::Mapping {
        id: 1,
        memory_start: 0x1000,
        memory_limit: 0x2000,
        filename: sink_file,
        ..Default::default()
    }];
    let mut locations = vec![
        pb::Location {
            id: 1,
            line: vec![pb::Line {
                function_id: 1,
                line: 1,
                column: 0,
            }],
            ..Default::default()
        },
        pb::Location {
            id: 2,
            mapping_id: 1,
            address: 0x1100,
            ..Default::default()
        },
    ];
    for i in 0..1500u64 {
        let start = 0x10000 * (i + 2);
        mappings.push(pb::Mapping {
            id: 2 + i,
            memory_start: start,
            memory_limit: start + 0x1000,
            // Later directories first: node ids do not follow pprof's order.
            filename: string(format!("/dir{}/lib{}.so", 4 - i / 300, i % 300)),
            ..Default::default()
        });
        locations.push(pb::Location {
            id: 3 + i,
            mapping_id: 2 + i,
            address: start + 0x10,
            ..Default::default()
        });
    }
    let mut samples = Vec::new();
    for i in 0..1500u64 {
        let leaf = 3 + i;
        let (flat, below) = ((i % 3) as i64, (i % 5 % 2) as i64);
        if flat > 0 {
            samples.push(pb::Sample {
                location_id: vec![leaf, 1],
                value: vec![flat],
                label: vec![],
            });
        }
        if below > 0 || flat == 0 {
            samples.push(pb::Sample {
                location_id: vec![2, leaf, 1],
                value: vec![1 + (i / 7 % 2) as i64],
                label: vec![],
            });
        }
    }
    let p = Profile::from_wire(pb::Profile {
        sample_type: vec![pb::ValueType { r#type: 1, unit: 2 }],
        sample: samples,
        mapping: mappings,
        location: locations,
        function: vec![pb::Function {
            id: 1,
            name: main,
            ..Default::default()
        }],
        string_table: strings,
        ..Default::default()
    })
    .expect("valid profile");
    let frames = Frames::new(&p, Granularity::Functions, &Filters::default());
    let g = Graph::build_without_edges(&p, &frames, &[Measure::plain(0)], None);
    assert!(
        check_many_rows_order(&p, &frames, &g) > 1000,
        "rows share names"
    );
}

/// Values wider than pprof's 10 columns (`21367831744B`) widen the
/// explorer's value columns instead of being cut.
#[test]
fn the_explorer_never_cuts_wide_values() {
    use ppt::explore::{Session, Settings};
    use ppt::tui::App;
    use ppt::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let p = profile(&[
        (&["leaf", "main"], [1, 21_367_831_744]),
        (&["other", "main"], [1, 5]),
    ]);
    let mut settings = Settings::new(&p, "wide.pb.gz");
    settings.sample_index = 1;
    let session = Session::new(std::sync::Arc::new(p), settings);
    let mut app = App::new(session, Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(120, 12)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let screen = terminal.backend().to_string();
    // The table's rows (the header and the calls pane show them too).
    let row = screen
        .lines()
        .find(|l| l.contains(" leaf"))
        .expect("a row for leaf");
    assert!(row.contains("│21367831744B "), "{row}");
    assert!(row.contains(" 21367831744B "), "cum: {row}");
}

/// Callers and callees sorted for the calls pane (packed keys for long
/// lists) come in pprof's peek order: heavier first, then by name, then by
/// node; every node of `large.cpu` with more than 64 of them is checked.
#[test]
fn long_call_lists_sort_as_compared() {
    use ppt::analysis::{Neighbors, sort_calls};
    let p = large_cpu();
    let frames = Frames::new(&p, Granularity::Functions, &Filters::default());
    let g = Graph::build(&p, &frames, &[Measure::plain(0), Measure::plain(1)], None);
    let names = &frames.nodes;
    let mut long_lists = 0;
    for node in 0..g.node_count() as NodeId {
        let found = Neighbors::from_graph(&g, node);
        for calls in [&found.callers, &found.callees] {
            if calls.len() <= 64 {
                continue;
            }
            long_lists += 1;
            for k in 0..2 {
                let sorted = sort_calls(calls, names, k);
                assert_eq!(sorted.len(), calls.iter().filter(|c| c.present(k)).count());
                for pair in sorted.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    let order = b
                        .weight(k)
                        .wrapping_abs()
                        .cmp(&a.weight(k).wrapping_abs())
                        .then_with(|| names.name(a.node).cmp(names.name(b.node)))
                        .then(a.node.cmp(&b.node));
                    assert!(order.is_lt(), "node {node}: {} before {}", a.node, b.node);
                }
            }
        }
    }
    assert!(long_lists > 0, "some node has more than 64 calls");
}
