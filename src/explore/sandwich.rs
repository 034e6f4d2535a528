//! A function's sandwich, as speedscope shows it: the tree of its callers
//! above it and of its callees below it, each merged over every place the
//! function is called from, recursion counted once (see
//! [`TreeKind::Callers`](crate::analysis::TreeKind::Callers)). Opened on
//! the frame selected in the flame graph or a call tree; its two trees
//! are built like the others (the worker, or at once).

use super::flame::{FlameLayout, layout};
use super::session::Session;
use super::tree_build::{CALLEES, CALLERS};
use super::trees::{TreeState, TreeView};
use crate::analysis::CallTree;

impl Session {
    /// Opens the sandwich of the selected frame's function (`S`), or, from
    /// the sandwich, goes back to the view it was opened from.
    pub(super) fn toggle_sandwich(&mut self) {
        let Some(view) = self.trees.shown else {
            return;
        };
        if view == TreeView::Sandwich {
            let back = self.trees.sandwich_from.take().unwrap_or(TreeView::Flame);
            self.show_tree(Some(back));
            return;
        }
        let Some(tree) = self.tree() else {
            return;
        };
        let selected = self.tree_selected();
        if selected == CallTree::ROOT {
            self.say("the root is no function: select a frame for its sandwich".into());
            return;
        }
        self.trees.sandwich = Some(tree.name(selected).into());
        self.trees.sandwich_count += 1;
        self.trees.states[CALLERS] = TreeState::default();
        self.trees.states[CALLEES] = TreeState::default();
        self.trees.sandwich_from = Some(view);
        self.show_tree(Some(TreeView::Sandwich));
    }

    /// The function of the sandwich, escaped for a terminal.
    pub fn sandwich_function(&self) -> Option<String> {
        let name = self.trees.sandwich.as_deref()?;
        Some(crate::safe_text::escape(name))
    }

    /// The sandwich's trees (callers, callees), once both are built.
    pub fn sandwich_trees(&self) -> Option<(&CallTree, &CallTree)> {
        let callers = self.trees.states[CALLERS].tree.as_deref()?;
        let callees = self.trees.states[CALLEES].tree.as_deref()?;
        Some((callers, callees))
    }

    /// The two halves laid out `width` cells wide, from the function down
    /// (level 0 is the function in both): its callers, `up` levels, and
    /// its callees, `down` levels.
    pub fn sandwich_layouts(
        &self,
        width: u16,
        up: usize,
        down: usize,
    ) -> (FlameLayout, FlameLayout) {
        let Some((callers, callees)) = self.sandwich_trees() else {
            return Default::default();
        };
        let half = |tree: &CallTree, levels: usize| {
            let Some(function) = tree.first_child(CallTree::ROOT) else {
                return FlameLayout::default();
            };
            // Zoomed on the function, whose only parent is the root: the
            // root's level goes.
            let mut out = layout(tree, function, width, levels + 1);
            if !out.levels.is_empty() {
                out.levels.remove(0);
            }
            out
        };
        (half(callers, up), half(callees, down))
    }
}
