//! The explorer's fast aggregation ([`Stacks`]) against the general path
//! ([`Frames`] + [`Graph`], which the reports use and which match pprof):
//! on every fixture profile, every granularity and a range of filters,
//! flat, cum, callers and callees must be identical, for plain and mean
//! measures.

use ppt::analysis::{
    Call, Filters, Frames, Granularity, Graph, Measure, Neighbors, NodeId, NodeTable, Pattern,
    Stacks, TagFilter,
};
use ppt::profile::{DecodeOptions, Profile, decode};
use std::collections::BTreeMap;
use std::path::Path;

/// What identifies a node across two node tables.
type Key = (u32, Vec<u8>, u64, i64, i64, u32);

fn key(nodes: &NodeTable, id: NodeId) -> Key {
    let info = nodes.info(id);
    (
        info.name.0,
        nodes.file(id).to_vec(),
        info.address,
        info.start_line,
        info.line,
        info.objfile.0,
    )
}

fn fixtures() -> Vec<(String, Profile)> {
    let mut out = Vec::new();
    for dir in ["go", "pprof-testdata", "extra"] {
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
    assert!(out.len() >= 20, "fixtures found: {}", out.len());
    out
}

fn pattern(s: &str) -> Option<Pattern> {
    Some(Pattern::new("test", s).unwrap())
}

/// Filters built from the profile's own names, so that they hit.
fn filter_sets(p: &Profile) -> Vec<(String, Filters)> {
    let mut names: Vec<String> = p
        .functions
        .iter()
        .map(|f| String::from_utf8_lossy(p.strings.get(f.name)).into_owned())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    let mut files: Vec<String> = p
        .functions
        .iter()
        .map(|f| String::from_utf8_lossy(p.strings.get(f.filename)).into_owned())
        .filter(|n| !n.is_empty())
        .collect();
    files.sort();
    files.dedup();
    let pick = |v: &[String], i: usize, of: usize| -> String {
        v.get(v.len() * i / of)
            .map(|s| regex::escape(s))
            .unwrap_or_else(|| "zzz-none".into())
    };
    let (a, b) = (pick(&names, 1, 3), pick(&names, 2, 3));
    let (fa, fb) = (pick(&files, 1, 3), pick(&files, 2, 3));
    let dir = files
        .get(files.len() / 2)
        .and_then(|f| f.rsplit_once('/').map(|(d, _)| regex::escape(d)))
        .unwrap_or_else(|| "zzz-none".into());
    let f = Filters::default;
    let mut sets = vec![
        ("none".into(), f()),
        (
            format!("focus={a}"),
            Filters {
                focus: pattern(&a),
                ..f()
            },
        ),
        (
            "focus=runtime".to_string(),
            Filters {
                focus: pattern("runtime"),
                ..f()
            },
        ),
        (
            format!("ignore={b}"),
            Filters {
                ignore: pattern(&b),
                ..f()
            },
        ),
        (
            format!("hide={b}"),
            Filters {
                hide: pattern(&b),
                ..f()
            },
        ),
        (
            "hide=runtime".to_string(),
            Filters {
                hide: pattern("runtime"),
                ..f()
            },
        ),
        (
            format!("show={a}|main"),
            Filters {
                show: pattern(&format!("{a}|main")),
                ..f()
            },
        ),
        (
            format!("source={dir}"),
            Filters {
                source_include: pattern(&dir),
                ..f()
            },
        ),
        (
            format!("exclude={fb}"),
            Filters {
                source_exclude: pattern(&fb),
                ..f()
            },
        ),
        (
            format!("focus={a} hide={b}"),
            Filters {
                focus: pattern(&a),
                hide: pattern(&b),
                ..f()
            },
        ),
        (
            format!("ignore={b} source={fa}"),
            Filters {
                ignore: pattern(&b),
                source_include: pattern(&fa),
                ..f()
            },
        ),
        (
            format!("hide={a} show={b}|main source={dir} exclude={fb}"),
            Filters {
                hide: pattern(&a),
                show: pattern(&format!("{b}|main")),
                source_include: pattern(&dir),
                source_exclude: pattern(&fb),
                ..f()
            },
        ),
    ];
    // Focus, hide and show matching a binary: then a line's location
    // decides, not only its function.
    let binary = p
        .mappings
        .iter()
        .map(|m| String::from_utf8_lossy(p.strings.get(m.file)).into_owned())
        .find(|file| !file.is_empty());
    if let Some(binary) = binary {
        let binary = regex::escape(&binary);
        sets.push((
            format!("binary: hide={binary}"),
            Filters {
                hide: pattern(&binary),
                ..f()
            },
        ));
        sets.push((
            format!("binary: focus={binary}"),
            Filters {
                focus: pattern(&binary),
                ..f()
            },
        ));
        sets.push((
            format!("binary: show={binary}|{a}"),
            Filters {
                show: pattern(&format!("{binary}|{a}")),
                ..f()
            },
        ));
    }
    // Tag filters with a string label of a sample half way through: they
    // judge samples by the profile's index, which the stacks do not keep
    // their samples in.
    let count = p.samples.len();
    let label = (0..count)
        .flat_map(|s| p.samples.labels((s + count / 2) % count))
        .find(|l| !p.strings.get(l.str).is_empty());
    if let Some(label) = label {
        let text = |id| regex::escape(&String::from_utf8_lossy(p.strings.get(id)));
        let tag = format!("{}={}", text(label.key), text(label.str));
        let filter = |what| Some(TagFilter::new(what, &tag, p).unwrap());
        sets.push((
            format!("tagfocus={tag}"),
            Filters {
                tag_focus: filter("tagfocus"),
                ..f()
            },
        ));
        sets.push((
            format!("tagignore={tag} hide={b}"),
            Filters {
                tag_ignore: filter("tagignore"),
                hide: pattern(&b),
                ..f()
            },
        ));
    }
    sets
}

fn calls_by_key(
    nodes: &NodeTable,
    calls: &[Call],
    m: usize,
) -> BTreeMap<Key, Vec<(bool, i64, i64, bool)>> {
    calls
        .iter()
        .map(|c| {
            let per_k = (0..m)
                .map(|k| {
                    (
                        c.present(k),
                        c.weight(k),
                        c.weight_value(k),
                        c.present(k) && c.inline(k),
                    )
                })
                .collect();
            (key(nodes, c.node), per_k)
        })
        .collect()
}

/// Callers of every node (in one pass) and callees of a spread of nodes
/// against the complete graph's edges.
#[allow(clippy::too_many_arguments)]
fn compare_calls(
    case: &str,
    stacks: &Stacks,
    sel: &ppt::analysis::Selection,
    measures: &[Measure],
    frames: &Frames,
    general: &Graph,
    fast_index: &BTreeMap<Key, NodeId>,
) {
    let m = measures.len();
    let (gn, fast_nodes) = (&frames.nodes, &stacks.frames.nodes);
    let general_ids: Vec<NodeId> = (0..gn.len() as NodeId).collect();
    let fast_ids: Vec<NodeId> = general_ids
        .iter()
        .map(|&id| fast_index[&key(gn, id)])
        .collect();
    let callers = stacks.callers(sel, measures, &fast_ids, &|| false);
    // Every node's callers on small profiles; a spread of them on big ones.
    let spread = (general_ids.len() / 300).max(1);
    let step = (general_ids.len() / 20).max(1);
    for (i, (&id, &f)) in general_ids.iter().zip(&fast_ids).enumerate() {
        if i % spread != 0 {
            continue;
        }
        let want = Neighbors::from_graph(general, id);
        let label = String::from_utf8_lossy(gn.name(id));
        assert_eq!(
            calls_by_key(gn, &want.callers, m),
            calls_by_key(fast_nodes, &callers[i].callers, m),
            "{case}: callers of {label:?}"
        );
        if i % step == 0 {
            let got = stacks.neighbors(sel, measures, f);
            assert_eq!(
                got.callers, callers[i].callers,
                "{case}: callers of {label:?}"
            );
            assert_eq!(
                calls_by_key(gn, &want.callees, m),
                calls_by_key(fast_nodes, &got.callees, m),
                "{case}: callees of {label:?}"
            );
        }
    }
}

#[test]
fn fast_aggregation_equals_the_general_path() {
    let mut compared = 0;
    let mut general_only = Vec::new();
    for (name, p) in fixtures() {
        let m = p.sample_types.len();
        let plain: Vec<Measure> = (0..m).map(Measure::plain).collect();
        let mean: Vec<Measure> = (0..m).map(|index| Measure { index, mean: true }).collect();
        // The biggest profile at one granularity: time, not coverage.
        let big = p.functions.len() > 5_000;
        for granularity in Granularity::ALL {
            if big && granularity != Granularity::Functions {
                continue;
            }
            let Some(stacks) = Stacks::new(&p, granularity) else {
                panic!("{name}: stacks refused");
            };
            let fast_nodes = &stacks.frames.nodes;
            let fast_index: BTreeMap<Key, NodeId> = (0..fast_nodes.len() as NodeId)
                .map(|id| (key(fast_nodes, id), id))
                .collect();
            for (what, filters) in filter_sets(&p) {
                let case = format!("{name} {} {what}", granularity.name());
                let Some(sel) = stacks.select(&p, &filters) else {
                    general_only.push(case);
                    continue;
                };
                let frames = Frames::new(&p, granularity, &filters);
                // Means only once per profile and filter: they go through
                // the same code with one more row per node.
                let with_mean = granularity == Granularity::Functions;
                for measures in [&plain, &mean].into_iter().take(1 + with_mean as usize) {
                    let general = Graph::build(&p, &frames, measures, None);
                    let fast = stacks.aggregate(&sel, measures);
                    let totals = stacks.totals(measures);
                    let from_totals = stacks.aggregate_from(&sel, &totals);
                    // Each measure alone, as the explorer sums the one shown
                    // first.
                    let by_column: Vec<Graph> = (0..m)
                        .map(|k| {
                            stacks
                                .aggregate_from(&sel, &totals.column(k))
                                .as_column_of(measures, k)
                        })
                        .collect();
                    let gn = &frames.nodes;
                    let mut matched = vec![false; fast_nodes.len()];
                    for id in 0..gn.len() as NodeId {
                        let f = fast_index[&key(gn, id)];
                        matched[f as usize] = true;
                        let numbers = |g: &Graph, id: NodeId, k: usize| {
                            (
                                g.flat(id, k),
                                g.cum(id, k),
                                g.flat_value(id, k),
                                g.cum_value(id, k),
                            )
                        };
                        for (k, alone) in by_column.iter().enumerate() {
                            let label = String::from_utf8_lossy(gn.name(id));
                            let want = numbers(&general, id, k);
                            assert_eq!(want, numbers(&fast, f, k), "{case}: {label:?} column {k}");
                            assert_eq!(
                                want,
                                numbers(&from_totals, f, k),
                                "{case}: {label:?} column {k}, from the totals"
                            );
                            assert_eq!(
                                want,
                                numbers(alone, f, k),
                                "{case}: {label:?} column {k} alone"
                            );
                        }
                        compared += 1;
                    }
                    compare_calls(
                        &case,
                        &stacks,
                        &sel,
                        measures,
                        &frames,
                        &general,
                        &fast_index,
                    );
                    // Nodes the filters removed have nothing.
                    for f in (0..fast_nodes.len() as NodeId).filter(|&f| !matched[f as usize]) {
                        for (k, alone) in by_column.iter().enumerate() {
                            assert!(!fast.has_node(f, k), "{case}: removed node present");
                            assert!(!from_totals.has_node(f, k), "{case}: removed node present");
                            assert!(!alone.has_node(f, k), "{case}: removed node present");
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 10_000, "compared {compared} nodes");
    // The fast path must serve the filters the explorer applies most: it
    // declines only where a filter splits a node (at `files` granularity,
    // for names that collide on purpose, or where a binary is matched and
    // a node has frames in several).
    eprintln!("compared {compared} nodes; general path only: {general_only:#?}");
    for case in &general_only {
        assert!(
            case.contains(" files ") || case.starts_with("collide") || case.contains(" binary: "),
            "declined: {case}"
        );
    }
}

#[test]
fn callers_in_one_pass_equal_one_node_at_a_time() {
    for (name, p) in fixtures() {
        if p.functions.len() > 2_000 {
            continue;
        }
        let measures: Vec<Measure> = (0..p.sample_types.len()).map(Measure::plain).collect();
        let stacks = Stacks::new(&p, Granularity::Functions).unwrap();
        let sel = stacks.select(&p, &Filters::default()).unwrap();
        let nodes: Vec<NodeId> = (0..stacks.frames.nodes.len() as NodeId).collect();
        let together = stacks.callers(&sel, &measures, &nodes, &|| false);
        for (&node, got) in nodes.iter().zip(&together) {
            let alone = stacks.neighbors(&sel, &measures, node);
            assert_eq!(got.callers, alone.callers, "{name}: node {node}");
        }
    }
}
