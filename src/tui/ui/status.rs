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
    let busy = if app.session.waiting_for_table() {
        Some(" computing… ")
    } else if app.session.resolving_stacks() {
        Some(" resolving stacks… ")
    } else {
        None
    };
    if let Some(text) = busy {
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
        // The help and quit hints keep their place at the end.
        let room = width.saturating_sub(used + essential_width(app, app.context()) + 1);
        let text = names::keep_end(&format!(" {text} "), room);
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

/// The hints of `context` that fit in `width` cells, whole hints only,
/// those of help and quit last and kept whatever the width: a new user
/// always sees how to get help and how to leave.
pub fn hint_spans(app: &App, context: Context, width: u16) -> Vec<Span<'static>> {
    let t = app.theme;
    let (essential, others): (Vec<_>, Vec<_>) = app
        .keymap
        .hints(context)
        .into_iter()
        .partition(|(_, word)| is_essential(app, context, word));
    let mut room = (width as usize).saturating_sub(essential_width(app, context));
    let mut spans = Vec::new();
    let mut push = |keys: String, word: &str| {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, t.key()));
        spans.push(Span::styled(format!(" {word} "), t.dim()));
    };
    for (keys, word) in others {
        let cost = hint_width(&keys, word);
        if cost > room {
            break;
        }
        room -= cost;
        push(keys, word);
    }
    for (keys, word) in essential {
        push(keys, word);
    }
    spans
}

/// Cells of one hint.
fn hint_width(keys: &str, word: &str) -> usize {
    1 + names::width(keys) + 1 + names::width(word) + 1
}

/// Whether the hint `word` of `context` is help's or quit's.
fn is_essential(app: &App, context: Context, word: &str) -> bool {
    app.keymap.bindings().iter().any(|b| {
        (b.context == context || (context.browses() && b.context == Context::Browse))
            && b.hint == Some(word)
            && matches!(b.action, Action::Help | Action::Quit)
    })
}

/// Cells of the help and quit hints of `context`.
fn essential_width(app: &App, context: Context) -> usize {
    app.keymap
        .hints(context)
        .iter()
        .filter(|(_, word)| is_essential(app, context, word))
        .map(|(keys, word)| hint_width(keys, word))
        .sum()
}
