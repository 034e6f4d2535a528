//! The source view: the selected function's annotated source, as
//! `--list` prints it (flat, cum, line number, text), the hot lines in
//! hotter colours, the call sites the compiler inlined marked with `»`
//! and the functions inlined there, the cursor on the hottest line when
//! it opens. A file not found shows pprof's message and every path tried.

use super::value_text;
use crate::explore::{LineRow, SourceListing, SourceRow};
use crate::report::percentage;
use crate::tui::app::{App, Mode};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Width of a value column, as in `--list`.
const VALUE: usize = 10;

fn block(app: &App, listing: Option<&SourceListing>, cursor: usize) -> Block<'static> {
    let t = app.theme;
    let mut title = vec![Span::styled(" Source ", t.title())];
    if let Some(listing) = listing {
        title.push(Span::styled(format!("· {} ", listing.function), t.text()));
        title.push(Span::styled(
            format!(
                "· {} ",
                crate::safe_text::escape(listing.scale.sample_type.as_bytes())
            ),
            t.dim(),
        ));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Line::from(title));
    if let Some(listing) = listing {
        block = block.title(
            Line::from(Span::styled(
                format!(
                    " {}/{} ",
                    (cursor + 1).min(listing.rows.len()),
                    listing.rows.len()
                ),
                t.dim(),
            ))
            .right_aligned(),
        );
    }
    block
}

/// Before a frame: where the rows go, and the cursor kept on screen (on
/// the line the view opens at, in the middle, the first time).
pub fn prepare(app: &mut App, area: Rect) {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    app.areas.view = inner;
    let (rows, start) = match app.session.source_listing() {
        Some(Ok(listing)) => (listing.rows.len(), listing.start),
        _ => (0, 0),
    };
    // While the listing is computed the cursor stays unplaced: it goes
    // to the hottest line once the listing is there.
    if let Mode::Source(scroll) = &mut app.mode
        && rows > 0
    {
        scroll.keep_in_view(rows, inner.height as usize, start);
    }
}

/// Draws the view into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let Mode::Source(scroll) = app.mode else {
        return;
    };
    let cursor = scroll.cursor.unwrap_or(0);
    let listing = match app.session.source_listing() {
        Some(Ok(listing)) => listing,
        Some(Err(why)) => {
            super::boxed_line(
                frame,
                block(app, None, 0),
                area,
                &why.to_string(),
                t.error(),
            );
            return;
        }
        None => {
            let block = block(app, None, 0);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            if app.session.source_pending() {
                let text = Span::styled("computing the listing…", t.info());
                frame.render_widget(Paragraph::new(text), inner);
            }
            return;
        }
    };
    let block = block(app, Some(listing), cursor);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let value = |v: i64| match v {
        0 => ".".to_string(),
        v => value_text(&listing.scale, v),
    };
    let lines: Vec<Line> = listing
        .rows
        .iter()
        .enumerate()
        .skip(scroll.offset)
        .take(inner.height as usize)
        .map(|(i, row)| {
            let line = match row {
                SourceRow::Routine { file, flat, cum } => Line::from(vec![
                    Span::styled(format!("{} in {file}", listing.function), t.title()),
                    Span::styled(
                        format!(
                            "  flat {} cum {} ({} of total)",
                            value_text(&listing.scale, *flat),
                            value_text(&listing.scale, *cum),
                            percentage(*cum, listing.total).trim()
                        ),
                        t.dim(),
                    ),
                ]),
                SourceRow::Line(line) => source_line(app, line, &value),
                SourceRow::Missing(message) => {
                    Line::from(Span::styled(format!(" Error: {message}"), t.error()))
                }
                SourceRow::Tried(path) => Line::from(vec![
                    Span::styled("   tried ", t.dim()),
                    Span::raw(path.clone()),
                ]),
                SourceRow::NoSource => Line::from(Span::styled(
                    format!("No source information for {}", listing.function),
                    t.dim(),
                )),
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

/// One line of source: flat, cum, number, the inlined mark, the text, and
/// the functions inlined there.
fn source_line<'a>(app: &App, line: &'a LineRow, value: &dyn Fn(i64) -> String) -> Line<'a> {
    let t = app.theme;
    let numbers = match line.heat {
        0 => t.dim(),
        1 => t.text(),
        2 => t.heat(1, 10),
        _ => t.heat(1, 1).add_modifier(Modifier::BOLD),
    };
    let text = match line.heat {
        0 | 1 => t.text(),
        _ => numbers,
    };
    let mark = if line.inlined.is_empty() { " " } else { "»" };
    let mut spans = vec![
        Span::styled(
            format!("{:>VALUE$} {:>VALUE$} ", value(line.flat), value(line.cum)),
            numbers,
        ),
        Span::styled(format!("{:>6} ", line.number), t.dim()),
        Span::styled(mark, t.inline()),
        Span::styled(line.text.as_str(), text),
    ];
    if !line.inlined.is_empty() {
        spans.push(Span::styled(
            format!("  (inlined: {})", line.inlined.join(", ")),
            t.inline(),
        ));
    }
    Line::from(spans).style(Style::default())
}
