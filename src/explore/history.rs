//! Where the user has been: back, forward, and the breadcrumb trail.
//!
//! Jumps (entering a caller or callee, a search result) are recorded like a
//! browser's history; moving the cursor in the table is not a jump. Entries
//! are node identities, so the trail survives re-aggregation.

use super::view::Identity;

/// Back and forward stacks around the current function.
#[derive(Debug, Clone, Default)]
pub struct History {
    back: Vec<Identity>,
    forward: Vec<Identity>,
}

impl History {
    /// Records a jump away from `from`; forward history is dropped.
    pub fn jump(&mut self, from: Identity) {
        if self.back.last() != Some(&from) {
            self.back.push(from);
        }
        self.forward.clear();
    }

    /// Goes back from `current`: the function to show, if any.
    pub fn back(&mut self, current: Identity) -> Option<Identity> {
        let to = self.back.pop()?;
        self.forward.push(current);
        Some(to)
    }

    /// Goes forward from `current`.
    pub fn forward(&mut self, current: Identity) -> Option<Identity> {
        let to = self.forward.pop()?;
        self.back.push(current);
        Some(to)
    }

    /// The functions before the current one, oldest first.
    pub fn trail(&self) -> &[Identity] {
        &self.back
    }

    /// The same trail for another profile: names and files only (string
    /// ids belong to the profile they came from).
    pub fn portable(&self) -> History {
        let strip = |ids: &[Identity]| ids.iter().map(Identity::portable).collect();
        History {
            back: strip(&self.back),
            forward: strip(&self.forward),
        }
    }

    /// How many steps forward are available.
    pub fn forward_len(&self) -> usize {
        self.forward.len()
    }
}
