//! What a session can be asked to do: [`Command`], and
//! [`Session::apply`], the one place commands change the session.
//!
//! Commands say what to do to the exploration, not which key was pressed:
//! the explorer's screen maps its keys (whose meaning depends on the pane
//! with the focus, the prompt open, the page height) to commands, and
//! tests and other views issue them directly.

use super::jobs::Waiting;
use super::refine::Refinement;
use super::session::Session;
use crate::analysis::{Filters, NodeId};

/// One thing to do to the session.
#[derive(Debug, Clone)]
pub enum Command {
    /// Moves the table's cursor by this many rows (clamped to the table).
    MoveCursor(isize),
    /// Puts the table's cursor on this row (nothing past the last row).
    SelectRow(usize),
    /// Moves the cursor over the calls (callers, the function itself,
    /// callees) by this many positions, clamped.
    MoveCallCursor(isize),
    /// Puts the calls' cursor on this position (see
    /// [`Calls`](super::Calls)).
    SelectCall(usize),
    /// Puts the calls' cursor on the first callee (the function itself
    /// when it has none), now or once the calls arrive.
    ToFirstCallee,
    /// Makes the call under the calls' cursor the selected function (a
    /// jump, recorded in the history), its cursor on its first callee.
    /// Nothing when the cursor is on the function itself.
    EnterCall,
    /// Back to the function before the last jump.
    Back,
    /// Undoes a [`Command::Back`].
    Forward,
    /// The next sample index.
    NextSample,
    /// The previous sample index.
    PrevSample,
    /// Sample index `n` (0-based); one that does not exist is said.
    PickSample(usize),
    /// The next sort order (flat, cum, name).
    CycleSort,
    /// The next granularity (functions, files, lines...).
    CycleGranularity,
    /// Applies these filters (said with the rows they leave).
    ApplyFilters(Box<Filters>),
    /// Removes every filter.
    ClearFilters,
    /// Filters being typed (`None`: none, or they do not compile): with a
    /// worker, summed ahead once the typing pauses, so that applying them
    /// is quicker.
    FiltersTyped(Option<Box<Filters>>),
    /// Starts a search over the table's rows.
    OpenSearch,
    /// The search's query is now this.
    Search(String),
    /// Moves the search's choice among its matches.
    ChooseMatch(isize),
    /// Jumps to the match chosen and ends the search (kept for
    /// [`Command::NextMatch`]).
    JumpToMatch,
    /// Ends the search, going nowhere.
    CloseSearch,
    /// Jumps to the next match of the last search.
    NextMatch,
    /// Jumps to the previous match of the last search.
    PrevMatch,
    /// The next unit values are printed in: `auto` (each value in its own
    /// best unit), `minimum` (pprof's one unit for the table), then each
    /// unit of the sample type's family (`B`, `kB`...), then `auto` again.
    CycleUnit,
    /// Filters on the function of this node, as pprof's web UI's Refine
    /// menu (see [`Refinement`]).
    Refine(Refinement, NodeId),
    /// The filters before the last change (a refinement, the filter pane,
    /// a clear), back.
    UndoFilters,
    /// Inlined frames as functions of their own, or merged into their
    /// callers (pprof's `--noinlines`).
    ToggleInlines,
    /// The next node fraction: none, 0.5%, 1%, 5% of the total (rows
    /// whose cum is below it are left out, as pprof trims).
    CycleNodeFraction,
    /// Shows a whole-profile view (`None`: the table again).
    ShowTree(Option<super::TreeView>),
    /// Moves over the tree shown.
    TreeMove(super::TreeStep),
    /// Zooms into the selected call path.
    TreeZoomIn,
    /// Zooms back out one step.
    TreeZoomOut,
    /// Highlights the frames matching this regular expression (empty:
    /// none), and says their share of the total.
    TreeSearch(String),
    /// Selects the next (1) or previous (-1) matching frame.
    TreeNextMatch(isize),
    /// In a comparison, draws the trees by the other profile's values:
    /// the new profile's (what grew is wide), or the base's (what vanished
    /// is wide).
    TreeWidths,
    /// Opens the sandwich of the selected frame's function; from the
    /// sandwich, back to the view it was opened from.
    Sandwich,
    /// Loads the profile again (the driver starts the load: see
    /// [`Session::take_refresh_request`]).
    Refresh,
    /// Computes the annotated source of the selected function (see
    /// [`Session::source_listing`]).
    OpenSource,
    /// Forgets it.
    CloseSource,
    /// Computes the label breakdown of the samples the filters leave (see
    /// [`Session::tags`]).
    OpenTags,
    /// Forgets it.
    CloseTags,
    /// Keeps only the samples with label value `value` of key `key` (their
    /// positions in [`Session::tags`]): a tag focus, replacing the one set.
    FocusTag {
        /// The key's position.
        key: usize,
        /// The value's position under it.
        value: usize,
    },
    /// Takes the profile shown as the base, or drops the base taken (the
    /// driver does it: see [`Session::take_base_request`]).
    ToggleBase,
    /// Sorts a comparison by growth, then by shrink, then in pprof's order.
    CycleChangeOrder,
}

impl Session {
    /// Applies one command. Without a worker, everything it changes is
    /// computed when it returns; with one, what the worker computes
    /// follows through [`Session::tick`].
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::MoveCursor(delta) => self.move_cursor(delta),
            Command::SelectRow(row) => self.select_row(row),
            Command::MoveCallCursor(delta) => self.move_call_cursor(delta),
            Command::SelectCall(pos) => {
                self.calls.cursor = pos.min(self.calls.len().saturating_sub(1));
            }
            Command::ToFirstCallee => self.cursor_to_first_callee(),
            Command::EnterCall => self.enter_call(),
            Command::Back => self.go_back(),
            Command::Forward => self.go_forward(),
            Command::NextSample => {
                let n = self.measures.len().max(1);
                self.set_sample((self.target().0 + 1) % n);
            }
            Command::PrevSample => {
                let n = self.measures.len().max(1);
                self.set_sample((self.target().0 + n - 1) % n);
            }
            Command::PickSample(i) if i < self.measures.len() => self.set_sample(i),
            Command::PickSample(i) => self.say_error(format!("there is no sample type {}", i + 1)),
            Command::CycleSort => self.cycle_sort(),
            Command::CycleGranularity => self.cycle_granularity(),
            Command::ApplyFilters(filters) => self.set_filters(*filters, Waiting::Filters),
            Command::ClearFilters => self.set_filters(Filters::default(), Waiting::Cleared),
            Command::FiltersTyped(filters) => self.filters_typed(filters.map(|f| *f)),
            Command::OpenSearch => self.open_search(),
            Command::Search(query) => self.search_for(query),
            Command::ChooseMatch(delta) => self.choose_match(delta),
            Command::JumpToMatch => self.jump_to_match(),
            Command::CloseSearch => self.close_search(),
            Command::NextMatch => self.next_match(1),
            Command::PrevMatch => self.next_match(-1),
            Command::CycleUnit => self.cycle_unit(),
            Command::Refine(how, node) => self.refine(how, node),
            Command::UndoFilters => self.undo_filters(),
            Command::ToggleInlines => self.toggle_inlines(),
            Command::CycleNodeFraction => self.cycle_node_fraction(),
            Command::Refresh => self.ask_refresh(),
            Command::ToggleBase => self.ask_base(),
            Command::CycleChangeOrder => self.cycle_change_order(),
            Command::ShowTree(view) => self.show_tree(view),
            Command::TreeMove(step) => self.tree_move(step),
            Command::TreeZoomIn => self.tree_zoom_in(),
            Command::TreeZoomOut => self.tree_zoom_out(),
            Command::TreeSearch(query) => self.tree_search(query),
            Command::TreeNextMatch(delta) => self.tree_next_match(delta),
            Command::TreeWidths => self.toggle_tree_widths(),
            Command::Sandwich => self.toggle_sandwich(),
            Command::OpenSource => self.open_source(),
            Command::CloseSource => self.close_source(),
            Command::OpenTags => self.open_tags(),
            Command::CloseTags => self.tags = None,
            Command::FocusTag { key, value } => self.focus_tag(key, value),
        }
        // Whatever changed, the tree shown follows it.
        self.sync_tree();
    }
}
