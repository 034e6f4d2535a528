//! The whole-profile views: the flame graph and the call tree (top-down
//! and bottom-up), both drawn from one [`CallTree`] of the samples shown
//! (the sample index, granularity and filters of the table).
//!
//! The session keeps, per kind of tree, the tree built for what is shown,
//! the selected call path, the zoom (the path drawn full width, with the
//! zooms before it for stepping back out) and the call tree's expanded
//! paths. A tree is built by the worker when there is one (a key never
//! waits for it: the previous tree stays shown meanwhile), else at once.
//! When it is built again (another sample index, filter or granularity),
//! the selection, the zoom and the expanded paths are found again by the
//! names of their call paths, as far as they still exist.
//!
//! [`flame`](super::flame) lays the flame graph out; this file owns the
//! state and the commands that move over it.

use super::session::Session;
use super::tree_build::{TOP_DOWN, TreeKey};
use crate::analysis::Pattern;
use crate::analysis::{CallTree, Matches, PathChange, PathId, Side, TreeKind};
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// A whole-profile view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeView {
    /// The flame graph (of the top-down tree).
    Flame,
    /// The call tree from the roots.
    TopDown,
    /// The inverted call tree: where the value is spent, under it its
    /// callers.
    BottomUp,
    /// The sandwich of a function: the tree of its callers above it, of
    /// its callees below, each merged over every place it is called from.
    Sandwich,
}

impl TreeView {
    /// The view's name, for titles.
    pub fn name(self) -> &'static str {
        match self {
            TreeView::Flame => "flame",
            TreeView::TopDown => "call tree",
            TreeView::BottomUp => "call tree, bottom-up",
            TreeView::Sandwich => "sandwich",
        }
    }

    /// The slot of the tree the view moves over (a sandwich: its
    /// callees).
    fn slot(self) -> usize {
        *Session::slots_of(self).last().unwrap_or(&TOP_DOWN)
    }
}

/// A move over a tree (see [`Command::TreeMove`](super::Command::TreeMove)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeStep {
    /// To the caller (the parent path); not above the root.
    Parent,
    /// To the heaviest callee (the first child), expanding it in the
    /// call tree.
    Child,
    /// To the sibling before / after.
    PrevSibling,
    NextSibling,
    /// Call tree: this many rows down (negative: up), over the rows shown.
    Rows(isize),
    /// Call tree: the path on row `n` of those shown.
    Row(usize),
    /// Expands the selected path (its children shown); when already, to
    /// its first child.
    Expand,
    /// Collapses the selected path; when already, to its parent.
    Collapse,
    /// Expands the heaviest path under the selection, down to its leaf.
    ExpandHeaviest,
    /// Selects this path of the tree shown.
    Select(PathId),
}

/// The state of one kind of tree.
#[derive(Default)]
pub(super) struct TreeState {
    /// The tree, once built (maybe of what was shown before: see
    /// [`Session::tree_is_current`]).
    pub(super) tree: Option<Arc<CallTree>>,
    /// What the tree is of: the aggregate's generation and the sample
    /// index.
    pub(super) key: Option<TreeKey>,
    pub(super) selected: PathId,
    pub(super) zoom: PathId,
    /// The zooms before the current one, innermost last.
    pub(super) zooms: Vec<PathId>,
    /// Call tree: the paths whose children are shown.
    pub(super) expanded: FxHashSet<PathId>,
    /// The names of the zoom's and the selection's paths as the user left
    /// them, while a rebuilt tree lacks them (a filter cut them short):
    /// found again whole once they exist again.
    pub(super) wanted: Option<(Names, Names)>,
}

/// A call path by its frames' names, from the root.
pub(super) type Names = Vec<Box<[u8]>>;

/// The search over the tree's frames.
pub(super) struct TreeSearch {
    pub(super) query: String,
    /// The matches in the tree shown, and which tree they are of.
    pub(super) matches: Option<(Matches, usize)>,
    pub(super) error: Option<String>,
}

/// Everything about the whole-profile views.
#[derive(Default)]
pub(super) struct Trees {
    /// The view shown, if any.
    pub(super) shown: Option<TreeView>,
    /// Top-down (flame graph and call tree), bottom-up, a sandwich's
    /// callers and callees (see [`tree_build`](super::tree_build)).
    pub(super) states: [TreeState; 4],
    /// The function of the sandwich, and how many were opened (so that a
    /// tree of the one before is not taken for it).
    pub(super) sandwich: Option<Box<[u8]>>,
    pub(super) sandwich_count: u64,
    /// The view a sandwich was opened from, to go back to.
    pub(super) sandwich_from: Option<TreeView>,
    /// Whether the worker is building a tree, and which slot.
    pub(super) asked: Option<usize>,
    pub(super) search: Option<TreeSearch>,
    /// A tree that could not be built (too large), not asked for again.
    pub(super) failed: Option<(usize, TreeKey)>,
    /// In a comparison, the side the trees' widths are of.
    pub(super) widths: Side,
}

/// The view shown and its place, carried to a refreshed profile (see
/// [`Carry`](super::Carry)).
#[derive(Debug, Clone)]
pub struct TreeCarry {
    view: TreeView,
    zoom: Names,
    selected: Names,
    query: String,
    widths: Side,
}

/// One row of the call tree shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    /// The call path.
    pub id: PathId,
    /// Indentation: 0 for the zoom's path.
    pub depth: usize,
    /// Whether its children are shown.
    pub expanded: bool,
    /// Whether it has children.
    pub has_children: bool,
}

/// What the status line says of the selected frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// The full name, escaped for a terminal.
    pub name: String,
    /// The value along the path and its self value.
    pub total: i64,
    pub self_value: i64,
    /// The parent's value (the root's for a root frame; its own for the
    /// root).
    pub parent: i64,
    /// The total percentages are of (as the table's: before filters; in
    /// a comparison, the total of the side the widths are of).
    pub grand_total: i64,
    /// In a comparison: the path's new, base and change values, and the
    /// side the widths are of.
    pub change: Option<(PathChange, Side)>,
}

impl Session {
    /// The whole-profile view shown, if any.
    pub fn tree_view(&self) -> Option<TreeView> {
        self.trees.shown
    }

    /// The tree of the view shown, once built (the one of the previous
    /// sample index, filters or granularity while the new one is built).
    pub fn tree(&self) -> Option<&Arc<CallTree>> {
        let view = self.trees.shown?;
        self.trees.states[view.slot()].tree.as_ref()
    }

    /// Whether the tree shown is of what the table shows (not one being
    /// replaced).
    pub fn tree_is_current(&self) -> bool {
        self.trees.shown.is_some_and(|view| {
            Session::slots_of(view)
                .iter()
                .all(|&slot| self.slot_current(slot))
        })
    }

    fn state(&self) -> Option<&TreeState> {
        let view = self.trees.shown?;
        Some(&self.trees.states[view.slot()])
    }

    fn state_mut(&mut self) -> Option<&mut TreeState> {
        let view = self.trees.shown?;
        Some(&mut self.trees.states[view.slot()])
    }

    /// The selected call path of the view shown.
    pub fn tree_selected(&self) -> PathId {
        self.state().map_or(CallTree::ROOT, |s| s.selected)
    }

    /// The zoom of the view shown: the path drawn full width.
    pub fn tree_zoom(&self) -> PathId {
        self.state().map_or(CallTree::ROOT, |s| s.zoom)
    }

    /// Whether call path `id` is expanded in the call tree shown.
    pub fn tree_expanded(&self, id: PathId) -> bool {
        self.state().is_some_and(|s| s.expanded.contains(&id))
    }

    /// The matches of the tree search, when they are of the tree shown.
    pub fn tree_matches(&self) -> Option<&Matches> {
        let search = self.trees.search.as_ref()?;
        let (matches, of) = search.matches.as_ref()?;
        (*of == self.tree_built_id()).then_some(matches)
    }

    /// The tree search's query (empty when none).
    pub fn tree_query(&self) -> &str {
        self.trees.search.as_ref().map_or("", |s| s.query.as_str())
    }

    /// Why the tree search's query does not compile, if it does not.
    pub fn tree_query_error(&self) -> Option<&str> {
        self.trees.search.as_ref()?.error.as_deref()
    }

    fn tree_built_id(&self) -> usize {
        self.tree().map_or(0, |t| Arc::as_ptr(t) as usize)
    }

    /// The name of `id` in the tree shown, escaped for a terminal.
    pub fn tree_name(&self, id: PathId) -> String {
        self.tree()
            .map(|t| crate::safe_text::escape(t.name(id)))
            .unwrap_or_default()
    }

    /// What the status line says of the selected path.
    pub fn tree_frame_info(&self) -> Option<FrameInfo> {
        let tree = self.tree()?;
        let id = self.tree_selected();
        let parent = tree.parent(id).unwrap_or(id);
        let change = tree.change(id).zip(tree.widths());
        let grand_total = match (tree.compared_totals(), tree.widths()) {
            (Some(totals), Some(side)) => totals.of(side),
            _ => self.scales[tree.sample_index()].total,
        };
        Some(FrameInfo {
            name: crate::safe_text::escape(tree.name(id)),
            total: tree.total(id),
            self_value: self.tree_self(id),
            parent: tree.total(parent),
            grand_total,
            change,
        })
    }

    /// The self value of `id` as the view shows it: the samples whose
    /// stack is its path, top-down; bottom-up, where a path is read from
    /// the leaf, the leaf's value on the top level (where the value is
    /// spent) and none on the callers under it, as the Firefox profiler
    /// shows an inverted tree.
    pub fn tree_self(&self, id: PathId) -> i64 {
        let Some(tree) = self.tree() else {
            return 0;
        };
        match tree.kind() {
            TreeKind::BottomUp if tree.parent(id) == Some(CallTree::ROOT) => tree.total(id),
            TreeKind::BottomUp => 0,
            _ => tree.self_value(id),
        }
    }

    /// How the tree's values are printed: as the table prints them (the
    /// same unit), else at its sample index's scale.
    pub fn tree_scale(&self) -> &super::Scale {
        let k = self.tree().map_or(self.sample_index, |t| t.sample_index());
        if k == self.sample_index {
            &self.view.scale
        } else {
            &self.scales[k]
        }
    }

    /// The rows of the call tree shown: the zoom's path, then the
    /// children of each expanded path, depth first.
    pub fn tree_rows(&self) -> Vec<TreeRow> {
        let (Some(tree), Some(state)) = (self.tree(), self.state()) else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let mut stack = vec![(state.zoom, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            let has_children = tree.first_child(id).is_some();
            let expanded = has_children && (id == state.zoom || state.expanded.contains(&id));
            rows.push(TreeRow {
                id,
                depth,
                expanded,
                has_children,
            });
            if expanded {
                let children: Vec<PathId> = tree.children(id).collect();
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
            }
        }
        rows
    }

    /// The view shown and its place, for a refresh.
    pub(super) fn tree_carry(&self) -> Option<TreeCarry> {
        let mut view = self.trees.shown?;
        if view == TreeView::Sandwich {
            view = self.trees.sandwich_from.unwrap_or(TreeView::Flame);
        }
        let state = &self.trees.states[view.slot()];
        let (zoom, selected) = match (&state.wanted, &state.tree) {
            (Some(wanted), _) => wanted.clone(),
            (None, Some(tree)) => (tree.path_names(state.zoom), tree.path_names(state.selected)),
            (None, None) => (Vec::new(), Vec::new()),
        };
        Some(TreeCarry {
            view,
            zoom,
            selected,
            query: self.tree_query().to_string(),
            widths: self.trees.widths,
        })
    }

    /// Shows the view `carry` had, at the same place once its tree is
    /// built.
    pub(super) fn resume_tree(&mut self, carry: TreeCarry) {
        self.trees.states[carry.view.slot()].wanted = Some((carry.zoom, carry.selected));
        self.trees.widths = carry.widths;
        if !carry.query.is_empty() {
            self.tree_search(carry.query);
        }
        self.show_tree(Some(carry.view));
    }

    /// Shows `view` (`None`: back to the table).
    pub(super) fn show_tree(&mut self, view: Option<TreeView>) {
        let left = std::mem::replace(&mut self.trees.shown, view);
        if left == Some(TreeView::Sandwich) && view != left {
            // A sandwich is of one function: its trees (as big as the
            // whole tree for a function in every sample) go with it.
            for slot in [super::tree_build::CALLERS, super::tree_build::CALLEES] {
                self.trees.states[slot] = TreeState::default();
            }
        }
        self.sync_tree();
    }

    /// In a comparison, the side the trees' widths are of.
    pub fn tree_widths(&self) -> Option<Side> {
        self.comparison.as_ref().map(|_| self.trees.widths)
    }

    /// Draws the trees by the other side of the comparison; the selection
    /// and zoom stay on their call paths (every path is in both trees).
    pub(super) fn toggle_tree_widths(&mut self) {
        if self.comparison.is_none() {
            self.say_error("not a comparison: widths are the profile's own".into());
            return;
        }
        // The trees of the other widths are built anew (in the worker),
        // the selection and zoom found again by their paths' names.
        self.trees.widths = self.trees.widths.other();
        let text = match self.trees.widths {
            Side::New => "widths: the new profile (what vanished is in the + stubs)",
            Side::Base => {
                "widths: the base (what vanished is drawn; what is new is in the + stubs)"
            }
        };
        self.say(text.into());
        self.sync_tree();
    }

    /// Applies one move.
    pub(super) fn tree_move(&mut self, step: TreeStep) {
        if let Some(state) = self.state_mut() {
            state.wanted = None;
        }
        let rows = match step {
            TreeStep::Rows(_) | TreeStep::Row(_) => self.tree_rows(),
            _ => Vec::new(),
        };
        let flame = self.trees.shown == Some(TreeView::Flame);
        let (Some(tree), Some(state)) = (self.tree().cloned(), self.state_mut()) else {
            return;
        };
        let at = state.selected;
        // In the flame graph, the paths above the zoom are one line: down
        // from one is toward the zoom, and they have no siblings shown.
        let above_zoom = flame && at != state.zoom && in_subtree(&tree, state.zoom, at);
        let to = match step {
            TreeStep::Child | TreeStep::Expand if above_zoom => tree
                .ancestors(state.zoom)
                .find(|&a| tree.parent(a) == Some(at)),
            TreeStep::PrevSibling | TreeStep::NextSibling if above_zoom || at == state.zoom => None,
            TreeStep::Parent => tree.parent(at),
            TreeStep::Child => {
                let child = tree.first_child(at);
                if child.is_some() {
                    state.expanded.insert(at);
                }
                child
            }
            TreeStep::PrevSibling => tree.prev_sibling(at),
            TreeStep::NextSibling => tree.next_sibling(at),
            TreeStep::Rows(delta) => {
                let row = rows.iter().position(|r| r.id == at).unwrap_or(0);
                let row = row
                    .saturating_add_signed(delta)
                    .min(rows.len().saturating_sub(1));
                rows.get(row).map(|r| r.id)
            }
            TreeStep::Row(n) => rows.get(n).map(|r| r.id),
            TreeStep::Expand if tree.first_child(at).is_none() => None,
            TreeStep::Expand => {
                if at == state.zoom || !state.expanded.insert(at) {
                    tree.first_child(at)
                } else {
                    None
                }
            }
            TreeStep::Collapse => {
                if at != state.zoom && state.expanded.remove(&at) {
                    None
                } else {
                    tree.parent(at)
                }
            }
            TreeStep::ExpandHeaviest => {
                let mut id = at;
                while let Some(child) = tree.first_child(id) {
                    state.expanded.insert(id);
                    id = child;
                }
                None
            }
            TreeStep::Select(id) => (id < tree.len() as PathId).then_some(id),
        };
        if let Some(to) = to {
            state.selected = to;
            // A path above the zoom is shown (the flame graph draws it),
            // but the call tree starts at the zoom.
            if !flame && !in_subtree(&tree, to, state.zoom) {
                state.zooms.clear();
                state.zoom = CallTree::ROOT;
            }
        }
    }

    /// Zooms into the selected path (it becomes the full width, or the
    /// call tree's top).
    pub(super) fn tree_zoom_in(&mut self) {
        if let Some(state) = self.state_mut() {
            state.wanted = None;
        }
        let Some(state) = self.state_mut() else {
            return;
        };
        if state.selected != state.zoom {
            let previous = state.zoom;
            state.zooms.push(previous);
            state.zoom = state.selected;
            state.expanded.insert(state.selected);
        }
    }

    /// Zooms back out one step; says so when there is nothing to undo.
    pub(super) fn tree_zoom_out(&mut self) {
        if let Some(state) = self.state_mut() {
            state.wanted = None;
        }
        let tree = self.tree().cloned();
        let Some(state) = self.state_mut() else {
            return;
        };
        let out = state
            .zooms
            .pop()
            .or_else(|| tree.and_then(|t| t.parent(state.zoom)));
        match out {
            Some(zoom) => state.zoom = zoom,
            None => self.say("not zoomed in".into()),
        }
    }

    /// Searches the tree's frames for `query` (a regular expression, as
    /// the filters take; empty: no search).
    pub(super) fn tree_search(&mut self, query: String) {
        if query.is_empty() {
            self.trees.search = None;
            return;
        }
        self.trees.search = Some(TreeSearch {
            query,
            matches: None,
            error: None,
        });
        self.research_tree();
    }

    /// Matches the search again in the tree shown.
    pub(super) fn research_tree(&mut self) {
        let of = self.tree_built_id();
        let Some(tree) = self.tree().cloned() else {
            return;
        };
        let Some(search) = &mut self.trees.search else {
            return;
        };
        match Pattern::new("search", &search.query) {
            Ok(pattern) => {
                search.matches = Some((tree.search_pattern(&pattern), of));
                search.error = None;
            }
            Err(e) => {
                search.matches = None;
                search.error = Some(e.reason);
            }
        }
    }

    /// Selects the next (`delta` > 0) or previous match, in preorder,
    /// zooming out when it is outside the zoom.
    pub(super) fn tree_next_match(&mut self, delta: isize) {
        if let Some(state) = self.state_mut() {
            state.wanted = None;
        }
        let Some(tree) = self.tree().cloned() else {
            return;
        };
        let Some(matches) = self.tree_matches().cloned() else {
            self.say("no search: press / to search the frames".into());
            return;
        };
        let at = self.tree_selected();
        let found = if delta >= 0 {
            tree.next_match(&matches, at)
        } else {
            let n = tree.len() as PathId;
            (1..n)
                .map(|step| (at + n - step) % n)
                .find(|&c| tree.is_match(&matches, c))
        };
        let Some(found) = found else {
            self.say("no frame matches".into());
            return;
        };
        let Some(state) = self.state_mut() else {
            return;
        };
        state.selected = found;
        for a in tree.ancestors(found).skip(1) {
            state.expanded.insert(a);
        }
        if !in_subtree(&tree, found, state.zoom) {
            state.zooms.clear();
            state.zoom = CallTree::ROOT;
        }
    }
}

/// Whether `id` is `top` or below it.
fn in_subtree(tree: &CallTree, id: PathId, top: PathId) -> bool {
    tree.subtree(top).contains(&id)
}
