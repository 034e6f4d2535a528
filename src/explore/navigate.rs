//! Moving around: the table cursor, the cursor over the calls, entering a
//! caller or callee, back and forward, and finding a function again after
//! the rows were rebuilt.

use super::calls::Calls;
use super::session::Session;
use super::view::Identity;
use crate::analysis::{Neighbors, NodeId};

/// The most stack entries the driver's thread reads for a function's
/// callers and callees (a few milliseconds); a function in more samples
/// has them computed by the worker, so that moving onto it never holds a
/// frame.
const CALLS_IN_A_FRAME: usize = 1_000_000;

impl Session {
    pub(super) fn move_cursor(&mut self, delta: isize) {
        let last = self.view.table.rows.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.refresh_calls();
    }

    pub(super) fn move_call_cursor(&mut self, delta: isize) {
        let last = self.calls.len().saturating_sub(1);
        self.calls.cursor = self.calls.cursor.saturating_add_signed(delta).min(last);
    }

    /// Moves the table cursor to `row` (nothing past the last row).
    pub(super) fn select_row(&mut self, row: usize) {
        if row < self.view.table.rows.len() {
            self.cursor = row;
            self.refresh_calls();
        }
    }

    /// Makes the call under the calls' cursor the selected function (a
    /// jump), its cursor on its first callee; nothing on the function
    /// itself.
    pub(super) fn enter_call(&mut self) {
        let c = &self.calls;
        if c.is_empty() {
            return;
        }
        if let Some(node) = c.at(c.cursor).map(|call| call.node) {
            self.jump_to(node);
            self.cursor_to_first_callee();
        }
    }

    /// Puts the calls' cursor on the first callee (the function itself
    /// when it has none), now or when the calls arrive.
    pub(super) fn cursor_to_first_callee(&mut self) {
        self.calls.cursor = self.calls.first_callee();
        self.calls.first_callee_on_arrival = !self.calls.known;
    }

    /// Makes `node` the selected function, recording the jump.
    pub(super) fn jump_to(&mut self, node: NodeId) {
        let Some(row) = self.view.row_of(node) else {
            self.say_error(format!("{} is not in the table", self.name(node)));
            return;
        };
        if let Some(current) = self.selected()
            && current != node
        {
            self.history.jump(Identity::of(&self.agg, current));
        }
        self.cursor = row;
        self.jumps += 1;
        self.refresh_calls();
    }

    pub(super) fn go_back(&mut self) {
        let Some(current) = self.selected_identity() else {
            return;
        };
        match self.history.back(current) {
            Some(to) => self.restore(&to),
            None => self.say("nothing to go back to".into()),
        }
    }

    pub(super) fn go_forward(&mut self) {
        let Some(current) = self.selected_identity() else {
            return;
        };
        match self.history.forward(current) {
            Some(to) => self.restore(&to),
            None => self.say("nothing to go forward to".into()),
        }
    }

    /// Selects the function `id` (or its nearest stand-in), keeping the
    /// calls' cursor on a sensible entry.
    fn restore(&mut self, id: &Identity) {
        match self.locate(id) {
            Some(row) => {
                self.cursor = row;
                self.jumps += 1;
            }
            None => {
                self.cursor = self
                    .cursor
                    .min(self.view.table.rows.len().saturating_sub(1));
                self.say(format!(
                    "{} is not in this view",
                    crate::safe_text::escape(&id.name)
                ));
            }
        }
        self.refresh_calls();
        self.cursor_to_first_callee();
    }

    /// The row of `id`: the same printed name, else the first row of the
    /// same function (granularity changed), else of the same file.
    pub(super) fn locate(&self, id: &Identity) -> Option<usize> {
        if let Some(row) = self.agg.find(&id.name).and_then(|n| self.view.row_of(n)) {
            return Some(row);
        }
        let nodes = &self.agg.frames.nodes;
        let rows = &self.view.table.rows;
        if !id.function.is_empty()
            && let Some(row) = rows.iter().position(|&n| nodes.info(n).name == id.function)
        {
            return Some(row);
        }
        if !id.file.is_empty() {
            return rows.iter().position(|&n| nodes.file(n) == &*id.file);
        }
        None
    }

    /// Recomputes the callers/callees of the selected function if it
    /// changed; for a new sample index, sorts them again.
    pub(super) fn refresh_calls(&mut self) {
        let node = self.selected();
        let same = node.is_some() && node == self.calls.node && self.calls.known;
        if same && self.calls.sample == self.sample_index {
            return;
        }
        if same
            && !self.view.trimmed()
            && let Some(neighbors) = self.calls.neighbors.clone()
        {
            (self.calls.callers, self.calls.callees) = self.view.sort_calls(&self.agg, &neighbors);
            (self.calls.sample, self.calls.k) = (self.sample_index, self.view.column());
            let last = self.calls.len().saturating_sub(1);
            self.calls.cursor = self.calls.cursor.min(last);
            return;
        }
        self.calls = Calls {
            node,
            sample: self.sample_index,
            k: self.view.column(),
            ..Calls::default()
        };
        self.calls_renewed += 1;
        if let Some(n) = node
            && self.jobs.worker.is_some()
            && !self.view.trimmed()
            && self.agg.calls_cost(n) > CALLS_IN_A_FRAME
        {
            // Shown as being computed; asked of the worker by the tick.
            return;
        }
        if let Some(n) = node
            && let Some(neighbors) = self.view.neighbors(&self.agg, n)
        {
            self.calls_arrived(neighbors);
        }
    }

    /// Shows `neighbors`, the calls of the selected function.
    pub(super) fn calls_arrived(&mut self, neighbors: Neighbors) {
        let to_first_callee = self.calls.first_callee_on_arrival;
        let sorted = self.view.sort_calls(&self.agg, &neighbors);
        self.calls = Calls::known(neighbors, self.sample_index, self.view.column(), sorted);
        if to_first_callee {
            self.calls.cursor = self.calls.first_callee();
        }
    }
}
