//! What keys do in the flame graph and the call tree: the moves, zooms,
//! flips and searches of [`Action`]s, as the session's tree commands
//! ([`Command::TreeMove`] and the others), and the screen state of the two
//! views ([`TreeScreen`]: orientation, scroll positions, what the last
//! frame laid out).

use super::action::Action;
use super::app::{App, Mode};
use super::prompts::QUERY_MAX;
use crate::explore::flame::FlameLayout;
use crate::explore::{Command, TreeRow, TreeStep, TreeView};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::time::Instant;

/// The screen state of the flame graph and the call tree.
#[derive(Default)]
pub struct TreeScreen {
    /// Flame orientation (roots at the bottom) instead of the icicle.
    pub flipped: bool,
    /// The first level of the flame graph on screen.
    pub flame_top: usize,
    /// The first row of the call tree on screen.
    pub offset: usize,
    /// Where the last frame drew the flame graph's levels or the call
    /// tree's rows (for the mouse and page sizes).
    pub area: Rect,
    /// The flame graph laid out for the last frame (levels from 0).
    pub layout: FlameLayout,
    /// The call tree's rows for the last frame.
    pub rows: Vec<TreeRow>,
    /// The view left for the table with `t`, to go back to.
    pub left: Option<TreeView>,
    /// The sandwich's halves laid out for the last frame (callers,
    /// callees; level 0 is the function in both).
    pub sandwich: (FlameLayout, FlameLayout),
}

impl App {
    /// `F` or `T` from the table: opens the view.
    pub(super) fn open_tree(&mut self, action: Action) {
        let view = match action {
            Action::Flame => TreeView::Flame,
            _ => TreeView::TopDown,
        };
        self.session.apply(Command::ShowTree(Some(view)));
    }

    /// A key in the flame graph or call tree; `false` when it is the
    /// table's (the sample index, filters, help...).
    pub(super) fn tree_browse(&mut self, action: Action) -> bool {
        let Some(view) = self.session.tree_view() else {
            return false;
        };
        if view == TreeView::Sandwich {
            return self.sandwich_keys(action);
        }
        let flame = view == TreeView::Flame;
        let page = self.tree_screen.area.height.max(2) as isize - 1;
        let flip = self.tree_screen.flipped;
        let command = match action {
            Action::Flame if flame => Command::ShowTree(None),
            Action::Flame => Command::ShowTree(Some(TreeView::Flame)),
            Action::CallTree if flame => Command::ShowTree(Some(TreeView::TopDown)),
            Action::CallTree => Command::ShowTree(None),
            Action::Flip if flame => {
                self.tree_screen.flipped = !flip;
                return true;
            }
            Action::Flip => Command::ShowTree(Some(match view {
                TreeView::BottomUp => TreeView::TopDown,
                _ => TreeView::BottomUp,
            })),
            Action::Up if flame && flip => Command::TreeMove(TreeStep::Child),
            Action::Up if flame => Command::TreeMove(TreeStep::Parent),
            Action::Down if flame && flip => Command::TreeMove(TreeStep::Parent),
            Action::Down if flame => Command::TreeMove(TreeStep::Child),
            Action::Left if flame => Command::TreeMove(TreeStep::PrevSibling),
            Action::Right if flame => Command::TreeMove(TreeStep::NextSibling),
            // Pages and ends are the call tree's rows.
            Action::PageUp | Action::PageDown | Action::Home | Action::End if flame => {
                return true;
            }
            Action::Up => Command::TreeMove(TreeStep::Rows(-1)),
            Action::Down => Command::TreeMove(TreeStep::Rows(1)),
            Action::PageUp => Command::TreeMove(TreeStep::Rows(-page)),
            Action::PageDown => Command::TreeMove(TreeStep::Rows(page)),
            Action::Home => Command::TreeMove(TreeStep::Rows(isize::MIN / 2)),
            Action::End => Command::TreeMove(TreeStep::Rows(isize::MAX / 2)),
            Action::Left => Command::TreeMove(TreeStep::Collapse),
            Action::Right => Command::TreeMove(TreeStep::Expand),
            Action::ExpandHeaviest => Command::TreeMove(TreeStep::ExpandHeaviest),
            Action::ToggleWidths => Command::TreeWidths,
            Action::Enter => Command::TreeZoomIn,
            Action::Back => Command::TreeZoomOut,
            Action::Search => {
                let query = self.session.tree_query().to_string();
                self.mode = Mode::TreeSearch(query);
                return true;
            }
            Action::ToTable => {
                self.tree_to_table(view);
                return true;
            }
            Action::Sandwich => Command::Sandwich,
            Action::NextMatch => Command::TreeNextMatch(1),
            Action::PrevMatch => Command::TreeNextMatch(-1),
            Action::Close if !self.session.tree_query().is_empty() => {
                Command::TreeSearch(String::new())
            }
            Action::Close => Command::ShowTree(None),
            _ => return false,
        };
        self.session.apply(command);
        true
    }

    /// Keys in the sandwich: `S` or Esc go back to the view it was opened
    /// from, `F` and `T` to theirs; moves, zooms and searches are the
    /// other views' (nothing here).
    fn sandwich_keys(&mut self, action: Action) -> bool {
        let command = match action {
            Action::Sandwich | Action::Close => Command::Sandwich,
            Action::Flame => Command::ShowTree(Some(TreeView::Flame)),
            Action::CallTree => Command::ShowTree(Some(TreeView::TopDown)),
            Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::Enter
            | Action::Back
            | Action::Flip
            | Action::ExpandHeaviest
            | Action::ToggleWidths
            | Action::Search
            | Action::NextMatch
            | Action::PrevMatch
            | Action::ToTable => return true,
            _ => return false,
        };
        self.session.apply(command);
        true
    }

    /// `t`: the selected frame's function in the table, with its callers
    /// and callees (the focus on them); `t` again comes back.
    fn tree_to_table(&mut self, view: TreeView) {
        let session = &self.session;
        let found = session.tree().and_then(|tree| {
            let name = tree.name(session.tree_selected());
            let node = session.aggregate().find(name)?;
            session.view().row_of(node)
        });
        let Some(row) = found else {
            let name = session.tree_name(session.tree_selected());
            self.session
                .say(format!("{name} is not a row of the table"));
            return;
        };
        self.session.apply(Command::SelectRow(row));
        self.session.apply(Command::ShowTree(None));
        self.focus = super::app::Pane::Calls;
        self.tree_screen.left = Some(view);
    }

    /// `t` in the table: back to the view left with `t`.
    pub(super) fn back_to_tree(&mut self) {
        match self.tree_screen.left.take() {
            Some(view) => {
                self.focus = super::app::Pane::Table;
                self.session.apply(Command::ShowTree(Some(view)));
            }
            None => self
                .session
                .say("no flame graph or call tree to go back to".into()),
        }
    }

    /// A key in the tree search prompt: the frames are highlighted as the
    /// regex is typed; Enter keeps them, Esc clears the search.
    pub(super) fn tree_search_prompt(&mut self, mut query: String, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => self.session.apply(Command::TreeSearch(String::new())),
            Action::Confirm => {
                if self.session.tree_matches().is_some() {
                    self.session.apply(Command::TreeNextMatch(1));
                }
            }
            Action::Insert(c) => self.tree_type(query, &c.to_string()),
            Action::Erase | Action::ClearField => {
                if action == Action::Erase {
                    query.pop();
                } else {
                    query.clear();
                }
                self.session.apply(Command::TreeSearch(query.clone()));
                self.mode = Mode::TreeSearch(query);
            }
            _ => self.mode = Mode::TreeSearch(query),
        }
    }

    /// The mouse over the flame graph or call tree: a click selects the
    /// frame or row under it, a double click zooms into it; the wheel
    /// scrolls the call tree.
    pub(super) fn tree_mouse(&mut self, m: &MouseEvent, now: Instant) {
        let area = self.tree_screen.area;
        if !area.contains(Position::new(m.column, m.row)) {
            return;
        }
        let flame = self.session.tree_view() == Some(TreeView::Flame);
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown if !flame => {
                let rows = if m.kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                };
                self.session.apply(Command::TreeMove(TreeStep::Rows(rows)));
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let double = self.last_click.is_some_and(|(t, x, y)| {
                    now.duration_since(t) < super::input::DOUBLE_CLICK
                        && (x, y) == (m.column, m.row)
                });
                self.last_click = (!double).then_some((now, m.column, m.row));
                let Some(id) = self.tree_hit(m.column, m.row) else {
                    return;
                };
                self.session.apply(Command::TreeMove(TreeStep::Select(id)));
                if double {
                    self.session.apply(Command::TreeZoomIn);
                }
            }
            _ => {}
        }
    }

    /// The call path drawn at a cell of the last frame (a stub: its first
    /// merged path).
    fn tree_hit(&self, column: u16, row: u16) -> Option<crate::analysis::PathId> {
        let s = &self.tree_screen;
        let line = usize::from(row - s.area.y);
        if self.session.tree_view() == Some(TreeView::Flame) {
            let level = if s.flipped {
                s.flame_top + usize::from(s.area.height) - 1 - line
            } else {
                s.flame_top + line
            };
            s.layout.at(level, column - s.area.x).map(|b| b.id)
        } else {
            s.rows.get(s.offset + line).map(|r| r.id)
        }
    }

    /// Types `text` into the tree search (one search for all of it).
    pub(super) fn tree_type(&mut self, mut query: String, text: &str) {
        let room = QUERY_MAX.saturating_sub(query.chars().count());
        let before = query.len();
        query.extend(text.chars().filter(|c| !c.is_control()).take(room));
        if query.len() != before {
            self.session.apply(Command::TreeSearch(query.clone()));
        }
        self.mode = Mode::TreeSearch(query);
    }
}
