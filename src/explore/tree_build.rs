//! Building the trees of the whole-profile views: what each tree is of
//! ([`TreeSpec`], [`TreeKey`]), asking the worker for it (or building it at
//! once without one), and taking it in with the selection, zoom and
//! expanded paths of the tree before carried over by their call paths'
//! names.
//!
//! Four slots: the top-down tree (flame graph, call tree), the bottom-up
//! one, and the two halves of a function's sandwich (its callers, its
//! callees), each merged over every place the function is called from
//! with recursion counted once ([`TreeKind::Callers`],
//! [`TreeKind::Callees`]).

use super::compare_sides::Sides;
use super::session::Session;
use super::trees::{Names, TreeState, TreeView};
use super::worker::Job;
use crate::analysis::{
    CallTree, Filters, Frames, Granularity, NodeId, PathId, Side, TreeComparison, TreeKind,
};
use crate::profile::Profile;
use std::sync::Arc;

/// The slots of the trees.
pub(super) const TOP_DOWN: usize = 0;
pub(super) const BOTTOM_UP: usize = 1;
pub(super) const CALLERS: usize = 2;
pub(super) const CALLEES: usize = 3;

/// What a tree is of: the generation of the aggregate (filters,
/// granularity), the sample index, for a sandwich which one, and in a
/// comparison the side its widths are of.
pub(super) type TreeKey = (u64, usize, u64, Side);

/// Which tree: the kind, or for a sandwich the function's name (found in
/// the frames the tree is built from).
#[derive(Debug, Clone)]
enum SpecKind {
    TopDown,
    BottomUp,
    Callers(Box<[u8]>),
    Callees(Box<[u8]>),
}

/// What a tree is built of: the frames of the granularity and filters
/// (built anew: the aggregate's may leave the filters to a selection of
/// samples), and the sample index.
pub(super) struct TreeSpec {
    /// The frames when they are known already (no filters).
    frames: Option<Arc<Frames>>,
    granularity: Granularity,
    filters: Filters,
    inline_frames: bool,
    sample_index: usize,
    kind: SpecKind,
    /// A comparison's tree: from the profiles apart, built so.
    compared: Option<(Arc<Sides>, Side)>,
    pub(super) slot: usize,
    pub(super) key: TreeKey,
}

impl TreeSpec {
    /// The tree (the worker's job, or done at once); `None` when too
    /// large.
    pub(super) fn build(&self, profile: &Profile) -> Option<CallTree> {
        // A comparison's tree is of the profile holding both sides, which
        // is the one shown unless it has to be made.
        let profile = match &self.compared {
            Some((sides, _)) => sides.both().map_or(profile, |both| both.as_ref()),
            None => profile,
        };
        let frames = self.frames.clone().unwrap_or_else(|| {
            Arc::new(Frames::with_inlining(
                profile,
                self.granularity,
                &self.filters,
                self.inline_frames,
            ))
        });
        // A function no longer there (filtered out): no stack has it, the
        // tree is the root alone.
        let node = |name: &[u8]| {
            (0..frames.nodes.len() as NodeId)
                .find(|&n| frames.nodes.name(n) == name)
                .unwrap_or(NodeId::MAX)
        };
        let kind = match &self.kind {
            SpecKind::TopDown => TreeKind::TopDown,
            SpecKind::BottomUp => TreeKind::BottomUp,
            SpecKind::Callers(name) => TreeKind::Callers(node(name)),
            SpecKind::Callees(name) => TreeKind::Callees(node(name)),
        };
        match &self.compared {
            Some((sides, widths)) => {
                let how = TreeComparison {
                    widths: *widths,
                    new_scale: sides.new_scale(self.sample_index),
                };
                CallTree::build_compared(profile, frames, self.sample_index, kind, how)
            }
            None => CallTree::build(profile, frames, self.sample_index, kind),
        }
    }
}

impl Session {
    /// What a tree of `slot` for what is shown is of.
    pub(super) fn tree_key(&self, slot: usize) -> TreeKey {
        let sandwich = if slot >= CALLERS {
            self.trees.sandwich_count
        } else {
            0
        };
        let widths = match &self.comparison {
            Some(_) => self.trees.widths,
            None => Side::New,
        };
        (self.jobs.generation, self.sample_index, sandwich, widths)
    }

    /// The slots a view draws.
    pub(super) fn slots_of(view: TreeView) -> &'static [usize] {
        match view {
            TreeView::Flame | TreeView::TopDown => &[TOP_DOWN],
            TreeView::BottomUp => &[BOTTOM_UP],
            TreeView::Sandwich => &[CALLERS, CALLEES],
        }
    }

    /// Whether the tree of `slot` is of what is shown.
    pub(super) fn slot_current(&self, slot: usize) -> bool {
        let s = &self.trees.states[slot];
        s.tree.is_some() && s.key == Some(self.tree_key(slot))
    }

    fn slot_failed(&self, slot: usize) -> bool {
        self.trees.failed == Some((slot, self.tree_key(slot)))
    }

    /// Whether the worker is building a tree the view shown needs.
    pub fn tree_building(&self) -> bool {
        self.trees.shown.is_some_and(|view| {
            Session::slots_of(view)
                .iter()
                .any(|&slot| !self.slot_current(slot) && !self.slot_failed(slot))
        })
    }

    /// Makes the trees shown current: builds them now without a worker,
    /// else asks the worker for them, one at a time. Called after every
    /// command and tick.
    pub(super) fn sync_tree(&mut self) {
        let Some(view) = self.trees.shown else {
            return;
        };
        // While a new aggregate is computed, a tree of the old one would
        // be thrown away.
        if self.jobs.waiting.is_some() || self.trees.asked.is_some() {
            return;
        }
        for &slot in Session::slots_of(view) {
            if self.slot_current(slot) || self.slot_failed(slot) {
                continue;
            }
            let spec = self.tree_spec(slot);
            match &self.jobs.worker {
                Some(worker) => {
                    worker.send(Job::Tree {
                        generation: self.jobs.generation,
                        spec: Box::new(spec),
                    });
                    self.trees.asked = Some(slot);
                    return;
                }
                None => {
                    let tree = spec.build(&self.profile);
                    self.tree_arrived(slot, spec.key, tree);
                }
            }
        }
    }

    fn tree_spec(&self, slot: usize) -> TreeSpec {
        let function = self.trees.sandwich.clone().unwrap_or_default();
        let kind = match slot {
            TOP_DOWN => SpecKind::TopDown,
            BOTTOM_UP => SpecKind::BottomUp,
            CALLERS => SpecKind::Callers(function),
            _ => SpecKind::Callees(function),
        };
        let compared = self
            .comparison
            .as_ref()
            .map(|c| (Arc::clone(c.sides()), self.trees.widths));
        // Without filters the aggregate's frames are the tree's: the
        // stacks are not resolved again (unless the tree is of another
        // profile).
        let of_shown = compared
            .as_ref()
            .is_none_or(|(sides, _)| sides.shown_is_both());
        let frames = (self.filters.is_empty() && of_shown).then(|| Arc::clone(&self.agg.frames));
        TreeSpec {
            frames,
            granularity: self.granularity,
            filters: self.filters.clone(),
            inline_frames: self.inline_frames,
            sample_index: self.sample_index,
            kind,
            compared,
            slot,
            key: self.tree_key(slot),
        }
    }

    /// A tree built for `slot` (`None`: too large, or obsolete).
    pub(super) fn tree_arrived(&mut self, slot: usize, key: TreeKey, tree: Option<CallTree>) {
        if key != self.tree_key(slot) {
            return;
        }
        let Some(tree) = tree else {
            self.trees.failed = Some((slot, key));
            self.say_error("the call paths are too many for a tree".into());
            return;
        };
        let tree = Arc::new(tree);
        let state = &mut self.trees.states[slot];
        *state = match state.tree.take() {
            Some(old) => carry_state(Some(&old), state, &tree),
            None if state.wanted.is_some() => carry_state(None, state, &tree),
            None => TreeState {
                selected: tree.first_child(CallTree::ROOT).unwrap_or(CallTree::ROOT),
                ..TreeState::default()
            },
        };
        state.tree = Some(tree);
        state.key = Some(key);
        self.research_tree();
    }
}

/// The state of `old` carried over to `new`: each path found again by its
/// names, as far as it exists (without `old`, the paths the state wants).
fn carry_state(old: Option<&CallTree>, state: &TreeState, new: &CallTree) -> TreeState {
    let names = |id: PathId| old.map(|old| old.path_names(id)).unwrap_or_default();
    let find = |id: PathId| new.find_path(&names(id)).0;
    let (zoom_names, selected_names): (Names, Names) = state
        .wanted
        .clone()
        .unwrap_or_else(|| (names(state.zoom), names(state.selected)));
    let (zoom, zoom_found) = new.find_path(&zoom_names);
    let (mut selected, selected_found) = new.find_path(&selected_names);
    let whole = zoom_found == zoom_names.len() && selected_found == selected_names.len();
    if !new.subtree(zoom).contains(&selected) {
        selected = zoom;
    }
    TreeState {
        tree: None,
        key: None,
        selected,
        zoom,
        zooms: match old {
            Some(_) => state.zooms.iter().map(|&z| find(z)).collect(),
            None => Vec::new(),
        },
        expanded: match old {
            Some(_) => state.expanded.iter().map(|&e| find(e)).collect(),
            // A call tree shows the path to its selection.
            None => new.ancestors(selected).skip(1).collect(),
        },
        wanted: (!whole).then_some((zoom_names, selected_names)),
    }
}
