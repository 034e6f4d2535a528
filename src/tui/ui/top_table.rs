//! The top table: flat, flat%, sum%, cum, cum%, name, as `ppt --top`.
//!
//! Only the rows on screen become ratatui rows; their numbers come from the
//! view (running sums and unit are precomputed there). Names too long for
//! the column lose the middle of their path, visibly.

use crate::analysis::order::SortKey;
use crate::report::percentage;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
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

/// Draws the table into `area` and records where its rows are.
pub fn draw(frame: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let focused = app.focus == Pane::Table;
    let rows_total = app.view.table.rows.len();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(focused))
        .title(Line::from(vec![
            Span::styled(" Top ", t.title()),
            Span::styled(format!("· sort {} ", app.sort.name()), t.dim()),
        ]))
        .title(
            Line::from(Span::styled(
                format!(" {}/{} ", (app.cursor + 1).min(rows_total), rows_total),
                t.dim(),
            ))
            .right_aligned(),
        );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width == 0 {
        return;
    }
    let [_, body] = ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Fill(1)])
        .areas(inner);
    app.areas.table = body;

    if rows_total == 0 {
        let clear = app.keymap.keys_for(
            crate::tui::keymap::Context::Browse,
            crate::tui::Action::ClearFilters,
        );
        let text = if app.filters.is_empty() {
            "no samples for this sample type".to_string()
        } else {
            format!("no samples pass the filters ({clear} clears them)")
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t.dim())), body);
        return;
    }

    // Keep the cursor on screen, moving the window as little as possible.
    let height = body.height as usize;
    if std::mem::take(&mut app.center) {
        app.offset = app.cursor.saturating_sub(height / 2);
    } else if app.cursor < app.offset {
        app.offset = app.cursor;
    } else if app.cursor >= app.offset + height {
        app.offset = app.cursor + 1 - height;
    }
    app.offset = app.offset.min(rows_total.saturating_sub(height));

    let end = (app.offset + height).min(rows_total);
    let on_screen: Vec<_> = app.view.table.rows[app.offset..end].to_vec();
    app.prepare_marks(&on_screen);
    let report = &app.view.report;
    let total = report.total;
    // pprof's percentages are 6 wide but small ones grow (`0.0033%`): size
    // the columns for the rows on screen.
    let percent = (app.offset..end)
        .map(|row| {
            let (flat, cum) = app.view.values(&app.agg, app.view.table.rows[row]);
            percentage(flat, total)
                .len()
                .max(percentage(cum, total).len())
        })
        .max()
        .unwrap_or(0)
        .max(PERCENT as usize) as u16;
    // Values are 10 wide as in pprof, wider when a value on screen is
    // (`21367831744B`): never cut.
    let value = |v: i64| super::value_text(report, v);
    let value_width = (app.offset..end)
        .map(|row| {
            let (flat, cum) = app.view.values(&app.agg, app.view.table.rows[row]);
            value(flat).chars().count().max(value(cum).chars().count())
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

    let sorted = match app.sort {
        SortKey::Flat => "flat",
        SortKey::Cum => "cum",
        SortKey::Name => "name",
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

    let rows: Vec<Row> = (app.offset..end)
        .map(|row| {
            let node = app.view.table.rows[row];
            let (flat, cum) = app.view.values(&app.agg, node);
            let mut cells = vec![Cell::from(Line::from(value(flat)).right_aligned())];
            if compact {
                let text = percentage(flat, total);
                cells.push(Cell::from(
                    Line::styled(text, t.heat(flat, total)).right_aligned(),
                ));
            }
            if full {
                let sum = app.view.sum_through(row);
                cells.push(Cell::from(Span::styled(percentage(sum, total), t.dim())));
            }
            cells.push(Cell::from(Line::from(value(cum)).right_aligned()));
            if compact {
                let text = percentage(cum, total);
                cells.push(Cell::from(
                    Line::styled(text, t.heat(cum, total)).right_aligned(),
                ));
            }
            let mark = app.view.inline_mark(node);
            let mark_width = mark.map_or(0, |m| m.len() + 3);
            let room = name_width.saturating_sub(mark_width).max(name_width.min(8));
            let mut name = vec![Span::raw(" "), Span::raw(app.short_name(node, room))];
            if let Some(mark) = mark.filter(|_| name_width >= room + mark_width) {
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
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(selected);
    let mut state = TableState::default().with_selected(Some(app.cursor - app.offset));
    frame.render_stateful_widget(
        table,
        Rect {
            height: inner.height,
            ..inner
        },
        &mut state,
    );
}
