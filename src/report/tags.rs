//! `-tags`: the label breakdown of the samples the filters leave, as
//! pprof's `printTags` prints it. For every label key, the sum of the
//! sample values per label value (numeric values grouped by how they print,
//! e.g. `1.50kB`), largest first, with each one's share of the key's total.
//!
//! No graph, no trimming, no header. Values are the selected sample value
//! without `-mean`'s divisor, in `-unit` (each scaled on its own by
//! default).

use super::kind::has_negative_values;
use super::tabwriter::TabWriter;
use super::{ReportError, ReportOptions, resolve_measure};
use crate::analysis::Filtered;
use crate::analysis::tags::{is_numeric_label, is_string_label, num_label_units};
use crate::measurement::{OutputUnit, percentage, scale, scaled_label};
use crate::profile::{Profile, StrId};
use rustc_hash::FxHashMap;
use std::io::Write;

/// The label breakdown, in bytes (key names and values are the profile's).
pub fn tags(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let breakdown = tag_breakdown(profile, options)?;
    out.write_all(&write_tags(&breakdown))?;
    Ok(())
}

/// The label breakdown of the samples the filters leave: what `-tags`
/// prints, as data (what the explorer's tags view shows).
#[derive(Debug, Clone)]
pub struct TagBreakdown {
    /// Label keys by name.
    pub keys: Vec<TagKey>,
    /// The unit of sample values.
    sample_unit: String,
    /// The unit values are printed in.
    unit: OutputUnit,
}

/// One label key's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagKey {
    /// The key, as in the profile.
    pub key: Vec<u8>,
    /// Sum of the values of its labels' samples.
    pub total: i64,
    /// Its values, largest first (pprof's order).
    pub values: Vec<TagValue>,
    /// The unit of its numeric values, as pprof infers it for the whole
    /// profile; `None` for a key with string values only.
    pub unit: Option<String>,
}

/// One value of a label key, as printed, with the sum of its samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagValue {
    /// The value: a string label's text, or a number as pprof prints it
    /// (`1.50kB`).
    pub text: Vec<u8>,
    /// Sum of the sample values of the labels with it.
    pub value: i64,
    /// For numbers, the smallest and largest raw label values printed as
    /// `text`, in the key's unit ([`TagKey::unit`]); `None` for strings.
    pub numbers: Option<(i64, i64)>,
}

impl TagBreakdown {
    /// A sum as `-tags` prints it (`1.5MB`).
    pub fn format_value(&self, value: i64) -> String {
        let (f, u) = scale(value, &self.sample_unit, &self.unit);
        format!("{f:.1}{u}")
    }

    /// The share `-tags` prints after a sum (`36.80%`), `None` when the
    /// key's total is not positive (pprof prints none).
    pub fn share(value: i64, total: i64) -> Option<String> {
        (total > 0).then(|| percentage(value, total))
    }
}

/// [`TagBreakdown`] of `profile` with `options`' filters and sample index.
pub fn tag_breakdown(
    profile: &Profile,
    options: &ReportOptions,
) -> Result<TagBreakdown, ReportError> {
    // Identical samples of opposite values cancel out in pprof's merge on
    // load, taking their label values with them; only negative values can
    // do that, and only then is the merge worth its time here.
    let merged;
    let profile = if !profile.signs_apart && has_negative_values(profile) {
        merged = profile.merged();
        &*merged
    } else {
        profile
    };
    let measure = resolve_measure(profile, options.sample_index.as_deref(), false)?;
    let unit = output_unit(options.unit.as_deref());
    let sample_unit = profile.sample_type_unit(measure.index).to_string();
    let filtered = Filtered::new(profile, &options.filters, options.inline_frames);
    let label_units = num_label_units(profile);

    // Sums per (key, string value) and (key, number); a number becomes its
    // printed text only once, and texts that print the same add up.
    let mut by_string: FxHashMap<(StrId, StrId), i64> = FxHashMap::default();
    let mut by_number: FxHashMap<(StrId, i64), i64> = FxHashMap::default();
    for s in filtered.samples() {
        let value = profile.samples.values(s)[measure.index];
        for label in filtered.labels(s) {
            if is_string_label(label) {
                let sum = by_string.entry((label.key, label.str)).or_default();
                *sum = sum.wrapping_add(value);
            } else if is_numeric_label(label) {
                let sum = by_number.entry((label.key, label.num)).or_default();
                *sum = sum.wrapping_add(value);
            }
        }
    }
    let mut keys: FxHashMap<StrId, Buckets> = FxHashMap::default();
    for ((key, text), sum) in by_string {
        let bucket = keys
            .entry(key)
            .or_default()
            .entry(profile.strings.get(text).to_vec())
            .or_default();
        bucket.0 = bucket.0.wrapping_add(sum);
    }
    for ((key, number), sum) in by_number {
        let key_unit = label_units.get(&key).map_or("", String::as_str);
        let text = scaled_label(number, key_unit, &unit).into_bytes();
        let bucket = keys.entry(key).or_default().entry(text).or_default();
        bucket.0 = bucket.0.wrapping_add(sum);
        bucket.1 = Some(match bucket.1 {
            None => (number, number),
            Some((lo, hi)) => (lo.min(number), hi.max(number)),
        });
    }

    let mut keys: Vec<TagKey> = keys
        .into_iter()
        .map(|(key, values)| {
            let total = values.values().fold(0i64, |t, v| t.wrapping_add(v.0));
            let mut values: Vec<TagValue> = values
                .into_iter()
                .map(|(text, (value, numbers))| TagValue {
                    text,
                    value,
                    numbers,
                })
                .collect();
            // pprof's SortTags: larger |value| first, then by text.
            values.sort_by(|a, b| {
                b.value
                    .wrapping_abs()
                    .cmp(&a.value.wrapping_abs())
                    .then_with(|| a.text.cmp(&b.text))
            });
            TagKey {
                unit: label_units.get(&key).cloned(),
                key: profile.strings.get(key).to_vec(),
                total,
                values,
            }
        })
        .collect();
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(TagBreakdown {
        keys,
        sample_unit,
        unit,
    })
}

/// Prints `breakdown` as `-tags` does.
pub fn write_tags(breakdown: &TagBreakdown) -> Vec<u8> {
    let mut tab = TabWriter::new(1);
    for key in &breakdown.keys {
        tab.write(&key.key);
        tab.write(format!(":\t Total {}\n", breakdown.format_value(key.total)).as_bytes());
        for value in &key.values {
            let share = TagBreakdown::share(value.value, key.total)
                .map_or(String::new(), |s| format!(" ({s})"));
            tab.write(format!(" \t{}{share}:\t ", breakdown.format_value(value.value)).as_bytes());
            tab.write(&value.text);
            tab.write(b"\n");
        }
        tab.write(b"\n");
    }
    tab.finish()
}

/// A label key's values as printed, with the sum of their samples' values
/// and, for numbers, the range of raw values printed so.
type Buckets = FxHashMap<Vec<u8>, (i64, Option<(i64, i64)>)>;

/// pprof's `-unit`: `minimum` (the default) and `auto` scale each value on
/// its own; anything else is the unit to print in.
pub(super) fn output_unit(unit: Option<&str>) -> OutputUnit {
    match unit {
        None | Some("minimum") | Some("auto") => OutputUnit::Auto,
        Some(u) => OutputUnit::Named(u.to_string()),
    }
}
