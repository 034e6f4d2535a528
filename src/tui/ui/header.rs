//! The two header lines: what is explored, and how.
//!
//! Line 1: file, binary and the sample types as numbered tabs (the numbers
//! are the keys that pick them). Line 2: the total and what is shown of it,
//! the granularity, the sort, and the active filters.

use crate::gopath;
use crate::report::percentage;
use crate::safe_text::escape;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the header into `area` (two lines).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let session = &app.session;
    let p = session.profile();
    let mut first = vec![
        Span::styled(" ppt ", t.accent()),
        Span::raw(" "),
        Span::styled(escape(session.file_name().as_bytes()), t.title()),
    ];
    if let Some(comparison) = session.comparison() {
        first.push(Span::raw(" "));
        first.extend(compared(app, comparison, area.width));
    }
    if let Some(binary) = p.mappings.first().map(|m| p.strings.get(m.file))
        && !binary.is_empty()
    {
        first.push(Span::styled(" · ", t.dim()));
        first.push(Span::raw(escape(gopath::base(binary))));
    }
    first.push(Span::raw("   "));
    for i in 0..session.sample_types() {
        let mut name = escape(p.strings.get(p.sample_types[i].kind));
        if session.mean() {
            name = format!("mean_{name}");
        }
        if i == session.sample_index() {
            first.push(Span::styled(format!(" {} {name} ", i + 1), t.accent()));
        } else {
            first.push(Span::styled(format!(" {}", i + 1), t.key()));
            first.push(Span::raw(format!(" {name} ")));
        }
        first.push(Span::raw(" "));
    }
    if session.source().error.is_some() {
        // The reason is in the status line.
        first.push(Span::styled("· refresh failed ", t.error()));
    }
    // A comparison says when its new profile came beside its name.
    let compared_live = session.comparison().is_some_and(|c| c.base_at.is_some());
    if let Some(at) = session.source().fetched_at.filter(|_| !compared_live) {
        let now = std::time::SystemTime::now();
        let text = crate::explore::refresh::fetched_text(session.source().arrived(), at, now);
        // Without the clock when all of it does not fit: a cut-off time
        // reads as a wrong one.
        let used: usize = first.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used + 2);
        let text = match text.split_once(", ") {
            Some((ago, _)) if text.chars().count() > room => ago.to_string(),
            _ => text,
        };
        first.push(Span::styled(format!("· {text}"), t.dim()));
    }
    if session.source().refreshing {
        first.push(Span::styled(
            format!(" · {}", session.source().arriving()),
            t.info(),
        ));
    }

    let scale = session.scale();
    let value = |v: i64| super::value_text(scale, v);
    let shown = session.shown();
    let mut second = vec![
        Span::styled(" total ", t.dim()),
        Span::styled(value(scale.total), t.text()),
        Span::styled(" · showing ", t.dim()),
        Span::raw(format!(
            "{} ({})",
            value(shown),
            percentage(shown, scale.total).trim()
        )),
        Span::styled(" in ", t.dim()),
        Span::raw(format!("{} ", session.row_count())),
        Span::styled(session.shown_granularity().name(), t.title()),
        Span::styled(" · sort ", t.dim()),
        Span::raw(session.sort().name()),
        Span::styled(" · filters ", t.dim()),
    ];
    // Every filter that shapes the table, label filters and prune_from
    // included: a filter set on the command line is never hidden.
    let filters = session.filters();
    let mut active = filters.legend();
    if let Some(prune) = &filters.prune_from {
        active.push(("prune_from", prune.as_str()));
    }
    if active.is_empty() {
        second.push(Span::styled("none", t.dim()));
    }
    for (i, (name, text)) in active.into_iter().enumerate() {
        if i > 0 {
            second.push(Span::raw(" "));
        }
        second.push(Span::styled(
            format!("{name}={}", escape(text.as_bytes())),
            t.filter(),
        ));
    }
    // Too wide: the filters keep their place, what the table's title and
    // the row count also say goes first (the sort, then "showing").
    let fits = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>() <= area.width.into();
    if !fits(&second) {
        second.drain(7..9);
    }
    if !fits(&second) {
        second.splice(2..5, [Span::styled(" · ", t.dim())]);
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

/// What the profile is compared with, and when the base was taken.
/// Short, so that both times fit 80 columns: how long ago the new
/// profile came, the clock time the base was taken at.
fn compared(
    app: &App,
    comparison: &crate::explore::Comparison,
    area_width: u16,
) -> Vec<Span<'static>> {
    let t = app.theme;
    let session = &app.session;
    let now = std::time::SystemTime::now();
    let mut spans = Vec::new();
    if let (Some(at), Some(_)) = (session.source().fetched_at, comparison.base_at) {
        let text = crate::explore::refresh::fetched_text(session.source().arrived(), at, now);
        let ago = text.split_once(", ").map_or(text.as_str(), |(ago, _)| ago);
        spans.push(Span::styled(format!("({ago}) "), t.dim()));
    }
    let (new_taken, base_taken) = match comparison.base_at {
        Some(_) => (None, None),
        None => taken_texts(comparison.taken, area_width >= WIDE),
    };
    if let Some(text) = new_taken {
        spans.push(Span::styled(format!("({text}) "), t.dim()));
    }
    // Said before the name, which a narrow screen cuts.
    spans.push(Span::styled(
        match comparison.normalized() {
            true => "− normalized base ",
            false => "− base ",
        },
        t.dim(),
    ));
    spans.push(Span::styled(
        escape(comparison.base_name.as_bytes()),
        t.title(),
    ));
    if let Some(text) = base_taken {
        spans.push(Span::styled(format!(" ({text})"), t.dim()));
    }

    if let Some(at) = comparison.base_at {
        let text = crate::explore::refresh::fetched_text("taken", at, now);
        let clock = text
            .split_once(", ")
            .map_or(text.as_str(), |(_, clock)| clock);
        spans.push(Span::styled(format!(" (taken {clock})"), t.dim()));
    }
    spans
}

/// From this width on, the header gives the dates the profiles of a
/// comparison were taken on (narrower, their clock times only, so that the
/// sample types keep some room).
const WIDE: u16 = 120;

/// When the new profile and the base of a comparison from the command line
/// were taken, as they say: clock times, with the date once when it is
/// the same day (`14:02:11`, `13:58:40, 2024-05-01 UTC`), else each with
/// its date; without `dates`, the clock times alone.
fn taken_texts(
    (new, base): (Option<std::time::SystemTime>, Option<std::time::SystemTime>),
    dates: bool,
) -> (Option<String>, Option<String>) {
    let parts = |at: Option<std::time::SystemTime>| {
        let nanos = at?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        Some(crate::report::date_and_clock_utc(
            i64::try_from(nanos).ok()?,
        ))
    };
    match (parts(new), parts(base)) {
        (new, base) if !dates => (new.map(|(_, c)| c), base.map(|(_, c)| format!("{c} UTC"))),
        (Some((d1, c1)), Some((d2, c2))) if d1 == d2 => (Some(c1), Some(format!("{c2}, {d2} UTC"))),
        (Some((d1, c1)), Some((d2, c2))) => {
            (Some(format!("{d1} {c1}")), Some(format!("{d2} {c2} UTC")))
        }
        (new, base) => (
            new.map(|(d, c)| format!("{d} {c} UTC")),
            base.map(|(d, c)| format!("{d} {c} UTC")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::taken_texts;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn when_each_profile_was_taken() {
        let at = |secs: u64| Some(UNIX_EPOCH + Duration::from_secs(secs));
        // 2024-05-01 14:02:11 and 13:58:40 UTC.
        let (new, base) = (1_714_572_131, 1_714_571_920);
        assert_eq!(
            taken_texts((at(new), at(base)), true),
            (
                Some("14:02:11".into()),
                Some("13:58:40, 2024-05-01 UTC".into())
            )
        );
        assert_eq!(
            taken_texts((at(new), at(base - 86_400)), true),
            (
                Some("2024-05-01 14:02:11".into()),
                Some("2024-04-30 13:58:40 UTC".into())
            )
        );
        assert_eq!(
            taken_texts((None, at(base)), true),
            (None, Some("2024-05-01 13:58:40 UTC".into()))
        );
        assert_eq!(taken_texts((None, None), true), (None, None));
        assert_eq!(
            taken_texts((at(new), at(base - 86_400)), false),
            (Some("14:02:11".into()), Some("13:58:40 UTC".into()))
        );
    }
}
