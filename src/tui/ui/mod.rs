//! Drawing: one file per pane. Every pane draws only the rows on screen and
//! reads numbers the [model](super::model) already computed.
//!
//! The layout adapts to the terminal: the callers/callees pane sits beside
//! the table when there is room, below it on a narrow terminal, and on a
//! very small one it replaces the table while it has the focus (Tab).

mod calls;
mod filter;
mod header;
mod help;
mod search;
mod status;
mod top_table;

use super::app::{App, Mode, Pane};
use crate::report::Report;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// Width from which the side pane goes beside the table.
const SIDE_BY_SIDE: u16 = 110;
/// Body height from which the side pane goes below the table.
const STACKED: u16 = 20;
/// Height of the open filter pane.
const FILTER_HEIGHT: u16 = 10;

/// Characters of a value's unit shown, the last one `…` when cut.
const UNIT_MAX: usize = 9;

/// A value as the panes show it: pprof's text, escaped, with a unit longer
/// than [`UNIT_MAX`] cut (`13000furlongs…`): a profile's unit can be any
/// string, and a long one pushed the names out of the table. The number is
/// never cut.
pub(super) fn value_text(report: &Report, v: i64) -> String {
    let text = crate::safe_text::escape(report.format_value(v).as_bytes());
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

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    app.areas = Default::default();
    let filter_open = matches!(app.mode, Mode::Filter(_));
    let [head, body, status] = Layout::vertical([
        Constraint::Length(2.min(area.height)),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(frame, app, head);
    status::draw(frame, app, status);

    let (body, filter_area) = if filter_open && body.height > FILTER_HEIGHT + 3 {
        let [b, f] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(FILTER_HEIGHT)]).areas(body);
        (b, Some(f))
    } else if filter_open {
        // No room for both: the pane takes the body.
        (Rect::default(), Some(body))
    } else {
        (body, None)
    };

    if body.width >= SIDE_BY_SIDE {
        let side = (body.width / 3).clamp(40, 80);
        let [table, side_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(body);
        top_table::draw(frame, app, table);
        calls::draw(frame, app, side_area);
    } else if body.height >= STACKED {
        let [table, side_area] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(body);
        top_table::draw(frame, app, table);
        calls::draw(frame, app, side_area);
    } else if app.focus == Pane::Calls {
        calls::draw(frame, app, body);
    } else {
        top_table::draw(frame, app, body);
    }

    if let Some(f) = filter_area {
        filter::draw(frame, app, f);
    }
    if matches!(app.mode, Mode::Search(_)) {
        search::draw(frame, app, body);
    }
    if matches!(app.mode, Mode::Help(_)) {
        help::draw(frame, app, area);
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
