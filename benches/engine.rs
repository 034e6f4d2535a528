//! Each stage of ppt on the large benchmark profile (generated in memory by
//! `support/synth.rs`: 60k functions, 120k locations, 600k samples, stacks
//! 8-24 deep, 4 sample types; about 40 MB raw, 24 MB gzipped).
//!
//! Run with `cargo bench --bench engine`; results are in BENCHMARKS.md.
//! `PPT_BENCH_SCALE=10` runs the 10x profile instead.

#[path = "support/synth.rs"]
mod synth;

use ppt::analysis::{Filters, Frames, Granularity, Graph, Measure, Pattern};
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::report::{ReportOptions, top};
use prost::Message;
use std::io::{Read, Write};
use std::sync::LazyLock;

fn main() {
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

/// Nodes, flat, cum and edges for all four sample indices in one pass:
/// what the explorer computes once at start and after a filter change.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn aggregate_all_sample_indices() -> Graph {
    let p = &INPUTS.profile;
    let frames = Frames::new(p, Granularity::Functions, &Filters::default());
    Graph::build(p, &frames, &all_measures(p), None)
}

/// Applying a focus filter (recomputes the aggregate for all indices).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn apply_focus_filter() -> Graph {
    let p = &INPUTS.profile;
    let filters = Filters {
        focus: Some(Pattern::new("focus", "svc1/internal").unwrap()),
        ..Filters::default()
    };
    let frames = Frames::new(p, Granularity::Functions, &filters);
    Graph::build(p, &frames, &all_measures(p), None)
}

/// Applying a source (file path) filter.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn apply_source_filter() -> Graph {
    let p = &INPUTS.profile;
    let filters = Filters {
        source_include: Some(Pattern::new("source", "/internal/").unwrap()),
        ..Filters::default()
    };
    let frames = Frames::new(p, Granularity::Functions, &filters);
    Graph::build(p, &frames, &all_measures(p), None)
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
