//! The tags view: the label breakdown of the current view with the
//! numbers of `--tags` (each key's total, each value's sum and share of
//! it, largest first), a bar per share; Enter on a value makes it the tag
//! focus.

use crate::explore::tags::TagRow;
use crate::tui::app::{App, Mode};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Width of the share bars.
const BAR: usize = 20;

fn block(app: &App, cursor: usize, rows: usize) -> Block<'static> {
    let t = app.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Line::from(vec![
            Span::styled(" Tags ", t.title()),
            Span::styled(
                format!(
                    "· {} ",
                    crate::safe_text::escape(app.session.scale().sample_type.as_bytes())
                ),
                t.dim(),
            ),
        ]))
        .title(
            Line::from(Span::styled(
                format!(" {}/{} ", (cursor + 1).min(rows), rows),
                t.dim(),
            ))
            .right_aligned(),
        )
}

/// Before a frame: where the rows go, and the cursor kept on screen (on
/// the first value when the view opens).
pub fn prepare(app: &mut App, area: Rect) {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    app.areas.view = inner;
    let rows = match app.session.tags() {
        Some(Ok(view)) => view.rows.len(),
        _ => 0,
    };
    if let Mode::Tags(scroll) = &mut app.mode {
        let start = usize::from(rows > 1);
        if scroll.cursor.is_none() {
            // From the top: the first key stays in sight.
            scroll.offset = 0;
            scroll.cursor = Some(start);
        }
        scroll.keep_in_view(rows, inner.height as usize, start);
    }
}

/// Draws the view into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let Mode::Tags(scroll) = app.mode else {
        return;
    };
    let cursor = scroll.cursor.unwrap_or(0);
    let view = match app.session.tags() {
        Some(Ok(view)) => view,
        Some(Err(why)) => {
            super::boxed_line(frame, block(app, 0, 0), area, &why.to_string(), t.error());
            return;
        }
        None => {
            frame.render_widget(block(app, 0, 0), area);
            return;
        }
    };
    let block = block(app, cursor, view.rows.len());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("no labels in the samples shown", t.dim())),
            inner,
        );
        return;
    }
    let sum_width = view
        .rows
        .iter()
        .map(|r| match r {
            TagRow::Value { sum, .. } => sum.chars().count(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = view
        .rows
        .iter()
        .enumerate()
        .skip(scroll.offset)
        .take(inner.height as usize)
        .map(|(i, row)| {
            let line = match row {
                TagRow::Key { name, total } => Line::from(vec![
                    Span::styled(name.clone(), t.title()),
                    Span::styled(format!(": Total {total}"), t.dim()),
                ]),
                TagRow::Value {
                    text,
                    sum,
                    share,
                    fraction,
                    ..
                } => {
                    let filled =
                        ((fraction.clamp(0.0, 1.0) * BAR as f64).round() as usize).min(BAR);
                    let share_text = share.as_deref().map_or("", str::trim).to_string();
                    Line::from(vec![
                        Span::raw(format!("  {sum:>sum_width$} ")),
                        Span::styled(
                            format!("{share_text:>9} "),
                            t.heat((fraction * 1000.0) as i64, 1000),
                        ),
                        Span::styled("█".repeat(filled), t.heat((fraction * 1000.0) as i64, 1000)),
                        Span::styled("·".repeat(BAR - filled), t.dim()),
                        Span::raw(" "),
                        Span::raw(text.clone()),
                    ])
                }
            };
            if i == cursor {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
