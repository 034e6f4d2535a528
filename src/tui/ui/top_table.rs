//! The top table: flat, flat%, sum%, cum, cum%, name, as `ppt --top`.
//!
//! Only the rows on screen become ratatui rows; their numbers come from the
//! session (running sums and unit are precomputed there). Names too long
//! for the column lose the middle of their path, visibly.

use crate::analysis::order::SortKey;
use crate::report::percentage;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

/// Columns, and the widths below which the optional ones are dropped.
const VALUE: u16 = 10;
const PERCENT: u16 = 6;
/// Names get at least this many cells before sum% is shown...
const NAME_MIN: u16 = 26;
/// ...and before flat% and cum% are.
const NAME_MIN_COMPACT: u16 = 16;

/// The pane's border.
pub(super) fn block(app: &App, width: u16) -> Block<'static> {
    let t = app.theme;
    let focused = app.focus == Pane::Table;
    let rows_total = app.session.row_count();
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(focused))
        .title(Line::from(vec![
            Span::styled(" Top ", t.title()),
            Span::styled(
                format!(
                    "· sort {} · unit {} ",
                    app.session.sort().name(),
                    app.session.unit()
                ),
                t.dim(),
            ),
            Span::styled(trimming(app), t.filter()),
        ]))
        .title(
            Line::from(Span::styled(
                format!(
                    " {}/{} ",
                    (app.session.cursor() + 1).min(rows_total),
                    rows_total
                ),
                t.dim(),
            ))
            .right_aligned(),
        )
        .title_bottom(selected_title(app, width))
}

/// What leaves rows out or merges them, for the title: the node fraction
/// and merged inlined functions (`--noinlines`).
fn trimming(app: &App) -> String {
    let mut text = String::new();
    let fraction = app.session.node_fraction();
    if fraction > 0.0 {
        text.push_str(&format!("· rows ≥ {}% ", fraction * 100.0));
    }
    if !app.session.inline_frames() {
        text.push_str("· inlines merged ");
    }
    text
}

/// The selected function's whole name, for the bottom border: the rows
/// may show it shortened.
fn selected_title(app: &App, width: u16) -> Line<'static> {
    let Some(node) = app.session.selected() else {
        return Line::default();
    };
    let room = usize::from(width).saturating_sub(4);
    let name = crate::tui::names::keep_end(app.session.name(node), room);
    Line::from(Span::styled(format!(" {name} "), app.theme.dim()))
}

/// The rows' area in a pane of `area` (under the column titles), if the
/// pane has room for any, and the pane's inside.
pub(super) fn body(area: Rect) -> Option<(Rect, Rect)> {
    // The border alone decides the inside (titles take no room).
    let inner = Block::default().borders(Borders::ALL).inner(area);
    if inner.height < 2 || inner.width == 0 {
        return None;
    }
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    Some((inner, body))
}

/// Before a frame: records where the rows are, keeps the cursor on
/// screen (moving the window as little as possible, or to the middle
/// after a jump), and asks the session for the inline marks of the rows
/// on screen.
pub fn prepare(app: &mut App, area: Rect) {
    let Some((_, body)) = body(area) else {
        return;
    };
    app.areas.table = body;
    let rows_total = app.session.row_count();
    if rows_total == 0 {
        return;
    }
    let height = body.height as usize;
    let cursor = app.session.cursor();
    if std::mem::take(&mut app.center) {
        app.offset = cursor.saturating_sub(height / 2);
    } else if cursor < app.offset {
        app.offset = cursor;
    } else if cursor >= app.offset + height {
        app.offset = cursor + 1 - height;
    }
    app.offset = app.offset.min(rows_total.saturating_sub(height));
    app.session.want_marks(app.offset..app.offset + height);
}

/// Draws the table into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    if app.session.comparison().is_some() {
        return super::compare_table::draw(frame, app, area);
    }
    let t = app.theme;
    let focused = app.focus == Pane::Table;
    frame.render_widget(block(app, area.width), area);
    let Some((inner, body)) = body(area) else {
        return;
    };
    let session = &app.session;
    if session.row_count() == 0 {
        let clear = app.keymap.keys_for(
            crate::tui::keymap::Context::Browse,
            crate::tui::Action::ClearFilters,
        );
        let text = if session.filters().is_empty() {
            "no samples for this sample type".to_string()
        } else {
            format!("no samples pass the filters ({clear} clears them)")
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t.dim())), body);
        return;
    }

    let offset = app.offset;
    let rows: Vec<crate::explore::Row> = session
        .rows(offset..offset + body.height as usize)
        .collect();
    let scale = session.scale();
    let total = scale.total;
    // pprof's percentages are 6 wide but small ones grow (`0.0033%`): size
    // the columns for the rows on screen.
    let percent = rows
        .iter()
        .map(|r| {
            percentage(r.flat, total)
                .len()
                .max(percentage(r.cum, total).len())
        })
        .max()
        .unwrap_or(0)
        .max(PERCENT as usize) as u16;
    // Values are 10 wide as in pprof, wider when a value on screen is
    // (`21367831744B`): never cut.
    let value = |v: i64| super::value_text(scale, v);
    let value_width = rows
        .iter()
        .map(|r| {
            value(r.flat)
                .chars()
                .count()
                .max(value(r.cum).chars().count())
        })
        .max()
        .unwrap_or(0)
        .max(VALUE as usize) as u16;
    // Columns are dropped before names get unreadable: sum% first.
    let fixed_full = 2 * (value_width + 1) + 2 * (percent + 1) + PERCENT + 1 + 1;
    let full = inner.width >= fixed_full + NAME_MIN;
    let compact = inner.width >= 2 * (value_width + 1) + 2 * (percent + 1) + 1 + NAME_MIN_COMPACT;
    let mut widths: Vec<Constraint> = vec![Constraint::Length(value_width)];
    let mut titles = vec!["flat"];
    if compact {
        widths.push(Constraint::Length(percent));
        titles.push("flat%");
    }
    if full {
        widths.push(Constraint::Length(PERCENT));
        titles.push("sum%");
    }
    widths.push(Constraint::Length(value_width));
    titles.push("cum");
    if compact {
        widths.push(Constraint::Length(percent));
        titles.push("cum%");
    }
    let fixed: u16 = widths
        .iter()
        .map(|c| match c {
            Constraint::Length(w) => w + 1,
            _ => 0,
        })
        .sum();
    let name_width = inner.width.saturating_sub(fixed + 1) as usize;
    widths.push(Constraint::Fill(1));
    titles.push("name");

    let sorted = match session.sort() {
        SortKey::Flat => "flat",
        SortKey::Cum => "cum",
        SortKey::Name => "name",
        SortKey::Growth | SortKey::Shrink => "flat",
    };
    let header = Row::new(titles.iter().map(|&title| {
        let w = match title {
            "sum%" => PERCENT,
            t if t.ends_with('%') => percent,
            _ => value_width,
        } as usize;
        let text = if title == "name" {
            format!(" {title}")
        } else {
            format!("{title:>w$}")
        };
        let style = if title == sorted {
            t.title().add_modifier(Modifier::UNDERLINED)
        } else {
            t.dim()
        };
        Cell::from(Span::styled(text, style))
    }));

    let table_rows: Vec<Row> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![Cell::from(Line::from(value(r.flat)).right_aligned())];
            if compact {
                let text = percentage(r.flat, total);
                cells.push(Cell::from(
                    Line::styled(text, t.heat(r.flat, total)).right_aligned(),
                ));
            }
            if full {
                cells.push(Cell::from(Span::styled(percentage(r.sum, total), t.dim())));
            }
            cells.push(Cell::from(Line::from(value(r.cum)).right_aligned()));
            if compact {
                let text = percentage(r.cum, total);
                cells.push(Cell::from(
                    Line::styled(text, t.heat(r.cum, total)).right_aligned(),
                ));
            }
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
        .header(header)
        .column_spacing(1)
        .row_highlight_style(selected);
    let cursor = session.cursor().checked_sub(offset);
    let mut state = TableState::default().with_selected(cursor);
    frame.render_stateful_widget(
        table,
        Rect {
            height: inner.height,
            ..inner
        },
        &mut state,
    );
}
