//! Refining from the selection, as pprof's web UI's Refine menu does:
//! focus on, ignore, hide or show from the selected function
//! ([`Command::Refine`]), each an anchored, escaped pattern of its name in
//! the filter of that kind, shown and edited like any other filter; every
//! change of the filters can be undone ([`Command::UndoFilters`]). And the
//! explorer's toggles for what only the command line set: inlined frames
//! (`--noinlines`) and the node fraction that hides the long tail.
//!
//! [`Command::Refine`]: super::Command::Refine
//! [`Command::UndoFilters`]: super::Command::UndoFilters

use super::jobs::Waiting;
use super::session::Session;
use crate::analysis::{Filters, NodeId, Pattern};

/// What [`Command::Refine`](super::Command::Refine) does with a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refinement {
    /// Keep only the samples through it (pprof's focus; replaces the
    /// focus set before).
    Focus,
    /// Drop the samples through it (ignore; added to those ignored).
    Ignore,
    /// Remove it from the stacks (hide; added to those hidden).
    Hide,
    /// Cut the stacks above it (show_from; replaces the one set before).
    ShowFrom,
}

impl Refinement {
    /// The filter's name, as in the filter pane and the header.
    pub fn name(self) -> &'static str {
        match self {
            Refinement::Focus => "focus",
            Refinement::Ignore => "ignore",
            Refinement::Hide => "hide",
            Refinement::ShowFrom => "show_from",
        }
    }

    fn slot(self, filters: &mut Filters) -> &mut Option<Pattern> {
        match self {
            Refinement::Focus => &mut filters.focus,
            Refinement::Ignore => &mut filters.ignore,
            Refinement::Hide => &mut filters.hide,
            Refinement::ShowFrom => &mut filters.show_from,
        }
    }

    /// Whether a new function joins the ones already in the filter
    /// (`a|b`) rather than replacing them.
    fn adds(self) -> bool {
        matches!(self, Refinement::Ignore | Refinement::Hide)
    }
}

/// The node fractions [`Command::CycleNodeFraction`] goes through: none,
/// pprof's default for `-top`, then coarser.
///
/// [`Command::CycleNodeFraction`]: super::Command::CycleNodeFraction
pub const NODE_FRACTIONS: [f64; 4] = [0.0, 0.005, 0.01, 0.05];

impl Session {
    /// The pattern that matches exactly the function of `node`: its
    /// function name, else (files granularity) its file; `None` for a
    /// frame with neither.
    pub fn exact_pattern(&self, node: NodeId) -> Option<String> {
        let nodes = &self.agg.frames.nodes;
        let function = self.profile.strings.get(nodes.info(node).name);
        let name = if function.is_empty() {
            nodes.file(node)
        } else {
            function
        };
        let name = std::str::from_utf8(name).ok().filter(|n| !n.is_empty())?;
        Some(format!("^{}$", regex::escape(name)))
    }

    pub(super) fn refine(&mut self, how: Refinement, node: NodeId) {
        let Some(exact) = self.exact_pattern(node) else {
            self.say_error(format!("{} has no name to filter on", self.name(node)));
            return;
        };
        let mut filters = self.filters.clone();
        let slot = how.slot(&mut filters);
        let text = match slot.as_ref() {
            Some(old) if how.adds() && old.as_str() != exact => {
                format!("{}|{exact}", old.as_str())
            }
            _ => exact,
        };
        match Pattern::new(how.name(), &text) {
            Ok(pattern) => *slot = Some(pattern),
            Err(e) => return self.say_error(e.to_string()),
        }
        self.set_filters(filters, Waiting::Filters);
    }

    /// The filters before the last change, back.
    pub(super) fn undo_filters(&mut self) {
        match self.filter_undo.pop() {
            Some(filters) => {
                self.set_filters(filters, Waiting::Undone);
                // Undoing is not itself undone.
                self.filter_undo.pop();
            }
            None => self.say("no filter change to undo".into()),
        }
    }

    /// Inlined frames as functions of their own, or merged into the
    /// functions they were inlined in (pprof's `--noinlines`).
    pub(super) fn toggle_inlines(&mut self) {
        self.inline_frames = !self.inline_frames;
        self.rebuild_aggregate(Waiting::Inlines);
    }

    /// The next node fraction of [`NODE_FRACTIONS`]: rows whose cum is
    /// below that share of the total are left out, as pprof trims.
    pub(super) fn cycle_node_fraction(&mut self) {
        let now = self.table_options.node_fraction;
        let next = NODE_FRACTIONS
            .iter()
            .position(|&f| f > now)
            .map_or(0.0, |i| NODE_FRACTIONS[i]);
        self.table_options.node_fraction = next;
        self.rebuild_tables();
        let rows = self.view.table.rows.len();
        self.say(match next {
            0.0 => format!("every row shown: {rows} rows"),
            f => format!(
                "rows under {}% of the total left out: {rows} rows",
                f * 100.0
            ),
        });
    }

    /// The node fraction rows are trimmed at (0: none).
    pub fn node_fraction(&self) -> f64 {
        self.table_options.node_fraction
    }
}
