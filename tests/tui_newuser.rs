//! What a new user tripped on in the explorer, each fault driven by the
//! actions or commands that showed it: filters from the command line the
//! screen hid, `C-x` closing the filter pane, a side pane left scrolled by
//! a resize, names shortened where it hurt, unreadable units, a mean's
//! share, search ranks that ignored cost, and filters that match nothing
//! said nowhere.

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{profile, type_text};
use ppt::analysis::TagFilter;
use ppt::explore::{Session, Settings};
use ppt::profile::Profile;
use ppt::tui::app::Mode;
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;

fn heap() -> Arc<Profile> {
    profile("assets/heap.pprof")
}

fn explorer(p: &Arc<Profile>, settings: Settings) -> App {
    App::new(Session::new(p.clone(), settings), Theme { color: false })
}

/// The screen of `app` on a `width` x `height` terminal, one string a line.
fn screen(app: &mut App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| app.render(frame))
        .expect("a frame is drawn");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

/// The filter pane's form, when open.
fn form(app: &App) -> &ppt::tui::filter_form::FilterForm {
    match &app.mode {
        Mode::Filter(form) => form,
        _ => panic!("the filter pane is open"),
    }
}

#[test]
fn ctrl_x_empties_the_filter_fields_and_keeps_the_pane_open() {
    let p = heap();
    let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
    let sample = app.session.sample_index();
    app.update(Action::OpenFilter);
    type_text(&mut app, "json");
    app.update(Action::ClearFilters);
    assert!(form(&app).values.iter().all(String::is_empty));
    // What follows is typed into the pane, not taken as commands.
    app.update(Action::Down);
    type_text(&mut app, "^runtime/");
    assert_eq!(form(&app).values[1], "^runtime/");
    assert_eq!(app.session.sample_index(), sample, "no sample switch");
    assert!(app.session.finder().is_none(), "no search opened");
}

#[test]
fn label_filters_from_the_command_line_show_and_can_be_edited() {
    let p = profile("tests/fixtures/extra/labels.pb");
    let mut settings = Settings::new(&p, "labels.pb");
    settings.filters.tag_focus = Some(TagFilter::new("tagfocus", "region=eu", &p).unwrap());
    let mut app = explorer(&p, settings);
    let all = {
        let p2 = p.clone();
        explorer(&p2, Settings::new(&p2, "labels.pb"))
            .session
            .shown()
    };
    assert!(app.session.shown() < all, "the label filter applies");
    let header = screen(&mut app, 120, 24)[1].clone();
    assert!(header.contains("filters tagfocus=region=eu"), "{header}");
    // On a narrow terminal too.
    let header = screen(&mut app, 80, 24)[1].clone();
    assert!(header.contains("filters tagfocus=region=eu"), "{header}");

    // The pane shows it, and edits it.
    app.update(Action::OpenFilter);
    let tag_field = form(&app).values.iter().position(|v| v == "region=eu");
    let tag_field = tag_field.expect("the label filter is a field of the pane");
    let pane = screen(&mut app, 120, 40).join("\n");
    assert!(pane.contains("tagfocus"), "{pane}");
    while form(&app).field != tag_field {
        app.update(Action::Down);
    }
    app.update(Action::ClearField);
    type_text(&mut app, "region=us");
    app.update(Action::Confirm);
    let focus = app
        .session
        .filters()
        .tag_focus
        .as_ref()
        .map(TagFilter::as_str);
    assert_eq!(focus, Some("region=us"));

    // Cleared, it can be set again.
    app.update(Action::ClearFilters);
    assert!(app.session.filters().is_empty());
    assert_eq!(app.session.shown(), all);
    app.update(Action::OpenFilter);
    while form(&app).field != tag_field {
        app.update(Action::Down);
    }
    type_text(&mut app, "region=eu");
    app.update(Action::Confirm);
    assert!(app.session.shown() < all);
    let header = screen(&mut app, 120, 24)[1].clone();
    assert!(header.contains("filters tagfocus=region=eu"), "{header}");
}

/// Call rows (callers and callees, not the function itself) the calls pane
/// showed in the frame prepared last.
fn call_rows_shown(app: &App) -> usize {
    let self_index = app.session.calls().self_index();
    app.areas
        .calls_lines
        .iter()
        .filter(|line| matches!(line, Some(pos) if *pos != self_index))
        .count()
}

#[test]
fn after_a_resize_the_calls_pane_shows_all_that_fits() {
    let p = heap();
    let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
    screen(&mut app, 60, 15);
    app.update(Action::Enter);
    screen(&mut app, 60, 15);
    screen(&mut app, 40, 8);
    let big = screen(&mut app, 120, 30);
    let calls = app.session.calls();
    let lines_needed = calls.len() + 6;
    assert!(lines_needed < 26, "the whole list fits at 120x30");
    assert_eq!(
        app.calls_offset,
        0,
        "nothing scrolled away:\n{}",
        big.join("\n")
    );
    assert!(
        big.iter().any(|l| l.contains("▲ callers")),
        "{}",
        big.join("\n")
    );
    assert!(big.iter().any(|l| l.contains("│ ▶ ")), "{}", big.join("\n"));
}

#[test]
fn every_size_ends_its_hints_with_help_and_quit_and_shows_call_rows() {
    let p = heap();
    for (width, height) in [(80, 24), (100, 30), (100, 20), (60, 15), (200, 50)] {
        let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
        let table = screen(&mut app, width, height);
        let hints = table.last().expect("a status line").trim_end();
        assert!(
            hints.ends_with("? help  q quit"),
            "{width}x{height}: {hints}"
        );
        if height >= 20 {
            assert!(
                call_rows_shown(&app) > 0,
                "{width}x{height}:\n{}",
                table.join("\n")
            );
        }
        // Store.Put, the fourth row, has callers and callees.
        for _ in 0..3 {
            app.update(Action::Down);
        }
        app.update(Action::Enter);
        let calls = screen(&mut app, width, height);
        let hints = calls.last().expect("a status line").trim_end();
        assert!(
            hints.ends_with("? help  q quit"),
            "{width}x{height}: {hints}"
        );
        assert!(
            call_rows_shown(&app) > 0,
            "{width}x{height}:\n{}",
            calls.join("\n")
        );
        insta::assert_snapshot!(format!("table_{width}x{height}"), table.join("\n"));
        insta::assert_snapshot!(format!("calls_{width}x{height}"), calls.join("\n"));
    }
}

#[test]
fn the_selected_rows_whole_name_shows_under_the_table() {
    let p = heap();
    let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
    for _ in 0..3 {
        app.update(Action::Down);
    }
    let lines = screen(&mut app, 80, 15);
    let row = lines
        .iter()
        .find(|l| l.contains("(*Store).Put"))
        .expect("the row");
    assert!(
        !row.contains("internal/store"),
        "the row is shortened: {row}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("└ example.com/shop/internal/store.(*Store).Put ")),
        "{}",
        lines.join("\n")
    );
}

/// The explorer's settings for the command line `args` on `path`.
fn command_line(path: &str, args: &[&str]) -> (Arc<Profile>, Settings) {
    use clap::Parser;
    let p = profile(path);
    let argv = ["ppt"].iter().chain(args).chain([&path]);
    let args = ppt::cli::Args::try_parse_from(argv).expect("arguments parse");
    let options = args.report_options().expect("options");
    let settings = ppt::tui::settings(&p, &args, &options).expect("settings");
    (p, settings)
}

#[test]
fn values_show_in_human_units_and_a_key_cycles_them() {
    let path = "tests/fixtures/extra/block.pprof";
    let (p, settings) = command_line(path, &[]);
    let mut app = explorer(&p, settings);
    let scale = app.session.scale().clone();
    assert_eq!(app.session.unit(), "auto");
    assert_eq!(scale.format_value(scale.total), "6.61s");
    let (p2, minimum) = command_line(path, &["--unit=minimum"]);
    let minimum = explorer(&p2, minimum);
    let pprof_style = minimum.session.scale().format_value(scale.total);
    assert!(
        pprof_style.ends_with("us") || pprof_style.ends_with("ms"),
        "{pprof_style}"
    );

    // auto, minimum, then every time unit, then auto again.
    let mut seen = vec![app.session.unit().to_string()];
    for _ in 0..12 {
        app.update(Action::CycleUnit);
        seen.push(app.session.unit().to_string());
        if app.session.unit() == "auto" {
            break;
        }
    }
    assert_eq!(seen[1], "minimum");
    assert_eq!(
        app.session.scale().format_value(scale.total),
        "6.61s",
        "back to auto: {seen:?}"
    );
    assert!(seen.iter().any(|u| u == "ms"), "{seen:?}");
    // A fixed unit prints every value in it.
    while app.session.unit() != "ms" {
        app.update(Action::CycleUnit);
    }
    assert_eq!(app.session.scale().format_value(scale.total), "6609.59ms");

    // --unit sets where it starts.
    let (p3, fixed) = command_line(path, &["--unit=ms"]);
    let fixed = explorer(&p3, fixed);
    assert_eq!(fixed.session.unit(), "ms");
    assert_eq!(fixed.session.scale().format_value(scale.total), "6609.59ms");
}

#[test]
fn with_mean_the_calls_pane_shows_no_share_of_a_mean() {
    let p = profile("tests/fixtures/extra/block.pprof");
    let mut settings = Settings::new(&p, "block.pprof");
    settings.mean = true;
    let mut app = explorer(&p, settings);
    // A function with callers.
    while app.session.calls().callers.is_empty() {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    let lines = screen(&mut app, 160, 30);
    // The pane is the right part of the screen.
    let pane: Vec<String> = lines
        .iter()
        .filter_map(|l| l.split_once("││").map(|(_, pane)| pane.to_string()))
        .collect();
    let all = lines.join("\n");
    assert!(
        all.contains("Callers · callees · means, no shares"),
        "{all}"
    );
    let heading = pane
        .iter()
        .position(|l| l.contains("▲ callers"))
        .expect("the callers' heading");
    assert!(pane[heading].contains("mean values"), "{}", pane[heading]);
    let caller = &pane[heading + 1];
    assert!(!caller.contains('%'), "a caller's row: {caller}");
}

#[test]
fn search_ranks_the_heavier_of_similar_matches_first() {
    use ppt::explore::Command;
    let p = profile("tests/fixtures/go/cpu.pprof");
    let mut session = Session::new(p.clone(), Settings::new(&p, "cpu.pprof"));
    session.apply(Command::OpenSearch);
    session.apply(Command::Search("add".into()));
    let finder = session.finder().expect("a search");
    let ranked: Vec<(String, i64)> = finder
        .matches
        .iter()
        .map(|&n| (session.name(n).to_string(), session.values(n).1))
        .collect();
    let names: Vec<&str> = ranked.iter().map(|(n, _)| n.as_str()).collect();
    // Whole-word matches first, the heaviest of them (200ms) above
    // runtime.addspecial (40ms), whose score is a case penalty higher.
    assert_eq!(names[0], "runtime.(*moduledata).textAddr", "{ranked:?}");
    let contiguous = |n: &str| n.to_lowercase().contains("add");
    let strong = names.iter().take_while(|n| contiguous(n)).count();
    assert!(strong >= 4, "{ranked:?}");
    assert!(names[strong..].iter().all(|n| !contiguous(n)), "{ranked:?}");
    // Among them, heaviest first.
    let costs: Vec<i64> = ranked[..strong].iter().map(|r| r.1).collect();
    assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{ranked:?}");
    // A scattered match stays below however heavy it is.
    let decode = names.iter().position(|n| n.ends_with("(*Store).Decode"));
    assert!(decode.is_some_and(|d| d >= strong), "{ranked:?}");
}

#[test]
fn the_explorer_says_which_filters_match_nothing() {
    // From the command line: said when the explorer opens.
    let path = "tests/fixtures/go/cpu.pprof";
    let (p, settings) = command_line(path, &["--focus=nomatch"]);
    let app = explorer(&p, settings);
    let notice = app.session.notice().expect("a notice");
    assert!(notice.error);
    assert_eq!(notice.text, "Focus expression matched no samples");

    // From the filter pane: said with what the filters left.
    let (p, settings) = command_line(path, &[]);
    let mut app = explorer(&p, settings);
    app.update(Action::OpenFilter);
    while form(&app).current() != ppt::tui::filter_form::Field::Show {
        app.update(Action::Down);
    }
    type_text(&mut app, "zzz");
    app.update(Action::Confirm);
    let notice = app.session.notice().expect("a notice");
    assert_eq!(
        notice.text,
        "filters applied: 0 rows · Show expression matched no samples"
    );
    let status = screen(&mut app, 120, 30)
        .last()
        .cloned()
        .unwrap_or_default();
    assert!(
        status.contains("Show expression matched no samples"),
        "{status}"
    );
}

/// The rows of `ppt --top` on `p` with `options` (every row unless they
/// trim).
fn top_report(p: &Profile, options: ppt::report::ReportOptions) -> Vec<String> {
    let report = ppt::report::top(p, &options).expect("the report");
    String::from_utf8(report)
        .expect("text")
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn all_rows() -> ppt::report::ReportOptions {
    ppt::report::ReportOptions {
        node_fraction: 0.0,
        ..ppt::report::ReportOptions::default()
    }
}

/// The key bound to `c` in the browsing keymap, pressed.
fn press(app: &mut App, c: char) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let action = app
        .keymap
        .action(ppt::tui::keymap::Context::Browse, &event)
        .unwrap_or_else(|| panic!("{c} is bound"));
    app.update(action);
}

#[test]
fn refine_from_the_selection_and_undo() {
    let p = heap();
    let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
    for _ in 0..3 {
        app.update(Action::Down);
    }
    let put = "example.com/shop/internal/store.(*Store).Put";
    assert_eq!(explorer::selected_name(&app.session), put);
    press(&mut app, '+');
    let focus = r"^example\.com/shop/internal/store\.\(\*Store\)\.Put$";
    let filters = app.session.filters().clone();
    assert_eq!(filters.focus.as_ref().map(|f| f.as_str()), Some(focus));
    // The same table as pprof's with that focus.
    let options = ppt::report::ReportOptions {
        filters: filters.clone(),
        sample_index: Some(app.session.sample_index().to_string()),
        ..all_rows()
    };
    assert_eq!(
        explorer::table_lines(&mut app.session),
        top_report(&p, options)
    );
    // Shown in the pane like any other filter.
    app.update(Action::OpenFilter);
    assert!(form(&app).values.iter().any(|v| v == focus));
    app.update(Action::Close);

    // Ignore a callee from the calls pane, then hide another.
    app.update(Action::Enter);
    let callee = app
        .session
        .calls()
        .at(app.session.calls().cursor)
        .map(|c| c.node);
    let callee = app.session.name(callee.expect("a callee")).to_string();
    press(&mut app, '-');
    let ignore = app.session.filters().ignore.clone().expect("an ignore");
    assert_eq!(ignore.as_str(), format!("^{}$", regex::escape(&callee)));
    app.update(Action::Close);
    press(&mut app, 'H');
    assert!(app.session.filters().hide.is_some());
    press(&mut app, '>');
    assert!(app.session.filters().show_from.is_some());

    // One key undoes each change, back to no filters.
    press(&mut app, 'z');
    assert!(app.session.filters().show_from.is_none());
    assert!(app.session.filters().hide.is_some());
    press(&mut app, 'z');
    press(&mut app, 'z');
    assert_eq!(app.session.filters(), &filters);
    press(&mut app, 'z');
    assert!(app.session.filters().is_empty());
    press(&mut app, 'z');
    let notice = app.session.notice().expect("a notice");
    assert_eq!(notice.text, "no filter change to undo");
}

#[test]
fn inlines_and_the_node_fraction_toggle_as_pprof_prints_them() {
    let p = profile("assets/cpu.pprof");
    let mut app = explorer(&p, Settings::new(&p, "cpu.pprof"));
    let k = app.session.sample_index().to_string();
    press(&mut app, 'L');
    assert!(!app.session.inline_frames());
    let options = ppt::report::ReportOptions {
        inline_frames: false,
        sample_index: Some(k.clone()),
        ..all_rows()
    };
    assert_eq!(
        explorer::table_lines(&mut app.session),
        top_report(&p, options)
    );
    press(&mut app, 'L');
    assert!(app.session.inline_frames());

    // 0.5% is pprof's default for --top.
    press(&mut app, '%');
    assert_eq!(app.session.node_fraction(), 0.005);
    let options = ppt::report::ReportOptions {
        sample_index: Some(k.clone()),
        ..ppt::report::ReportOptions::default()
    };
    let trimmed = top_report(&p, options);
    assert_eq!(explorer::table_lines(&mut app.session), trimmed);
    let title = screen(&mut app, 120, 30)[2].clone();
    assert!(title.contains("rows ≥ 0.5%"), "{title}");
    press(&mut app, '%');
    press(&mut app, '%');
    assert_eq!(app.session.node_fraction(), 0.05);
    assert!(app.session.row_count() < trimmed.len());
    press(&mut app, '%');
    assert_eq!(app.session.node_fraction(), 0.0);
    let options = ppt::report::ReportOptions {
        sample_index: Some(k),
        ..all_rows()
    };
    assert_eq!(
        explorer::table_lines(&mut app.session),
        top_report(&p, options)
    );
}

#[test]
fn with_a_worker_a_trimmed_table_has_its_inline_marks() {
    let p = profile("assets/cpu.pprof");
    let mut session = Session::new_interactive(p.clone(), Settings::new(&p, "cpu.pprof"));
    let k = session.sample_index().to_string();
    let marks = session.with_worker(|session| {
        session.wait_idle();
        session.apply(ppt::explore::Command::CycleNodeFraction);
        session.wait_idle();
        let n = session.row_count();
        session.want_marks(0..n);
        session.wait_idle();
        session
            .rows(0..n)
            .filter(|r| r.mark.is_some())
            .map(|r| session.name(r.node).to_string())
            .collect::<Vec<_>>()
    });
    let options = ppt::report::ReportOptions {
        sample_index: Some(k),
        ..ppt::report::ReportOptions::default()
    };
    let expected: Vec<String> = top_report(&p, options)
        .iter()
        .filter(|l| l.ends_with("inline)"))
        .map(|l| {
            l.split("  ")
                .last()
                .unwrap_or("")
                .rsplit_once(" (")
                .unwrap()
                .0
                .to_string()
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(marks, expected);
}

#[test]
fn no_key_means_two_things_in_one_context() {
    let keymap = ppt::tui::keymap::Keymap::default();
    let bindings = keymap.bindings();
    for (i, a) in bindings.iter().enumerate() {
        for b in &bindings[i + 1..] {
            assert!(
                a.context != b.context || a.key != b.key || a.action == b.action,
                "{} is bound to {:?} and {:?} in {:?}",
                a.key.label(),
                a.action,
                b.action,
                a.context
            );
        }
    }
}
