//! The search prompt: the query, and the ranked matches with the matched
//! characters highlighted. Positions are computed only for the matches on
//! screen.

use crate::report::percentage;
use crate::tui::app::{App, Mode};
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws the prompt over `area` (the body).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let (Mode::Search(query), Some(finder)) = (&app.mode, app.session.finder()) else {
        return;
    };
    let session = &app.session;
    let t = app.theme;
    // As tall as the matches need and as wide as their names, within the body.
    let shown = finder.matches.len().clamp(1, 18) as u16;
    let widest = finder
        .matches
        .iter()
        .take(200)
        .map(|&n| names::width(session.name(n)))
        .max()
        .unwrap_or(0) as u16;
    let width = (widest + 14).max(60).min(area.width.saturating_sub(4));
    let popup = super::centered(area, width, shown + 2);
    let bottom = vec![Span::styled(
        if finder.searching() {
            " searching… ".to_string()
        } else {
            format!(" {} of {} ", finder.matches.len(), session.row_count())
        },
        t.dim(),
    )];
    let query = crate::safe_text::escape(query.as_bytes());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Line::from(vec![
            Span::styled(" Search: ", t.title()),
            Span::styled(format!("{query}▏"), t.matched()),
            Span::raw(" "),
        ]))
        .title_bottom(Line::from(bottom));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if inner.height == 0 || inner.width < 4 {
        return;
    }

    let height = inner.height as usize;
    let offset = (finder.cursor + 1).saturating_sub(height);
    let share_width = 8;
    let name_width = (inner.width as usize).saturating_sub(2 + share_width);
    let total = session.scale().total;
    let lines: Vec<Line> = finder
        .matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, &node)| {
            let name = session.name(node);
            let hits = finder.positions(name);
            let chosen = i == finder.cursor;
            let mut spans = vec![Span::styled(if chosen { "▶ " } else { "  " }, t.key())];
            spans.extend(highlighted(app, name, &hits, name_width));
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let (_, cum) = session.values(node);
            let pad = (inner.width as usize).saturating_sub(used + share_width);
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(
                format!("{:>w$}", percentage(cum, total), w = share_width),
                t.heat(cum, total),
            ));
            let line = Line::from(spans);
            if chosen {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled("  no match", t.dim())), inner);
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// `name` shortened to `width` like the table does, matched characters
/// (by character index) styled.
fn highlighted(app: &App, name: &str, hits: &[usize], width: usize) -> Vec<Span<'static>> {
    let t = app.theme;
    let cut = names::elide(name, width);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut plain = String::new();
    let flush = |plain: &mut String, spans: &mut Vec<Span<'static>>| {
        if !plain.is_empty() {
            spans.push(Span::raw(std::mem::take(plain)));
        }
    };
    let mut hits = hits.iter().peekable();
    for (ci, (bi, c)) in name.char_indices().enumerate() {
        while hits.peek().is_some_and(|&&h| h < ci) {
            hits.next();
        }
        if let Some(cut) = cut
            && bi >= cut.start
            && bi < cut.end
        {
            if bi == cut.start && cut.mark {
                plain.push('…');
            }
            continue;
        }
        if hits.peek() == Some(&&ci) {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(c.to_string(), t.matched()));
        } else {
            plain.push(c);
        }
    }
    flush(&mut plain, &mut spans);
    spans
}
