//! ppt: a fast terminal explorer for pprof profiles.
//!
//! The crate is layered so that each layer knows nothing of the ones above it:
//! - [`profile`]: bytes -> a validated, index-based model of one profile;
//! - [`measurement`]: units and percentages as pprof formats them, below
//!   both the analysis and the reports;
//! - [`analysis`]: the model -> call graph numbers (flat, cum, edges) for every
//!   sample index at once, at a granularity, under filters;
//! - [`report`]: the numbers -> text identical to `go tool pprof`;
//! - [`fetch`]: where a profile comes from (a file, stdin, or a running
//!   service over HTTP), decoded by [`profile`];
//! - [`tui`]: the full-screen explorer on top of all three.
//!
//! Imports only run downward, and `tests/layers.rs` fails when one does
//! not: nothing but [`tui`] and [`cli`] names `ratatui`, `crossterm`,
//! `crate::tui` or `crate::cli`; nothing in [`analysis`] or [`profile`]
//! names `crate::report`, `crate::fetch` or an exploration session;
//! [`profile`] names no other layer, and [`measurement`] none above it.

#![deny(clippy::unwrap_used)]

pub mod analysis;
pub mod cli;
pub mod fetch;
pub mod gopath;
pub mod measurement;
pub mod profile;
pub mod report;
pub mod safe_text;
pub mod tui;
