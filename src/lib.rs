//! ppt: a fast terminal explorer for pprof profiles.
//!
//! The crate is layered so that each layer knows nothing of the ones above it:
//! - [`measurement`]: units and percentages as pprof formats them, the
//!   bottom layer;
//! - [`profile`]: bytes -> a validated, index-based model of one profile,
//!   and profiles merged or compared as pprof does;
//! - [`analysis`]: the model -> call graph numbers (flat, cum, edges) for every
//!   sample index at once, at a granularity, under filters;
//! - [`report`]: the numbers -> text identical to `go tool pprof`;
//! - [`source_files`]: finding the source files a profile names, as
//!   pprof's `-list` does (and in a Go installation's roots);
//! - [`fetch`]: where a profile comes from (a file, stdin, or a running
//!   service over HTTP), decoded by [`profile`];
//! - [`explore`]: the exploration session (the profile explored, sample
//!   index, sort, granularity, filters, tables, calls, search, history,
//!   refresh, and the worker computing them), driven by commands and
//!   answering queries, with no terminal code;
//! - [`tui`]: the full-screen explorer, a screen over a session: keys to
//!   commands, one file per pane drawing what the session answers.
//!
//! Imports only run downward, and `tests/layers.rs` fails when one does
//! not: nothing but [`tui`] and [`cli`] names `ratatui`, `crossterm`,
//! `crate::tui` or `crate::cli`; nothing in [`analysis`] or [`profile`]
//! names `crate::report`, `crate::fetch` or an exploration session;
//! [`profile`] names only [`measurement`] (merging profiles scales their
//! units), and [`measurement`] names no other layer.

#![deny(clippy::unwrap_used)]

pub mod analysis;
pub mod cli;
pub mod explore;
pub mod fetch;
pub mod gopath;
pub mod measurement;
pub mod profile;
pub mod report;
pub mod safe_text;
pub mod safe_write;
pub mod source_files;
pub mod tui;
