//! The explorer's state and the one place it changes: [`App::update`].
//!
//! Nothing here draws. The table cursor is a row, but every change that
//! rebuilds rows (sample type, sort, granularity, filters) first takes the
//! selected function's [`Identity`] and finds it again afterwards, so the
//! selection follows the function, not the row number.

use super::action::Action;
use super::filter_form::FilterForm;
use super::finder::Finder;
use super::history::History;
use super::keymap::{Context, Keymap};
use super::model::{Aggregate, Identity, TableOptions, View};
use super::theme::Theme;
use crate::analysis::order::SortKey;
use crate::analysis::{EdgeId, Filters, Granularity, Measure, NodeId};
use crate::profile::Profile;
use crate::report::Report;
use ratatui::layout::Rect;

/// The explorer's starting point (from the command line).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sample index shown first.
    pub sample_index: usize,
    /// Divide every value by sample value 0 (`--mean`).
    pub mean: bool,
    /// What one row stands for.
    pub granularity: Granularity,
    /// Active filters.
    pub filters: Filters,
    /// Row order.
    pub sort: SortKey,
    /// Keep inlined frames as functions of their own (pprof's default).
    pub inline_frames: bool,
    /// Row trimming and unit (no trimming by default).
    pub table: TableOptions,
    /// Colours.
    pub theme: Theme,
    /// The profile's file name, for the header.
    pub file_name: String,
}

impl Settings {
    /// pprof's defaults for `profile`, in colour.
    pub fn new(profile: &Profile, file_name: &str) -> Settings {
        Settings {
            sample_index: profile.default_sample_index(),
            mean: false,
            granularity: Granularity::Functions,
            filters: Filters::default(),
            sort: SortKey::Flat,
            inline_frames: true,
            table: TableOptions::default(),
            theme: Theme { color: true },
            file_name: file_name.to_string(),
        }
    }
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The top table.
    Table,
    /// Callers and callees of the selected function.
    Calls,
}

/// What is open over the panes.
pub enum Mode {
    /// Nothing: keys browse.
    Browse,
    /// The search prompt.
    Search(Box<Finder>),
    /// The filter pane.
    Filter(FilterForm),
    /// The help overlay, scrolled by this many lines.
    Help(u16),
}

/// Callers and callees of the current function, with the pane's cursor.
/// The cursor runs over callers, then the function itself, then callees.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    /// The function shown.
    pub node: Option<NodeId>,
    /// Edges into it, heaviest first.
    pub callers: Vec<EdgeId>,
    /// Edges out of it, heaviest first.
    pub callees: Vec<EdgeId>,
    /// Cursor position (see above).
    pub cursor: usize,
}

impl Calls {
    /// Number of cursor positions.
    pub fn len(&self) -> usize {
        self.callers.len() + 1 + self.callees.len()
    }

    /// Whether there is nothing to show (no function).
    pub fn is_empty(&self) -> bool {
        self.node.is_none()
    }

    /// Cursor position of the function itself.
    pub fn self_index(&self) -> usize {
        self.callers.len()
    }
}

/// The last search, for `n` and `N`.
#[derive(Debug, Clone)]
pub struct LastSearch {
    /// The query.
    pub query: String,
    /// Its matches, best first.
    pub matches: Vec<NodeId>,
    /// The match shown last.
    pub index: usize,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub error: bool,
}

/// Screen areas from the last frame, for the mouse and for page sizes.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    /// The table's rows.
    pub table: Rect,
    /// The callers/callees pane's lines.
    pub calls: Rect,
    /// For each line of `calls` on screen, the cursor position it shows.
    pub calls_lines: Vec<Option<usize>>,
}

/// The whole state of the explorer.
pub struct App<'p> {
    /// The profile explored.
    pub profile: &'p Profile,
    /// Keys to actions.
    pub keymap: Keymap,
    /// Colours.
    pub theme: Theme,
    /// The profile's file name.
    pub file_name: String,
    /// Base report per sample index (the total is computed once per type).
    reports: Vec<Report<'p>>,
    measures: Vec<Measure>,
    /// The sample index shown.
    pub k: usize,
    /// Row order.
    pub sort: SortKey,
    /// What one row stands for.
    pub granularity: Granularity,
    /// Active filters.
    pub filters: Filters,
    inline_frames: bool,
    table: TableOptions,
    /// Nodes and graph for the granularity and filters.
    pub agg: Aggregate,
    /// The table for the sample index and sort.
    pub view: View<'p>,
    /// Selected row of the table.
    pub cursor: usize,
    /// First row of the table on screen.
    pub offset: usize,
    /// The pane with the keyboard.
    pub focus: Pane,
    /// Set by jumps: the table scrolls the selection to its middle.
    pub center: bool,
    /// First line of the callers/callees pane on screen.
    pub calls_offset: usize,
    /// Callers and callees of the selected function.
    pub calls: Calls,
    /// Back and forward.
    pub history: History,
    /// What is open.
    pub mode: Mode,
    /// The last search.
    pub search: Option<LastSearch>,
    /// Status message, until the next action.
    pub message: Option<Message>,
    /// Areas of the last frame (written by the UI).
    pub areas: Areas,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Time and place of the last click, to see double clicks.
    pub(super) last_click: Option<(std::time::Instant, u16, u16)>,
}

impl<'p> App<'p> {
    /// Aggregates `profile` and opens the table as `settings` say.
    pub fn new(profile: &'p Profile, settings: Settings) -> App<'p> {
        let measures: Vec<Measure> = (0..profile.sample_types.len())
            .map(|index| Measure {
                index,
                mean: settings.mean,
            })
            .collect();
        let reports: Vec<Report<'p>> = measures.iter().map(|&m| Report::new(profile, m)).collect();
        let k = settings.sample_index.min(measures.len().saturating_sub(1));
        let agg = Aggregate::build(
            profile,
            &measures,
            settings.granularity,
            &settings.filters,
            settings.inline_frames,
        );
        let view = View::build(
            profile,
            &agg,
            &reports[k],
            k,
            settings.sort,
            &settings.table,
        );
        let mut app = App {
            profile,
            keymap: Keymap::default(),
            theme: settings.theme,
            file_name: settings.file_name,
            reports,
            measures,
            k,
            sort: settings.sort,
            granularity: settings.granularity,
            filters: settings.filters,
            inline_frames: settings.inline_frames,
            table: settings.table,
            agg,
            view,
            cursor: 0,
            offset: 0,
            focus: Pane::Table,
            center: false,
            calls_offset: 0,
            calls: Calls::default(),
            history: History::default(),
            mode: Mode::Browse,
            search: None,
            message: None,
            areas: Areas::default(),
            quit: false,
            last_click: None,
        };
        app.refresh_calls();
        app
    }

    /// The keymap context of what is open.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Browse => Context::Browse,
            Mode::Search(_) => Context::Search,
            Mode::Filter(_) => Context::Filter,
            Mode::Help(_) => Context::Help,
        }
    }

    /// The selected function.
    pub fn selected(&self) -> Option<NodeId> {
        self.view.rows.get(self.cursor).copied()
    }

    /// The printed name of `node`, escaped.
    pub fn name(&self, node: NodeId) -> &str {
        &self.agg.display[node as usize]
    }

    /// The name of `node` fitted in `max` cells (see [`names`]).
    pub fn short_name(&self, node: NodeId, max: usize) -> String {
        use crate::analysis::Granularity as G;
        match self.granularity {
            G::FileFunctions | G::Lines | G::Addresses => {
                super::names::shorten_located(self.name(node), max)
            }
            G::Functions | G::Files => super::names::shorten(self.name(node), max),
        }
    }

    /// Number of sample types.
    pub fn sample_types(&self) -> usize {
        self.measures.len()
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        self.message = None;
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Browse => self.browse(action),
            Mode::Search(finder) => self.search_prompt(finder, action),
            Mode::Filter(form) => self.filter_pane(form, action),
            Mode::Help(scroll) => self.help(scroll, action),
        }
    }

    fn browse(&mut self, action: Action) {
        let page = match self.focus {
            Pane::Table => self.areas.table.height.max(2) as isize - 1,
            Pane::Calls => self.areas.calls.height.max(2) as isize - 1,
        };
        match action {
            Action::Quit => self.quit = true,
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-page),
            Action::PageDown => self.move_cursor(page),
            Action::Home => self.move_cursor(isize::MIN / 2),
            Action::End => self.move_cursor(isize::MAX / 2),
            Action::FocusNext | Action::FocusPrev => {
                self.focus = match self.focus {
                    Pane::Table => Pane::Calls,
                    Pane::Calls => Pane::Table,
                }
            }
            Action::Close => self.focus = Pane::Table,
            Action::Enter => self.enter(),
            Action::Back => self.go_back(),
            Action::Forward => self.go_forward(),
            Action::NextSample => self.set_sample((self.k + 1) % self.measures.len().max(1)),
            Action::PrevSample => {
                let n = self.measures.len().max(1);
                self.set_sample((self.k + n - 1) % n)
            }
            Action::PickSample(i) if i < self.measures.len() => self.set_sample(i),
            Action::PickSample(i) => self.say_error(format!("there is no sample type {}", i + 1)),
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.rebuild_view();
                self.say(format!("sorted by {}", self.sort.name()));
            }
            Action::CycleGranularity => {
                self.granularity = self.granularity.next();
                self.rebuild_aggregate();
                self.say(format!("granularity: {}", self.granularity.name()));
            }
            Action::Search => self.mode = Mode::Search(Box::new(Finder::new(&self.view.rows))),
            Action::NextMatch => self.next_match(1),
            Action::PrevMatch => self.next_match(-1),
            Action::OpenFilter => self.mode = Mode::Filter(FilterForm::new(&self.filters)),
            Action::ClearFilters => {
                if self.filters.is_empty() {
                    self.say("no filters to clear".into());
                } else {
                    self.set_filters(Filters::default());
                    self.say("filters cleared".into());
                }
            }
            Action::Help => self.mode = Mode::Help(0),
            Action::Confirm | Action::Insert(_) | Action::Erase | Action::ClearField => {}
        }
    }

    fn search_prompt(&mut self, mut finder: Box<Finder>, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => finder.move_cursor(-1),
            Action::Down => finder.move_cursor(1),
            Action::PageUp => finder.move_cursor(-10),
            Action::PageDown => finder.move_cursor(10),
            Action::Insert(c) => {
                let query = format!("{}{c}", finder.query);
                finder.set_query(query, &self.agg, &self.view.rows);
            }
            Action::Erase | Action::ClearField => {
                let mut query = finder.query.clone();
                if action == Action::Erase {
                    query.pop();
                } else {
                    query.clear();
                }
                finder.set_query(query, &self.agg, &self.view.rows);
            }
            Action::Confirm => {
                match finder.chosen() {
                    Some(node) => {
                        let index = finder.cursor;
                        self.search = Some(LastSearch {
                            query: finder.query.clone(),
                            matches: finder.matches,
                            index,
                        });
                        self.jump_to(node);
                        self.say_match();
                    }
                    None => self.say_error(format!("no function matches {:?}", finder.query)),
                }
                return;
            }
            _ => {}
        }
        self.mode = Mode::Search(finder);
    }

    fn filter_pane(&mut self, mut form: FilterForm, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close => return,
            Action::Up => form.move_field(-1),
            Action::Down => form.move_field(1),
            Action::Insert(c) => form.insert(c),
            Action::Erase => form.erase(),
            Action::ClearField => form.clear_field(),
            Action::ClearFilters => {
                self.set_filters(Filters::default());
                self.say("filters cleared".into());
                return;
            }
            Action::Confirm => match form.compile(&self.filters) {
                Ok(filters) => {
                    self.set_filters(filters);
                    self.say(format!("filters applied: {} rows", self.view.rows.len()));
                    return;
                }
                Err(e) => form.error = Some(e.to_string()),
            },
            _ => {}
        }
        self.mode = Mode::Filter(form);
    }

    fn help(&mut self, scroll: u16, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Close | Action::Help => {}
            Action::Up => self.mode = Mode::Help(scroll.saturating_sub(1)),
            Action::Down => self.mode = Mode::Help(scroll.saturating_add(1)),
            _ => self.mode = Mode::Help(scroll),
        }
    }

    fn move_cursor(&mut self, delta: isize) {
        match self.focus {
            Pane::Table => {
                let last = self.view.rows.len().saturating_sub(1);
                self.cursor = self.cursor.saturating_add_signed(delta).min(last);
                self.refresh_calls();
            }
            Pane::Calls => {
                let last = self.calls.len().saturating_sub(1);
                self.calls.cursor = self.calls.cursor.saturating_add_signed(delta).min(last);
            }
        }
    }

    /// Moves the table cursor to `row` (mouse clicks).
    pub fn select_row(&mut self, row: usize) {
        if row < self.view.rows.len() {
            self.cursor = row;
            self.refresh_calls();
        }
    }

    /// Enter: from the table, step into the callers/callees pane (on the
    /// heaviest callee); from the pane, make the entry under its cursor the
    /// current function.
    fn enter(&mut self) {
        if self.calls.is_empty() {
            return;
        }
        match self.focus {
            Pane::Table => {
                self.focus = Pane::Calls;
                self.calls.cursor = self.first_callee();
            }
            Pane::Calls => {
                let c = &self.calls;
                let (g, _) = self.view.graph(&self.agg);
                let target = if c.cursor < c.callers.len() {
                    Some(g.edge(c.callers[c.cursor]).0)
                } else if c.cursor > c.self_index() {
                    Some(g.edge(c.callees[c.cursor - c.self_index() - 1]).1)
                } else {
                    None
                };
                match target {
                    Some(node) => {
                        self.jump_to(node);
                        self.calls.cursor = self.first_callee();
                    }
                    None => self.focus = Pane::Table,
                }
            }
        }
    }

    fn first_callee(&self) -> usize {
        if self.calls.callees.is_empty() {
            self.calls.self_index()
        } else {
            self.calls.self_index() + 1
        }
    }

    /// Makes `node` the selected function, recording the jump.
    fn jump_to(&mut self, node: NodeId) {
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
        self.center = true;
        self.refresh_calls();
    }

    fn go_back(&mut self) {
        let Some(current) = self.selected() else {
            return;
        };
        match self.history.back(Identity::of(&self.agg, current)) {
            Some(to) => self.restore(&to),
            None => self.say("nothing to go back to".into()),
        }
    }

    fn go_forward(&mut self) {
        let Some(current) = self.selected() else {
            return;
        };
        match self.history.forward(Identity::of(&self.agg, current)) {
            Some(to) => self.restore(&to),
            None => self.say("nothing to go forward to".into()),
        }
    }

    /// Selects the function `id` (or its nearest stand-in), keeping the
    /// calls pane's cursor on a sensible entry.
    fn restore(&mut self, id: &Identity) {
        match self.locate(id) {
            Some(row) => {
                self.cursor = row;
                self.center = true;
            }
            None => {
                self.cursor = self.cursor.min(self.view.rows.len().saturating_sub(1));
                self.say(format!(
                    "{} is not in this view",
                    crate::safe_text::escape(&id.name)
                ));
            }
        }
        self.refresh_calls();
        self.calls.cursor = self.first_callee();
    }

    /// The row of `id`: the same printed name, else the first row of the
    /// same function (granularity changed), else of the same file.
    fn locate(&self, id: &Identity) -> Option<usize> {
        if let Some(row) = self.agg.find(&id.name).and_then(|n| self.view.row_of(n)) {
            return Some(row);
        }
        let nodes = &self.agg.frames.nodes;
        let rows = &self.view.rows;
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

    fn set_sample(&mut self, k: usize) {
        self.k = k;
        self.rebuild_view();
    }

    fn set_filters(&mut self, filters: Filters) {
        self.filters = filters;
        self.rebuild_aggregate();
    }

    fn rebuild_aggregate(&mut self) {
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        self.agg = Aggregate::build(
            self.profile,
            &self.measures,
            self.granularity,
            &self.filters,
            self.inline_frames,
        );
        self.finish_rebuild(keep);
    }

    fn rebuild_view(&mut self) {
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        self.finish_rebuild(keep);
    }

    fn finish_rebuild(&mut self, keep: Option<Identity>) {
        let calls_cursor = self.calls.cursor;
        let old_node = self.calls.node;
        self.view = View::build(
            self.profile,
            &self.agg,
            &self.reports[self.k],
            self.k,
            self.sort,
            &self.table,
        );
        self.cursor = keep.as_ref().and_then(|id| self.locate(id)).unwrap_or(0);
        self.refresh_calls();
        if self.calls.node == old_node {
            self.calls.cursor = calls_cursor.min(self.calls.len().saturating_sub(1));
        }
        if let Some(search) = &self.search {
            // Node ids and rows changed: run the last search again.
            let mut finder = Finder::new(&self.view.rows);
            finder.set_query(search.query.clone(), &self.agg, &self.view.rows);
            self.search = Some(LastSearch {
                query: search.query.clone(),
                matches: finder.matches,
                index: 0,
            });
        }
    }

    /// Recomputes the callers/callees of the selected function if it changed.
    fn refresh_calls(&mut self) {
        let node = self.selected();
        if node == self.calls.node && node.is_some() {
            return;
        }
        self.calls = match node {
            Some(n) => {
                let (callers, callees) = self.view.calls(&self.agg, n);
                Calls {
                    node,
                    callers,
                    callees,
                    cursor: 0,
                }
            }
            None => Calls::default(),
        };
        self.calls.cursor = self.calls.self_index();
        self.calls_offset = 0;
    }

    fn next_match(&mut self, step: isize) {
        let Some(search) = &mut self.search else {
            self.say("no search yet: press / to search".into());
            return;
        };
        if search.matches.is_empty() {
            let q = search.query.clone();
            self.say_error(format!("no function matches {q:?}"));
            return;
        }
        let n = search.matches.len() as isize;
        search.index = (search.index as isize + step).rem_euclid(n) as usize;
        let node = search.matches[search.index];
        self.jump_to(node);
        self.say_match();
    }

    fn say_match(&mut self) {
        if let Some(s) = &self.search {
            let keys = format!(
                "{}/{}",
                self.keymap.keys_for(Context::Browse, Action::NextMatch),
                self.keymap.keys_for(Context::Browse, Action::PrevMatch)
            );
            let text = format!(
                "match {}/{} for {:?} · {keys} next/previous",
                s.index + 1,
                s.matches.len(),
                s.query
            );
            self.say(text);
        }
    }

    fn say(&mut self, text: String) {
        self.message = Some(Message { text, error: false });
    }

    fn say_error(&mut self, text: String) {
        self.message = Some(Message { text, error: true });
    }
}
