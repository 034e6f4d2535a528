//! Each stage of ppt on the large benchmark profile (generated in memory by
//! `support/synth.rs`: 60k functions, 120k locations, 600k samples, stacks
//! 8-24 deep, 4 sample types; about 40 MB raw, 24 MB gzipped).
//!
//! Run with `cargo bench --bench engine`; results are in BENCHMARKS.md.
//! `PPT_BENCH_SCALE=10` runs the 10x profile instead.

#[path = "support/synth.rs"]
mod synth;

use ppt::analysis::order::{SortKey, sort_nodes};
use ppt::analysis::{
    Filters, Frames, Granularity, Graph, Measure, NodeId, Pattern, Stacks, Totals, sort_calls,
};
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::report::{ReportOptions, top};
use prost::Message;
use std::io::{Read, Write};
use std::sync::LazyLock;

fn main() {
    // Built once, outside the timed samples.
    LazyLock::force(&STACKS);
    divan::main();
}

struct Inputs {
    raw: Vec<u8>,
    gzipped: Vec<u8>,
    profile: Profile,
}

static INPUTS: LazyLock<Inputs> = LazyLock::new(|| {
    let scale = std::env::var("PPT_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let raw = synth::generate(&synth::Shape::default().scaled(scale)).encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&raw).unwrap();
    let gzipped = gz.finish().unwrap();
    let profile = decode(&raw, &DecodeOptions::default()).unwrap();
    eprintln!(
        "benchmark profile: {:.1} MB raw, {:.1} MB gzipped, {} functions, {} locations, {} samples",
        raw.len() as f64 / 1e6,
        gzipped.len() as f64 / 1e6,
        profile.functions.len(),
        profile.locations.len(),
        profile.samples.len()
    );
    Inputs {
        raw,
        gzipped,
        profile,
    }
});

fn all_measures(p: &Profile) -> Vec<Measure> {
    (0..p.sample_types.len()).map(Measure::plain).collect()
}

/// The floor for any reader of a gzipped profile.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn gunzip() -> usize {
    let mut out = Vec::with_capacity(INPUTS.raw.len());
    flate2::read::MultiGzDecoder::new(&INPUTS.gzipped[..])
        .read_to_end(&mut out)
        .unwrap();
    out.len()
}

/// Protobuf decoding, validation and the model, from raw bytes.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn decode_raw() -> Profile {
    decode(&INPUTS.raw, &DecodeOptions::default()).unwrap()
}

/// The same from the gzipped file: what opening a profile costs.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn decode_gzipped() -> Profile {
    decode(&INPUTS.gzipped, &DecodeOptions::default()).unwrap()
}

/// The general path: nodes, flat, cum and every caller->callee edge for
/// all 4 sample indices (what reports with edges and the explorer's
/// general path compute).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn general_path_all_sample_indices_with_edges() -> Graph {
    let p = &INPUTS.profile;
    let frames = Frames::new(p, Granularity::Functions, &Filters::default());
    Graph::build(p, &frames, &all_measures(p), None)
}

/// The explorer's start: every stack resolved to node ids, then the
/// unfiltered flat and cum of all 4 sample indices.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn explorer_stacks_and_totals() -> Totals {
    let p = &INPUTS.profile;
    let stacks = Stacks::new(p, Granularity::Functions).unwrap();
    stacks.totals(&all_measures(p))
}

static STACKS: LazyLock<(Stacks, Totals)> = LazyLock::new(|| {
    let p = &INPUTS.profile;
    let stacks = Stacks::new(p, Granularity::Functions).unwrap();
    // The index of samples by location, built on the first focus.
    let focus = filters_focus();
    let _ = stacks.select(p, &focus);
    let totals = stacks.totals(&all_measures(p));
    (stacks, totals)
});

fn filters_focus() -> Filters {
    Filters {
        focus: Some(Pattern::new("focus", "svc1/internal").unwrap()),
        ..Filters::default()
    }
}

fn filters_source() -> Filters {
    Filters {
        source_include: Some(Pattern::new("source", "/internal/").unwrap()),
        ..Filters::default()
    }
}

/// What the explorer computes for `filters`: which samples and nodes
/// stay, then flat and cum of all 4 sample indices.
fn apply(filters: &Filters) -> Graph {
    let (stacks, totals) = &*STACKS;
    let p = &INPUTS.profile;
    let selection = stacks.select(p, filters).unwrap();
    stacks.aggregate_from(&selection, totals)
}

/// Applying a focus filter in the explorer.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_focus_filter() -> Graph {
    apply(&filters_focus())
}

/// Applying a source (file path) filter in the explorer.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn apply_source_filter() -> Graph {
    apply(&filters_source())
}

/// Callers and callees of the heaviest function (flat), as the explorer's
/// calls pane shows them: the scan of its samples, and the edges sorted
/// for one sample index.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn callers_and_callees(bencher: divan::Bencher) {
    let (stacks, totals) = &*STACKS;
    let p = &INPUTS.profile;
    let selection = stacks.select(p, &Filters::default()).unwrap();
    let g = stacks.aggregate_from(&selection, totals);
    let heaviest = (0..g.node_count() as NodeId)
        .max_by_key(|&n| g.flat(n, 3))
        .unwrap();
    let names = &stacks.frames.nodes;
    bencher.bench_local(|| {
        let found = stacks.neighbors(&selection, totals.measures(), heaviest);
        let callers = sort_calls(&found.callers, names, 3).len();
        let callees = sort_calls(&found.callees, names, 3).len();
        (found, callers, callees)
    });
}

/// Sorting every row of the explorer's table (58-60k nodes) by flat, as
/// pprof orders them, for each of the 4 sample indices in turn.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn sort_table_rows(bencher: divan::Bencher) {
    let (stacks, totals) = &*STACKS;
    let p = &INPUTS.profile;
    let selection = stacks.select(p, &Filters::default()).unwrap();
    let g = stacks.aggregate_from(&selection, totals);
    let table = &stacks.frames.nodes;
    let _ = table.name_ranks();
    let rows: Vec<Vec<NodeId>> = (0..4).map(|k| g.present_nodes(k)).collect();
    let mut k = 0;
    bencher
        .with_inputs(|| {
            k = (k + 1) % 4;
            (k, rows[k].clone())
        })
        .bench_local_values(|(k, mut rows)| {
            sort_nodes(&mut rows, &g, table, p, k, SortKey::Flat);
            rows
        });
}

/// The same focus filter on the general path (frames, flat and cum).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn general_path_focus_filter() -> Graph {
    let p = &INPUTS.profile;
    let frames = Frames::new(p, Granularity::Functions, &filters_focus());
    Graph::build_without_edges(p, &frames, &all_measures(p), None)
}

/// `--top` on a decoded profile (graph, trimming, sorting, text).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn top_report() -> Vec<u8> {
    top(&INPUTS.profile, &ReportOptions::default()).unwrap()
}

/// `ppt --top` end to end, from the gzipped bytes to the text.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn top_end_to_end() -> Vec<u8> {
    let p = decode(&INPUTS.gzipped, &DecodeOptions::default()).unwrap();
    top(&p, &ReportOptions::default()).unwrap()
}
