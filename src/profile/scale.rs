//! Changing sample values as pprof does before it merges or compares
//! profiles:
//! - [`scale_profiles`] (`measurement.ScaleProfiles`): the period and sample
//!   types of several profiles checked for compatibility and brought to the
//!   finest unit (milliseconds and nanoseconds: nanoseconds);
//! - [`Profile::scale_n`] and [`Profile::scale`] (`ScaleN`, `Scale`):
//!   multiply, round, and drop the samples that become zero;
//! - [`Profile::normalize`] (`Normalize`, for `-normalize`): scale a profile
//!   so that each sample type sums to what its base sums to;
//! - [`Profile::set_label`] (`SetLabel`): the `pprof::base` mark that keeps a
//!   diff base's samples apart from the profile's own.

use super::merge::{MergeError, compatible, go_value_type};
use super::model::{Label, Profile, Samples, ValueType};
use super::strings::StrId;
use crate::measurement::{OutputUnit, same_unit_family, scale};

impl Profile {
    /// pprof's `ScaleN`: sample type `i` is multiplied by `ratios[i]` and
    /// rounded (half away from zero). A sample is kept only if one of the
    /// values actually scaled (ratio other than 1) is not zero, as in pprof.
    pub fn scale_n(&mut self, ratios: &[f64]) {
        debug_assert_eq!(ratios.len(), self.sample_types.len());
        if ratios.iter().all(|&r| r == 1.0) {
            return;
        }
        let old = std::mem::replace(&mut self.samples, Samples::new(ratios.len()));
        let mut values = vec![0i64; ratios.len()];
        for i in 0..old.len() {
            let mut keep = false;
            for ((out, &v), &r) in values.iter_mut().zip(old.values(i)).zip(ratios) {
                *out = v;
                if r != 1.0 {
                    // Go's int64(float64) of an out-of-range value is
                    // unspecified; Rust saturates.
                    *out = (v as f64 * r).round() as i64;
                    keep |= *out != 0;
                }
            }
            if keep {
                self.samples
                    .push(old.stack(i), &values, old.labels(i))
                    .expect("fewer samples than before");
            }
        }
    }

    /// pprof's `Scale`: every sample type by the same ratio (`-1` turns a
    /// base into what is subtracted).
    pub fn scale(&mut self, ratio: f64) {
        if ratio != 1.0 {
            self.scale_n(&vec![ratio; self.sample_types.len()]);
        }
    }

    /// pprof's `Normalize` (`-normalize`): each sample type is scaled by
    /// sum(base) / sum(self) (0 when this profile sums to 0), so that both
    /// sum alike. The two must have the same types (pprof's `compatible`).
    pub fn normalize(&mut self, base: &Profile) -> Result<(), MergeError> {
        compatible(self, base, (0, 1))?;
        let ratios = self.normalize_ratios(base);
        self.scale_n(&ratios);
        Ok(())
    }

    /// What [`Profile::normalize`] multiplies each sample type by:
    /// sum(base) / sum(self), 0 when this profile sums to 0.
    pub fn normalize_ratios(&self, base: &Profile) -> Vec<f64> {
        let sums = |p: &Profile| {
            let mut sums = vec![0i64; p.sample_types.len()];
            for i in 0..p.samples.len() {
                for (s, &v) in sums.iter_mut().zip(p.samples.values(i)) {
                    *s = s.wrapping_add(v);
                }
            }
            sums
        };
        sums(base)
            .into_iter()
            .zip(sums(self))
            .map(|(b, s)| if s == 0 { 0.0 } else { b as f64 / s as f64 })
            .collect()
    }

    /// pprof's `SetLabel`: every sample gets the string label `key` with
    /// exactly these values (replacing the ones it had for `key`).
    pub fn set_label(&mut self, key: &str, values: &[&str]) {
        let key = self.strings.intern(key.as_bytes());
        let new: Vec<Label> = values
            .iter()
            .map(|v| Label {
                key,
                str: self.strings.intern(v.as_bytes()),
                num: 0,
                num_unit: StrId::EMPTY,
            })
            .collect();
        let old = std::mem::replace(&mut self.samples, Samples::new(self.sample_types.len()));
        let mut labels = Vec::new();
        for i in 0..old.len() {
            labels.clear();
            labels.extend(
                old.labels(i)
                    .iter()
                    .filter(|l| l.key != key || l.str.is_empty()),
            );
            labels.extend_from_slice(&new);
            self.samples
                .push(old.stack(i), old.values(i), &labels)
                .expect("labels of a profile that was decoded");
        }
    }
}

/// A value type as text, with the index of the profile it came from.
#[derive(Clone)]
struct Typed {
    profile: usize,
    kind: String,
    unit: String,
    shown: String,
}

fn typed(profiles: &[Profile], i: usize, t: Option<ValueType>) -> Typed {
    let p = &profiles[i];
    let (kind, unit) = t.map_or((String::new(), String::new()), |t| {
        (p.strings.text(t.kind).into(), p.strings.text(t.unit).into())
    });
    Typed {
        profile: i,
        kind,
        unit,
        shown: go_value_type(p, t),
    }
}

/// pprof's `compatibleValueTypes`: the names equal once one trailing `s` is
/// dropped, and the units equal or of one family.
fn compatible_types(a: &Typed, b: &Typed) -> bool {
    a.kind.strip_suffix('s').unwrap_or(&a.kind) == b.kind.strip_suffix('s').unwrap_or(&b.kind)
        && (a.unit == b.unit || same_unit_family(&a.unit, &b.unit))
}

/// How many `to` one `from` is (pprof's `Scale(1, from, to)`).
fn unit_ratio(from: &str, to: &str) -> f64 {
    scale(1, from, &OutputUnit::Named(to.to_string())).0
}

/// pprof's `CommonValueType`: the finest of compatible types, or none for a
/// single profile.
fn common_type(types: &[Typed]) -> Result<Option<Typed>, (String, usize, usize)> {
    let Some(mut finest) = types.first().cloned() else {
        return Ok(None);
    };
    if types.len() == 1 {
        return Ok(None);
    }
    for t in &types[1..] {
        if !compatible_types(&finest, t) {
            return Err((
                format!("incompatible types: {} {}", finest.shown, t.shown),
                finest.profile,
                t.profile,
            ));
        }
        if unit_ratio(&t.unit, &finest.unit) < 1.0 {
            finest = t.clone();
        }
    }
    Ok(Some(finest))
}

/// pprof's `measurement.ScaleProfiles`: checks that the profiles can be
/// merged (compatible period types, as many sample types, each compatible)
/// and scales every value to the finest unit among them. The error is
/// pprof's, with the two profiles that disagree.
pub fn scale_profiles(profiles: &mut [Profile]) -> Result<(), MergeError> {
    if profiles.is_empty() {
        return Ok(());
    }
    let error = |(message, a, b): (String, usize, usize), what: &str| {
        MergeError::new(format!("{what}: {message}"), a, b)
    };
    // A profile without a period type has an empty one to pprof.
    let periods: Vec<Typed> = (0..profiles.len())
        .map(|i| typed(profiles, i, profiles[i].period_type))
        .collect();
    let period = common_type(&periods).map_err(|e| error(e, "period type"))?;
    let count = profiles[0].sample_types.len();
    for (j, p) in profiles.iter().enumerate().skip(1) {
        if p.sample_types.len() != count {
            return Err(MergeError::new(
                format!(
                    "inconsistent samples type count: {count} != {}",
                    p.sample_types.len()
                ),
                0,
                j,
            ));
        }
    }
    let mut common = Vec::with_capacity(count);
    for i in 0..count {
        let types: Vec<Typed> = (0..profiles.len())
            .map(|j| typed(profiles, j, Some(profiles[j].sample_types[i])))
            .collect();
        common.push(common_type(&types).map_err(|e| error(e, "sample types"))?);
    }
    for p in profiles.iter_mut() {
        if let Some(period) = &period {
            let from = p
                .period_type
                .map(|t| p.strings.text(t.unit).into_owned())
                .unwrap_or_default();
            p.period = scale(p.period, &from, &OutputUnit::Named(period.unit.clone())).0 as i64;
            let unit = p.strings.intern(period.unit.as_bytes());
            match &mut p.period_type {
                Some(t) => t.unit = unit,
                None if !unit.is_empty() => {
                    p.period_type = Some(ValueType {
                        kind: StrId::EMPTY,
                        unit,
                    })
                }
                None => {}
            }
        }
        let mut ratios = vec![1.0; count];
        for (i, target) in common.iter().enumerate() {
            let Some(target) = target else { continue };
            let from = p.strings.text(p.sample_types[i].unit).into_owned();
            ratios[i] = unit_ratio(&from, &target.unit);
            p.sample_types[i].unit = p.strings.intern(target.unit.as_bytes());
        }
        p.scale_n(&ratios);
    }
    Ok(())
}
