//! A comparison explored: the profile shown is pprof's combination of a
//! new profile less a base (`--diff-base`, `--base`, or the base taken with
//! [`Command::ToggleBase`](super::Command::ToggleBase)), so its flat and cum
//! are the deltas `--top --diff-base` prints; the two profiles are kept
//! apart too (`compare_sides.rs`) for the base and new
//! columns and the comparison's trees.
//!
//! The base's and the new profile's numbers come from aggregates of each
//! alone with the session's granularity, filters and mean (made by the
//! worker when those change, see [`Session::prepare_comparison`]), matched
//! to the rows by printed name. What each column means is said in
//! `compare_sides.rs`: each is `go tool pprof -top`
//! of one side, or of the comparison.

use super::aggregate::Aggregate;
use super::compare_sides::{SideNumbers, Sides};
use super::refresh::{Carry, Plan};
use super::session::Session;
use super::worker::Job;
use crate::analysis::NodeId;
use crate::analysis::order::SortKey;
use crate::profile::{BaseKind, MergeError, Profile, subtract_base};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// What the explored profile is compared with.
#[derive(Clone)]
pub struct Comparison {
    /// The base and the new profile apart, and what is made of them.
    sides: Arc<Sides>,
    /// The base's name, escaped, for the header.
    pub base_name: String,
    /// When the base was taken in the explorer (`None`: from the command
    /// line).
    pub base_at: Option<SystemTime>,
    /// When the new profile and the base were taken, as they say
    /// (`time_nanos`; `None`: not said).
    pub taken: (Option<SystemTime>, Option<SystemTime>),
    /// With a base taken in the explorer: the new profile alone, shown
    /// again when the base is dropped. `None` for a base from the command
    /// line, which stays.
    plain: Option<Arc<Profile>>,
    /// The base's and new profile's numbers, and what they were computed
    /// for.
    numbers: Option<(Plan, Arc<SideNumbers>)>,
    /// Whether the numbers are of the settings shown (as of the last
    /// [`Session::prepare_comparison`]).
    fresh: bool,
    /// The settings whose numbers the worker is computing.
    asked: Option<Plan>,
}

impl std::fmt::Debug for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Comparison")
            .field("base_name", &self.base_name)
            .field("base_at", &self.base_at)
            .field("taken", &self.taken)
            .field("live", &self.live())
            .finish_non_exhaustive()
    }
}

/// The numbers of one row of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// Flat and cum in the combined profile: pprof's numbers of the
    /// comparison.
    pub delta: (i64, i64),
    /// Flat and cum in the base alone.
    pub base: (i64, i64),
    /// Flat and cum in the new profile alone.
    pub new: (i64, i64),
    /// The base's and new profile's numbers are being computed (for other
    /// filters or another granularity): `base` and `new` are not known.
    pub pending: bool,
}

/// When a profile says it was taken.
fn taken(p: &Profile) -> Option<SystemTime> {
    let nanos = u64::try_from(p.time_nanos).ok().filter(|&n| n > 0)?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(nanos))
}

impl Comparison {
    /// A comparison with `base`, named `base_name`, of a profile shown as
    /// `-diff_base` combines them, the new profile alone not at hand
    /// (see [`Comparison::of`]).
    pub fn new(base: Profile, base_name: String, base_at: Option<SystemTime>) -> Comparison {
        let taken = (None, taken(&base));
        Comparison::with_sides(
            Sides::new(Arc::new(base), None, BaseKind::Diff, false),
            base_name,
        )
        .at(base_at, taken)
    }

    /// The same comparison, knowing the new profile alone and how the
    /// two were combined (`kind`, `normalize`: `--base` or `--diff-base`,
    /// `--normalize`): what the new column and the trees need to be
    /// exact.
    pub fn of(self, new: Profile, kind: BaseKind, normalize: bool) -> Comparison {
        let taken = (taken(&new), self.taken.1);
        let sides = Sides::new(
            Arc::clone(self.sides.base()),
            Some(Arc::new(new)),
            kind,
            normalize,
        );
        Comparison::with_sides(sides, self.base_name).at(self.base_at, taken)
    }

    /// Whether the change is taken against the base scaled to the new
    /// profile's totals (`--normalize`): the change is then not new − base
    /// as each was taken, and the screens say so.
    pub fn normalized(&self) -> bool {
        self.sides.normalized()
    }

    fn with_sides(sides: Sides, base_name: String) -> Comparison {
        Comparison {
            sides: Arc::new(sides),
            base_name,
            base_at: None,
            taken: (None, None),
            plain: None,
            numbers: None,
            fresh: false,
            asked: None,
        }
    }

    fn at(
        mut self,
        base_at: Option<SystemTime>,
        taken: (Option<SystemTime>, Option<SystemTime>),
    ) -> Comparison {
        self.base_at = base_at;
        self.taken = taken;
        self
    }

    /// The base profile alone.
    pub fn base(&self) -> &Arc<Profile> {
        self.sides.base()
    }

    /// Whether the base was taken in the explorer: a refresh is compared
    /// with it, and it can be dropped.
    pub fn live(&self) -> bool {
        self.plain.is_some()
    }

    /// `profile` (newly loaded) less this base, as `-diff_base` combines
    /// them: what a refresh shows while a base is taken.
    pub fn compare(&self, profile: Profile) -> Result<Profile, CompareError> {
        compare(self.sides.base(), profile)
    }

    /// The same base over `plain`, the new profile alone (after a refresh).
    pub fn with_plain(self, plain: Arc<Profile>) -> Comparison {
        let taken = (taken(&plain), self.taken.1);
        let sides = Sides::new(
            Arc::clone(self.sides.base()),
            Some(Arc::clone(&plain)),
            BaseKind::Diff,
            false,
        );
        // The base's numbers stay the base's (the new profile's own, with
        // `--mean`, are of the profile replaced).
        let numbers = self.numbers.filter(|(_, n)| n.new.is_none());
        let mut comparison = Comparison::with_sides(sides, self.base_name).at(self.base_at, taken);
        comparison.plain = Some(plain);
        comparison.numbers = numbers;
        comparison
    }

    /// The profiles apart, for the worker.
    pub(super) fn sides(&self) -> &Arc<Sides> {
        &self.sides
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

    /// Makes the base's and new profile's numbers those of the settings
    /// shown: asks the worker for them when they are not (computes them
    /// now without one). Called before each frame, and before
    /// [`Session::change`] is asked; meanwhile rows say their base and new
    /// values are pending.
    pub fn prepare_comparison(&mut self) {
        if self.comparison.is_none() {
            return;
        }
        let plan = self.plan();
        let Some(comparison) = &mut self.comparison else {
            return;
        };
        comparison.fresh = comparison
            .numbers
            .as_ref()
            .is_some_and(|(known, _)| *known == plan);
        let asked = comparison.asked.as_ref().is_some_and(|a| *a == plan);
        if comparison.fresh || asked {
            return;
        }
        let sides = Arc::clone(comparison.sides());
        let before = comparison.numbers.as_ref().map(|(_, n)| Arc::clone(n));
        match &self.jobs.worker {
            Some(worker) => {
                worker.send(Job::Compared {
                    generation: self.jobs.generation,
                    sides,
                    measures: self.measures.clone(),
                    granularity: self.granularity,
                    filters: Box::new(self.filters.clone()),
                    inline_frames: self.inline_frames,
                    before,
                    plan: Box::new(plan.clone()),
                });
                if let Some(c) = &mut self.comparison {
                    c.asked = Some(plan);
                }
            }
            None => {
                let numbers = sides.numbers(
                    &self.profile,
                    &self.measures,
                    self.granularity,
                    &self.filters,
                    self.inline_frames,
                    before.as_deref(),
                );
                self.compared_arrived(plan, Some(numbers));
            }
        }
    }

    /// The numbers asked by [`Session::prepare_comparison`] (`None`: the
    /// worker dropped the request, made obsolete).
    pub(super) fn compared_arrived(&mut self, plan: Plan, numbers: Option<SideNumbers>) {
        let current = self.plan();
        let Some(c) = &mut self.comparison else {
            return;
        };
        if c.asked.as_ref().is_some_and(|a| *a == plan) {
            c.asked = None;
        }
        if let Some(numbers) = numbers {
            c.fresh = plan == current;
            c.numbers = Some((plan, Arc::new(numbers)));
        }
    }

    /// Whether the worker is computing the base's and new profile's
    /// numbers.
    pub(super) fn comparing(&self) -> bool {
        self.comparison.as_ref().is_some_and(|c| c.asked.is_some())
    }

    /// Delta, base and new values of `node` for the table shown (`None`
    /// when not comparing). The base's and new numbers are those of the
    /// last [`Session::prepare_comparison`].
    pub fn change(&self, node: NodeId) -> Option<Change> {
        let comparison = self.comparison.as_ref()?;
        let delta = self.values(node);
        let k = self.view.table.sample;
        let numbers = comparison
            .numbers
            .as_ref()
            .filter(|_| comparison.fresh)
            .map(|(_, n)| n);
        let Some(numbers) = numbers else {
            return Some(Change {
                delta,
                base: (0, 0),
                new: (0, 0),
                pending: true,
            });
        };
        let name = self.agg.frames.nodes.name(node);
        let of = |agg: &Aggregate| {
            agg.find(name).map_or((0, 0), |n| {
                (agg.graph.flat_value(n, k), agg.graph.cum_value(n, k))
            })
        };
        let base = of(&numbers.base);
        let new = match &numbers.new {
            Some(agg) => of(agg),
            None => (delta.0.wrapping_add(base.0), delta.1.wrapping_add(base.1)),
        };
        Some(Change {
            delta,
            base,
            new,
            pending: false,
        })
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
                let comparison = Comparison::with_sides(
                    Sides::new(Arc::clone(&base), None, BaseKind::Diff, false),
                    self.file_name.clone(),
                )
                .at(self.fetch.fetched_at, (None, taken(&base)))
                .with_plain(Arc::clone(&base));
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
