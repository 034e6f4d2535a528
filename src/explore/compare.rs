//! A comparison explored: the profile shown is pprof's combination of a
//! new profile less a base (`--diff-base`, `--base`, or the base taken with
//! [`Command::ToggleBase`](super::Command::ToggleBase)), so its flat and cum
//! are the deltas `--top --diff-base` prints; the base is kept apart here
//! for the base and new columns.
//!
//! The base's own numbers come from an aggregate of the base profile alone
//! with the session's granularity and filters (rebuilt when those change,
//! see [`Session::prepare_comparison`]), matched to the rows by printed
//! name. The new value of a row is its delta plus its base value: flat and
//! cum are sums over samples, and the combination holds the new profile's
//! samples and the base's negated, so that is what `go tool pprof -top` of
//! the new profile alone prints.

use super::aggregate::Aggregate;
use super::refresh::{Carry, Plan};
use super::session::Session;
use crate::analysis::order::SortKey;
use crate::analysis::{Measure, NodeId};
use crate::profile::{BaseKind, MergeError, Profile, subtract_base};
use std::sync::Arc;
use std::time::SystemTime;

/// What the explored profile is compared with.
#[derive(Clone)]
pub struct Comparison {
    /// The base profile alone (the bases merged, when several).
    base: Arc<Profile>,
    /// The base's name, escaped, for the header.
    pub base_name: String,
    /// When the base was read or fetched (`None`: not said).
    pub base_at: Option<SystemTime>,
    /// With a base taken in the explorer: the new profile alone, shown
    /// again when the base is dropped. `None` for a base from the command
    /// line, which stays.
    plain: Option<Arc<Profile>>,
    /// The base's numbers, and what they were computed for.
    numbers: Option<(Plan, Arc<Aggregate>)>,
}

impl std::fmt::Debug for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Comparison")
            .field("base_name", &self.base_name)
            .field("base_at", &self.base_at)
            .field("live", &self.live())
            .finish_non_exhaustive()
    }
}

/// The numbers of one row of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// Flat and cum in the combined profile: new less base.
    pub delta: (i64, i64),
    /// Flat and cum in the base alone.
    pub base: (i64, i64),
    /// Flat and cum in the new profile alone.
    pub new: (i64, i64),
}

impl Comparison {
    /// A comparison with `base` from the command line, named `base_name`.
    pub fn new(base: Profile, base_name: String, base_at: Option<SystemTime>) -> Comparison {
        Comparison {
            base: Arc::new(base),
            base_name,
            base_at,
            plain: None,
            numbers: None,
        }
    }

    /// The base profile alone.
    pub fn base(&self) -> &Arc<Profile> {
        &self.base
    }

    /// Whether the base was taken in the explorer: a refresh is compared
    /// with it, and it can be dropped.
    pub fn live(&self) -> bool {
        self.plain.is_some()
    }

    /// `profile` (newly loaded) less this base, as `-diff_base` combines
    /// them: what a refresh shows while a base is taken.
    pub fn compare(&self, profile: Profile) -> Result<Profile, CompareError> {
        compare(&self.base, profile)
    }

    /// The same base over `plain`, the new profile alone (after a refresh).
    pub fn with_plain(mut self, plain: Arc<Profile>) -> Comparison {
        self.plain = Some(plain);
        self
    }
}

/// Why a base cannot be taken, dropped or compared with.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The new profile and the base cannot be compared (pprof's message:
    /// other sample types, another kind of profile).
    #[error("comparing with the base: {0}")]
    Incompatible(#[from] MergeError),
    /// A base from the command line stays.
    #[error("the base comes from the command line")]
    FromCommandLine,
}

/// `profile` less `base`, as `-diff_base` combines them.
pub(super) fn compare(base: &Profile, profile: Profile) -> Result<Profile, CompareError> {
    Ok(subtract_base(profile, base.clone(), BaseKind::Diff, false)?)
}

/// The session showing a profile loaded again, with what `carry` keeps:
/// compared with the base taken in the explorer, if one is carried (in the
/// loader's thread already when `plain`, the profile alone, is given).
/// `ready`: the table's numbers computed for `profile` in advance.
pub fn resume_loaded(
    profile: Profile,
    plain: Option<Profile>,
    mut carry: Carry,
    ready: Option<(Plan, Aggregate)>,
) -> Result<Session, CompareError> {
    let live = carry.comparison.take().filter(Comparison::live);
    let (shown, ready) = match (live, plain) {
        (Some(base), Some(plain)) => {
            carry.comparison = Some(base.with_plain(Arc::new(plain)));
            (profile, ready)
        }
        (Some(base), None) => {
            // Loaded before the base was taken.
            let compared = base.compare(profile.clone())?;
            carry.comparison = Some(base.with_plain(Arc::new(profile)));
            (compared, None)
        }
        // Loaded before the base was dropped.
        (None, Some(plain)) => (plain, None),
        (None, None) => (profile, ready),
    };
    Ok(Session::resume_with(Arc::new(shown), carry, ready))
}

impl Session {
    /// What the profile is compared with, if it is a comparison.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// Makes the session a comparison with `comparison`'s base; the table
    /// is sorted by growth.
    pub fn set_comparison(&mut self, comparison: Comparison) {
        self.comparison = Some(comparison);
        self.views = self.empty_views();
        self.show_table(self.sample_index, SortKey::Growth, None);
    }

    /// Computes the base's numbers for the granularity and filters asked,
    /// unless they are known: before [`Session::change`] is asked.
    pub fn prepare_comparison(&mut self) {
        let plan = self.plan();
        let Some(comparison) = &mut self.comparison else {
            return;
        };
        if comparison
            .numbers
            .as_ref()
            .is_some_and(|(known, _)| *known == plan)
        {
            return;
        }
        let measures: Vec<Measure> = self.measures.clone();
        // The base's stacks resolved before are used again (a filter is
        // then one pass over them, as for the profile shown).
        let stacks = comparison
            .numbers
            .as_ref()
            .and_then(|(_, agg)| agg.base.clone());
        let agg = Aggregate::from_base(
            &comparison.base,
            &measures,
            self.granularity,
            &self.filters,
            self.inline_frames,
            stacks,
            None,
        );
        comparison.numbers = Some((plan, Arc::new(agg)));
    }

    /// Delta, base and new values of `node` for the table shown (`None`
    /// when not comparing). The base's numbers are those of the last
    /// [`Session::prepare_comparison`].
    pub fn change(&self, node: NodeId) -> Option<Change> {
        let comparison = self.comparison.as_ref()?;
        let delta = self.values(node);
        let k = self.view.table.sample;
        let base = comparison
            .numbers
            .as_ref()
            .and_then(|(_, agg)| {
                let name = self.agg.frames.nodes.name(node);
                let b = agg.find(name)?;
                Some((agg.graph.flat_value(b, k), agg.graph.cum_value(b, k)))
            })
            .unwrap_or((0, 0));
        let new = (delta.0.wrapping_add(base.0), delta.1.wrapping_add(base.1));
        Some(Change { delta, base, new })
    }

    /// Sorts by growth, then shrink, then pprof's order, and again.
    pub(super) fn cycle_change_order(&mut self) {
        if self.comparison.is_none() {
            self.say_error("not a comparison: take a base first".into());
            return;
        }
        let (sample_index, sort) = self.target();
        let (sort, text) = match sort {
            SortKey::Growth => (SortKey::Shrink, "sorted by change: largest shrink first"),
            SortKey::Shrink => (SortKey::Flat, "sorted by flat, as pprof"),
            _ => (SortKey::Growth, "sorted by change: largest growth first"),
        };
        self.show_table(sample_index, sort, Some(text.to_string()));
        // The point of the order is its first rows: the cursor goes there
        // (a jump, so the view follows), now or when the table arrives.
        match &mut self.jobs.pending {
            Some(pending) => pending.to_top = true,
            None => {
                self.select_row(0);
                self.jumps += 1;
            }
        }
    }

    /// Asks the driver to take the profile shown as the base, or to drop
    /// the base taken ([`Session::toggled_base`] does it).
    pub(super) fn ask_base(&mut self) {
        match &self.comparison {
            Some(c) if !c.live() => self.say_error(
                "the base comes from the command line: it stays for this exploration".into(),
            ),
            _ => self.base_asked = true,
        }
    }

    /// Takes the request made by [`Command::ToggleBase`](super::Command::ToggleBase),
    /// for the driver.
    pub fn take_base_request(&mut self) -> bool {
        std::mem::take(&mut self.base_asked)
    }

    /// The session that follows [`Command::ToggleBase`]: without a base,
    /// the profile shown becomes the base and the session shows it less
    /// itself (every delta 0, until a refresh brings a new profile); with a
    /// base taken here, the new profile alone again. The user's choices
    /// are kept.
    ///
    /// [`Command::ToggleBase`]: super::Command::ToggleBase
    pub fn toggled_base(&self) -> Result<Session, CompareError> {
        let mut carry = self.carry();
        let (profile, comparison, text) = match &self.comparison {
            Some(c) => {
                let plain = c.plain.clone().ok_or(CompareError::FromCommandLine)?;
                if carry.settings.sort.by_change() {
                    carry.settings.sort = SortKey::Flat;
                }
                (plain, None, "base dropped".to_string())
            }
            None => {
                let base = Arc::clone(&self.profile);
                let comparison = Comparison {
                    base: Arc::clone(&base),
                    base_name: self.file_name.clone(),
                    base_at: self.fetch.fetched_at,
                    plain: Some(Arc::clone(&base)),
                    numbers: None,
                };
                let combined = comparison.compare((*base).clone())?;
                carry.settings.sort = SortKey::Growth;
                let text = "base taken: the profile shown; refreshes show what changed since";
                (Arc::new(combined), Some(comparison), text.to_string())
            }
        };
        carry.comparison = comparison;
        let mut session = Session::resume(profile, carry);
        session.fetch.bytes = self.fetch.bytes.clone();
        session.fetch.fetched_at = self.fetch.fetched_at;
        session.say(text);
        Ok(session)
    }
}
