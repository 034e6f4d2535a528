//! The flame graph: the boxes the session laid out
//! ([`Session::flame_layout`](crate::explore::Session::flame_layout)),
//! one level per line, roots at the top (icicle) or at the bottom
//! (flipped), and under them the selected frame's numbers.
//!
//! A box shows as much of its name as fits; a stub of merged narrow
//! frames shows `+` and how many it merges. One hue per package, so a
//! package can be followed across the graph; frames matching the search
//! stand out, the selection is shown in reverse video (the only mark
//! under `NO_COLOR`, with the matches in bold and underlined).

use super::value_text;
use crate::explore::flame::FlameBox;
use crate::explore::{FrameInfo, Scale};
use crate::report::percentage;
use crate::tui::app::{App, Mode};
use crate::tui::names;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The fewest cells a name is cut to; narrower boxes show no name.
const LABEL_MIN: usize = 4;

/// The inside of the pane, split into the levels and the info line.
pub(super) fn parts(area: Rect) -> Option<(Rect, Rect)> {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    if inner.height < 2 || inner.width == 0 {
        return None;
    }
    let levels = Rect {
        height: inner.height - 1,
        ..inner
    };
    let info = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    Some((levels, info))
}

/// Before a frame: scrolls the levels so that the selected frame is on
/// screen, and lays the graph out for the width.
pub fn prepare(app: &mut App, area: Rect) {
    let Some((levels, _)) = parts(area) else {
        app.tree_screen.layout = Default::default();
        return;
    };
    let height = levels.height as usize;
    let depth = app
        .session
        .tree()
        .map_or(0, |t| t.depth(app.session.tree_selected()));
    let s = &mut app.tree_screen;
    s.area = levels;
    if depth < s.flame_top {
        s.flame_top = depth;
    } else if depth >= s.flame_top + height {
        s.flame_top = depth + 1 - height;
    }
    s.layout = app.session.flame_layout(levels.width, s.flame_top + height);
    s.flame_top = s.flame_top.min(s.layout.levels.len().saturating_sub(1));
}

/// Draws the flame graph into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let orientation = if app.tree_screen.flipped {
        "flame"
    } else {
        "icicle"
    };
    let building = app.session.tree_building();
    let mut title = vec![
        Span::styled(" flame graph ", t.title()),
        Span::styled(format!("· {orientation} "), t.dim()),
    ];
    if building {
        title.push(Span::styled("· computing… ", t.info()));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(true))
        .title(Line::from(title));
    if let Some(search) = search_title(app) {
        block = block.title(search);
    }
    frame.render_widget(block, area);
    let Some((levels, info)) = parts(area) else {
        return;
    };
    let s = &app.tree_screen;
    if app.session.tree().is_none() {
        let text = if building {
            "building the call-path tree…"
        } else {
            "no tree"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t.dim())), levels);
        return;
    }
    let selected = app.session.tree_selected();
    let matches = app.session.tree_matches();
    let tree = app.session.tree();
    let buf = frame.buffer_mut();
    for (row, boxes) in s.layout.levels.iter().skip(s.flame_top).enumerate() {
        if row >= levels.height as usize {
            break;
        }
        let y = if s.flipped {
            levels.y + levels.height - 1 - row as u16
        } else {
            levels.y + row as u16
        };
        for b in boxes {
            let name = app.session.tree_name(b.id);
            let matched =
                b.merged == 0 && matches.is_some_and(|m| tree.is_some_and(|t| t.is_match(m, b.id)));
            let style = box_style(app, b, &name, b.shows(selected), matched);
            draw_box(buf, levels.x, y, b, &name, style, app.theme.color);
        }
    }
    draw_info(frame, app, info);
}

/// The style of a box.
pub(super) fn box_style(
    app: &App,
    b: &FlameBox,
    name: &str,
    selected: bool,
    matched: bool,
) -> Style {
    let color = app.theme.color;
    let mut style = if !color {
        Style::new()
    } else if b.merged > 0 {
        Style::new().fg(Color::Gray).bg(Color::Rgb(70, 70, 70))
    } else if matched {
        Style::new()
            .fg(Color::Black)
            .bg(Color::Rgb(230, 90, 230))
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::Black).bg(hue(package_of(name)))
    };
    if matched && !color {
        style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    if selected {
        style = if color {
            style
                .fg(Color::White)
                .bg(Color::Rgb(20, 20, 20))
                .add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            style.add_modifier(Modifier::REVERSED)
        };
    }
    style
}

/// Draws one box: its name (or a stub's mark) cut to fit, the last cell
/// left as a gap between boxes when there is room for one.
pub(super) fn draw_box(
    buf: &mut Buffer,
    x0: u16,
    y: u16,
    b: &FlameBox,
    name: &str,
    style: Style,
    color: bool,
) {
    let width = b.width as usize;
    let room = if width > 1 { width - 1 } else { width };
    let label = if b.merged > 0 {
        let mark = format!("+{}", b.merged);
        if names::width(&mark) <= room {
            mark
        } else {
            "+".into()
        }
    } else if room < LABEL_MIN {
        // A cell or two of `…` says nothing: the colour alone, and
        // under NO_COLOR a thin line.
        if color { String::new() } else { "▏".into() }
    } else {
        label(name, room)
    };
    let mut text = label;
    let pad = room.saturating_sub(names::width(&text));
    text.extend(std::iter::repeat_n(' ', pad));
    let x = x0 + b.x;
    buf.set_stringn(x, y, &text, room, style);
    if width > 1 {
        // The gap: a separator under NO_COLOR, where no colour tells
        // the boxes apart.
        let gap = if color { " " } else { "│" };
        let gap_style = if color {
            Style::new()
        } else {
            style.remove_modifier(Modifier::UNDERLINED)
        };
        buf.set_stringn(x + b.width - 1, y, gap, 1, gap_style);
    }
}

/// `name` in `room` cells: the package path goes first, then the
/// package, then the receiver, before the function's own name is cut.
fn label(name: &str, room: usize) -> String {
    let short = names::last_element(name);
    let package = package_of(name);
    let function = name
        .strip_prefix(package)
        .map(|f| f.trim_start_matches(['.', ':']))
        .unwrap_or(short);
    let method = function.rsplit_once(").").map_or(function, |(_, m)| m);
    [short, function, method]
        .into_iter()
        .find(|c| !c.is_empty() && names::width(c) <= room)
        .map_or_else(|| names::shorten(method, room), str::to_string)
}

/// The selected frame's name and numbers, or the search prompt.
fn draw_info(frame: &mut Frame, app: &App, area: Rect) {
    let line = info_line(app, area.width as usize);
    frame.render_widget(Paragraph::new(line), area);
}

/// The info line of a tree view (the flame graph's and the call tree's):
/// the search prompt while it is open, else the selected frame and the
/// search's share.
pub(super) fn info_line(app: &App, width: usize) -> Line<'static> {
    let t = app.theme;
    let session = &app.session;
    let scale = session.tree_scale();
    let mut spans = Vec::new();
    if let Mode::TreeSearch(query) = &app.mode {
        let query = crate::safe_text::escape(query.as_bytes());
        spans.push(Span::styled("search (regex): ", t.key()));
        spans.push(Span::styled(format!("{query}▏ "), t.matched()));
        if let Some(error) = session.tree_query_error() {
            spans.push(Span::styled(error.to_string(), t.error()));
            return Line::from(spans);
        }
        spans.push(Span::styled("│ ", t.dim()));
    }
    if let Some(mut info) = session.tree_frame_info() {
        // The name gives way (from the middle of its path) to the numbers.
        let used: usize = spans.iter().map(Span::width).sum();
        let numbers: usize = frame_spans(
            app,
            &FrameInfo {
                name: String::new(),
                ..info.clone()
            },
            scale,
        )
        .iter()
        .map(Span::width)
        .sum();
        let room = width.saturating_sub(used + numbers);
        info.name = names::shorten(&info.name, room.max(12));
        spans.extend(frame_spans(app, &info, scale));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    if used > width {
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        return Line::from(format!("{cut}…"));
    }
    Line::from(spans)
}

/// The search's summary for a view's title: the query, how many frames
/// match and their share of the total (each sample once).
pub(super) fn search_title(app: &App) -> Option<Line<'static>> {
    let t = app.theme;
    let session = &app.session;
    let query = session.tree_query();
    if query.is_empty() {
        return None;
    }
    let query = crate::safe_text::escape(query.as_bytes());
    let mut spans = vec![
        Span::styled(" /", t.key()),
        Span::styled(query, t.matched()),
    ];
    if session.tree_query_error().is_some() {
        spans.push(Span::styled(" does not compile ", t.error()));
    } else if let Some(m) = session.tree_matches() {
        let share = percentage(m.share(), session.tree_scale().total);
        spans.push(Span::styled(
            format!(
                " · {} frames · {} of total ",
                m.frames().len(),
                share.trim()
            ),
            t.info(),
        ));
    }
    Some(Line::from(spans).right_aligned())
}

/// `name · value · x% of total · y% of parent · self v`.
fn frame_spans(app: &App, info: &FrameInfo, scale: &Scale) -> Vec<Span<'static>> {
    let t = app.theme;
    vec![
        Span::styled(info.name.clone(), t.title()),
        Span::styled(" · ", t.dim()),
        Span::raw(value_text(scale, info.total)),
        Span::styled(" · ", t.dim()),
        Span::raw(percentage(info.total, info.grand_total).trim().to_string()),
        Span::styled(" of total · ", t.dim()),
        Span::raw(percentage(info.total, info.parent).trim().to_string()),
        Span::styled(" of parent · self ", t.dim()),
        Span::raw(value_text(scale, info.self_value)),
    ]
}

/// The package (or namespace, or directory) of a printed name: what one
/// hue stands for.
pub(super) fn package_of(name: &str) -> &str {
    // Arguments and templates say nothing of the package.
    let head = &name[..name.find(['(', '<', ' ']).unwrap_or(name.len())];
    if let Some(i) = head.rfind("::") {
        return &head[..i];
    }
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    let rest = &name[slash..];
    match rest.find('.') {
        Some(dot) => &name[..slash + dot],
        None => name,
    }
}

/// A warm hue for `package`, always the same for the same package.
fn hue(package: &str) -> Color {
    // FNV-1a: stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in package.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    // Reds, oranges and yellows, as flame graphs are drawn, with enough
    // spread in lightness that neighbours differ.
    let r = 205 + (h % 50) as u8;
    let g = 90 + ((h >> 8) % 140) as u8;
    let b = 40 + ((h >> 16) % 50) as u8;
    Color::Rgb(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::package_of;

    #[test]
    fn packages_of_go_cpp_and_rust_names() {
        assert_eq!(
            package_of("example.com/shop/internal/store.(*Store).Put"),
            "example.com/shop/internal/store"
        );
        assert_eq!(package_of("runtime.mallocgc"), "runtime");
        assert_eq!(package_of("std::vector<int>::push_back"), "std");
        assert_eq!(package_of("alloc::raw_vec::finish_grow"), "alloc::raw_vec");
        assert_eq!(package_of("main"), "main");
    }
}
