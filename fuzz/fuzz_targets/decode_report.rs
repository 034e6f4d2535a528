//! Arbitrary bytes through the whole pipeline: decode (gzip or raw),
//! validate, build the model, aggregate, and print the reports. Any panic,
//! hang or runaway allocation is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ppt::analysis::{Granularity, Pattern};
use ppt::profile::{DecodeOptions, decode};
use ppt::report::{ReportOptions, peek, top};

fuzz_target!(|data: &[u8]| {
    // A small decompression limit keeps gzip bombs from only measuring
    // the limit.
    let options = DecodeOptions { max_decompressed: 16 << 20 };
    let Ok(profile) = decode(data, &options) else {
        return;
    };
    for granularity in [Granularity::Functions, Granularity::Files, Granularity::Addresses] {
        let report = ReportOptions { granularity, node_fraction: 0.0, ..ReportOptions::default() };
        let _ = top(&profile, &report);
    }
    for index in 0..profile.sample_types.len().min(4) {
        let report = ReportOptions { sample_index: Some(index.to_string()), cum: true, ..ReportOptions::default() };
        let _ = top(&profile, &report);
    }
    let _ = peek(&profile, &ReportOptions::default(), &Pattern::new("peek", "main|a").expect("valid regex"));
});
