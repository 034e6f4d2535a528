//! The help overlay, generated from the keymap: every binding of every
//! context, and the mouse gestures.

use crate::tui::app::{App, Mode};
use crate::tui::keymap::{Context, MOUSE};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws the overlay centred in `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let Mode::Help(scroll) = app.mode else { return };
    let t = app.theme;
    let key_width = 16;
    let mut lines: Vec<Line> = Vec::new();
    let section = |lines: &mut Vec<Line>, title: &str, rows: Vec<(String, String)>| {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(title.to_string(), t.title())));
        for (keys, text) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<key_width$}"), t.key()),
                Span::raw(text),
            ]));
        }
    };
    for context in [
        Context::Browse,
        Context::Search,
        Context::Filter,
        Context::Help,
        Context::Any,
    ] {
        let rows = app
            .keymap
            .help(context)
            .into_iter()
            .map(|(k, h)| (k, h.to_string()))
            .collect();
        section(&mut lines, context.title(), rows);
    }
    let mouse = MOUSE
        .iter()
        .map(|(k, h)| (k.to_string(), h.to_string()))
        .collect();
    section(&mut lines, "Mouse", mouse);

    let popup = super::centered(area, 76, lines.len() as u16 + 2);
    let max_scroll = (lines.len() as u16).saturating_sub(popup.height.saturating_sub(2));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Span::styled(" Help ", t.title()))
        .title_bottom(Line::from(super::status::hint_spans(
            app,
            Context::Help,
            popup.width.saturating_sub(4),
        )));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        popup,
    );
}
