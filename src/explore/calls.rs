//! Callers and callees of the selected function, as pprof's peek lists
//! them, with a cursor over them: callers, then the function itself, then
//! callees.

use crate::analysis::{Call, Neighbors, NodeId};
use std::sync::Arc;

/// Callers and callees of the current function, with the cursor.
/// The cursor runs over callers, then the function itself, then callees.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    /// The function shown.
    pub node: Option<NodeId>,
    /// The sample index the calls are sorted for.
    pub sample: usize,
    /// The graph column of their numbers (see
    /// [`View::column`](super::View::column)).
    pub k: usize,
    /// Whether the calls are known (the general path computes them after
    /// the table).
    pub known: bool,
    /// All of the function's edges, for every sample index: switching
    /// sample index sorts them again without another scan.
    pub neighbors: Option<Arc<Neighbors>>,
    /// Edges into it, heaviest first.
    pub callers: Vec<Call>,
    /// Edges out of it, heaviest first.
    pub callees: Vec<Call>,
    /// Cursor position (see above).
    pub cursor: usize,
    /// Whether the cursor goes to the first callee once the calls arrive
    /// (they were asked for by entering the function).
    pub(super) first_callee_on_arrival: bool,
}

impl Calls {
    /// The calls in `neighbors` (all its edges), `sorted` (callers, then
    /// callees) for sample index `sample`, graph column `k`; the cursor on
    /// the function itself.
    pub(super) fn known(
        neighbors: Neighbors,
        sample: usize,
        k: usize,
        (callers, callees): (Vec<Call>, Vec<Call>),
    ) -> Calls {
        let cursor = callers.len();
        Calls {
            node: Some(neighbors.node),
            sample,
            k,
            known: true,
            neighbors: Some(Arc::new(neighbors)),
            callers,
            callees,
            cursor,
            first_callee_on_arrival: false,
        }
    }

    /// Number of cursor positions.
    pub fn len(&self) -> usize {
        self.callers.len() + 1 + self.callees.len()
    }

    /// Whether there is nothing to show (no function).
    pub fn is_empty(&self) -> bool {
        self.node.is_none()
    }

    /// Cursor position of the function itself.
    pub fn self_index(&self) -> usize {
        self.callers.len()
    }

    /// Whether the cursor is on the function itself.
    pub fn on_self(&self) -> bool {
        self.cursor == self.self_index()
    }

    /// The call at cursor position `pos` (`None` for the function itself
    /// and past the end).
    pub fn at(&self, pos: usize) -> Option<&Call> {
        match pos.checked_sub(self.self_index() + 1) {
            Some(callee) => self.callees.get(callee),
            None => self.callers.get(pos),
        }
    }

    /// The cursor position of the first callee (the function itself when
    /// it has none).
    pub fn first_callee(&self) -> usize {
        if self.callees.is_empty() {
            self.self_index()
        } else {
            self.self_index() + 1
        }
    }
}
