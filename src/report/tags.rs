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
    // Identical samples of opposite values cancel out in pprof's merge on
    // load, taking their label values with them; only negative values can
    // do that, and only then is the merge worth its time here.
    let merged;
    let profile = if has_negative_values(profile) {
        merged = profile.merged();
        &*merged
    } else {
        profile
    };
    let measure = resolve_measure(profile, options.sample_index.as_deref(), false)?;
    let unit = output_unit(options.unit.as_deref());
    let sample_unit = profile.sample_type_unit(measure.index);
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
        *bucket = bucket.wrapping_add(sum);
    }
    for ((key, number), sum) in by_number {
        let key_unit = label_units.get(&key).map_or("", String::as_str);
        let text = scaled_label(number, key_unit, &unit).into_bytes();
        let bucket = keys.entry(key).or_default().entry(text).or_default();
        *bucket = bucket.wrapping_add(sum);
    }

    let mut keys: Vec<(&[u8], Buckets)> = keys
        .into_iter()
        .map(|(key, values)| (profile.strings.get(key), values))
        .collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let format = |v: i64| {
        let (f, u) = scale(v, &sample_unit, &unit);
        format!("{f:.1}{u}")
    };
    let mut tab = TabWriter::new(1);
    for (key, values) in keys {
        let total = values.values().fold(0i64, |t, &v| t.wrapping_add(v));
        tab.write(key);
        tab.write(format!(":\t Total {}\n", format(total)).as_bytes());
        let mut rows: Vec<(Vec<u8>, i64)> = values.into_iter().collect();
        // pprof's SortTags: larger |value| first, then by text.
        rows.sort_by(|a, b| {
            b.1.wrapping_abs()
                .cmp(&a.1.wrapping_abs())
                .then_with(|| a.0.cmp(&b.0))
        });
        for (text, value) in rows {
            let share = match total > 0 {
                true => format!(" ({})", percentage(value, total)),
                false => String::new(),
            };
            tab.write(format!(" \t{}{share}:\t ", format(value)).as_bytes());
            tab.write(&text);
            tab.write(b"\n");
        }
        tab.write(b"\n");
    }
    out.write_all(&tab.finish())?;
    Ok(())
}

/// A label key's values as printed, with the sum of their samples' values.
type Buckets = FxHashMap<Vec<u8>, i64>;

/// pprof's `-unit`: `minimum` (the default) and `auto` scale each value on
/// its own; anything else is the unit to print in.
pub(super) fn output_unit(unit: Option<&str>) -> OutputUnit {
    match unit {
        None | Some("minimum") | Some("auto") => OutputUnit::Auto,
        Some(u) => OutputUnit::Named(u.to_string()),
    }
}
