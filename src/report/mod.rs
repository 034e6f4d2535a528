//! Reports identical to `go tool pprof`'s: `-top`, `-peek`, `-tree`,
//! `-dot`, `-callgrind`, `-list` (on the trimmed graph), `-traces`, `-tags`,
//! `-raw`, `-comments`, `-proto` (on the filtered profile itself), and
//! collapsed stacks for other tools ([`folded()`]).
//!
//! [`Report`] resolves what to measure (sample index, mean) and holds the
//! total and unit choice; [`trim`] reproduces pprof's node trimming (and
//! `visual`, the choices `-dot` adds); each report has its file;
//! [`write_report`] prints any of them ([`ReportKind`]). Output is bytes:
//! names come from the profile as they are, as pprof prints them, unless
//! [`ReportOptions::escape_strings`] asks for every line of `-top`, `-peek`
//! and `-tree` to be made safe for a terminal.

mod callgrind;
mod chunks;
mod comments;
mod dot;
mod dot_names;
mod dot_nodelets;
pub mod flamegraph;
mod folded;
mod header;
mod kind;
mod list;
pub mod node_tags;
mod peek;
mod prepare;
mod proto;
mod raw;
mod tabwriter;
mod tags;
mod top;
mod traces;
mod tree;
pub mod trim;
mod visual;

use crate::measurement as units;
pub use crate::measurement::{OutputUnit, percentage, scaled_label};
pub use callgrind::{callgrind, write_callgrind};
pub use comments::comments;
pub use dot::dot;
pub use folded::{FoldedError, folded, options_tree, write_folded};
pub use header::date_and_clock_utc;
pub use kind::{ReportKind, write_report};
pub use list::{Listing, Routine, RoutineSource, SourceLine, list, listing, write_listing};
pub use peek::peek;
pub use proto::proto;
pub use raw::raw;
pub use tags::{TagBreakdown, TagKey, TagValue, tag_breakdown, tags, write_tags};
pub use top::top;
pub use traces::traces;
pub use tree::tree;

use crate::analysis::{Filters, Granularity, Measure, total};
use crate::profile::{Profile, SampleIndexError};

/// What a report shows and how; the defaults are pprof's.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Sample index by number or name; `None` for the profile's default.
    pub sample_index: Option<String>,
    /// Divide by sample value 0 (pprof's `-mean`, as in `-mean_delay`).
    pub mean: bool,
    /// What one row stands for.
    pub granularity: Granularity,
    /// focus/ignore/hide/show.
    pub filters: Filters,
    /// Drop nodes whose |cum| is below this share of the shown total.
    pub node_fraction: f64,
    /// Drop edges lighter than this share (it decides the `(inline)` marks).
    pub edge_fraction: f64,
    /// Show at most this many nodes; 0 for all; `None` for the report's
    /// default (all for `--top`, 80 for `--tree` and `--dot`, as pprof).
    pub node_count: Option<usize>,
    /// Sort by cum instead of flat.
    pub cum: bool,
    /// Keep inlined frames as nodes of their own (pprof's default).
    pub inline_frames: bool,
    /// Print values in this unit (`minimum`: pprof's choice per report,
    /// `auto`: per value).
    pub unit: Option<String>,
    /// Leave out nodes with negative values (diff profiles).
    pub drop_negative: bool,
    /// Write every control, invisible and format character of the
    /// profile's strings (names, units, file names, comments) as a visible
    /// escape, newlines included, so that each line printed is one line on
    /// a terminal and cannot drive it (`safe_text`). Off, the bytes are
    /// pprof's.
    pub escape_strings: bool,
    /// pprof's `-source_path`: where `--list` looks for sources
    /// (`:`-separated; the working directory when `None`).
    pub source_path: Option<String>,
    /// pprof's `-trim_path`: prefixes taken off recorded file names
    /// (`:`-separated).
    pub trim_path: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            sample_index: None,
            mean: false,
            granularity: Granularity::Functions,
            filters: Filters::default(),
            node_fraction: 0.005,
            edge_fraction: 0.001,
            node_count: None,
            cum: false,
            inline_frames: true,
            unit: None,
            drop_negative: false,
            escape_strings: false,
            source_path: None,
            trim_path: None,
        }
    }
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The requested sample index does not exist.
    #[error(transparent)]
    SampleIndex(#[from] SampleIndexError),
    /// The profile has no sample types at all.
    #[error("profile has no sample types, so there is nothing to report")]
    NoSampleTypes,
    /// `--peek` matched no node.
    #[error("no matches found for regexp: {0}")]
    NoMatches(String),
    /// Writing the report failed.
    #[error("writing the report: {1}")]
    Write(std::io::ErrorKind, String),
    /// Where to look for source files could not be worked out.
    #[error("{0}")]
    Source(String),
}

impl From<std::io::Error> for ReportError {
    fn from(e: std::io::Error) -> ReportError {
        ReportError::Write(e.kind(), e.to_string())
    }
}

/// Ends the line that starts at `start` in `out`, escaping it first when
/// `escape` ([`ReportOptions::escape_strings`]): a newline inside a name
/// then shows as `\n` instead of starting a forged line.
pub(super) fn end_line(out: &mut Vec<u8>, start: usize, escape: bool) {
    if escape {
        let line = crate::safe_text::escape(&out[start..]);
        out.truncate(start);
        out.extend_from_slice(line.as_bytes());
    }
    out.push(b'\n');
}

/// Resolves the measure named by `sample_index` (or the profile's default).
pub fn resolve_measure(
    profile: &Profile,
    sample_index: Option<&str>,
    mean: bool,
) -> Result<Measure, ReportError> {
    if profile.sample_types.is_empty() {
        return Err(ReportError::NoSampleTypes);
    }
    let index = match sample_index {
        None => profile.default_sample_index(),
        Some(name) => profile.sample_index_by_name(name)?,
    };
    Ok(Measure { index, mean })
}

/// The numbers every report line is printed with: the measure, its unit
/// and the total that percentages are of.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The profile reported on.
    pub profile: &'a Profile,
    /// What is measured.
    pub measure: Measure,
    /// The sample type's name (`mean_` prefixed for means).
    pub sample_type: String,
    /// The unit of sample values (e.g. `bytes`).
    pub sample_unit: String,
    /// Sum of |value| over all samples, before filters.
    pub total: i64,
    /// The unit values are printed in; chosen per report by [`Report::select_unit`].
    pub output_unit: OutputUnit,
}

/// What [`Report::select_unit`] needs of the values shown (each node's
/// flat and cum): `None` when there are none, else the smallest non-zero
/// |flat| (|cum| for a node without flat), 0 when all are zero.
pub fn smallest_shown(values: impl Iterator<Item = (i64, i64)>) -> Option<i64> {
    let mut min_value = 0i64;
    let mut any = false;
    for (flat, cum) in values {
        any = true;
        let mut node_min = flat.wrapping_abs();
        if node_min == 0 {
            node_min = cum.wrapping_abs();
        }
        if node_min > 0 && (min_value == 0 || node_min < min_value) {
            min_value = node_min;
        }
    }
    any.then_some(min_value)
}

impl<'a> Report<'a> {
    /// Sets up a report of `measure` on `profile`.
    pub fn new(profile: &'a Profile, measure: Measure) -> Report<'a> {
        let name = profile.sample_type_name(measure.index);
        Report {
            profile,
            measure,
            sample_type: if measure.mean {
                format!("mean_{name}")
            } else {
                name.into_owned()
            },
            sample_unit: profile.sample_type_unit(measure.index).into_owned(),
            total: total(profile, measure),
            output_unit: OutputUnit::Auto,
        }
    }

    /// A value as pprof prints it in this report.
    pub fn format_value(&self, value: i64) -> String {
        scaled_label(value, &self.sample_unit, &self.output_unit)
    }

    /// Applies a `--unit` choice: `minimum` (or none) lets
    /// [`Report::select_unit`] choose, anything else is used as it is.
    /// Returns whether the unit is still to be selected.
    pub fn set_unit(&mut self, unit: Option<&str>) -> bool {
        match unit {
            None | Some("minimum") => true,
            Some("auto") => {
                self.output_unit = OutputUnit::Auto;
                false
            }
            Some(u) => {
                self.output_unit = OutputUnit::Named(u.to_string());
                false
            }
        }
    }

    /// pprof's `selectOutputUnit`: one unit for the whole report, from the
    /// smallest non-zero value shown and the total. `values` yields each
    /// shown node's (flat, cum).
    pub fn select_unit(&mut self, values: impl Iterator<Item = (i64, i64)>) {
        self.select_unit_from(smallest_shown(values));
    }

    /// [`Report::select_unit`] from what [`smallest_shown`] found.
    pub fn select_unit_from(&mut self, smallest: Option<i64>) {
        self.select_unit_scaled(smallest, true);
    }

    /// The unit of the smallest value shown (or of the total when all are
    /// zero), never that of 100 times it: pprof's choice for `-callgrind`,
    /// which prints whole numbers.
    pub fn select_unit_from_smallest(&mut self, smallest: Option<i64>) {
        self.select_unit_scaled(smallest, false);
    }

    fn select_unit_scaled(&mut self, smallest: Option<i64>, hundredfold: bool) {
        let Some(mut min_value) = smallest else {
            return;
        };
        let max_value = self.total;
        if min_value == 0 {
            min_value = max_value;
        }
        let (_, min_unit) = units::scale(min_value, &self.sample_unit, &OutputUnit::Auto);
        let (_, max_unit) = units::scale(max_value, &self.sample_unit, &OutputUnit::Auto);
        let mut unit = min_unit.clone();
        if hundredfold && min_unit != max_unit && min_value.wrapping_mul(100) < max_value {
            unit = units::scale(
                min_value.wrapping_mul(100),
                &self.sample_unit,
                &OutputUnit::Auto,
            )
            .1;
        }
        self.output_unit = OutputUnit::Named(if unit.is_empty() {
            self.sample_unit.clone()
        } else {
            unit
        });
    }
}
