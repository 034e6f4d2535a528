//! A comparison's call-path tree: each path's value in the new profile, in
//! the base, and the change, from one profile holding both (pprof's
//! `-diff_base` combination: the base's samples negated and marked with
//! the label `pprof::base`).
//!
//! One tree carries both sides, so that a path is the same node whichever
//! side is drawn: the widths (and the order of siblings) are one side's,
//! and the paths only the other side has are there with a width of 0 (a
//! frame that vanished from the new profile is still in the tree drawn
//! by the new profile's widths, merged into the stub of its narrow
//! siblings).

use super::build::{self, Weight};
use super::paths::Paths;
use super::{CallTree, PathId, TreeKind};
use crate::analysis::frames::Frames;
use crate::profile::{BASE_LABEL, Profile};
use std::sync::Arc;

/// Which profile of a comparison a tree's widths are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Side {
    /// The new profile (the one compared with the base).
    #[default]
    New,
    /// The base.
    Base,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::New => Side::Base,
            Side::Base => Side::New,
        }
    }

    /// The side's name, for titles.
    pub fn name(self) -> &'static str {
        match self {
            Side::New => "new",
            Side::Base => "base",
        }
    }
}

/// How a comparison's tree is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeComparison {
    /// The side the widths are of.
    pub widths: Side,
    /// What the new profile's values are multiplied by (and rounded, per
    /// sample) in the change: `-normalize`'s ratio of the sample index,
    /// 1 without it. The new values themselves are never scaled.
    pub new_scale: f64,
}

/// The numbers of one call path of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathChange {
    /// The value in the new profile alone.
    pub new: i64,
    /// The value in the base alone.
    pub base: i64,
    /// The change: the value in the comparison (new less base, as pprof
    /// combines them; with `-normalize`, the new profile scaled first).
    pub delta: i64,
}

impl PathChange {
    /// The value of `side`.
    pub fn of(&self, side: Side) -> i64 {
        match side {
            Side::New => self.new,
            Side::Base => self.base,
        }
    }
}

/// What one sample adds to a comparison's path: the width side's value
/// first (what the siblings are ordered by, then the other side's), and
/// where the change is not new − base (`-normalize`), the change.
trait Sides: Weight {
    fn of(width: i64, other: i64, delta: i64) -> Self;
    fn width(&self) -> i64;
    fn other(&self) -> i64;
    /// `None`: new − base.
    fn delta(&self) -> Option<i64>;
}

/// The two sides (16 bytes a node: the tree of a comparison is built
/// from twice the samples of one profile, its size matters).
#[derive(Debug, Clone, Copy, Default)]
struct Pair {
    width: i64,
    other: i64,
}

/// The two sides and the change.
#[derive(Debug, Clone, Copy, Default)]
struct Triple {
    width: i64,
    other: i64,
    delta: i64,
}

/// Grows as the nodes are made: the bound of the plain tree's lazily
/// zeroed arrays is every frame of every path, which a type that is not a
/// number would have to fill.
fn grown<V>(bound: usize) -> Vec<V> {
    Vec::with_capacity(bound.min(1 << 20))
}

impl Weight for Pair {
    #[inline]
    fn add(self, o: Pair) -> Pair {
        Pair {
            width: self.width.wrapping_add(o.width),
            other: self.other.wrapping_add(o.other),
        }
    }

    /// The wider first; among those the width side does not have (0
    /// wide: vanished, or new), the larger on the other side first.
    #[inline]
    fn order(&self) -> (u64, u64) {
        (self.width.unsigned_abs(), self.other.unsigned_abs())
    }

    fn room(bound: usize) -> Vec<Pair> {
        grown(bound)
    }
}

impl Sides for Pair {
    #[inline]
    fn of(width: i64, other: i64, _: i64) -> Pair {
        Pair { width, other }
    }
    fn width(&self) -> i64 {
        self.width
    }
    fn other(&self) -> i64 {
        self.other
    }
    fn delta(&self) -> Option<i64> {
        None
    }
}

impl Weight for Triple {
    #[inline]
    fn add(self, o: Triple) -> Triple {
        Triple {
            width: self.width.wrapping_add(o.width),
            other: self.other.wrapping_add(o.other),
            delta: self.delta.wrapping_add(o.delta),
        }
    }

    #[inline]
    fn order(&self) -> (u64, u64) {
        (self.width.unsigned_abs(), self.other.unsigned_abs())
    }

    fn room(bound: usize) -> Vec<Triple> {
        grown(bound)
    }
}

impl Sides for Triple {
    #[inline]
    fn of(width: i64, other: i64, delta: i64) -> Triple {
        Triple {
            width,
            other,
            delta,
        }
    }
    fn width(&self) -> i64 {
        self.width
    }
    fn other(&self) -> i64 {
        self.other
    }
    fn delta(&self) -> Option<i64> {
        Some(self.delta)
    }
}

/// A comparison's numbers besides the widths, per node.
pub(super) struct Compared {
    widths: Side,
    other: Vec<i64>,
    /// The change where it is not new − base (`-normalize`).
    delta: Option<Vec<i64>>,
    /// The sums over every sample, filters or not: what shares are of.
    totals: PathChange,
}

impl Compared {
    pub(super) fn memory_bytes(&self) -> usize {
        (self.other.capacity() + self.delta.as_ref().map_or(0, Vec::capacity)) * 8
    }
}

impl CallTree {
    /// The tree of `kind` over the samples of `profile` that `frames`
    /// keeps, `profile` being a comparison as `-diff_base` combines it
    /// (see the module docs): each path with its new, base and change
    /// values at sample index `sample_index`, widths by `how.widths`.
    /// `None` when the stacks hold more than 2^32 frames.
    pub fn build_compared(
        profile: &Profile,
        frames: Arc<Frames>,
        sample_index: usize,
        kind: TreeKind,
        how: TreeComparison,
    ) -> Option<CallTree> {
        let split = Split::new(profile, sample_index, how.new_scale);
        match how.new_scale == 1.0 {
            true => build_sides::<Pair>(&split, frames, kind, how.widths),
            false => build_sides::<Triple>(&split, frames, kind, how.widths),
        }
    }

    /// The side the widths are of, in a comparison's tree.
    pub fn widths(&self) -> Option<Side> {
        self.compared.as_ref().map(|c| c.widths)
    }

    /// The new, base and change values of path `id`, in a comparison's
    /// tree.
    pub fn change(&self, id: PathId) -> Option<PathChange> {
        let c = self.compared.as_ref()?;
        let (width, other) = (self.total(id), c.other[id as usize]);
        let (new, base) = match c.widths {
            Side::New => (width, other),
            Side::Base => (other, width),
        };
        let delta = match &c.delta {
            Some(delta) => delta[id as usize],
            None => new.wrapping_sub(base),
        };
        Some(PathChange { new, base, delta })
    }

    /// The sums of the whole comparison, before filters, in a
    /// comparison's tree: what its shares are of.
    pub fn compared_totals(&self) -> Option<PathChange> {
        self.compared.as_ref().map(|c| c.totals)
    }
}

/// [`CallTree::build_compared`] with weights `S`.
fn build_sides<S: Sides>(
    split: &Split,
    frames: Arc<Frames>,
    kind: TreeKind,
    widths: Side,
) -> Option<CallTree> {
    let profile = split.profile;
    let weight = |s: usize| -> Option<S> {
        let change = split.change(s)?;
        Some(S::of(
            change.of(widths),
            change.of(widths.other()),
            change.delta,
        ))
    };
    let paths = Paths::from_frames(profile, &frames, kind, weight)?;
    let built = build::build(paths, frames.nodes.len(), frames.nodes.name_ranks());
    let totals = (0..profile.samples.len())
        .filter_map(|s| split.change(s))
        .fold(PathChange::default(), |sum, c| PathChange {
            new: sum.new.wrapping_add(c.new),
            base: sum.base.wrapping_add(c.base),
            delta: sum.delta.wrapping_add(c.delta),
        });
    let n = built.total.len();
    let (mut width, mut other) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut delta = built
        .total
        .first()
        .and_then(S::delta)
        .map(|_| Vec::with_capacity(n));
    for s in &built.total {
        width.push(s.width());
        other.push(s.other());
        if let (Some(d), Some(v)) = (&mut delta, s.delta()) {
            d.push(v);
        }
    }
    drop(built.total);
    let plain = build::Built {
        frame: built.frame,
        parent: built.parent,
        end: built.end,
        total: width,
    };
    let compared = Compared {
        widths,
        other,
        delta,
        totals,
    };
    Some(CallTree::from_built(
        frames,
        kind,
        split.sample_index,
        plain,
        Some(Box::new(compared)),
    ))
}

/// Which side each sample of a comparison is of, and what it adds.
struct Split<'a> {
    profile: &'a Profile,
    sample_index: usize,
    /// The key of the base's label, if the profile has it.
    base_key: Option<crate::profile::StrId>,
    new_scale: f64,
}

impl<'a> Split<'a> {
    fn new(profile: &'a Profile, sample_index: usize, new_scale: f64) -> Split<'a> {
        Split {
            profile,
            sample_index,
            base_key: profile.strings.find(BASE_LABEL.as_bytes()),
            new_scale,
        }
    }

    /// What sample `s` adds (`None`: nothing).
    #[inline]
    fn change(&self, s: usize) -> Option<PathChange> {
        let samples = &self.profile.samples;
        let v = samples.values(s)[self.sample_index];
        if v == 0 {
            return None;
        }
        let of_base = self
            .base_key
            .is_some_and(|key| samples.labels(s).iter().any(|l| l.key == key));
        Some(match of_base {
            // Negated in the comparison.
            true => PathChange {
                new: 0,
                base: v.wrapping_neg(),
                delta: v,
            },
            // pprof's `ScaleN` of `-normalize`: multiplied and rounded
            // half away from zero, per sample.
            false if self.new_scale != 1.0 => PathChange {
                new: v,
                base: 0,
                delta: (v as f64 * self.new_scale).round() as i64,
            },
            false => PathChange {
                new: v,
                base: 0,
                delta: v,
            },
        })
    }
}
