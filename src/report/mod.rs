//! Text reports identical to `go tool pprof -top` and `-peek`.
//!
//! [`Report`] resolves what to measure (sample index, mean) and holds the
//! total and unit choice; [`trim`] reproduces pprof's node trimming; [`top()`]
//! and [`peek()`] print. Output is bytes: names come from the profile as they
//! are; making them safe for a terminal is the caller's job.

mod header;
mod peek;
mod prepare;
mod top;
pub mod trim;

use crate::measurement as units;
pub use crate::measurement::{OutputUnit, percentage, scaled_label};
pub use peek::peek;
pub use top::top;

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
    /// Show at most this many nodes; 0 for all.
    pub node_count: usize,
    /// Sort by cum instead of flat.
    pub cum: bool,
    /// Keep inlined frames as nodes of their own (pprof's default).
    pub inline_frames: bool,
    /// Print values in this unit (`minimum`: pprof's choice per report,
    /// `auto`: per value).
    pub unit: Option<String>,
    /// Leave out nodes with negative values (diff profiles).
    pub drop_negative: bool,
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
            node_count: 0,
            cum: false,
            inline_frames: true,
            unit: None,
            drop_negative: false,
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
        if min_unit != max_unit && min_value.wrapping_mul(100) < max_value {
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
