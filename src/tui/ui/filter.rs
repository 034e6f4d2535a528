//! The filter pane: source include/exclude, pprof's focus, ignore, hide,
//! show, show_from, prune_from and the label filters.
//!
//! Each field shows its pattern and what it does; the field being edited
//! has a cursor. A pattern that does not compile is reported here, in the
//! pane, and nothing is applied. When the pane is shorter than its fields,
//! they scroll with the field being edited; the status line stays.

use crate::safe_text::escape;
use crate::tui::app::{App, Mode};
use crate::tui::filter_form::Field;
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws the open filter pane into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let Mode::Filter(form) = &app.mode else {
        return;
    };
    let t = app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focused_border())
        .title(Span::styled(" Filters ", t.title()));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let label_width = 11;
    let value_width = (inner.width as usize / 3).clamp(12, 40);
    let mut lines = Vec::with_capacity(8);
    for (i, field) in Field::ALL.iter().enumerate() {
        let editing = i == form.field;
        let text = escape(form.values[i].as_bytes());
        let shown = if editing {
            // Keep the end visible while typing, and show the cursor.
            format!("{}▏", names::keep_end(&text, value_width.saturating_sub(1)))
        } else if text.is_empty() {
            "—".to_string()
        } else {
            names::keep_end(&text, value_width)
        };
        let pad = value_width.saturating_sub(names::width(&shown));
        let label_style = if editing { t.key() } else { t.dim() };
        let value_style = if editing {
            t.selected()
        } else if text.is_empty() {
            t.dim()
        } else {
            t.filter()
        };
        lines.push(Line::from(vec![
            Span::styled(if editing { " ▶ " } else { "   " }, t.key()),
            Span::styled(format!("{:<label_width$}", field.name()), label_style),
            Span::styled(format!("{shown}{}", " ".repeat(pad)), value_style),
            Span::styled(format!("  {}", field.help()), t.dim()),
        ]));
    }
    // The fields that fit, the one edited among them, above the status.
    let room = (inner.height as usize).saturating_sub(2).max(1);
    let first = form.field.saturating_sub(room - 1);
    let mut lines: Vec<Line> = lines.into_iter().skip(first).take(room).collect();
    let status = match &form.error {
        Some(error) => Span::styled(format!(" ✗ {}", escape(error.as_bytes())), t.error()),
        None => Span::styled(
            " regular expressions; percentages stay relative to the unfiltered total",
            t.dim(),
        ),
    };
    lines.push(Line::default());
    lines.push(Line::from(status));
    frame.render_widget(Paragraph::new(lines), inner);
}
