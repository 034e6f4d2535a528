//! Drawing: one file per pane. Every pane draws only the rows on screen,
//! from numbers the [session](crate::explore::Session) already computed.
//!
//! A frame is made in two steps. [`prepare`] (mutable, before the frame)
//! lays the screen out, moves the scroll positions so that the selections
//! stay in view, records the areas the mouse needs, and tells the session
//! what the frame will show (the table's rows, whose inline marks it then
//! computes or asks its worker for). [`draw`] only reads: it renders what
//! the app and the session hold, and never changes or schedules anything.
//! A new pane is one more file here with its `prepare` (if it scrolls or
//! needs something computed) and its `draw`.
//!
//! The layout adapts to the terminal: the callers/callees pane sits beside
//! the table when there is room, below it on a narrow terminal, and on a
//! very small one it replaces the table while it has the focus (Tab).

mod call_tree;
mod calls;
mod compare_table;
mod filter;
mod flame;
mod header;
mod help;
mod sandwich;
mod search;
mod source;
mod status;
mod tags;
mod top_table;

use super::app::{App, Areas, Mode, Pane};
use crate::explore::Scale;
pub use calls::Prepared as PreparedCalls;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// Width from which the side pane goes beside the table.
const SIDE_BY_SIDE: u16 = 110;
/// Body height from which the side pane goes below the table (a 20-line
/// terminal keeps it).
const STACKED: u16 = 16;
/// Height of the open filter pane: its fields, a blank line and the status
/// line, in a border.
const FILTER_HEIGHT: u16 = crate::tui::filter_form::Field::ALL.len() as u16 + 4;

/// Characters of a value's unit shown, the last one `…` when cut.
const UNIT_MAX: usize = 9;

/// A value as the panes show it: pprof's text, escaped, with a unit longer
/// than [`UNIT_MAX`] cut (`13000furlongs…`): a profile's unit can be any
/// string, and a long one pushed the names out of the table. The number is
/// never cut.
pub(super) fn value_text(scale: &Scale, v: i64) -> String {
    let text = crate::safe_text::escape(scale.format_value(v).as_bytes());
    let number = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let unit = &text[number..];
    if unit.chars().count() <= UNIT_MAX {
        return text;
    }
    let kept: String = unit.chars().take(UNIT_MAX - 1).collect();
    format!("{}{kept}…", &text[..number])
}

/// Where each part of a screen goes.
struct Panes {
    screen: Rect,
    head: Rect,
    status: Rect,
    /// The body: under the header, above the status line and the filter
    /// pane.
    body: Rect,
    table: Option<Rect>,
    calls: Option<Rect>,
    filter: Option<Rect>,
    /// The flame graph or call tree, which takes the body when shown.
    tree: Option<Rect>,
}

impl Panes {
    /// The panes of `app` on a screen of `area`.
    fn of(area: Rect, app: &App) -> Panes {
        let filter_open = matches!(app.mode, Mode::Filter(_));
        let [head, body, status] = Layout::vertical([
            Constraint::Length(2.min(area.height)),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (body, filter) = if filter_open && body.height > FILTER_HEIGHT + 3 {
            let [b, f] = Layout::vertical([Constraint::Fill(1), Constraint::Length(FILTER_HEIGHT)])
                .areas(body);
            (b, Some(f))
        } else if filter_open {
            // No room for both: the pane takes the body.
            (Rect::default(), Some(body))
        } else {
            (body, None)
        };
        let (table, calls) = if body.width >= SIDE_BY_SIDE {
            let side = (body.width / 3).clamp(40, 80);
            let [table, side] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(body);
            (Some(table), Some(side))
        } else if body.height >= STACKED {
            let [table, side] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(body);
            (Some(table), Some(side))
        } else if app.focus == Pane::Calls {
            (None, Some(body))
        } else {
            (Some(body), None)
        };
        let tree_shown = app.session.tree_view().is_some();
        let (table, calls, tree) = if tree_shown {
            (None, None, Some(body))
        } else {
            (table, calls, None)
        };
        Panes {
            tree,
            screen: area,
            head,
            status,
            body,
            table,
            calls,
            filter,
        }
    }
}

/// Prepares the frame of a screen of `area` (see the module docs).
pub fn prepare(app: &mut App, area: Rect) {
    let panes = Panes::of(area, app);
    app.areas = Areas::default();
    if app.session.jumps() != app.seen_jumps {
        app.seen_jumps = app.session.jumps();
        app.center = true;
    }
    if app.session.calls_renewed() != app.seen_calls {
        app.seen_calls = app.session.calls_renewed();
        app.calls_offset = 0;
    }
    // A comparison's base numbers for the granularity and filters shown.
    app.session.prepare_comparison();
    // The source and tags views take the body.
    match app.mode {
        Mode::Source(_) => return source::prepare(app, panes.body),
        Mode::Tags(_) => return tags::prepare(app, panes.body),
        _ => {}
    }
    if let Some(table) = panes.table {
        top_table::prepare(app, table);
    }
    if let Some(calls) = panes.calls {
        calls::prepare(app, calls);
    }
    if let Some(tree) = panes.tree {
        match app.session.tree_view() {
            Some(crate::explore::TreeView::Flame) => flame::prepare(app, tree),
            Some(crate::explore::TreeView::Sandwich) => sandwich::prepare(app, tree),
            _ => call_tree::prepare(app, tree),
        }
    }
}

/// Draws the whole screen, as [`prepare`] left it for this size.
pub fn draw(frame: &mut Frame, app: &App) {
    let panes = Panes::of(frame.area(), app);
    header::draw(frame, app, panes.head);
    status::draw(frame, app, panes.status);
    match app.mode {
        Mode::Source(_) => return source::draw(frame, app, panes.body),
        Mode::Tags(_) => return tags::draw(frame, app, panes.body),
        _ => {}
    }
    if let Some(table) = panes.table {
        top_table::draw(frame, app, table);
    }
    if let Some(calls) = panes.calls {
        calls::draw(frame, app, calls);
    }
    if let Some(tree) = panes.tree {
        match app.session.tree_view() {
            Some(crate::explore::TreeView::Flame) => flame::draw(frame, app, tree),
            Some(crate::explore::TreeView::Sandwich) => sandwich::draw(frame, app, tree),
            _ => call_tree::draw(frame, app, tree),
        }
    }
    if let Some(f) = panes.filter {
        filter::draw(frame, app, f);
    }
    if matches!(app.mode, Mode::Search(_)) {
        search::draw(frame, app, panes.body);
    }
    if matches!(app.mode, Mode::Help(_)) {
        help::draw(frame, app, panes.screen);
    }
}

/// A rectangle of at most `width` x `height` centred in `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// `block` drawn in `area` with one line of `text` in `style` inside it
/// (a view's error or its "computing…" line), the text escaped like names.
fn boxed_line(
    frame: &mut Frame,
    block: ratatui::widgets::Block,
    area: Rect,
    text: &str,
    style: ratatui::style::Style,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = crate::safe_text::escape(text.as_bytes());
    frame.render_widget(
        ratatui::widgets::Paragraph::new(ratatui::text::Span::styled(text, style)),
        inner,
    );
}
