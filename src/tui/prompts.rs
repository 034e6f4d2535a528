//! The search prompt and the filter pane: what their keys do, and `n`/`N`
//! over the last search.

use super::action::Action;
use super::app::{App, LastSearch, Mode, SLICE, Waiting};
use super::filter_form::FilterForm;
use super::keymap::Context;
use crate::analysis::Filters;
use crate::explore::finder::Finder;
use std::time::Instant;

impl App<'_> {
    pub(super) fn search_prompt(&mut self, mut finder: Box<Finder>, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => finder.move_cursor(-1),
            Action::Down => finder.move_cursor(1),
            Action::PageUp => finder.move_cursor(-10),
            Action::PageDown => finder.move_cursor(10),
            Action::Insert(_) | Action::Erase | Action::ClearField => {
                let mut query = finder.query.clone();
                match action {
                    Action::Insert(c) => query.push(c),
                    Action::Erase => drop(query.pop()),
                    _ => query.clear(),
                }
                finder.set_query(query);
                // Scored now, or in slices between frames with a worker.
                let deadline = self.worker.as_ref().map(|_| Instant::now() + SLICE);
                finder.advance(self.agg.display(), deadline);
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

    pub(super) fn filter_pane(&mut self, mut form: FilterForm, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => form.move_field(-1),
            Action::Down => form.move_field(1),
            Action::Insert(c) => {
                form.insert(c);
                self.schedule_ahead();
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
