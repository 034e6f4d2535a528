//! The callers/callees pane: pprof's peek for the selected function.
//!
//! Callers above, the function itself (its full name, wrapped, never
//! shortened), callees below; each call with its value and its share of the
//! function's cum. At the bottom, the trail of functions walked to get here.

use crate::analysis::Call;
use crate::report::percentage;
use crate::safe_text::escape;
use crate::tui::app::{App, Pane};
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The pane's lines as the last `prepare` worked them out, for the
/// frame's `draw`: building them twice would cost a frame as much again.
#[derive(Default)]
pub struct Prepared {
    area: Rect,
    list: Rect,
    trail: Rect,
    items: Vec<Item>,
}

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
    /// In a comparison: the function's flat (`false`) or cum (`true`) in
    /// the base and in the new profile.
    SelfChange(bool),
    /// Both on one line, in a pane too short for the whole list.
    SelfBoth,
    Blank,
}

impl Item {
    /// The cursor position the line shows, for the mouse.
    fn position(&self, self_index: usize) -> Option<usize> {
        match self {
            Item::Call(pos) => Some(*pos),
            Item::SelfName(..) | Item::SelfStats(_) | Item::SelfChange(_) | Item::SelfBoth => {
                Some(self_index)
            }
            Item::Heading(_) | Item::Blank => None,
        }
    }
}

/// The pane's border.
fn block(app: &App) -> Block<'static> {
    let t = app.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(app.focus == Pane::Calls))
        .title(Span::styled(
            if app.session.mean() {
                // A mean's share of a mean is no share of anything.
                " Callers · callees · means, no shares "
            } else {
                " Callers · callees "
            },
            t.title(),
        ))
        .padding(ratatui::widgets::Padding::horizontal(1))
}

/// The list's and the trail's areas in a pane of `area`, and the lines of
/// the list (`None`: nothing to show).
fn lines(app: &App, area: Rect) -> Option<(Rect, Rect, Vec<Item>)> {
    let inner = block(app).inner(area);
    let node = app.session.calls().node?;
    if inner.height == 0 || inner.width == 0 {
        return None;
    }
    // A rule and one or two lines of trail, when the calls keep room for
    // their rows: the trail never takes the place of the callees.
    let trail_height = match inner.height {
        0..14 => 0,
        14..20 => 2,
        _ => 3,
    };
    let [list, trail] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(trail_height)]).areas(inner);
    let width = list.width as usize;

    // The lines, as cheap descriptions; only the visible ones are rendered.
    let calls = app.session.calls();
    let known = calls.known;
    let share = if app.session.mean() {
        "mean values"
    } else {
        "% of its cum"
    };
    let mut items = Vec::with_capacity(calls.len() + 8);
    items.push(Item::Heading(if !known {
        "▲ callers: computing…".into()
    } else if calls.callers.is_empty() {
        "▲ no callers".into()
    } else {
        format!("▲ callers ({}) · {share}", calls.callers.len())
    }));
    items.extend((0..calls.callers.len()).map(Item::Call));
    items.push(Item::Blank);
    for (i, piece) in wrap(app.session.name(node), width.saturating_sub(2).max(1))
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
    if app.session.comparison().is_some() {
        items.push(Item::SelfChange(false));
        items.push(Item::SelfChange(true));
    }
    items.push(Item::Blank);
    items.push(Item::Heading(if !known {
        "▼ callees: computing…".into()
    } else if calls.callees.is_empty() {
        "▼ no callees".into()
    } else {
        format!("▼ callees ({}) · {share}", calls.callees.len())
    }));
    items.extend((0..calls.callees.len()).map(|i| Item::Call(calls.self_index() + 1 + i)));
    if items.len() > list.height as usize {
        // Short of room: no blank lines, flat and cum on one line, so that
        // more calls show.
        items.retain(|item| {
            !matches!(
                item,
                Item::Blank | Item::SelfStats(true) | Item::SelfChange(true)
            )
        });
        for item in &mut items {
            if matches!(item, Item::SelfStats(false)) {
                *item = Item::SelfBoth;
            }
        }
    }
    Some((list, trail, items))
}

/// Before a frame: scrolls so that the cursor's line is visible (and the
/// function's own lines when the cursor is on it), and records which line
/// shows what, for the mouse.
pub fn prepare(app: &mut App, area: Rect) {
    let Some((list, trail, items)) = lines(app, area) else {
        return;
    };
    let calls = app.session.calls();
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
    // As many lines as fit (a bigger pane after a resize shows the lines
    // above, not blank ones below), the cursor's line still among them.
    offset = offset.min(items.len().saturating_sub(height));
    let self_index = calls.self_index();
    app.areas.calls_lines = items
        .iter()
        .skip(offset)
        .take(height)
        .map(|item| item.position(self_index))
        .collect();
    app.calls_offset = offset;
    app.areas.calls = list;
    app.areas.calls_prepared = Prepared {
        area,
        list,
        trail,
        items,
    };
}

/// Draws the pane into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    frame.render_widget(block(app), area);
    let prepared = &app.areas.calls_prepared;
    let computed;
    let (list, trail, items) = if prepared.area == area && !prepared.items.is_empty() {
        (prepared.list, prepared.trail, &prepared.items)
    } else {
        // Not prepared for this area (the terminal was resized between).
        let Some((list, trail, items)) = lines(app, area) else {
            return;
        };
        computed = items;
        (list, trail, &computed)
    };
    let session = &app.session;
    let calls = session.calls();
    let Some(node) = calls.node else {
        return;
    };
    let focused = app.focus == Pane::Calls;
    let width = list.width as usize;
    let height = list.height as usize;
    let offset = app.calls_offset;

    let scale = session.scale();
    let k = calls.k;
    let (flat, cum) = session.values(node);
    // A comparison's values are changes: signed, coloured by growth.
    let comparing = session.comparison().is_some();
    let value = |v: i64| match comparing {
        true => super::compare_table::signed(scale, v),
        false => super::value_text(scale, v),
    };
    let value_style = |v: i64| match comparing {
        true => t.change(v),
        false => t.text(),
    };
    let selected = if focused {
        t.selected()
    } else {
        t.selected_unfocused()
    };
    let call_at = |pos: usize| -> &Call {
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
    let shares = !session.mean();
    let share_of = |w: i64| match shares {
        true => percentage(w, cum),
        false => String::new(),
    };
    let share_width = visible_calls()
        .map(|c| share_of(c.weight(k)).len())
        .max()
        .unwrap_or(0);
    let mut lines = Vec::with_capacity(height);
    for item in items.iter().skip(offset).take(height) {
        let line = match item {
            Item::Heading(text) => Line::from(Span::styled(text.clone(), t.dim())),
            Item::Blank => Line::default(),
            Item::Call(pos) => {
                let call = call_at(*pos);
                let (w, other) = (call.weight(k), call.node);
                let inline = call.inline(k);
                let fixed = value_width + 1 + share_width + 2 + if inline { 9 } else { 0 };
                let mut spans = vec![
                    Span::styled(format!("{:>value_width$} ", value(w)), value_style(w)),
                    Span::styled(format!("{:>share_width$}", share_of(w)), t.heat(w, cum)),
                    Span::raw("  "),
                    Span::raw(app.short_name(other, width.saturating_sub(fixed))),
                ];
                if inline {
                    spans.push(Span::styled(" (inline)", t.inline()));
                }
                let line = Line::from(spans);
                if *pos == calls.cursor {
                    line.style(selected)
                } else {
                    line
                }
            }
            Item::SelfName(piece, pos) => {
                let lead = if pos.is_some() { "▶ " } else { "  " };
                let line = Line::from(vec![
                    Span::styled(lead, t.title()),
                    Span::styled(piece.clone(), t.text().add_modifier(Modifier::BOLD)),
                ]);
                if *pos == Some(calls.cursor) {
                    line.style(selected)
                } else {
                    line
                }
            }
            Item::SelfBoth => {
                let total = scale.total;
                Line::from(vec![
                    Span::styled("  flat ", t.dim()),
                    Span::raw(format!("{} ", value(flat))),
                    Span::styled(
                        percentage(flat, total).trim().to_string(),
                        t.heat(flat, total),
                    ),
                    Span::styled(" · cum ", t.dim()),
                    Span::raw(format!("{} ", value(cum))),
                    Span::styled(
                        percentage(cum, total).trim().to_string(),
                        t.heat(cum, total),
                    ),
                ])
            }
            Item::SelfStats(is_cum) => {
                let total = scale.total;
                let (label, v) = if *is_cum {
                    ("cum ", cum)
                } else {
                    ("flat", flat)
                };
                Line::from(vec![
                    Span::styled(format!("  {label} "), t.dim()),
                    Span::styled(format!("{:>10} ", value(v)), value_style(v)),
                    Span::styled(percentage(v, total), t.heat(v, total)),
                    Span::styled(" of total", t.dim()),
                ])
            }
            Item::SelfChange(is_cum) => {
                let change = session.change(node);
                let pick = |pair: (i64, i64)| if *is_cum { pair.1 } else { pair.0 };
                let label = if *is_cum { "cum " } else { "flat" };
                let (base, new) = change.map_or((0, 0), |c| (pick(c.base), pick(c.new)));
                let pending = change.is_some_and(|c| c.pending);
                let value = |v: i64| match pending {
                    true => "…".to_string(),
                    false => super::value_text(scale, v),
                };
                // The numbers first: the words are what a narrow pane cuts.
                Line::from(vec![
                    Span::styled(format!("  {label} "), t.dim()),
                    Span::raw(value(base)),
                    Span::styled(" → ", t.dim()),
                    Span::raw(value(new)),
                    Span::styled(" (base → new)", t.dim()),
                ])
            }
        };
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), list);

    if trail.height > 0 {
        draw_trail(frame, app, trail);
    }
}

/// The breadcrumb: the functions walked through, ending at the current one.
/// The most recent steps are kept; older ones give way to `…`.
fn draw_trail(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let session = &app.session;
    let mut steps: Vec<String> = session
        .history()
        .trail()
        .iter()
        .map(|id| step(app, &escape(&id.name)))
        .collect();
    if let Some(node) = session.calls().node {
        steps.push(step(app, session.name(node)));
    }
    let forward = session.history().forward_len();
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
    let func = match app.session.shown_granularity() {
        G::FileFunctions | G::Lines | G::Addresses => {
            name.rsplit_once(' ').map_or(name, |(f, _)| f)
        }
        G::Functions | G::Files => name,
    };
    names::shorten(names::last_element(func), 28)
}

/// `text` cut into lines of at most `width` cells (for the full name),
/// after a `/`, `.`, `::` or space so that name elements stay whole; only
/// an element longer than a line is cut inside.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while names::width(rest) > width {
        let mut used = 0;
        let mut hard = rest.len();
        let mut soft = None;
        let bytes = rest.as_bytes();
        for (i, c) in rest.char_indices() {
            used += names::char_width(c);
            if used > width {
                hard = i;
                break;
            }
            let after = i + c.len_utf8();
            let separator = match c {
                '/' | '.' | ' ' => true,
                ':' => bytes.get(after) != Some(&b':'),
                _ => false,
            };
            if separator && after < rest.len() {
                soft = Some(after);
            }
        }
        let cut = match soft {
            Some(s) => s,
            None => hard.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        pieces.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_after_separators_only() {
        let name = "example.com/shop/internal/store.(*Store).Decode";
        assert_eq!(
            wrap(name, 20),
            ["example.com/shop/", "internal/store.", "(*Store).Decode"]
        );
        let rust = "hashbrown::raw::RawTable<T,A>::find_key_index";
        assert_eq!(
            wrap(rust, 24),
            ["hashbrown::raw::", "RawTable<T,A>::", "find_key_index"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    }
}
