//! The callers/callees pane: pprof's peek for the selected function.
//!
//! Callers above, the function itself (its full name, wrapped, never
//! shortened), callees below; each call with its value and its share of the
//! function's cum. At the bottom, the trail of functions walked to get here.

use crate::report::percentage;
use crate::safe_text::escape;
use crate::tui::app::{App, Pane};
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// What one line of the pane shows.
enum Item {
    Heading(String),
    /// A caller or callee: the cursor position.
    Call(usize),
    /// A line of the function's own (wrapped) name, with the cursor
    /// position of the function on the first.
    SelfName(String, Option<usize>),
    /// The function's flat (`false`) or cum (`true`).
    SelfStats(bool),
    Blank,
}

/// Draws the pane into `area` and records which line shows what.
pub fn draw(frame: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let focused = app.focus == Pane::Calls;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(focused))
        .title(Span::styled(" Callers · callees ", t.title()))
        .padding(ratatui::widgets::Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(node) = app.calls.node else {
        return;
    };
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    // A rule and two lines of trail, when there is room for them.
    let trail_height = match inner.height {
        0..8 => 0,
        8..14 => 2,
        _ => 3,
    };
    let [list, trail] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(trail_height)]).areas(inner);
    let width = list.width as usize;

    // The lines, as cheap descriptions; only the visible ones are rendered.
    let calls = &app.calls;
    let known = calls.known;
    let mut items = Vec::with_capacity(calls.len() + 8);
    items.push(Item::Heading(if !known {
        "▲ callers: computing…".into()
    } else if calls.callers.is_empty() {
        "▲ no callers".into()
    } else {
        format!("▲ callers ({}) · % of its cum", calls.callers.len())
    }));
    items.extend((0..calls.callers.len()).map(Item::Call));
    items.push(Item::Blank);
    for (i, piece) in wrap(app.name(node), width.saturating_sub(2).max(1))
        .into_iter()
        .enumerate()
    {
        items.push(Item::SelfName(
            piece,
            (i == 0).then_some(calls.self_index()),
        ));
    }
    items.push(Item::SelfStats(false));
    items.push(Item::SelfStats(true));
    items.push(Item::Blank);
    items.push(Item::Heading(if !known {
        "▼ callees: computing…".into()
    } else if calls.callees.is_empty() {
        "▼ no callees".into()
    } else {
        format!("▼ callees ({}) · % of its cum", calls.callees.len())
    }));
    items.extend((0..calls.callees.len()).map(|i| Item::Call(calls.self_index() + 1 + i)));

    // Scroll so that the cursor's line is visible, and the function's own
    // lines when the cursor is on it.
    let cursor_line = items
        .iter()
        .position(|item| match item {
            Item::Call(pos) | Item::SelfName(_, Some(pos)) => *pos == calls.cursor,
            _ => false,
        })
        .unwrap_or(0);
    let height = list.height as usize;
    let mut offset = app.calls_offset.min(items.len().saturating_sub(1));
    if cursor_line < offset {
        offset = cursor_line.saturating_sub(1);
    } else if cursor_line >= offset + height {
        offset = cursor_line + 1 - height;
    }
    app.calls_offset = offset;

    let report = &app.view.report;
    let k = calls.k;
    let (flat, cum) = app.view.values(&app.agg, node);
    let value = |v: i64| super::value_text(report, v);
    let selected = if focused {
        t.selected()
    } else {
        t.selected_unfocused()
    };
    let call_at = |pos: usize| {
        if pos < calls.self_index() {
            &calls.callers[pos]
        } else {
            &calls.callees[pos - calls.self_index() - 1]
        }
    };
    // Value and share columns as wide as the calls on screen need, so that
    // names get the rest of a narrow pane.
    let visible_calls = || {
        items
            .iter()
            .skip(offset)
            .take(height)
            .filter_map(|item| match item {
                Item::Call(pos) => Some(call_at(*pos)),
                _ => None,
            })
    };
    let value_width = visible_calls()
        .map(|c| names::width(&value(c.weight(k))))
        .max()
        .unwrap_or(0);
    let share_width = visible_calls()
        .map(|c| percentage(c.weight(k), cum).len())
        .max()
        .unwrap_or(0);
    let mut lines = Vec::with_capacity(height);
    let mut line_positions = Vec::with_capacity(height);
    for item in items.iter().skip(offset).take(height) {
        let (line, pos) = match item {
            Item::Heading(text) => (Line::from(Span::styled(text.clone(), t.dim())), None),
            Item::Blank => (Line::default(), None),
            Item::Call(pos) => {
                let call = call_at(*pos);
                let (w, other) = (call.weight(k), call.node);
                let inline = call.inline(k);
                let fixed = value_width + 1 + share_width + 2 + if inline { 9 } else { 0 };
                let mut spans = vec![
                    Span::raw(format!("{:>value_width$} ", value(w))),
                    Span::styled(
                        format!("{:>share_width$}", percentage(w, cum)),
                        t.heat(w, cum),
                    ),
                    Span::raw("  "),
                    Span::raw(app.short_name(other, width.saturating_sub(fixed))),
                ];
                if inline {
                    spans.push(Span::styled(" (inline)", t.inline()));
                }
                let mut line = Line::from(spans);
                if *pos == calls.cursor {
                    line = line.style(selected);
                }
                (line, Some(*pos))
            }
            Item::SelfName(piece, pos) => {
                let lead = if pos.is_some() { "▶ " } else { "  " };
                let mut line = Line::from(vec![
                    Span::styled(lead, t.title()),
                    Span::styled(piece.clone(), t.text().add_modifier(Modifier::BOLD)),
                ]);
                if *pos == Some(calls.cursor) {
                    line = line.style(selected);
                }
                (line, Some(calls.self_index()))
            }
            Item::SelfStats(is_cum) => {
                let total = report.total;
                let (label, v) = if *is_cum {
                    ("cum ", cum)
                } else {
                    ("flat", flat)
                };
                let line = Line::from(vec![
                    Span::styled(format!("  {label} "), t.dim()),
                    Span::raw(format!("{:>10} ", value(v))),
                    Span::styled(percentage(v, total), t.heat(v, total)),
                    Span::styled(" of total", t.dim()),
                ]);
                (line, Some(calls.self_index()))
            }
        };
        lines.push(line);
        line_positions.push(pos);
    }
    frame.render_widget(Paragraph::new(lines), list);
    app.areas.calls = list;
    app.areas.calls_lines = line_positions;

    if trail_height > 0 {
        draw_trail(frame, app, trail);
    }
}

/// The breadcrumb: the functions walked through, ending at the current one.
/// The most recent steps are kept; older ones give way to `…`.
fn draw_trail(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let mut steps: Vec<String> = app
        .history
        .trail()
        .iter()
        .map(|id| step(app, &escape(&id.name)))
        .collect();
    if let Some(node) = app.calls.node {
        steps.push(step(app, app.name(node)));
    }
    let forward = app.history.forward_len();
    let suffix = if forward > 0 {
        format!("  +{forward}")
    } else {
        String::new()
    };
    let label = "trail ";
    let lines = area.height.saturating_sub(1) as usize;
    let room = (area.width as usize * lines).saturating_sub(label.len() + suffix.len() + lines);
    let mut shown: Vec<&str> = Vec::new();
    let mut used = 0;
    for (i, step) in steps.iter().enumerate().rev() {
        let cost = names::width(step) + if shown.is_empty() { 0 } else { 3 };
        let ellipsis = if i > 0 { 4 } else { 0 };
        if used + cost + ellipsis > room && !shown.is_empty() {
            shown.push("…");
            break;
        }
        used += cost;
        shown.push(step);
    }
    shown.reverse();
    let text = names::keep_end(&shown.join(" › "), room);
    let spans = vec![
        Span::styled(label, t.dim()),
        Span::raw(text),
        Span::styled(suffix, t.dim()),
    ];
    let rule = Line::from(Span::styled("─".repeat(area.width as usize), t.border()));
    frame.render_widget(
        Paragraph::new(vec![rule, Line::from(spans)]).wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

/// One step of the trail: the function without its package path (and
/// without its file at the granularities that add one).
fn step(app: &App, name: &str) -> String {
    use crate::analysis::Granularity as G;
    let func = match app.agg.frames.granularity {
        G::FileFunctions | G::Lines | G::Addresses => {
            name.rsplit_once(' ').map_or(name, |(f, _)| f)
        }
        G::Functions | G::Files => name,
    };
    names::shorten(names::last_element(func), 28)
}

/// `text` cut into lines of at most `width` cells (for the full name),
/// preferably after a `/`, `.` or space so that name elements stay whole.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while names::width(rest) > width {
        let mut used = 0;
        let mut hard = rest.len();
        let mut soft = None;
        for (i, c) in rest.char_indices() {
            used += names::char_width(c);
            if used > width {
                hard = i;
                break;
            }
            if matches!(c, '/' | '.' | ' ') {
                soft = Some(i + c.len_utf8());
            }
        }
        // A break point in the first third of the line wastes too much.
        let cut = match soft {
            Some(s) if s * 3 >= hard => s,
            _ => hard.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        pieces.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}
