//! The samples' stacks as call paths, the order a tree reads them in: what
//! [`super::build`] turns into a tree.
//!
//! One flat array of frame ids for all kept samples, and per sample where
//! its path is and the value it adds. Copying the stacks first costs one
//! streaming pass, but the builder then reads each path from one place,
//! forwards, in the direction the tree grows (root first for the top-down
//! tree, leaf first for the inverted one), instead of walking locations and
//! their inlined lines again at every level.
//!
//! What a path adds is a weight ([`Weight`]): a plain value, or for a
//! comparison the new profile's, the base's and the change at once.

use super::TreeKind;
use super::build::Weight;
use crate::analysis::frames::Frames;
use crate::analysis::node::NodeId;
use crate::analysis::parallel::{THREADS, even_split, in_parallel};
use crate::profile::Profile;

/// One sample's path: `frames[pos..end]` of [`Paths::frames`] still to be
/// placed in the tree, and the weight it adds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item<V> {
    pub pos: u32,
    pub end: u32,
    pub value: V,
}

/// The paths of every sample that adds to a tree.
pub(super) struct Paths<V> {
    pub frames: Vec<NodeId>,
    pub items: Vec<Item<V>>,
}

impl<V: Weight> Paths<V> {
    /// The paths of the samples of `profile` that `frames` keeps and
    /// `weight` gives a weight (`None`: the sample adds nothing), oriented
    /// for `kind`. `None` when they hold more frames than 32-bit offsets
    /// reach.
    pub fn from_frames(
        profile: &Profile,
        frames: &Frames,
        kind: TreeKind,
        weight: impl Fn(usize) -> Option<V> + Sync,
    ) -> Option<Paths<V>> {
        let samples = &profile.samples;
        // Each half of the samples on its own thread; the halves are then
        // put end to end.
        let parts = in_parallel(even_split(samples.len(), THREADS), |range| {
            // Room for a frame per location and some inlined ones, so the
            // arrays seldom grow (each growth copies them).
            let locations: usize = range.clone().map(|s| samples.stack(s).len()).sum();
            let mut part = Part {
                frames: Vec::with_capacity(locations + locations / 4),
                items: Vec::with_capacity(range.len()),
            };
            let mut stack: Vec<NodeId> = Vec::new();
            for s in range {
                if !frames.keeps_sample(s) {
                    continue;
                }
                let Some(value) = weight(s) else {
                    continue;
                };
                stack.clear();
                for &loc in frames.stack(profile, s) {
                    stack.extend_from_slice(frames.location(loc));
                }
                part.add(&stack, value, kind);
            }
            part
        });
        Paths::join(parts)
    }

    /// The parts' paths end to end.
    fn join(parts: Vec<Part<V>>) -> Option<Paths<V>> {
        let total: usize = parts.iter().map(|p| p.frames.len()).sum();
        u32::try_from(total).ok()?;
        let mut frames = Vec::with_capacity(total);
        let mut items = Vec::with_capacity(parts.iter().map(|p| p.items.len()).sum());
        for part in parts {
            let base = frames.len() as u32;
            frames.extend_from_slice(&part.frames);
            items.extend(part.items.iter().map(|it| Item {
                pos: it.pos + base,
                end: it.end + base,
                value: it.value,
            }));
        }
        Some(Paths { frames, items })
    }
}

/// The paths of one thread's samples.
struct Part<V> {
    frames: Vec<NodeId>,
    items: Vec<Item<V>>,
}

impl<V: Weight> Part<V> {
    /// Adds the path of a stack (`leaf_first`: node ids, leaf first) for
    /// `kind`; a stack without the function of a sandwich adds nothing.
    fn add(&mut self, leaf_first: &[NodeId], value: V, kind: TreeKind) {
        let pos = self.frames.len();
        match kind {
            TreeKind::TopDown => self.frames.extend(leaf_first.iter().rev()),
            TreeKind::BottomUp => self.frames.extend_from_slice(leaf_first),
            TreeKind::Callees(f) | TreeKind::Callers(f) => {
                // The outermost call of the function: what is below it
                // holds every recursive call, counted once.
                let Some(at) = leaf_first.iter().rposition(|&n| n == f) else {
                    return;
                };
                match kind {
                    TreeKind::Callees(_) => self.frames.extend(leaf_first[..=at].iter().rev()),
                    _ => self.frames.extend_from_slice(&leaf_first[at..]),
                }
            }
        }
        // Offsets past u32 are caught when the parts are joined.
        self.items.push(Item {
            pos: pos as u32,
            end: self.frames.len() as u32,
            value,
        });
    }
}
