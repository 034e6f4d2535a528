//! The search prompt and the filter pane: what their keys do, and `n`/`N`
//! over the last search.

use super::action::Action;
use super::app::{App, LastSearch, Mode, SLICE, Waiting};
use super::filter_form::FilterForm;
use super::finder::Finder;
use super::keymap::Context;
use crate::analysis::Filters;
use std::time::Instant;

/// The longest search query, in characters. Function names are shorter;
/// and a query of thousands of characters (a paste gone wrong, a key held
/// down) made every keystroke cost more than the last.
pub const QUERY_MAX: usize = 256;

/// The longest filter pattern, in characters.
pub const PATTERN_MAX: usize = 1024;

impl App<'_> {
    pub(super) fn search_prompt(&mut self, mut finder: Box<Finder>, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => finder.move_cursor(-1),
            Action::Down => finder.move_cursor(1),
            Action::PageUp => finder.move_cursor(-10),
            Action::PageDown => finder.move_cursor(10),
            Action::Insert(c) => self.type_query(&mut finder, &c.to_string()),
            Action::Erase | Action::ClearField => {
                let mut query = finder.query.clone();
                match action {
                    Action::Erase => drop(query.pop()),
                    _ => query.clear(),
                }
                self.set_query(&mut finder, query);
            }
            Action::Confirm => {
                finder.finish(self.agg.display());
                match finder.chosen() {
                    Some(node) => {
                        let index = finder.cursor;
                        let query = finder.query.clone();
                        self.search = Some(LastSearch::new(query, finder.matches, index));
                        self.jump_to(node);
                        self.say_match();
                    }
                    None => self.say_error(format!("no function matches \"{}\"", finder.query)),
                }
                return;
            }
            _ => {}
        }
        self.mode = Mode::Search(finder);
    }

    /// Types `text` into the search query as one edit (scored once), up to
    /// [`QUERY_MAX`] characters; control characters are left out.
    fn type_query(&mut self, finder: &mut Finder, text: &str) {
        let mut query = finder.query.clone();
        let room = QUERY_MAX.saturating_sub(query.chars().count());
        let mut typed = text.chars().filter(|c| !c.is_control());
        query.extend(typed.by_ref().take(room));
        if typed.next().is_some() {
            self.say_error(format!("a search is at most {QUERY_MAX} characters"));
        }
        if query != finder.query {
            self.set_query(finder, query);
        }
    }

    fn set_query(&mut self, finder: &mut Finder, query: String) {
        finder.set_query(query);
        // Scored now, or in slices between frames with a worker.
        let deadline = self.worker.as_ref().map(|_| Instant::now() + SLICE);
        finder.advance(self.agg.display(), deadline);
    }

    /// Text typed faster than frames are drawn, or pasted (bracketed
    /// paste): one edit of the open prompt, instead of one per character
    /// (a search scored thousands of times). Outside a prompt a paste does
    /// nothing: pasted text is not a string of commands.
    pub(super) fn insert_text(&mut self, text: &str) {
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Search(mut finder) => {
                self.type_query(&mut finder, text);
                self.mode = Mode::Search(finder);
            }
            mode @ (Mode::Filter(_) | Mode::Save(_)) => {
                self.mode = mode;
                for c in text.chars().filter(|c| !c.is_control()) {
                    self.update(Action::Insert(c));
                }
            }
            mode => self.mode = mode,
        }
    }

    pub(super) fn filter_pane(&mut self, mut form: FilterForm, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => form.move_field(-1),
            Action::Down => form.move_field(1),
            Action::Insert(c) => {
                if form.values[form.field].chars().count() < PATTERN_MAX {
                    form.insert(c);
                    self.schedule_ahead();
                } else {
                    form.error = Some(format!("a pattern is at most {PATTERN_MAX} characters"));
                }
            }
            Action::Erase => {
                form.erase();
                self.schedule_ahead();
            }
            Action::ClearField => {
                form.clear_field();
                self.schedule_ahead();
            }
            Action::ClearFilters => {
                self.set_filters(Filters::default(), Waiting::Cleared);
                return;
            }
            Action::Confirm => match form.compile(&self.filters) {
                Ok(filters) => {
                    self.set_filters(filters, Waiting::Filters);
                    return;
                }
                Err(e) => form.error = Some(e.to_string()),
            },
            _ => {}
        }
        self.mode = Mode::Filter(form);
    }

    pub(super) fn next_match(&mut self, step: isize) {
        let Some(search) = &mut self.search else {
            self.say("no search yet: press / to search".into());
            return;
        };
        if let Some(mut finder) = search.rescan.take() {
            finder.finish(self.agg.display());
            search.matches = finder.matches;
        }
        // Matches are kept across sample types and sorts: skip those that
        // this table does not show.
        let n = search.matches.len() as isize;
        let view = &self.view;
        let found = (1..=n).find_map(|i| {
            let index = (search.index as isize + i * step).rem_euclid(n) as usize;
            let node = search.matches[index];
            view.row_of(node).map(|_| (index, node))
        });
        let Some((index, node)) = found else {
            let q = search.query.clone();
            self.say_error(format!("no function matches \"{q}\""));
            return;
        };
        search.index = index;
        self.jump_to(node);
        self.say_match();
    }

    pub(super) fn say_match(&mut self) {
        if let Some(s) = &self.search {
            let keys = format!(
                "{}/{}",
                self.keymap.keys_for(Context::Browse, Action::NextMatch),
                self.keymap.keys_for(Context::Browse, Action::PrevMatch)
            );
            let text = format!(
                "match {}/{} for \"{}\" · {keys} next/previous",
                s.index + 1,
                s.matches.len(),
                s.query
            );
            self.say(text);
        }
    }
}
