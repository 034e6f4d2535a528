//! Terminal events to actions: keys through the keymap, pastes, and the
//! mouse.
//!
//! Events come in batches (what arrived since the last frame, see
//! [`drain`](super::event::drain)): C-c in a batch quits at once, whatever
//! came before it, and characters typed into a prompt faster than frames
//! are drawn, like a bracketed paste, are one edit. A flood of input (a
//! paste of ten thousand characters, a held key) is then a few edits and a
//! few frames, not ten thousand of each.
//!
//! The mouse needs to know what is where on screen; the frame's
//! preparation records the areas in [`App::areas`](super::app::App::areas).

use super::action::Action;
use super::app::{App, Mode, Pane};
use super::keymap::Context;
use crate::explore::Command;
use crossterm::event::{
    Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use std::time::{Duration, Instant};

/// Two clicks on the same cell closer than this are a double click.
pub(super) const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Rows one wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

/// Whether `event` is C-c, which quits from anywhere.
fn is_ctrl_c(event: &Event) -> bool {
    matches!(event, Event::Key(key)
        if key.kind != KeyEventKind::Release
            && key.code == KeyCode::Char('c')
            && key.modifiers.contains(KeyModifiers::CONTROL))
}

impl App {
    /// Handles the events that arrived together, in order, at `now`: C-c
    /// among them quits at once; runs of characters typed into a prompt are
    /// one edit.
    pub fn handle_events(&mut self, batch: &[Event], now: Instant) {
        if batch.iter().any(is_ctrl_c) {
            self.quit = true;
            return;
        }
        let mut i = 0;
        while i < batch.len() && !self.quit {
            let typed = self.typed_run(&batch[i..]);
            if typed.chars().nth(1).is_some() {
                i += typed.chars().count();
                self.insert_text(&typed);
            } else {
                self.handle_event(&batch[i], now);
                i += 1;
            }
        }
    }

    /// The characters at the start of `events` that the open prompt would
    /// type one by one (empty outside a prompt).
    fn typed_run(&self, events: &[Event]) -> String {
        let context = self.context();
        if !matches!(context, Context::Search | Context::Filter | Context::Save) {
            return String::new();
        }
        events
            .iter()
            .map_while(|event| match event {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    match self.keymap.action(context, key) {
                        Some(Action::Insert(c)) => Some(c),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    }
    /// Handles one terminal event that arrived at `now`.
    pub fn handle_event(&mut self, event: &Event, now: Instant) {
        match event {
            Event::Paste(text) => self.insert_text(text),
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                // C-z in raw mode is a key, not SIGTSTP: stop as a shell
                // would (the terminal is given back first, and taken again
                // on fg), from anywhere.
                if key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL) {
                    super::terminal::suspend();
                    return;
                }
                if let Some(action) = self.keymap.action(self.context(), key) {
                    self.update(action);
                }
            }
            Event::Mouse(mouse) if matches!(self.mode, Mode::Browse) => self.mouse(mouse, now),
            _ => {}
        }
    }

    fn mouse(&mut self, m: &MouseEvent, now: Instant) {
        if self.session.tree_view().is_some() {
            self.tree_mouse(m, now);
            return;
        }
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
