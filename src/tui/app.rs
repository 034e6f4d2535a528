//! The explorer's screen state and the one place keys change it:
//! [`App::update`], which maps each [`Action`] to the session's
//! [`Command`]s given what has the focus and what is open.
//!
//! Everything about the profile lives in the [`Session`]; the app keeps
//! what is about the screen alone: the focus, the scroll positions, the
//! open prompt, the areas of the last frame (for the mouse and page
//! sizes), the theme and the keymap.

use super::action::Action;
use super::filter_form::FilterForm;
use super::keymap::{Context, Keymap};
use super::prompts::SavePrompt;
use super::theme::Theme;
use crate::analysis::NodeId;
use crate::explore::{Command, Session};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::time::Instant;

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
    /// The search prompt, with the query typed (the session searches).
    Search(String),
    /// The filter pane (boxed: its fields make it the largest mode).
    Filter(Box<FilterForm>),
    /// The help overlay, scrolled by this many lines.
    Help(u16),
    /// The save prompt.
    Save(SavePrompt),
    /// The flame graph's or call tree's search prompt, with the regex
    /// typed (the session highlights as it is typed).
    TreeSearch(String),
    /// The source view of the selected function (the session holds the
    /// listing).
    Source(super::views::Scroll),
    /// The tags view (the session holds the breakdown).
    Tags(super::views::Scroll),
}

/// Screen areas of the frame prepared last, for the mouse and for page
/// sizes.
#[derive(Default)]
pub struct Areas {
    /// The table's rows.
    pub table: Rect,
    /// The callers/callees pane's lines.
    pub calls: Rect,
    /// For each line of `calls` on screen, the cursor position it shows.
    pub calls_lines: Vec<Option<usize>>,
    /// The callers/callees pane's lines, for the frame's drawing.
    pub(super) calls_prepared: super::ui::PreparedCalls,
    /// The lines of the source or tags view.
    pub view: Rect,
}

/// The explorer: a session and the screen's own state.
pub struct App {
    /// The profile explored, and all that follows from it.
    pub session: Session,
    /// Keys to actions.
    pub keymap: Keymap,
    /// Colours.
    pub theme: Theme,
    /// The pane with the keyboard.
    pub focus: Pane,
    /// What is open.
    pub mode: Mode,
    /// First row of the table on screen.
    pub offset: usize,
    /// First line of the callers/callees pane on screen.
    pub calls_offset: usize,
    /// The next frame scrolls the table's selection to its middle (it
    /// jumped: see [`Session::jumps`]).
    pub(super) center: bool,
    /// The session's counts of jumps and of calls shown anew when the
    /// screen last looked (see [`App::prepare`]).
    pub(super) seen_jumps: u64,
    pub(super) seen_calls: u64,
    /// Areas of the frame prepared last.
    pub areas: Areas,
    /// Set when the user asked to quit.
    pub quit: bool,
    /// Time and place of the last click, to see double clicks.
    pub(super) last_click: Option<(Instant, u16, u16)>,
    /// The flame graph's and call tree's screen state.
    pub tree_screen: super::tree_keys::TreeScreen,
    /// A file and line to open in the user's editor: the event loop takes
    /// it ([`App::take_edit`]) and runs the editor, the screen given back
    /// meanwhile.
    pub(super) edit: Option<(std::path::PathBuf, i64)>,
}

impl App {
    /// The explorer on `session`, in colours `theme`.
    pub fn new(session: Session, theme: Theme) -> App {
        App {
            seen_jumps: session.jumps(),
            seen_calls: session.calls_renewed(),
            session,
            keymap: Keymap::default(),
            theme,
            focus: Pane::Table,
            mode: Mode::Browse,
            offset: 0,
            calls_offset: 0,
            center: false,
            areas: Areas::default(),
            quit: false,
            last_click: None,
            tree_screen: Default::default(),
            edit: None,
        }
    }

    /// Shows `session` (the same exploration on a refreshed profile) in
    /// place of the one shown: the focus, the table's scroll position and
    /// an open help stay.
    pub fn swap_session(&mut self, session: Session) {
        self.seen_jumps = session.jumps();
        self.seen_calls = session.calls_renewed();
        self.session = session;
        self.calls_offset = 0;
        self.center = false;
        self.areas = Areas::default();
        self.last_click = None;
    }

    /// Runs `f` with the session's worker (see [`Session::with_worker`]).
    pub fn with_worker<R>(&mut self, f: impl FnOnce(&mut App) -> R) -> R {
        let handle = self.session.start_worker();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.session.stop_worker();
        let joined = handle.join();
        let out = out.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let Err(panic) = joined {
            std::panic::resume_unwind(panic);
        }
        out
    }

    /// Works out the frame of a screen of `area`: the scroll positions
    /// that keep the selections in view, the areas the mouse needs, and
    /// what the session is to compute for what will be shown (see
    /// [`ui::prepare`](super::ui::prepare)). The event loop calls it before
    /// every frame; drawing only reads.
    pub fn prepare(&mut self, area: Rect) {
        super::ui::prepare(self, area);
    }

    /// Prepares and draws a frame (see [`App::prepare`] and
    /// [`ui::draw`](super::ui::draw)).
    pub fn render(&mut self, frame: &mut Frame) {
        self.prepare(frame.area());
        super::ui::draw(frame, self);
    }

    /// The keymap context of what is open.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Browse
                if self.session.tree_view() == Some(crate::explore::TreeView::Sandwich) =>
            {
                Context::Sandwich
            }
            Mode::Browse if self.session.tree_view().is_some() => Context::Tree,
            Mode::Browse => Context::Browse,
            Mode::TreeSearch(_) => Context::Search,
            Mode::Search(_) => Context::Search,
            Mode::Filter(_) => Context::Filter,
            Mode::Help(_) => Context::Help,
            Mode::Save(_) => Context::Save,
            Mode::Source(_) => Context::Source,
            Mode::Tags(_) => Context::Tags,
        }
    }

    /// The name of `node` fitted in `max` cells (see [`names`](super::names)).
    pub fn short_name(&self, node: NodeId, max: usize) -> String {
        use crate::analysis::Granularity as G;
        let name = self.session.name(node);
        match self.session.shown_granularity() {
            G::FileFunctions | G::Lines | G::Addresses => super::names::shorten_located(name, max),
            G::Functions | G::Files => super::names::shorten(name, max),
        }
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        self.session.clear_notice();
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Browse => self.browse(action),
            Mode::Search(query) => self.search_prompt(query, action),
            Mode::Filter(form) => self.filter_pane(form, action),
            Mode::Help(scroll) => self.help(scroll, action),
            Mode::Save(prompt) => self.save_prompt(prompt, action),
            Mode::TreeSearch(query) => self.tree_search_prompt(query, action),
            Mode::Source(scroll) => self.source_view(scroll, action),
            Mode::Tags(scroll) => self.tags_view(scroll, action),
        }
    }

    fn browse(&mut self, action: Action) {
        if self.session.tree_view().is_some() && self.tree_browse(action) {
            return;
        }
        let page = match self.focus {
            Pane::Table => self.areas.table.height.max(2) as isize - 1,
            Pane::Calls => self.areas.calls.height.max(2) as isize - 1,
        };
        let command = match action {
            Action::Quit => {
                self.quit = true;
                return;
            }
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
                };
                return;
            }
            Action::Close => {
                self.focus = Pane::Table;
                return;
            }
            Action::Enter => match self.enter() {
                Some(command) => command,
                None => return,
            },
            Action::Back => Command::Back,
            Action::Forward => Command::Forward,
            Action::NextSample => Command::NextSample,
            Action::PrevSample => Command::PrevSample,
            Action::PickSample(i) => Command::PickSample(i),
            Action::CycleSort => Command::CycleSort,
            Action::CycleGranularity => Command::CycleGranularity,
            Action::CycleUnit => Command::CycleUnit,
            Action::Refine(how) => match self.refined_node() {
                Some(node) => Command::Refine(how, node),
                None => return,
            },
            Action::UndoFilters => Command::UndoFilters,
            Action::ToggleInlines => Command::ToggleInlines,
            Action::CycleNodeFraction => Command::CycleNodeFraction,
            Action::Search => {
                self.mode = Mode::Search(String::new());
                Command::OpenSearch
            }
            Action::NextMatch => Command::NextMatch,
            Action::PrevMatch => Command::PrevMatch,
            Action::OpenFilter => {
                self.mode = Mode::Filter(Box::new(FilterForm::new(self.session.filters())));
                return;
            }
            Action::ClearFilters if self.session.filters().is_empty() => {
                self.session.say("no filters to clear".into());
                return;
            }
            Action::ClearFilters => Command::ClearFilters,
            Action::Help => {
                self.mode = Mode::Help(0);
                return;
            }
            Action::Refresh => Command::Refresh,
            Action::ToggleBase => Command::ToggleBase,
            Action::CycleChangeOrder => Command::CycleChangeOrder,
            Action::Save => {
                self.open_save();
                return;
            }
            Action::Flame | Action::CallTree => {
                self.open_tree(action);
                return;
            }
            Action::OpenSource => {
                self.mode = Mode::Source(super::views::Scroll::default());
                Command::OpenSource
            }
            Action::OpenTags => {
                self.mode = Mode::Tags(super::views::Scroll::default());
                Command::OpenTags
            }
            Action::Confirm
            | Action::Insert(_)
            | Action::Erase
            | Action::ClearField
            | Action::Flip
            | Action::Left
            | Action::Right
            | Action::ExpandHeaviest
            | Action::ToggleWidths
            | Action::Sandwich
            | Action::Edit => return,
            Action::ToTable => {
                self.back_to_tree();
                return;
            }
        };
        self.session.apply(command);
    }

    /// The function a refinement applies to: the call under the pane's
    /// cursor when the pane has the focus, else the table's selection.
    fn refined_node(&self) -> Option<NodeId> {
        let calls = self.session.calls();
        match self.focus {
            Pane::Calls => calls.at(calls.cursor).map(|c| c.node).or(calls.node),
            Pane::Table => self.session.selected(),
        }
    }

    /// The command that moves the cursor of the focused pane.
    fn move_cursor(&self, delta: isize) -> Command {
        match self.focus {
            Pane::Table => Command::MoveCursor(delta),
            Pane::Calls => Command::MoveCallCursor(delta),
        }
    }

    /// Enter: from the table, step into the callers/callees pane (on the
    /// heaviest callee); from the pane, make the entry under its cursor the
    /// current function, or go back to the table from the function itself.
    fn enter(&mut self) -> Option<Command> {
        let calls = self.session.calls();
        if calls.is_empty() {
            return None;
        }
        match self.focus {
            Pane::Table => {
                self.focus = Pane::Calls;
                Some(Command::ToFirstCallee)
            }
            Pane::Calls if calls.on_self() => {
                self.focus = Pane::Table;
                None
            }
            Pane::Calls => Some(Command::EnterCall),
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

    /// Whether the explorer can reopen on a new profile now: not while a
    /// prompt or pane is open (it would lose what is typed).
    pub fn can_swap(&self) -> bool {
        matches!(self.mode, Mode::Browse | Mode::Help(_))
    }
}
