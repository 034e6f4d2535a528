//! The call tree, top-down or bottom-up, as `perf report` and the Firefox
//! profiler show it: per row the total and self values with their
//! percentages, then the frame indented under its parent, `▸` when it
//! has children hidden, `▾` when they are shown.
//!
//! In a comparison the columns are the change (signed, red for growth and
//! green for shrink), the new and base values, and the change relative to
//! the base; siblings are in the order of the side the widths are of
//! (`d` switches), so a path that vanished is still a row.

use super::compare_table::signed;
use super::flame::{info_line, relative};
use super::value_text;
use crate::report::percentage;
use crate::tui::app::App;
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Width of a value column and of a percentage column.
const VALUE: usize = 10;
const PERCENT: usize = 8;
/// Cells of indentation per level, and the most indentation shown.
const INDENT: usize = 2;
const INDENT_MAX: usize = 40;

/// The inside of the pane: the column titles, the rows, the info line.
fn parts(area: Rect) -> Option<(Rect, Rect, Rect)> {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    if inner.height < 3 || inner.width == 0 {
        return None;
    }
    let head = Rect { height: 1, ..inner };
    let rows = Rect {
        y: inner.y + 1,
        height: inner.height - 2,
        ..inner
    };
    let info = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    Some((head, rows, info))
}

/// Before a frame: the rows shown, scrolled so that the selection is on
/// screen.
pub fn prepare(app: &mut App, area: Rect) {
    let Some((_, rows, _)) = parts(area) else {
        app.tree_screen.rows.clear();
        return;
    };
    let all = app.session.tree_rows();
    let selected = app.session.tree_selected();
    let cursor = all.iter().position(|r| r.id == selected).unwrap_or(0);
    let height = rows.height as usize;
    let s = &mut app.tree_screen;
    s.area = rows;
    if cursor < s.offset {
        s.offset = cursor;
    } else if cursor >= s.offset + height {
        s.offset = cursor + 1 - height;
    }
    s.offset = s.offset.min(all.len().saturating_sub(height));
    s.rows = all;
}

/// Draws the call tree into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let session = &app.session;
    let view = session.tree_view().map_or("call tree", |v| v.name());
    let mut title = vec![Span::styled(format!(" {view} "), t.title())];
    // Zoomed: the path to the top row, which the rows no longer show.
    if let Some(tree) = session.tree()
        && session.tree_zoom() != crate::analysis::CallTree::ROOT
    {
        let mut path: Vec<String> = tree
            .ancestors(session.tree_zoom())
            .map(|id| names::last_element(&session.tree_name(id)).to_string())
            .collect();
        path.reverse();
        let room = usize::from(area.width / 2);
        let text = names::keep_end(&format!("· in {} ", path.join(" › ")), room);
        title.push(Span::styled(text, t.dim()));
    }
    title.extend(super::flame::widths_title(app));
    if session.tree_building() {
        title.push(Span::styled("· computing… ", t.info()));
    }
    let s = &app.tree_screen;
    let count = format!(
        " {}/{} ",
        s.rows
            .iter()
            .position(|r| r.id == session.tree_selected())
            .map_or(0, |p| p + 1),
        s.rows.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(true))
        .title(Line::from(title))
        .title(
            super::flame::search_title(app)
                .unwrap_or_else(|| Line::from(Span::styled(count, t.dim())).right_aligned()),
        );
    frame.render_widget(block, area);
    let Some((head, rows, info)) = parts(area) else {
        return;
    };
    let Some(tree) = session.tree() else {
        frame.render_widget(
            Paragraph::new(Span::styled("building the call-path tree…", t.dim())),
            rows,
        );
        return;
    };
    let width = head.width as usize;
    // On a narrow screen, the names keep room: self% goes, then self.
    let columns = if width >= 90 {
        4
    } else if width >= 64 {
        3
    } else {
        2
    };
    let compared = tree.widths().is_some();
    let scale = session.tree_scale();
    let shown = || s.rows.iter().skip(s.offset).take(rows.height as usize);
    // Plain: total, total%, self, self%; a comparison: Δ, new, base, Δ%,
    // as wide as the widest on screen (a change takes a sign more).
    let mut widths = match compared {
        true => [VALUE, VALUE, VALUE, PERCENT + 2],
        false => [VALUE, PERCENT, VALUE, PERCENT],
    };
    for c in shown().filter_map(|row| tree.change(row.id)) {
        let texts = change_cells(scale, &c);
        for (w, text) in widths.iter_mut().zip(&texts) {
            *w = (*w).max(names::width(text));
        }
    }
    let numbers = |cells: [&str; 4]| {
        let mut text = String::new();
        for (cell, w) in cells.iter().zip(widths).take(columns) {
            text.push_str(&format!("{cell:>w$} "));
        }
        text.push(' ');
        text
    };
    let titles = match compared {
        true => ["Δ", "new", "base", "Δ%"],
        false => ["total", "total%", "self", "self%"],
    };
    let heading = format!("{}name", numbers(titles));
    frame.render_widget(
        Paragraph::new(Span::styled(names::keep_end(&heading, width), t.dim())),
        head,
    );
    let grand = scale.total;
    let selected = session.tree_selected();
    let matches = session.tree_matches();
    let mut lines = Vec::new();
    for row in shown() {
        let total = tree.total(row.id);
        let own = session.tree_self(row.id);
        let change = tree.change(row.id);
        let (numbers, style) = match change {
            Some(c) => {
                let [delta, new, base, relative] = change_cells(scale, &c);
                (numbers([&delta, &new, &base, &relative]), t.change(c.delta))
            }
            None => (
                numbers([
                    &value_text(scale, total),
                    percentage(total, grand).trim(),
                    &value_text(scale, own),
                    percentage(own, grand).trim(),
                ]),
                t.heat(total, grand),
            ),
        };
        let indent = (row.depth * INDENT).min(INDENT_MAX);
        let marker = match (row.has_children, row.expanded) {
            (false, _) => "  ",
            (true, true) => "▾ ",
            (true, false) => "▸ ",
        };
        let room = width.saturating_sub(names::width(&numbers) + indent + 2);
        let name = app.short_tree_name(row.id, room);
        let matched = matches.is_some_and(|m| tree.is_match(m, row.id));
        let name_style = if matched { t.matched() } else { t.text() };
        let mut line = Line::from(vec![
            Span::styled(numbers, style),
            Span::raw(" ".repeat(indent)),
            Span::styled(marker, t.dim()),
            Span::styled(name, name_style),
        ]);
        if row.id == selected {
            line = line.style(t.selected());
            if !t.color {
                line = line.style(t.selected().add_modifier(Modifier::REVERSED));
            }
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), rows);
    frame.render_widget(Paragraph::new(info_line(app, info.width as usize)), info);
}

/// A comparison's row: the change, the new and base values, the change
/// relative to the base.
fn change_cells(scale: &crate::explore::Scale, c: &crate::analysis::PathChange) -> [String; 4] {
    [
        signed(scale, c.delta),
        value_text(scale, c.new),
        value_text(scale, c.base),
        relative(c),
    ]
}

impl App {
    /// The name of call path `id` of the tree shown, fitted in `max` cells.
    fn short_tree_name(&self, id: crate::analysis::PathId, max: usize) -> String {
        names::shorten(&self.session.tree_name(id), max)
    }
}
