//! What keys do in the prompts: the search prompt (the query; the session
//! searches), the filter pane (the form; the session applies what it
//! compiles to) and the save prompt (the path; the bytes are the
//! session's).

use super::action::Action;
use super::app::{App, Mode};
use super::filter_form::FilterForm;
use crate::explore::Command;
use std::path::Path;

/// The longest search query, in characters. Function names are shorter;
/// and a query of thousands of characters (a paste gone wrong, a key held
/// down) made every keystroke cost more than the last.
pub const QUERY_MAX: usize = 256;

/// The longest filter pattern, in characters.
pub const PATTERN_MAX: usize = 1024;

/// The save prompt: the path being typed.
#[derive(Debug, Clone)]
pub struct SavePrompt {
    /// The path.
    pub path: String,
    /// The file exists and the user was told: Enter again overwrites.
    pub(super) overwrite: bool,
}

impl App {
    pub(super) fn search_prompt(&mut self, mut query: String, action: Action) {
        let command = match action {
            Action::Quit => {
                self.quit = true;
                None
            }
            Action::Close => {
                self.session.apply(Command::CloseSearch);
                return;
            }
            Action::Up => Some(Command::ChooseMatch(-1)),
            Action::Down => Some(Command::ChooseMatch(1)),
            Action::PageUp => Some(Command::ChooseMatch(-10)),
            Action::PageDown => Some(Command::ChooseMatch(10)),
            Action::Insert(c) => {
                self.type_query(&mut query, &c.to_string());
                None
            }
            Action::Erase => {
                query.pop();
                Some(Command::Search(query.clone()))
            }
            Action::ClearField => {
                query.clear();
                Some(Command::Search(query.clone()))
            }
            Action::Confirm => {
                self.session.apply(Command::JumpToMatch);
                return;
            }
            _ => None,
        };
        if let Some(command) = command {
            self.session.apply(command);
        }
        self.mode = Mode::Search(query);
    }

    /// Types `text` into the search query as one edit (scored once), up to
    /// [`QUERY_MAX`] characters; control characters are left out.
    fn type_query(&mut self, query: &mut String, text: &str) {
        let before = query.len();
        let room = QUERY_MAX.saturating_sub(query.chars().count());
        let mut typed = text.chars().filter(|c| !c.is_control());
        query.extend(typed.by_ref().take(room));
        if typed.next().is_some() {
            self.session
                .say_error(format!("a search is at most {QUERY_MAX} characters"));
        }
        if query.len() != before {
            self.session.apply(Command::Search(query.clone()));
        }
    }

    /// Text typed faster than frames are drawn, or pasted (bracketed
    /// paste): one edit of the open prompt, instead of one per character
    /// (a search scored thousands of times). Outside a prompt a paste does
    /// nothing: pasted text is not a string of commands.
    pub(super) fn insert_text(&mut self, text: &str) {
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Search(mut query) => {
                self.type_query(&mut query, text);
                self.mode = Mode::Search(query);
            }
            Mode::TreeSearch(query) => self.tree_type(query, text),
            mode @ (Mode::Filter(_) | Mode::Save(_)) => {
                self.mode = mode;
                for c in text.chars().filter(|c| !c.is_control()) {
                    self.update(Action::Insert(c));
                }
            }
            mode => self.mode = mode,
        }
    }

    pub(super) fn filter_pane(&mut self, mut form: Box<FilterForm>, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => {
                self.session.apply(Command::FiltersTyped(None));
                return;
            }
            Action::Up => form.move_field(-1),
            Action::Down => form.move_field(1),
            Action::Insert(_) if form.values[form.field].chars().count() >= PATTERN_MAX => {
                form.error = Some(format!("a pattern is at most {PATTERN_MAX} characters"));
            }
            Action::Insert(_) | Action::Erase | Action::ClearField => {
                match action {
                    Action::Insert(c) => form.insert(c),
                    Action::Erase => form.erase(),
                    _ => form.clear_field(),
                }
                let typed = form.compile(self.session.profile()).ok().map(Box::new);
                self.session.apply(Command::FiltersTyped(typed));
            }
            Action::ClearFilters => {
                // Every field emptied, the pane kept open: Enter applies
                // (no filters), Esc leaves the filters as they were.
                form.clear_all();
                let typed = form.compile(self.session.profile()).ok().map(Box::new);
                self.session.apply(Command::FiltersTyped(typed));
            }
            Action::Confirm => match form.compile(self.session.profile()) {
                Ok(filters) => {
                    self.session.apply(Command::ApplyFilters(Box::new(filters)));
                    return;
                }
                Err(e) => form.error = Some(e.to_string()),
            },
            _ => {}
        }
        self.mode = Mode::Filter(form);
    }

    pub(super) fn open_save(&mut self) {
        if self.session.source().bytes.is_none() {
            self.session.say_error("no profile bytes to save".into());
            return;
        }
        let stem = &self.session.source().save_stem;
        let mut path = format!("{stem}.pb.gz");
        let mut n = 1;
        while Path::new(&path).exists() {
            path = format!("{stem}.{n}.pb.gz");
            n += 1;
        }
        self.mode = Mode::Save(SavePrompt {
            path,
            overwrite: false,
        });
    }

    pub(super) fn save_prompt(&mut self, mut prompt: SavePrompt, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Insert(c) => {
                prompt.path.push(c);
                prompt.overwrite = false;
            }
            Action::Erase => {
                prompt.path.pop();
                prompt.overwrite = false;
            }
            Action::ClearField => {
                prompt.path.clear();
                prompt.overwrite = false;
            }
            Action::Confirm => {
                let path = prompt.path.clone();
                let s = &mut self.session;
                if path.is_empty() {
                    s.say_error("type a file name".into());
                } else if Path::new(&path).is_dir() {
                    s.say_error(format!("{path} is a directory"));
                } else if Path::new(&path).exists() && !prompt.overwrite {
                    prompt.overwrite = true;
                    s.say_error(format!(
                        "{path} exists: Enter again to overwrite it, Esc to cancel"
                    ));
                } else if let Some(bytes) = s.source().bytes.clone() {
                    match crate::fetch::save(&path, &bytes) {
                        Ok(()) => {
                            s.say(format!(
                                "saved the profile in {path} ({} bytes)",
                                bytes.len()
                            ));
                            return;
                        }
                        Err(e) => s.say_error(format!("saving to {path}: {e}")),
                    }
                }
            }
            _ => {}
        }
        self.mode = Mode::Save(prompt);
    }
}
