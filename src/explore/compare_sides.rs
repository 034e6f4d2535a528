//! The two profiles of a comparison kept apart, and what is computed from
//! each: the base's and the new profile's own numbers for the table
//! ([`SideNumbers`]), and the profile the comparison's trees are built
//! from, where every sample says which side it is of ([`Sides::both`]).
//!
//! What each column of a comparison means, so that each agrees with
//! `go tool pprof -top` of one side:
//! - Δ is the comparison's own number, pprof's `-top -diff_base` (or
//!   `-base`), `-normalize` and `-mean` included;
//! - base is `-top` of the base alone, in the comparison's unit (a base in
//!   milliseconds beside a profile in nanoseconds is converted, as pprof
//!   converts it before combining them);
//! - new is `-top` of the new profile alone, as it was taken: never scaled
//!   by `-normalize`, divided by its own counts with `-mean`.
//!
//! So new − base is Δ, except where pprof's Δ is not a difference of the
//! two: with `--normalize` (the new profile is scaled first) and `--mean`
//! (a mean of the difference is not the difference of the means).
//!
//! Everything here is slow on big profiles (a clone, a merge, a pass over
//! every sample) and made by the worker, once: [`Sides`] is shared by the
//! session and the worker, and keeps what it made.

use super::aggregate::Aggregate;
use crate::analysis::{Filters, Granularity, Measure};
use crate::profile::{BaseKind, Profile, scale_profiles, subtract_base};
use std::sync::{Arc, OnceLock};

/// The profiles of a comparison apart, and what is made of them.
pub(super) struct Sides {
    /// The base alone, as loaded.
    base: Arc<Profile>,
    /// The new profile alone, as loaded (`None`: not kept; the profile
    /// shown is then taken to be `-diff_base`'s combination).
    new: Option<Arc<Profile>>,
    /// How the profile shown was combined.
    kind: BaseKind,
    normalize: bool,
    /// Made on first use (by the worker).
    base_in_units: OnceLock<Arc<Profile>>,
    new_in_units: OnceLock<Option<Arc<Profile>>>,
    both: OnceLock<Option<Arc<Profile>>>,
    ratios: OnceLock<Vec<f64>>,
}

/// The base's and the new profile's numbers for the table: aggregates of
/// each alone, with the session's granularity, filters and mean.
pub(super) struct SideNumbers {
    pub base: Aggregate,
    /// `None` where new = Δ + base holds (no `-normalize`, no `-mean`):
    /// one pass over the samples less.
    pub new: Option<Aggregate>,
}

impl Sides {
    /// Whether the base is scaled to the new profile's totals first
    /// (`--normalize`).
    pub(super) fn normalized(&self) -> bool {
        self.normalize
    }

    pub(super) fn new(
        base: Arc<Profile>,
        new: Option<Arc<Profile>>,
        kind: BaseKind,
        normalize: bool,
    ) -> Sides {
        Sides {
            base,
            new,
            kind,
            normalize,
            base_in_units: OnceLock::new(),
            new_in_units: OnceLock::new(),
            both: OnceLock::new(),
            ratios: OnceLock::new(),
        }
    }

    /// The base alone, as loaded.
    pub(super) fn base(&self) -> &Arc<Profile> {
        &self.base
    }

    /// Whether the new column needs the new profile's own numbers (see the
    /// module docs): with `mean`, or `-normalize`.
    fn new_apart(&self, mean: bool) -> bool {
        self.new.is_some() && (mean || self.normalize)
    }

    /// The base in the units of `shown` (the comparison).
    fn base_in_units(&self, shown: &Profile) -> &Arc<Profile> {
        self.base_in_units
            .get_or_init(|| in_units_of(&self.base, shown))
    }

    /// The new profile in the units of `shown`.
    fn new_in_units(&self, shown: &Profile) -> Option<&Arc<Profile>> {
        self.new_in_units
            .get_or_init(|| self.new.as_ref().map(|new| in_units_of(new, shown)))
            .as_ref()
    }

    /// The profile a comparison's trees are built from: the new profile's
    /// samples and the base's, negated and marked (`-diff_base`'s
    /// combination, not normalized). `None` when that is the profile
    /// shown itself (a `-diff_base` without `-normalize`, or a base taken
    /// in the explorer); else made once, from the two apart.
    pub(super) fn both(&self) -> Option<&Arc<Profile>> {
        if self.shown_is_both() {
            return None;
        }
        self.both
            .get_or_init(|| {
                let new = self.new.as_ref()?;
                let both =
                    subtract_base((**new).clone(), (*self.base).clone(), BaseKind::Diff, false);
                both.ok().map(Arc::new)
            })
            .as_ref()
    }

    /// Whether the profile shown holds both sides as the trees need them
    /// (see [`Sides::both`]).
    pub(super) fn shown_is_both(&self) -> bool {
        self.kind == BaseKind::Diff && !self.normalize
    }

    /// What the new profile's values at sample index `k` are multiplied
    /// by in the comparison: `-normalize`'s ratio, else 1.
    pub(super) fn new_scale(&self, k: usize) -> f64 {
        if !self.normalize {
            return 1.0;
        }
        let Some(new) = &self.new else {
            return 1.0;
        };
        let ratios = self.ratios.get_or_init(|| new.normalize_ratios(&self.base));
        ratios.get(k).copied().unwrap_or(1.0)
    }

    /// The table's numbers of each side for these settings, `shown` being
    /// the comparison; `before`: the numbers of other settings, whose
    /// resolved stacks are used again (a filter is then one pass).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn numbers(
        &self,
        shown: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
        before: Option<&SideNumbers>,
    ) -> SideNumbers {
        let aggregate = |profile: &Profile, stacks| {
            Aggregate::from_base(
                profile,
                measures,
                granularity,
                filters,
                inline_frames,
                stacks,
                None,
            )
        };
        let mean = measures.first().is_some_and(|m| m.mean);
        let new = self
            .new_apart(mean)
            .then(|| self.new_in_units(shown))
            .flatten()
            .map(|new| {
                let stacks = before.and_then(|b| b.new.as_ref()?.base.clone());
                aggregate(new, stacks)
            });
        let stacks = before.and_then(|b| b.base.base.clone());
        SideNumbers {
            base: aggregate(self.base_in_units(shown), stacks),
            new,
        }
    }
}

/// `profile` with its values in the units of `reference` (pprof's
/// `ScaleProfiles` of the two: both to the finer unit of each sample
/// type, which is the comparison's); itself when the units are the same.
fn in_units_of(profile: &Arc<Profile>, reference: &Profile) -> Arc<Profile> {
    let units = |p: &Profile| -> Vec<Vec<u8>> {
        p.sample_types
            .iter()
            .chain(&p.period_type)
            .map(|t| p.strings.get(t.unit).to_vec())
            .collect()
    };
    if units(profile) == units(reference) {
        return Arc::clone(profile);
    }
    // The reference's types and units are all that is read of it.
    let header = Profile {
        strings: reference.strings.clone(),
        sample_types: reference.sample_types.clone(),
        period_type: reference.period_type,
        period: reference.period,
        ..Profile::default()
    };
    let mut pair = [(**profile).clone(), header];
    match scale_profiles(&mut pair) {
        Ok(()) => {
            let [converted, _] = pair;
            Arc::new(converted)
        }
        // Loaded together, they were compatible: not reached.
        Err(_) => Arc::clone(profile),
    }
}
