//! The flame graph's layout: which call paths stand where, in cells, for
//! a width and a zoom ([`Session::flame_layout`]).
//!
//! Level 0 is the root (all samples); the paths from it to the zoom take
//! a level each, full width, so the way to the zoom stays in view; under
//! the zoom, each path's children share its cells in proportion to their
//! values, heaviest first. A child narrower than one cell is not drawn on
//! its own: the narrow children of a path (a suffix, siblings being in
//! decreasing order) are merged into one stub of at least one cell, so
//! their value is never silently missing from the picture, and what is
//! under them is not laid out. The walk visits only what is drawn: a frame
//! costs the same on the biggest profile as on a small one.

use super::session::Session;
use crate::analysis::{CallTree, PathId};

/// One box of the flame graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlameBox {
    /// First cell and width in cells.
    pub x: u16,
    pub width: u16,
    /// The call path; for a stub, the first of the paths merged.
    pub id: PathId,
    /// For a stub: how many sibling paths it merges (0 for a frame).
    pub merged: u32,
    /// For a stub: where the merged paths' subtrees end (preorder), so
    /// that a selection among them is shown on the stub.
    pub end: PathId,
    /// The value of the path, or the sum of the merged ones.
    pub value: i64,
}

impl FlameBox {
    /// Whether the box stands for `id`: it is the box's path, or one of
    /// the paths a stub merges (or below them).
    pub fn shows(&self, id: PathId) -> bool {
        if self.merged == 0 {
            self.id == id
        } else {
            (self.id..self.end).contains(&id)
        }
    }
}

/// The flame graph's boxes, level by level from the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlameLayout {
    pub levels: Vec<Vec<FlameBox>>,
}

impl FlameLayout {
    /// The level and box showing `id`, if laid out.
    pub fn find(&self, id: PathId) -> Option<(usize, &FlameBox)> {
        self.levels
            .iter()
            .enumerate()
            .find_map(|(l, boxes)| boxes.iter().find(|b| b.shows(id)).map(|b| (l, b)))
    }

    /// The box at cell `x` of level `level`.
    pub fn at(&self, level: usize, x: u16) -> Option<&FlameBox> {
        self.levels
            .get(level)?
            .iter()
            .find(|b| (b.x..b.x + b.width).contains(&x))
    }
}

impl Session {
    /// The flame graph of the tree shown, `width` cells wide, levels
    /// `0..levels` (see the module docs); empty until a tree is built.
    pub fn flame_layout(&self, width: u16, levels: usize) -> FlameLayout {
        match self.tree() {
            Some(tree) => layout(tree, self.tree_zoom(), width, levels),
            None => FlameLayout::default(),
        }
    }
}

/// The layout of `tree` zoomed on `zoom` (see the module docs).
pub fn layout(tree: &CallTree, zoom: PathId, width: u16, levels: usize) -> FlameLayout {
    let mut out = FlameLayout::default();
    if width == 0 || levels == 0 {
        return out;
    }
    let full = |id: PathId| FlameBox {
        x: 0,
        width,
        id,
        merged: 0,
        end: id,
        value: tree.total(id),
    };
    let mut above: Vec<PathId> = tree.ancestors(zoom).skip(1).collect();
    above.push(CallTree::ROOT);
    for &id in above.iter().rev() {
        if zoom != CallTree::ROOT {
            out.levels.push(vec![full(id)]);
        }
    }
    out.levels.truncate(levels);
    let mut level = vec![full(zoom)];
    while !level.is_empty() && out.levels.len() < levels {
        let mut next = Vec::new();
        for b in level.iter().filter(|b| b.merged == 0) {
            children_of(tree, b, &mut next);
        }
        out.levels.push(level);
        level = next;
    }
    out
}

/// Lays the children of `parent` out in its cells, into `out`.
fn children_of(tree: &CallTree, parent: &FlameBox, out: &mut Vec<FlameBox>) {
    let total = tree.total(parent.id).unsigned_abs() as f64;
    if total == 0.0 {
        return;
    }
    let cells = parent.width as f64;
    let cell_of = |sum: f64| parent.x + ((sum / total * cells).round() as u16).min(parent.width);
    let mut sum = 0.0;
    let mut stub: Option<FlameBox> = None;
    for child in tree.children(parent.id) {
        let value = tree.total(child);
        let start = cell_of(sum);
        sum += value.unsigned_abs() as f64;
        let narrow = (value.unsigned_abs() as f64) / total * cells < 1.0;
        if narrow || stub.is_some() {
            let s = stub.get_or_insert(FlameBox {
                x: start,
                width: 0,
                id: child,
                merged: 0,
                end: child,
                value: 0,
            });
            s.merged += 1;
            s.end = tree.subtree(child).end;
            s.value = s.value.wrapping_add(value);
            continue;
        }
        let end = cell_of(sum);
        if end > start {
            out.push(FlameBox {
                x: start,
                width: end - start,
                id: child,
                merged: 0,
                end: child,
                value,
            });
        }
    }
    if let Some(mut s) = stub {
        // At least a cell, inside the parent: the stub may have to take
        // the last cell of the sibling before it.
        let right = parent.x + parent.width;
        let end = cell_of(sum).max(s.x + 1).min(right);
        s.x = s.x.min(end.saturating_sub(1));
        if let Some(prev) = out.last_mut()
            && prev.x + prev.width > s.x
        {
            if prev.x < s.x {
                prev.width = s.x - prev.x;
            } else if let Some(prev) = out.pop() {
                // The sibling before has no cell to give: it joins the
                // stub (the sibling just before the first merged one).
                s = FlameBox {
                    x: prev.x,
                    id: prev.id,
                    merged: s.merged + 1,
                    value: s.value.wrapping_add(prev.value),
                    ..s
                };
            }
        }
        s.width = end - s.x;
        if s.width > 0 {
            out.push(s);
        }
    }
}
