//! A function's sandwich: its callers above it (the function on the last
//! line of the upper half, who called it above), its callees below it (the
//! function on the first line of the lower half), each half a flame graph
//! of its own with widths relative to the function's value.

use super::flame::{box_style, draw_box, info_line, parts};
use crate::analysis::CallTree;
use crate::explore::flame::FlameLayout;
use crate::tui::app::App;
use crate::tui::names;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The halves' heights in `levels` lines: the callers get as many as
/// they have levels, up to half; the callees the rest.
fn halves(levels: Rect, callers: usize) -> (u16, u16) {
    let up = (callers as u16).clamp(1, (levels.height / 2).max(1));
    (up.min(levels.height), levels.height.saturating_sub(up))
}

/// Before a frame: lays the two halves out.
pub fn prepare(app: &mut App, area: Rect) {
    let Some((levels, _)) = parts(area) else {
        app.tree_screen.sandwich = Default::default();
        return;
    };
    let all = usize::from(levels.height);
    app.tree_screen.area = levels;
    app.tree_screen.sandwich = app.session.sandwich_layouts(levels.width, all, all);
}

/// Draws the sandwich into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let session = &app.session;
    let name = session.sandwich_function().unwrap_or_default();
    let wide = area.width >= 100;
    let room = usize::from(area.width).saturating_sub(if wide { 50 } else { 20 });
    let mut title = vec![
        Span::styled(" sandwich ", t.title()),
        Span::styled(format!("· {} ", names::shorten(&name, room)), t.dim()),
    ];
    if session.tree_building() {
        title.push(Span::styled("· computing… ", t.info()));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.pane_border(true))
        .title(Line::from(title));
    if wide {
        block = block
            .title(Line::from(Span::styled(" callers ↑ · callees ↓ ", t.dim())).right_aligned());
    }
    frame.render_widget(block, area);
    let Some((levels, info)) = parts(area) else {
        return;
    };
    let Some((callers, callees)) = session.sandwich_trees() else {
        frame.render_widget(
            Paragraph::new(Span::styled("building the sandwich…", t.dim())),
            levels,
        );
        return;
    };
    let (above, below) = &app.tree_screen.sandwich;
    let (up, down) = halves(levels, above.levels.len());
    // Callers: the function on the upper half's last line, callers above.
    draw_half(frame, app, callers, above, levels.x, |level| {
        (level < usize::from(up)).then(|| levels.y + up - 1 - level as u16)
    });
    draw_half(frame, app, callees, below, levels.x, |level| {
        (level < usize::from(down)).then(|| levels.y + up + level as u16)
    });
    frame.render_widget(Paragraph::new(info_line(app, info.width as usize)), info);
}

/// Draws the boxes of one half, each level on the line `line_of` gives.
fn draw_half(
    frame: &mut Frame,
    app: &App,
    tree: &CallTree,
    layout: &FlameLayout,
    x0: u16,
    line_of: impl Fn(usize) -> Option<u16>,
) {
    let buf = frame.buffer_mut();
    for (level, boxes) in layout.levels.iter().enumerate() {
        let Some(y) = line_of(level) else {
            break;
        };
        for b in boxes {
            let name = crate::safe_text::escape(tree.name(b.id));
            // The function itself stands out as the selection does.
            let change = tree.change(b.id).filter(|_| b.merged == 0);
            let style = box_style(app, b, &name, level == 0, false, change);
            draw_box(buf, x0, y, b, &name, style, app.theme.color, change);
        }
    }
}
