//! The explorer's state and the one place it changes: [`App::update`].
//!
//! Nothing here draws. The table cursor is a row, but every change that
//! rebuilds rows (sample type, sort, granularity, filters) first takes the
//! selected function's [`Identity`](crate::explore::Identity) and finds it again afterwards, so the
//! selection follows the function, not the row number.

use super::action::Action;
use super::filter_form::FilterForm;
use super::keymap::{Context, Keymap};
use super::refresh::{FetchState, SavePrompt};
use super::theme::Theme;
use crate::analysis::order::SortKey;
use crate::analysis::{Filters, Granularity, Measure, NodeId};
use crate::explore::Calls;
use crate::explore::TableOptions;
use crate::explore::finder::Finder;
use crate::explore::history::History;
use crate::explore::worker::{self, Worker};
use crate::explore::{Aggregate, View};
use crate::profile::Profile;
use crate::report::Report;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

/// How long the UI thread works at most between two looks at the keyboard
/// (search scans, building a table in advance).
pub const SLICE: Duration = Duration::from_millis(8);

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
    /// The save prompt.
    Save(SavePrompt),
}

/// The last search, for `n` and `N`.
pub struct LastSearch {
    /// The query.
    pub query: String,
    /// Its matches, best first.
    pub matches: Vec<NodeId>,
    /// The match shown last.
    pub index: usize,
    /// After the nodes were rebuilt: the search again, while it runs.
    pub(super) rescan: Option<Box<Finder>>,
}

/// A switch to the table of another sample index or sort, waiting for the
/// worker to build it (the table shown stays until then).
pub(super) struct Pending {
    pub(super) k: usize,
    pub(super) sort: SortKey,
    /// The status line said meanwhile, and what to say once switched.
    pub(super) text: String,
    pub(super) done: Option<String>,
}

/// What a new aggregate being computed was asked for: said when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Waiting {
    /// Filters applied from the filter pane.
    Filters,
    /// Filters cleared.
    Cleared,
    /// Another granularity.
    Granularity,
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
    pub(super) reports: Vec<Report<'p>>,
    pub(super) measures: Vec<Measure>,
    /// The sample index shown.
    pub k: usize,
    /// Row order.
    pub sort: SortKey,
    /// What one row stands for.
    pub granularity: Granularity,
    /// Active filters.
    pub filters: Filters,
    pub(super) inline_frames: bool,
    pub(super) table: TableOptions,
    /// Nodes and graph for the granularity and filters.
    pub agg: Aggregate,
    /// The table for the sample index and sort.
    pub view: View<'p>,
    /// Tables built for the aggregate, by sample index and sort (the one
    /// shown is in `view`, its slot empty).
    pub(super) views: Vec<Option<View<'p>>>,
    /// The worker thread computing aggregates, when there is one.
    pub(super) worker: Option<Worker>,
    /// Counts aggregate requests: results of older ones are dropped.
    pub(super) generation: u64,
    /// Rows on screen whose inline marks are still to be asked of the
    /// worker, and whether a request is out.
    pub(super) marks_wanted: Vec<NodeId>,
    pub(super) marks_asked: bool,
    /// The slot of `views` whose table the worker is building.
    pub(super) table_asked: Option<usize>,
    /// A switch of table waiting for the worker to build it.
    pub(super) pending: Option<Pending>,
    /// Whether the worker is computing the selected function's calls.
    pub(super) calls_asked: bool,
    /// Whether the worker was asked to prepare for a focus filter on the
    /// aggregate shown.
    pub(super) prepare_asked: bool,
    /// A new aggregate is being computed (the worker has it).
    pub(super) waiting: Option<Waiting>,
    /// When the filters typed in the filter pane are to be summed ahead
    /// (the typing has paused by then).
    pub(super) ahead_due: Option<Instant>,
    /// When the aggregate being computed was asked for, and how long the
    /// last one took the worker (see [`App::schedule_ahead`]).
    pub(super) aggregate_asked: Option<Instant>,
    pub(super) aggregate_took: Duration,
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
    /// Where the profile came from, when, and the last refresh's error.
    pub fetch: FetchState,
}

impl<'p> App<'p> {
    /// Aggregates `profile` and opens the table as `settings` say; the
    /// call graph is complete (callers, callees) and every action that
    /// recomputes does it before it returns. What tests use.
    pub fn new(profile: &'p Profile, settings: Settings) -> App<'p> {
        App::with_aggregate(profile, settings, Aggregate::build)
    }

    /// Like [`App::new`], but only the table's numbers are computed (several
    /// times sooner on big profiles): callers and callees follow from a
    /// worker, once [`App::with_worker`] runs one, or from
    /// [`App::wait_idle`]. What the explorer opens with.
    pub fn new_interactive(profile: &'p Profile, settings: Settings) -> App<'p> {
        App::with_aggregate(profile, settings, Aggregate::quick)
    }

    /// [`App::new_interactive`] with pprof's defaults for `profile`, no
    /// colour: for benchmarks.
    pub fn new_for_bench(profile: &'p Profile) -> App<'p> {
        let mut settings = Settings::new(profile, "bench.pb.gz");
        settings.theme = Theme { color: false };
        App::new_interactive(profile, settings)
    }

    pub(super) fn with_aggregate(
        profile: &'p Profile,
        settings: Settings,
        aggregate: impl FnOnce(&Profile, &[Measure], Granularity, &Filters, bool) -> Aggregate,
    ) -> App<'p> {
        let measures: Vec<Measure> = (0..profile.sample_types.len())
            .map(|index| Measure {
                index,
                mean: settings.mean,
            })
            .collect();
        let reports: Vec<Report<'p>> = measures.iter().map(|&m| Report::new(profile, m)).collect();
        let k = settings.sample_index.min(measures.len().saturating_sub(1));
        let agg = aggregate(
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
            views: Vec::new(),
            worker: None,
            generation: 0,
            marks_wanted: Vec::new(),
            marks_asked: false,
            table_asked: None,
            pending: None,
            calls_asked: false,
            prepare_asked: false,
            waiting: None,
            ahead_due: None,
            aggregate_asked: None,
            aggregate_took: Duration::ZERO,
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
            fetch: FetchState::default(),
        };
        app.fetch.save_stem = super::refresh::save_stem(&app.file_name);
        app.views = app.empty_views();
        app.refresh_calls();
        app
    }

    /// Runs `f` with a worker thread that computes aggregates (filters,
    /// granularity, the call graph's edges) while the UI goes on: actions
    /// return at once and [`App::tick`] takes the results in. Search scans
    /// are done in slices by `tick` too. The worker is stopped when `f`
    /// returns (after the step it is in).
    pub fn with_worker<R>(&mut self, f: impl FnOnce(&mut App<'p>) -> R) -> R {
        let profile = self.profile;
        std::thread::scope(|scope| {
            scope.spawn(self.attach_worker(profile));
            // The worker stops when its job sender is dropped, and the scope
            // waits for it: drop the sender on a panic too.
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
            self.worker = None;
            out.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// Starts a worker thread that shares `profile` (the one explored):
    /// like [`App::with_worker`], but nothing waits for the worker when the
    /// app is dropped; it ends after the step it is in.
    pub fn start_worker(&mut self, profile: Arc<Profile>) {
        assert!(
            std::ptr::eq(&*profile, self.profile),
            "the worker computes on the profile explored"
        );
        std::thread::spawn(self.attach_worker(profile));
    }

    /// Connects the app to a new worker (and asks it for the call graph's
    /// edges); returns the worker's loop, for the caller to run on a thread.
    fn attach_worker<P>(&mut self, profile: P) -> impl FnOnce() + Send + use<P>
    where
        P: std::ops::Deref<Target = Profile> + Send,
    {
        let (jobs, job_queue) = std::sync::mpsc::channel();
        let (results, done) = std::sync::mpsc::channel();
        let latest = Arc::new(AtomicU64::new(self.generation));
        let working = Arc::new(AtomicBool::new(false));
        let (l, w) = (Arc::clone(&latest), Arc::clone(&working));
        self.worker = Some(Worker {
            jobs,
            done,
            latest,
            working,
        });
        self.request_edges();
        self.request_columns();
        move || worker::serve(profile, job_queue, results, l, w)
    }

    /// Takes in what is ready and works for the UI until `deadline`: the
    /// worker's results, a slice of a search scan; asks the worker for a
    /// table built in advance. Returns whether anything shown may have
    /// changed ([`App::busy`] says whether work remains).
    pub fn tick(&mut self, deadline: Instant) -> bool {
        self.request_ahead(Instant::now());
        let arrived = self.receive();
        self.request_calls();
        self.request_marks();
        self.request_table();
        if arrived {
            // What arrived is drawn first: a slice of search comes after.
            return true;
        }
        if let Mode::Search(finder) = &mut self.mode
            && finder.searching()
        {
            finder.advance(self.agg.display(), Some(deadline));
            return true;
        }
        if let Some(search) = &mut self.search
            && let Some(finder) = &mut search.rescan
        {
            if finder.advance(self.agg.display(), Some(deadline)) {
                search.matches = std::mem::take(&mut finder.matches);
                search.rescan = None;
            }
            return true;
        }
        false
    }

    /// Whether anything is still being computed or scanned.
    pub fn busy(&self) -> bool {
        let searching = matches!(&self.mode, Mode::Search(f) if f.searching());
        let rescanning = self.search.as_ref().is_some_and(|s| s.rescan.is_some());
        let in_advance = self.worker.is_some() && self.views_missing();
        self.awaits_worker()
            || !self.marks_wanted.is_empty()
            || searching
            || rescanning
            || in_advance
    }

    /// When the filters being typed are to be summed ahead: the event loop
    /// wakes up then for [`App::tick`].
    pub fn ahead_due(&self) -> Option<Instant> {
        self.ahead_due
    }

    /// Whether a result of the worker is due: the event loop then looks
    /// for it often, so that it shows as soon as it is there.
    pub fn awaits_worker(&self) -> bool {
        self.waiting.is_some()
            || (self.worker.is_some() && (!self.agg.complete || self.agg.only_column.is_some()))
            || self.marks_asked
            || self.table_asked.is_some()
            || self.pending.is_some()
            || self.calls_asked
            || self.calls_wanted()
    }

    /// Whether the worker is in the middle of a job (which cannot be
    /// interrupted: leaving [`App::with_worker`] waits for its end).
    pub fn worker_working(&self) -> bool {
        self.worker.as_ref().is_some_and(Worker::working)
    }

    /// Whether a table for new filters or granularity is being computed
    /// (the one shown is the previous).
    pub fn waiting_for_table(&self) -> bool {
        self.waiting.is_some()
    }

    /// Whether callers and callees of the table shown are still being
    /// computed.
    pub fn waiting_for_edges(&self) -> bool {
        !self.view.has_edges(&self.agg)
    }

    /// Waits until everything asked for is computed: with a worker, for its
    /// results; without, computing what is missing here.
    pub fn wait_idle(&mut self) {
        if self.worker.is_none() && !self.agg.complete {
            let graph = self.agg.edges(self.profile);
            self.edges_arrived(graph);
        }
        if self.worker.is_none()
            && let Some(graph) = self.agg.all_columns()
        {
            self.columns_arrived(graph);
        }
        while self.busy() {
            // The tick asks for what is missing, then what was asked for
            // is waited for.
            self.tick(Instant::now() + Duration::from_secs(3600));
            let asked = self.waiting.is_some()
                || !self.agg.complete
                || self.agg.only_column.is_some()
                || self.marks_asked
                || self.calls_asked
                || self.table_asked.is_some();
            if let Some(worker) = &self.worker
                && asked
            {
                match worker.done.recv() {
                    Ok(done) => self.take(done),
                    Err(_) => break,
                }
            }
        }
    }

    /// Draws the whole screen (see [`ui::draw`](super::ui::draw)).
    pub fn render(&mut self, frame: &mut Frame) {
        super::ui::draw(frame, self);
    }

    /// The keymap context of what is open.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Browse => Context::Browse,
            Mode::Search(_) => Context::Search,
            Mode::Filter(_) => Context::Filter,
            Mode::Help(_) => Context::Help,
            Mode::Save(_) => Context::Save,
        }
    }

    /// The selected function.
    pub fn selected(&self) -> Option<NodeId> {
        self.view.table.rows.get(self.cursor).copied()
    }

    /// The printed name of `node`, escaped.
    pub fn name(&self, node: NodeId) -> &str {
        &self.agg.display()[node as usize]
    }

    /// The name of `node` fitted in `max` cells (see [`names`](super::names)).
    pub fn short_name(&self, node: NodeId, max: usize) -> String {
        use crate::analysis::Granularity as G;
        match self.agg.frames.granularity {
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
            Mode::Save(prompt) => self.save_prompt(prompt, action),
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
            Action::NextSample => {
                let n = self.measures.len().max(1);
                self.set_sample((self.target().0 + 1) % n)
            }
            Action::PrevSample => {
                let n = self.measures.len().max(1);
                self.set_sample((self.target().0 + n - 1) % n)
            }
            Action::PickSample(i) if i < self.measures.len() => self.set_sample(i),
            Action::PickSample(i) => self.say_error(format!("there is no sample type {}", i + 1)),
            Action::CycleSort => self.cycle_sort(),
            Action::CycleGranularity => {
                self.granularity = self.granularity.next();
                self.rebuild_aggregate(Waiting::Granularity);
            }
            Action::Search => {
                self.mode = Mode::Search(Box::new(Finder::new(&self.view.table.rows)))
            }
            Action::NextMatch => self.next_match(1),
            Action::PrevMatch => self.next_match(-1),
            Action::OpenFilter => self.mode = Mode::Filter(FilterForm::new(&self.filters)),
            Action::ClearFilters => {
                if self.filters.is_empty() {
                    self.say("no filters to clear".into());
                } else {
                    self.set_filters(Filters::default(), Waiting::Cleared);
                }
            }
            Action::Help => self.mode = Mode::Help(0),
            Action::Refresh => self.ask_refresh(),
            Action::Save => self.open_save(),
            Action::Confirm | Action::Insert(_) | Action::Erase | Action::ClearField => {}
        }
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

    /// Sets the status message. Messages quote names and queries, so the
    /// text is escaped here, once for every message (escaping is idempotent
    /// on text already escaped).
    pub(super) fn say(&mut self, text: String) {
        let text = crate::safe_text::escape(text.as_bytes());
        self.message = Some(Message { text, error: false });
    }

    pub(super) fn say_error(&mut self, text: String) {
        let text = crate::safe_text::escape(text.as_bytes());
        self.message = Some(Message { text, error: true });
    }
}
