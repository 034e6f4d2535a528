//! Terminal events to actions: keys through the keymap, and the mouse.
//!
//! The mouse needs to know what is where on screen; the frame's
//! preparation records the areas in [`App::areas`](super::app::App::areas).

use super::action::Action;
use super::app::{App, Mode, Pane};
use crate::explore::Command;
use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::time::{Duration, Instant};

/// Two clicks on the same cell closer than this are a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Rows one wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

impl App {
    /// Handles one terminal event that arrived at `now`.
    pub fn handle_event(&mut self, event: &Event, now: Instant) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(action) = self.keymap.action(self.context(), key) {
                    self.update(action);
                }
            }
            Event::Mouse(mouse) if matches!(self.mode, Mode::Browse) => self.mouse(mouse, now),
            _ => {}
        }
    }

    fn mouse(&mut self, m: &MouseEvent, now: Instant) {
        let at = Position::new(m.column, m.row);
        let inside = |r: Rect| r.contains(at);
        let pane = if inside(self.areas.table) {
            Pane::Table
        } else if inside(self.areas.calls) {
            Pane::Calls
        } else {
            return;
        };
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let step = if m.kind == MouseEventKind::ScrollUp {
                    -WHEEL_ROWS
                } else {
                    WHEEL_ROWS
                };
                let focus = self.focus;
                self.focus = pane;
                for _ in 0..step.abs() {
                    self.update(if step < 0 { Action::Up } else { Action::Down });
                }
                self.focus = focus;
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let double = self.last_click.is_some_and(|(t, x, y)| {
                    now.duration_since(t) < DOUBLE_CLICK && (x, y) == (m.column, m.row)
                });
                self.last_click = if double {
                    None
                } else {
                    Some((now, m.column, m.row))
                };
                self.focus = pane;
                let hit = match pane {
                    Pane::Table => {
                        let row = self.offset + (m.row - self.areas.table.y) as usize;
                        let ok = row < self.session.row_count();
                        self.session.apply(Command::SelectRow(row));
                        ok
                    }
                    Pane::Calls => {
                        let line = (m.row - self.areas.calls.y) as usize;
                        match self.areas.calls_lines.get(line).copied().flatten() {
                            Some(pos) => {
                                self.session.apply(Command::SelectCall(pos));
                                true
                            }
                            None => false,
                        }
                    }
                };
                if double && hit {
                    self.update(Action::Enter);
                }
            }
            _ => {}
        }
    }
}
