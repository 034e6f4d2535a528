//! Arbitrary bytes through the whole pipeline: decode (gzip or raw),
//! validate, build the model, aggregate, and print the reports. Any panic,
//! hang or runaway allocation is a bug.
//!
//! An input that decodes as a profile is also blown up, one time in two,
//! into one of the bombs of `tests/shapes` (deep recursion, huge strings,
//! label bombs), which goes through the same pipeline with label filters:
//! the fuzzer then explores around those shapes too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ppt::analysis::{Filters, Granularity, Pattern, TagFilter};
use ppt::profile::{DecodeOptions, Profile, decode, pb};
use ppt::report::{ReportOptions, peek, top};
use prost::Message;

#[path = "../../tests/shapes/mod.rs"]
mod shapes;

fuzz_target!(|data: &[u8]| {
    let Some(profile) = run(data) else {
        return;
    };
    // The shape and its size come from the input, so they are mutated too.
    let pick = data.iter().fold(0usize, |h, &b| h.wrapping_mul(31).wrapping_add(b as usize));
    if pick % 2 == 0 || data.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let Ok(raw) = pb::Profile::decode(data) else {
        return;
    };
    drop(profile);
    let (_, shape) = shapes::SHAPES[pick / 2 % shapes::SHAPES.len()];
    // Sizes that keep an input within milliseconds: 1-4096 frames or
    // labels, strings up to 256 KiB.
    let size = 1 + pick / 8 % 4096;
    let size = if pick / 2 % shapes::SHAPES.len() == 1 { size * 64 } else { size };
    let bomb = shape(&raw, size).encode_to_vec();
    if let Some(profile) = run(&bomb) {
        labels(&profile);
    }
});

/// Decodes and prints the reports; the profile if it decoded.
fn run(data: &[u8]) -> Option<Profile> {
    // A small decompression limit keeps gzip bombs from only measuring
    // the limit.
    let options = DecodeOptions { max_decompressed: 16 << 20 };
    let profile = decode(data, &options).ok()?;
    for granularity in [Granularity::Functions, Granularity::Files, Granularity::Addresses] {
        let report = ReportOptions { granularity, node_fraction: 0.0, ..ReportOptions::default() };
        let _ = top(&profile, &report);
    }
    for index in 0..profile.sample_types.len().min(4) {
        let report = ReportOptions { sample_index: Some(index.to_string()), cum: true, ..ReportOptions::default() };
        let _ = top(&profile, &report);
    }
    let escaped = ReportOptions { escape_strings: true, ..ReportOptions::default() };
    let _ = peek(&profile, &escaped, &Pattern::new("peek", "main|a").expect("valid regex"));
    Some(profile)
}

/// The top report under label filters of each form.
fn labels(profile: &Profile) {
    for (focus, ignore) in [("key1=key1", "size=1:2"), ("own3", "key3=0:10kb"), ("huge=v", "")] {
        let filters = Filters {
            tag_focus: TagFilter::new("tagfocus", focus, profile).ok(),
            tag_ignore: TagFilter::new("tagignore", ignore, profile).ok(),
            ..Filters::default()
        };
        let report = ReportOptions { filters, node_fraction: 0.0, ..ReportOptions::default() };
        let _ = top(profile, &report);
    }
}
