//! Comparisons loaded as the command line loads them (`--diff-base`,
//! `--base`, `--normalize`), for the tests that explore them without a
//! terminal.
//!
//! Each test binary uses part of this.
#![allow(dead_code)]

use ppt::explore::{Comparison, Session, Settings};
use ppt::fetch::{SourceOptions, Sources};
use std::sync::Arc;

/// How a comparison is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// `--diff-base`.
    Diff,
    /// `--base`.
    Base,
    /// `--normalize --diff-base`.
    NormalizedDiff,
}

/// The comparison of `new` with `base` (paths relative to the crate), as
/// the explorer opens it: the combined profile, and the base and the new
/// profile kept apart.
pub fn load(new: &str, base: &str, how: How) -> (Arc<ppt::profile::Profile>, Comparison) {
    let dir = env!("CARGO_MANIFEST_DIR");
    let at = |p: &str| vec![format!("{dir}/{p}")];
    let (bases, diff_bases) = match how {
        How::Base => (at(base), vec![]),
        How::Diff | How::NormalizedDiff => (vec![], at(base)),
    };
    let mut sources = Sources::from_args(
        &at(new),
        &bases,
        &diff_bases,
        how == How::NormalizedDiff,
        SourceOptions::default(),
    )
    .expect("sources");
    sources.keep_base();
    let mut combined = sources.load().expect("the comparison loads");
    let base_profile = combined.base.take().expect("the base kept");
    let alone = combined.alone.take().expect("the new profile kept");
    let (kind, normalize) = sources.comparison_kind();
    let comparison =
        Comparison::new(base_profile, "base.pprof".into(), None).of(alone, kind, normalize);
    (Arc::new(combined.profile), comparison)
}

/// A session on the comparison of `new` with `base`, showing sample type
/// `sample_type`, with `settings` changed as `tweak` says.
pub fn session(
    new: &str,
    base: &str,
    how: How,
    sample_type: &str,
    tweak: impl FnOnce(&mut Settings),
) -> Session {
    let (p, comparison) = load(new, base, how);
    let mut settings = Settings::new(&p, "heap.pprof");
    settings.sample_index = p
        .sample_types
        .iter()
        .position(|t| p.strings.get(t.kind) == sample_type.as_bytes())
        .expect("the sample type");
    tweak(&mut settings);
    let mut session = Session::new(p, settings);
    session.set_comparison(comparison);
    session.prepare_comparison();
    session
}
