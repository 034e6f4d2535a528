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
//!
//! In a comparison the graph is differential: widths by one side (the new
//! profile's, or the base's after `d`), each frame coloured by its change,
//! red for growth and green for shrink (the table's colours), the
//! stronger the larger the change is against the larger of its two
//! values, grey when unchanged; under `NO_COLOR` a grown frame's name
//! starts with `+` and a shrunk one's with `-`. The line under the graph
//! gives the selected frame's new and base values and the change.

use super::compare_table::signed;
use super::value_text;
use crate::analysis::PathChange;
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
    title.extend(widths_title(app));
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
            let change = tree.and_then(|t| t.change(b.id)).filter(|_| b.merged == 0);
            let style = box_style(app, b, &name, b.shows(selected), matched, change);
            draw_box(buf, levels.x, y, b, &name, style, app.theme.color, change);
        }
    }
    draw_info(frame, app, info);
}

/// In a comparison, what the title says of the widths, and the key that
/// switches them.
pub(super) fn widths_title(app: &App) -> Vec<Span<'static>> {
    let t = app.theme;
    let Some(side) = app.session.tree_widths() else {
        return Vec::new();
    };
    let key = app.keymap.keys_for(
        crate::tui::keymap::Context::Tree,
        crate::tui::action::Action::ToggleWidths,
    );
    let mut spans = vec![
        Span::styled("· widths ", t.dim()),
        Span::styled(side.name(), t.title()),
    ];
    let other = match key.is_empty() {
        true => " ".to_string(),
        false => format!(" ({key}: {}) ", side.other().name()),
    };
    spans.push(Span::styled(other, t.dim()));
    spans
}

/// The style of a box (`change`: a comparison's frame).
pub(super) fn box_style(
    app: &App,
    b: &FlameBox,
    name: &str,
    selected: bool,
    matched: bool,
    change: Option<PathChange>,
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
    } else if let Some(change) = change {
        Style::new().fg(Color::Black).bg(change_colour(&change))
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

/// The colour of a comparison's frame: red for growth, green for shrink
/// (the table's), from grey (unchanged) to full strength as the change
/// goes from nothing to all of the larger of the two values it is the
/// difference of (the base's, and base + change: the new value as the
/// comparison counts it, scaled by `--normalize`). The square root makes
/// a change of a tenth visible (a third of the way), one of a millionth
/// not.
pub(super) fn change_colour(change: &PathChange) -> Color {
    const NEUTRAL: (f64, f64, f64) = (200.0, 200.0, 192.0);
    let counted = change.base.wrapping_add(change.delta);
    let larger = counted
        .unsigned_abs()
        .max(change.base.unsigned_abs())
        .max(1) as f64;
    let relative = (change.delta.unsigned_abs() as f64 / larger).min(1.0);
    let strength = relative.sqrt();
    let target = if change.delta > 0 {
        (235.0, 60.0, 50.0)
    } else {
        (60.0, 190.0, 85.0)
    };
    let mix = |from: f64, to: f64| (from + (to - from) * strength).round() as u8;
    Color::Rgb(
        mix(NEUTRAL.0, target.0),
        mix(NEUTRAL.1, target.1),
        mix(NEUTRAL.2, target.2),
    )
}

/// The mark a comparison's frame carries in its name where there is no
/// colour: `+` grown, `-` shrunk.
fn change_mark(change: Option<PathChange>, color: bool) -> Option<char> {
    match change?.delta.signum() {
        _ if color => None,
        1 => Some('+'),
        -1 => Some('-'),
        _ => None,
    }
}

/// Draws one box: its name (or a stub's mark) cut to fit, the last cell
/// left as a gap between boxes when there is room for one; in a
/// comparison without colour, the name after its change's sign.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_box(
    buf: &mut Buffer,
    x0: u16,
    y: u16,
    b: &FlameBox,
    name: &str,
    style: Style,
    color: bool,
    change: Option<PathChange>,
) {
    let width = b.width as usize;
    let room = if width > 1 { width - 1 } else { width };
    let mark = change_mark(change, color);
    let label = if b.merged > 0 {
        let mark = format!("+{}", b.merged);
        if names::width(&mark) <= room {
            mark
        } else {
            "+".into()
        }
    } else if let Some(mark) = mark.filter(|_| room >= 1) {
        // The sign first, the name in what is left.
        let mut text = String::from(mark);
        if room > LABEL_MIN {
            text.push_str(&label(name, room - 1));
        }
        text
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
        // The name gives way (from the middle of its path) to the numbers,
        // and the numbers that are not essential to the name (a
        // comparison's shares).
        let used: usize = spans.iter().map(Span::width).sum();
        let mut numbers: Vec<Span<'static>> = Vec::new();
        for (part, essential) in number_parts(app, &info, scale) {
            let now: usize = numbers.iter().map(Span::width).sum();
            let more: usize = part.iter().map(Span::width).sum();
            if essential || used + now + more + NAME_KEPT <= width {
                numbers.extend(part);
            }
        }
        let taken: usize = numbers.iter().map(Span::width).sum();
        let room = width.saturating_sub(used + taken);
        info.name = names::shorten(&info.name, room.max(NAME_KEPT));
        spans.push(Span::styled(info.name.clone(), t.title()));
        spans.extend(numbers);
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

/// The fewest cells the selected frame's name is cut to in the info line.
const NAME_KEPT: usize = 12;

/// What follows the name in the info line, in parts (each with whether it
/// stays however narrow the line): ` · value · x% of total · y% of parent ·
/// self v`; in a comparison ` · new v · base v · Δ +d (+p%) · x% of new
/// total · y% of parent`.
fn number_parts(app: &App, info: &FrameInfo, scale: &Scale) -> Vec<(Vec<Span<'static>>, bool)> {
    let t = app.theme;
    let share = |v: i64, of: i64| percentage(v, of).trim().to_string();
    let Some((change, side)) = info.change else {
        return vec![(
            vec![
                Span::styled(" · ", t.dim()),
                Span::raw(value_text(scale, info.total)),
                Span::styled(" · ", t.dim()),
                Span::raw(share(info.total, info.grand_total)),
                Span::styled(" of total · ", t.dim()),
                Span::raw(share(info.total, info.parent)),
                Span::styled(" of parent · self ", t.dim()),
                Span::raw(value_text(scale, info.self_value)),
            ],
            true,
        )];
    };
    let side_name = side.name();
    vec![
        (
            vec![
                Span::styled(" · new ", t.dim()),
                Span::raw(value_text(scale, change.new)),
                Span::styled(" · base ", t.dim()),
                Span::raw(value_text(scale, change.base)),
                Span::styled(
                    match app.session.comparison().is_some_and(|c| c.normalized()) {
                        true => " · Δ normalized ",
                        false => " · Δ ",
                    },
                    t.dim(),
                ),
                Span::styled(
                    format!("{} {}", signed(scale, change.delta), relative(&change)),
                    t.change(change.delta),
                ),
            ],
            true,
        ),
        (
            vec![
                Span::styled(" · ", t.dim()),
                Span::raw(share(info.total, info.grand_total)),
                Span::styled(format!(" of {side_name} total"), t.dim()),
            ],
            false,
        ),
        (
            vec![
                Span::styled(" · ", t.dim()),
                Span::raw(share(info.total, info.parent)),
                Span::styled(" of parent", t.dim()),
            ],
            false,
        ),
    ]
}

/// A comparison's change relative to the base, signed: `(+66.7%)`;
/// `(new)` where the base has none, `(vanished)` where the new profile
/// has none.
pub(super) fn relative(change: &PathChange) -> String {
    match (change.base, change.new) {
        (0, 0) => "(=)".into(),
        (0, _) => "(new)".into(),
        (_, 0) => "(vanished)".into(),
        (base, _) => {
            let p = change.delta as f64 / base.unsigned_abs() as f64 * 100.0;
            let sign = if p > 0.0 { "+" } else { "" };
            format!("({sign}{})", percent_text(p))
        }
    }
}

/// A percentage with as many decimals as tell it: `133.3%`, `0.05%`.
fn percent_text(p: f64) -> String {
    let digits = if p.abs() >= 100.0 {
        0
    } else if p.abs() >= 1.0 {
        1
    } else {
        2
    };
    format!("{p:.digits$}%")
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
    use super::{PathChange, change_colour, package_of, relative};
    use ratatui::style::Color;

    #[test]
    fn colours_and_words_of_a_change() {
        let change = |new, base, delta| PathChange { new, base, delta };
        // Unchanged: grey; a millionth: still grey; all new: full red.
        let grey = Color::Rgb(200, 200, 192);
        assert_eq!(change_colour(&change(50, 50, 0)), grey);
        assert_eq!(change_colour(&change(1_000_001, 1_000_000, 1)), grey);
        assert_eq!(change_colour(&change(10, 0, 10)), Color::Rgb(235, 60, 50));
        assert_eq!(change_colour(&change(0, 10, -10)), Color::Rgb(60, 190, 85));
        // A tenth more: a third of the way to red.
        let Color::Rgb(r, g, _) = change_colour(&change(110, 100, 10)) else {
            panic!("rgb");
        };
        assert!(r > 205 && g < 165 && g > 140, "{r} {g}");
        // Normalized: the change against base + change, not the raw new.
        let scaled = change_colour(&change(200, 100, 10));
        assert_eq!(scaled, change_colour(&change(110, 100, 10)));
        assert_eq!(relative(&change(110, 100, 10)), "(+10.0%)");
        assert_eq!(relative(&change(0, 100, -100)), "(vanished)");
        assert_eq!(relative(&change(5, 0, 5)), "(new)");
        assert_eq!(relative(&change(3, 1000, -997)), "(-99.7%)");
        assert_eq!(relative(&change(1001, 1000, 1)), "(+0.10%)");
    }

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
