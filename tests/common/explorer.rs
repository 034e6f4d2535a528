//! Shared by the tests that drive the explorer without a terminal: the
//! session by its commands, or the app by its actions; and what they
//! compare its tables with.
//!
//! Each test binary uses part of this.
#![allow(dead_code)]

use ppt::analysis::Filters;
use ppt::explore::Session;
use ppt::profile::{DecodeOptions, Profile, decode, load, pb};
use ppt::report::{ReportOptions, top};
use ppt::tui::{Action, App};
use prost::Message;
use std::io::Read;
use std::sync::Arc;

/// The profile at `path` (relative to the crate).
pub fn profile(path: &str) -> Arc<Profile> {
    Arc::new(load(path, &DecodeOptions::default()).expect("fixture loads"))
}

/// The bytes of the file at `path` (relative to the crate).
pub fn fixture_bytes(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture reads")
}

/// The profile in `bytes`.
pub fn decoded(bytes: &[u8]) -> Arc<Profile> {
    Arc::new(decode(bytes, &DecodeOptions::default()).expect("decodes"))
}

/// tests/fixtures/go/heap.pprof with every sample value doubled (same
/// functions, same order, other numbers), undecompressed.
pub fn doubled_heap() -> Vec<u8> {
    let gz = fixture_bytes("tests/fixtures/go/heap.pprof");
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let mut p = pb::Profile::decode(&raw[..]).expect("a profile");
    for s in &mut p.sample {
        for v in &mut s.value {
            *v *= 2;
        }
    }
    p.encode_to_vec()
}

/// The printed name of the selected function.
pub fn selected_name(session: &Session) -> String {
    session
        .name(session.selected().expect("a selection"))
        .to_string()
}

/// Types `text` into the open prompt, a key at a time.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Insert(c));
    }
}

/// The rows of the table shown as `go tool pprof -top` prints them (the
/// inline marks of every row computed first).
pub fn table_lines(session: &mut Session) -> Vec<String> {
    session.settle_marks(0..session.row_count());
    let scale = session.scale();
    session
        .rows(0..session.row_count())
        .map(|r| {
            let mark = r.mark.map(|m| format!(" ({m})")).unwrap_or_default();
            format!(
                "{:>10} {} {} {:>10} {}  {}{mark}",
                scale.format_value(r.flat),
                ppt::report::percentage(r.flat, scale.total),
                ppt::report::percentage(r.sum, scale.total),
                scale.format_value(r.cum),
                ppt::report::percentage(r.cum, scale.total),
                session.name(r.node),
            )
        })
        .collect()
}

/// The rows of the top report of sample index `k` under `filters`.
pub fn top_lines(p: &Profile, k: usize, filters: &Filters) -> Vec<String> {
    top_lines_trimmed(p, k, filters, 0.0)
}

/// [`top_lines`] with pprof's node fraction `fraction`.
pub fn top_lines_trimmed(p: &Profile, k: usize, filters: &Filters, fraction: f64) -> Vec<String> {
    let options = ReportOptions {
        sample_index: Some(k.to_string()),
        node_fraction: fraction,
        filters: filters.clone(),
        ..ReportOptions::default()
    };
    let report = String::from_utf8(top(p, &options).expect("the report")).expect("text");
    report
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Table lines without their `(inline)` marks (which come with the callers).
pub fn without_inline_marks(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| l.replace(" (inline)", ""))
        .collect()
}
