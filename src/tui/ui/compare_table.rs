//! The top table of a comparison: for each function the change (flat, as
//! `ppt --top --diff-base` prints it, signed), its share of the total, the
//! base's and the new profile's flat beside it, then the change of cum;
//! on a wide screen the base's and new cum too.
//!
//! Growth is red and shrink green, and every change carries its sign
//! (`+1.50MB`, `-512kB`), so the table reads the same without colour.
//! The rows, their order and the cursor are the plain table's (see
//! [`top_table`](super::top_table)), which this replaces when the session
//! is a comparison.

use super::top_table::{block, body};
use crate::explore::{Change, Row as SessionRow, Scale};
use crate::report::percentage;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

/// Values are at least this wide, as in pprof.
const VALUE: u16 = 10;
/// Percentages, as in pprof (signed: one more), wider when one on
/// screen is (`+0.0047%`).
const PERCENT: u16 = 7;
/// Names get at least this many cells before the optional columns show.
const NAME_MIN: u16 = 24;

/// A change as the table shows it: signed (`+` for growth), in pprof's
/// units.
pub(super) fn signed(scale: &Scale, v: i64) -> String {
    let text = super::value_text(scale, v);
    if v > 0 { format!("+{text}") } else { text }
}

/// One column: its title and what it shows of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    DeltaFlat,
    DeltaFlatShare,
    BaseFlat,
    NewFlat,
    DeltaCum,
    BaseCum,
    NewCum,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::DeltaFlat => "Δ flat",
            Column::DeltaFlatShare => "Δ flat%",
            Column::BaseFlat => "base flat",
            Column::NewFlat => "new flat",
            Column::DeltaCum => "Δ cum",
            Column::BaseCum => "base cum",
            Column::NewCum => "new cum",
        }
    }

    fn is_percent(self) -> bool {
        self == Column::DeltaFlatShare
    }

    /// The cell's text.
    fn text(self, scale: &Scale, c: &Change) -> String {
        // Being computed for the filters or granularity shown.
        let value = |v: i64| match c.pending {
            true => "…".to_string(),
            false => super::value_text(scale, v),
        };
        match self {
            Column::DeltaFlat => signed(scale, c.delta.0),
            Column::DeltaFlatShare => {
                let p = percentage(c.delta.0, scale.total);
                if c.delta.0 > 0 {
                    format!("+{}", p.trim())
                } else {
                    p.trim().to_string()
                }
            }
            Column::BaseFlat => value(c.base.0),
            Column::NewFlat => value(c.new.0),
            Column::DeltaCum => signed(scale, c.delta.1),
            Column::BaseCum => value(c.base.1),
            Column::NewCum => value(c.new.1),
        }
    }

    /// The change that colours the cell, if it shows one.
    fn delta(self, c: &Change) -> Option<i64> {
        match self {
            Column::DeltaFlat | Column::DeltaFlatShare => Some(c.delta.0),
            Column::DeltaCum => Some(c.delta.1),
            _ => None,
        }
    }
}

/// The columns that fit `width` with names of at least [`NAME_MIN`], the
/// change and its base and new flat first.
fn columns(width: u16, value: u16, percent: u16) -> Vec<Column> {
    use Column as C;
    let all = [
        (C::DeltaFlat, 0),
        (C::BaseFlat, 1),
        (C::NewFlat, 1),
        (C::DeltaCum, 2),
        (C::DeltaFlatShare, 3),
        (C::BaseCum, 4),
        (C::NewCum, 4),
    ];
    let width_of = |c: Column| if c.is_percent() { percent } else { value } + 1;
    let mut level = 0;
    for next in 1..=4 {
        let used: u16 = all
            .iter()
            .filter(|(_, l)| *l <= next)
            .map(|(c, _)| width_of(*c))
            .sum();
        if used + 1 + NAME_MIN <= width {
            level = next;
        }
    }
    // In reading order: the change, its share, base, new, then cum.
    [
        C::DeltaFlat,
        C::DeltaFlatShare,
        C::BaseFlat,
        C::NewFlat,
        C::DeltaCum,
        C::BaseCum,
        C::NewCum,
    ]
    .into_iter()
    .filter(|c| all.iter().any(|(a, l)| a == c && *l <= level))
    .collect()
}

/// Draws the comparison table into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let focused = app.focus == Pane::Table;
    frame.render_widget(block(app, area.width), area);
    let Some((inner, body)) = body(area) else {
        return;
    };
    let session = &app.session;
    if session.row_count() == 0 {
        // pprof leaves out what sums to zero: what did not change.
        let text = if session.filters().is_empty() {
            "nothing changed: every function has the same value in both profiles"
        } else {
            "nothing that passes the filters changed"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t.dim())), body);
        return;
    }
    let scale = session.scale();
    let rows: Vec<(SessionRow, Change)> = session
        .rows(app.offset..app.offset + body.height as usize)
        .filter_map(|r| Some((r, session.change(r.node)?)))
        .collect();
    let all = [
        Column::DeltaFlat,
        Column::DeltaFlatShare,
        Column::BaseFlat,
        Column::NewFlat,
        Column::DeltaCum,
        Column::BaseCum,
        Column::NewCum,
    ];
    // Values are 10 wide as in pprof, wider when one on screen is.
    let value = rows
        .iter()
        .flat_map(|(_, c)| all.iter().map(|col| col.text(scale, c).chars().count()))
        .max()
        .unwrap_or(0)
        .max(VALUE as usize) as u16;
    let percent = rows
        .iter()
        .map(|(_, c)| Column::DeltaFlatShare.text(scale, c).chars().count())
        .max()
        .unwrap_or(0)
        .max(PERCENT as usize) as u16;
    let columns = columns(inner.width, value, percent);
    let width_of = |c: Column| if c.is_percent() { percent } else { value };
    let mut widths: Vec<Constraint> = columns
        .iter()
        .map(|&c| Constraint::Length(width_of(c)))
        .collect();
    let fixed: u16 = widths
        .iter()
        .map(|c| match c {
            Constraint::Length(w) => w + 1,
            _ => 0,
        })
        .sum();
    // The name's cell starts with a space.
    let name_width = inner.width.saturating_sub(fixed + 1 + 1) as usize;
    widths.push(Constraint::Fill(1));
    let sorted = if session.sort().by_change() {
        Column::DeltaFlat
    } else if session.sort() == crate::analysis::order::SortKey::Cum {
        Column::DeltaCum
    } else {
        Column::DeltaFlat
    };
    let mut header: Vec<Cell> = columns
        .iter()
        .map(|&c| {
            let w = width_of(c) as usize;
            let style = if c == sorted {
                t.title().add_modifier(Modifier::UNDERLINED)
            } else {
                t.dim()
            };
            Cell::from(Span::styled(format!("{:>w$}", c.title()), style))
        })
        .collect();
    header.push(Cell::from(Span::styled(" name", t.dim())));
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|(r, change)| {
            let mut cells: Vec<Cell> = columns
                .iter()
                .map(|&c| {
                    let style = c.delta(change).map_or(t.text(), |d| t.change(d));
                    Cell::from(Line::styled(c.text(scale, change), style).right_aligned())
                })
                .collect();
            let mark_width = r.mark.map_or(0, |m| m.len() + 3);
            let room = name_width.saturating_sub(mark_width).max(name_width.min(8));
            let mut name = vec![Span::raw(" "), Span::raw(app.short_name(r.node, room))];
            if let Some(mark) = r.mark.filter(|_| name_width >= room + mark_width) {
                name.push(Span::styled(format!(" ({mark})"), t.inline()));
            }
            cells.push(Cell::from(Line::from(name)));
            Row::new(cells)
        })
        .collect();
    let selected = if focused {
        t.selected()
    } else {
        t.selected_unfocused()
    };
    let table = Table::new(table_rows, widths)
        .header(Row::new(header))
        .column_spacing(1)
        .row_highlight_style(selected);
    let cursor = session.cursor().checked_sub(app.offset);
    let mut state = TableState::default().with_selected(cursor);
    frame.render_stateful_widget(table, inner, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_width() {
        // 80 columns, values 11 wide (`+21118.46kB`): Δ flat, base, new,
        // Δ cum; with values of 10, the share too.
        assert_eq!(columns(78, 11, 7).len(), 4);
        assert_eq!(columns(78, 10, 7).len(), 5);
        assert_eq!(columns(40, 10, 7), vec![Column::DeltaFlat]);
        assert_eq!(columns(200, 10, 7).len(), 7);
    }
}
