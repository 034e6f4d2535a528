//! The help overlay, generated from the keymap: every binding of every
//! context, and the mouse gestures. Two columns when the terminal is wide
//! enough, else one that scrolls.

use crate::tui::app::{App, Mode};
use crate::tui::keymap::{Context, MOUSE};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const KEY_WIDTH: usize = 13;
/// Width of one column: keys and the longest help text.
const COLUMN_WIDTH: u16 = 58;

/// Draws the overlay centred in `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let Mode::Help(scroll) = app.mode else { return };
    let t = app.theme;
    let mut left = Vec::new();
    section(
        app,
        &mut left,
        Context::Browse.title(),
        app.keymap.help(Context::Browse),
    );
    let mut right = Vec::new();
    for context in [
        Context::Tree,
        Context::Sandwich,
        Context::Search,
        Context::Filter,
        Context::Save,
        Context::Help,
        Context::Any,
    ] {
        section(app, &mut right, context.title(), app.keymap.help(context));
    }
    let mouse = MOUSE.iter().map(|&(k, h)| (k.to_string(), h)).collect();
    section(app, &mut right, "Mouse", mouse);

    let two_columns = area.width >= 2 * COLUMN_WIDTH + 2;
    let (columns, height) = if two_columns {
        let h = left.len().max(right.len());
        (vec![left, right], h)
    } else {
        left.push(Line::default());
        left.extend(right);
        let h = left.len();
        (vec![left], h)
    };
    let width = if two_columns {
        2 * COLUMN_WIDTH + 2
    } else {
        COLUMN_WIDTH + 2
    };
    let popup = super::centered(area, width, height as u16 + 2);
    let inner_height = popup.height.saturating_sub(2);
    let max_scroll = (height as u16).saturating_sub(inner_height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Span::styled(" Help ", t.title()))
        .title(Line::from(Span::styled(" Esc closes ", t.dim())).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns.len()]).split(inner);
    for (lines, &column) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(
            Paragraph::new(lines).scroll((scroll.min(max_scroll), 0)),
            column,
        );
    }
}

fn section<'a>(app: &App, lines: &mut Vec<Line<'a>>, title: &str, rows: Vec<(String, &'a str)>) {
    let t = app.theme;
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(format!(" {title}"), t.title())));
    for (keys, text) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("   {keys:<KEY_WIDTH$}"), t.key()),
            Span::raw(text),
        ]));
    }
}
