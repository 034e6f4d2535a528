//! The status line: the last message, then key hints generated from the
//! keymap for what is open (so they always tell the truth).

use crate::explore::{Hint, Notice};
use crate::tui::Action;
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the status line into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let width = area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    if app.session.waiting_for_table() {
        let text = " computing… ";
        used += names::width(text) + 1;
        spans.push(Span::styled(text, t.info()));
        spans.push(Span::styled("│", t.dim()));
    }
    if let crate::tui::app::Mode::Save(prompt) = &app.mode {
        let text = format!(
            " save to: {}▏",
            crate::safe_text::escape(prompt.path.as_bytes())
        );
        let text = names::keep_end(&text, width.saturating_sub(used + 1));
        used += names::width(&text) + 1;
        spans.push(Span::styled(text, t.accent()));
        spans.push(Span::raw(" "));
    }
    // A failed refresh is said until one succeeds (the profile shown is
    // the last good one).
    let refresh_error = app
        .session
        .source()
        .error
        .as_ref()
        .map(|e| (format!("refresh failed: {e}"), true));
    let notice = app.session.notice().map(|n| (notice_text(app, n), n.error));
    if let Some((text, error)) = notice.or(refresh_error) {
        let style = if error { t.error() } else { t.info() };
        let text = names::keep_end(&format!(" {text} "), width);
        used += names::width(&text);
        spans.push(Span::styled(text, style));
        spans.push(Span::styled("│", t.dim()));
        used += 1;
    }
    // The hints of what has the keyboard: they change with the open prompt.
    spans.extend(hint_spans(
        app,
        app.context(),
        area.width.saturating_sub(used as u16),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What `notice` says, with the keys of its hint.
fn notice_text(app: &App, notice: &Notice) -> String {
    let keys = |action| app.keymap.keys_for(Context::Browse, action);
    match notice.hint {
        None => notice.text.clone(),
        Some(Hint::Search) => format!("{}: press {} to search", notice.text, keys(Action::Search)),
        Some(Hint::StepMatches) => format!(
            "{} · {}/{} next/previous",
            notice.text,
            keys(Action::NextMatch),
            keys(Action::PrevMatch)
        ),
    }
}

/// The hints of `context` that fit in `width` cells, whole hints only.
pub fn hint_spans(app: &App, context: Context, width: u16) -> Vec<Span<'static>> {
    let t = app.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (keys, word) in app.keymap.hints(context) {
        let cost = 1 + names::width(&keys) + 1 + word.len() + 1;
        if used + cost > width as usize {
            break;
        }
        used += cost;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, t.key()));
        spans.push(Span::styled(format!(" {word} "), t.dim()));
    }
    spans
}
