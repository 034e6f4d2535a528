//! The explorer's vocabulary: everything a user can ask for.
//!
//! Keys become actions through the [keymap](super::keymap) and only
//! [`App::update`](super::app::App::update) changes state, so tests can drive
//! the app with actions alone and the help screen can list what keys do.

/// One thing the user asks the explorer to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the explorer.
    Quit,
    /// Move the cursor of the focused list up one row.
    Up,
    /// Move the cursor down one row.
    Down,
    /// Move up one screen.
    PageUp,
    /// Move down one screen.
    PageDown,
    /// Go to the first row.
    Home,
    /// Go to the last row.
    End,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Enter the function under the cursor: from the table, open its callers
    /// and callees; from the callers/callees pane, move the view to it.
    Enter,
    /// Go back to the function before the last jump.
    Back,
    /// Undo a [`Action::Back`].
    Forward,
    /// Show the next sample type (alloc_space, inuse_space...).
    NextSample,
    /// Show the previous sample type.
    PrevSample,
    /// Show sample type `n` (0-based).
    PickSample(usize),
    /// Sort the table by the next key (flat, cum, name).
    CycleSort,
    /// Aggregate by the next granularity (functions, files, lines...).
    CycleGranularity,
    /// Print values in the next unit (auto, minimum, B, kB...).
    CycleUnit,
    /// Filter on the selected function (pprof web's Refine menu).
    Refine(crate::explore::Refinement),
    /// Undo the last change of the filters.
    UndoFilters,
    /// Show inlined functions, or merge them into their callers.
    ToggleInlines,
    /// Leave out the rows under the next node fraction (none, 0.5%, 1%, 5%).
    CycleNodeFraction,
    /// Open the fuzzy search prompt.
    Search,
    /// Jump to the next match of the last search.
    NextMatch,
    /// Jump to the previous match of the last search.
    PrevMatch,
    /// Open the filter pane.
    OpenFilter,
    /// Remove every filter.
    ClearFilters,
    /// Show or hide the help overlay.
    Help,
    /// Fetch (or read) the profile again now.
    Refresh,
    /// Open the prompt that saves the profile's bytes to a file.
    Save,
    /// Take the profile shown as the base of a comparison, or drop it.
    ToggleBase,
    /// Sort a comparison by growth, by shrink, or in pprof's order.
    CycleChangeOrder,
    /// In a comparison's flame graph or call tree: widths by the new
    /// profile, or by the base (where what vanished is drawn).
    ToggleWidths,
    /// Open the flame graph, or go back to the table from it.
    Flame,
    /// Open the call tree, or go back to the table from it.
    CallTree,
    /// Flip the view: the flame graph's orientation, the call tree's
    /// direction (top-down, bottom-up).
    Flip,
    /// Move left (the flame graph: the sibling before; the call tree:
    /// collapse).
    Left,
    /// Move right (the sibling after; expand).
    Right,
    /// Expand the heaviest path under the selection.
    ExpandHeaviest,
    /// Open the sandwich of the selected function (its callers above,
    /// its callees below), or close it.
    Sandwich,
    /// From the flame graph or call tree: the selected function in the
    /// table, with its callers and callees; from the table: back to the
    /// view left so.
    ToTable,
    /// Open the annotated source of the selected function.
    OpenSource,
    /// Open the label breakdown (pprof's tags) of the current view.
    OpenTags,
    /// Open the source file at the selected line in `$VISUAL`/`$EDITOR`.
    Edit,
    /// Close the open prompt, pane or overlay.
    Close,
    /// Apply what was typed (search: jump; filter pane: apply the filters).
    Confirm,
    /// Type a character into the open prompt.
    Insert(char),
    /// Delete the character before the prompt's cursor.
    Erase,
    /// Empty the prompt's current field.
    ClearField,
}
