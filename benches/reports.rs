//! The graph reports on the large benchmark profile (generated in memory by
//! `support/synth.rs`: 60k functions, 120k locations, 600k samples), from
//! the decoded profile, next to `--top` for scale.
//!
//! Run with `cargo bench --bench reports`; results are in BENCHMARKS.md.

#[path = "support/synth.rs"]
mod synth;

use ppt::analysis::Pattern;
use ppt::profile::{DecodeOptions, Profile, decode};
use ppt::report::{ReportOptions, callgrind, dot, list, top, tree};
use prost::Message;
use std::sync::LazyLock;

fn main() {
    LazyLock::force(&PROFILE);
    divan::main();
}

static PROFILE: LazyLock<Profile> = LazyLock::new(|| {
    let raw = synth::generate(&synth::Shape::default()).encode_to_vec();
    decode(&raw, &DecodeOptions::default()).unwrap()
});

#[divan::bench(sample_count = 5, sample_size = 1)]
fn top_report() -> Vec<u8> {
    top(&PROFILE, &ReportOptions::default()).unwrap()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn tree_report() -> Vec<u8> {
    tree(&PROFILE, &ReportOptions::default()).unwrap()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn dot_report() -> Vec<u8> {
    dot(&PROFILE, &ReportOptions::default()).unwrap()
}

/// Every node and edge at address granularity: 138k nodes, 1.07M edges.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn callgrind_report() -> Vec<u8> {
    callgrind(&PROFILE, &ReportOptions::default()).unwrap()
}

/// No source is found (the generated files do not exist): the listing's
/// cost is its graph at line granularity.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn list_report() -> Vec<u8> {
    let pattern = Pattern::new("list", "Store").unwrap();
    list(&PROFILE, &ReportOptions::default(), &pattern).unwrap()
}
