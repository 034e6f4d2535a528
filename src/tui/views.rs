//! What keys do in the source and tags views: moving through their rows,
//! `e` (the file at the line in the user's editor), Enter on a label value
//! (a tag focus), a sample type switch (the view computed again). The
//! session computes what they show; `ui::source` and `ui::tags` draw it.

use super::action::Action;
use super::app::{App, Mode};
use crate::explore::tags::TagRow;
use crate::explore::{Command, SourceRow};

/// The cursor and the first row on screen of a view; `None` until the
/// view's rows are known, when the cursor goes to where the view opens
/// (the hottest line; the first value) in the middle of the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    /// The row of the cursor.
    pub cursor: Option<usize>,
    /// The first row on screen.
    pub offset: usize,
}

impl Scroll {
    /// Moves the cursor by `delta` over `rows` rows.
    fn moved(self, delta: isize, rows: usize) -> Scroll {
        let cursor = self.cursor.unwrap_or(0) as isize;
        let last = rows.saturating_sub(1) as isize;
        Scroll {
            cursor: Some(cursor.saturating_add(delta).clamp(0, last.max(0)) as usize),
            ..self
        }
    }

    /// Keeps the cursor among `height` rows on screen (in the middle when
    /// it was just placed at `start`).
    pub fn keep_in_view(&mut self, rows: usize, height: usize, start: usize) {
        let height = height.max(1);
        let cursor = match self.cursor {
            Some(c) => c.min(rows.saturating_sub(1)),
            None => {
                self.offset = start.saturating_sub(height / 2);
                start.min(rows.saturating_sub(1))
            }
        };
        self.cursor = Some(cursor);
        if cursor < self.offset {
            self.offset = cursor;
        } else if cursor >= self.offset + height {
            self.offset = cursor + 1 - height;
        }
        self.offset = self.offset.min(rows.saturating_sub(height));
    }
}

impl App {
    /// The file and line the user asked to edit, once: the event loop runs
    /// the editor.
    pub fn take_edit(&mut self) -> Option<(std::path::PathBuf, i64)> {
        self.edit.take()
    }

    /// After the editor ran (`e`): its failure said, or the source read
    /// again (the file may have changed), the cursor kept.
    pub fn edited(&mut self, result: Result<(), super::terminal::EditError>) {
        match result {
            Err(e) => self.session.say_error(e.to_string()),
            Ok(()) if matches!(self.mode, Mode::Source(_)) => {
                self.session.apply(Command::OpenSource);
            }
            Ok(()) => {}
        }
    }

    /// The rows of the open view's list, 0 while it has none.
    fn view_rows(&self, tags: bool) -> usize {
        match tags {
            true => match self.session.tags() {
                Some(Ok(view)) => view.rows.len(),
                _ => 0,
            },
            false => match self.session.source_listing() {
                Some(Ok(listing)) => listing.rows.len(),
                _ => 0,
            },
        }
    }

    /// A key in a view: returns the scroll kept (`None`: the view closed).
    fn view_keys(&mut self, scroll: Scroll, action: Action, tags: bool) -> Option<Scroll> {
        let rows = self.view_rows(tags);
        let page = self.areas.view.height.max(2) as isize - 1;
        let (open, close) = match tags {
            true => (Command::OpenTags, Command::CloseTags),
            false => (Command::OpenSource, Command::CloseSource),
        };
        match action {
            Action::Quit => {
                self.quit = true;
                None
            }
            // Nothing to move over yet (the listing is being computed):
            // the view still opens where it should.
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
                if rows == 0 =>
            {
                Some(scroll)
            }
            Action::Close => {
                self.session.apply(close);
                None
            }
            Action::Up => Some(scroll.moved(-1, rows)),
            Action::Down => Some(scroll.moved(1, rows)),
            Action::PageUp => Some(scroll.moved(-page, rows)),
            Action::PageDown => Some(scroll.moved(page, rows)),
            Action::Home => Some(scroll.moved(isize::MIN / 2, rows)),
            Action::End => Some(scroll.moved(isize::MAX / 2, rows)),
            Action::NextSample | Action::PrevSample => {
                self.session.apply(match action {
                    Action::NextSample => Command::NextSample,
                    _ => Command::PrevSample,
                });
                self.session.apply(open);
                Some(Scroll::default())
            }
            _ => Some(scroll),
        }
    }

    /// A key in the source view.
    pub(super) fn source_view(&mut self, scroll: Scroll, action: Action) {
        if action == Action::Edit {
            self.edit_at(scroll);
            self.mode = Mode::Source(scroll);
            return;
        }
        if let Some(scroll) = self.view_keys(scroll, action, false) {
            self.mode = Mode::Source(scroll);
        }
    }

    /// `e`: the line under the cursor (or the first line of the routine
    /// under it) in the user's editor.
    fn edit_at(&mut self, scroll: Scroll) {
        let Some(Ok(listing)) = self.session.source_listing() else {
            self.session.say_error("no source to edit".into());
            return;
        };
        let from = scroll.cursor.unwrap_or(listing.start);
        // On a routine's header: its first line.
        let line = match listing.rows.get(from) {
            Some(SourceRow::Routine { .. }) => listing.rows.get(from + 1),
            row => row,
        };
        let line = match line {
            Some(SourceRow::Line(line)) if !line.path.as_os_str().is_empty() => Some(line),
            _ => None,
        };
        match line {
            Some(line) => self.edit = Some((line.path.clone(), line.number)),
            None => self.session.say_error("no source file here to edit".into()),
        }
    }

    /// A key in the tags view.
    pub(super) fn tags_view(&mut self, scroll: Scroll, action: Action) {
        if action == Action::Confirm {
            let chosen = match self.session.tags() {
                Some(Ok(view)) => scroll.cursor.and_then(|c| view.rows.get(c)).cloned(),
                _ => None,
            };
            match chosen {
                Some(TagRow::Value { key, value, .. }) => {
                    // The session closes the view when the focus is set.
                    self.session.apply(Command::FocusTag { key, value });
                    if self.session.tags().is_some() {
                        self.mode = Mode::Tags(scroll);
                    }
                }
                _ => {
                    self.session.say("choose a value of the key".into());
                    self.mode = Mode::Tags(scroll);
                }
            }
            return;
        }
        if let Some(scroll) = self.view_keys(scroll, action, true) {
            self.mode = Mode::Tags(scroll);
        }
    }
}
