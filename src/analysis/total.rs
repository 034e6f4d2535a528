//! The denominator of every percentage.

use super::graph::Measure;
use crate::profile::Profile;

/// pprof's `computeTotal`: the sum of |value| over all samples, before any
/// filter. When some samples are labelled `pprof::base=true` (the base of a
/// diff), only those count. For a mean measure, the sum of |values| divided
/// by the sum of divisors (signed).
pub fn total(profile: &Profile, measure: Measure) -> i64 {
    let base_key = profile.strings.find(b"pprof::base");
    let base_true = profile.strings.find(b"true");
    let (mut total, mut div, mut diff_total, mut diff_div) = (0i64, 0i64, 0i64, 0i64);
    for s in 0..profile.samples.len() {
        let values = profile.samples.values(s);
        let v = values[measure.index].wrapping_abs();
        // The divisor keeps its sign (only the value is made absolute), so
        // the mean total of a diff against a base is negative, as pprof's.
        let d = if measure.mean { values[0] } else { 0 };
        total = total.wrapping_add(v);
        div = div.wrapping_add(d);
        let is_base = base_key.is_some_and(|key| {
            profile
                .samples
                .labels(s)
                .iter()
                .any(|l| l.key == key && Some(l.str) == base_true)
        });
        if is_base {
            diff_total = diff_total.wrapping_add(v);
            diff_div = diff_div.wrapping_add(d);
        }
    }
    if diff_total > 0 {
        (total, div) = (diff_total, diff_div);
    }
    if div != 0 {
        total.wrapping_div(div)
    } else {
        total
    }
}
