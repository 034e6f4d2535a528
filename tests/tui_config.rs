//! The config file in the explorer: a remapped key works and shows in the
//! help and the status line, its starting options give way to the command
//! line, and a bad entry stops `ppt` before the terminal is touched.

#[path = "common/explorer.rs"]
mod explorer;

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use explorer::profile;
use ppt::analysis::order::SortKey;
use ppt::explore::{Session, Settings};
use ppt::profile::Profile;
use ppt::tui::App;
use ppt::tui::app::Mode;
use ppt::tui::config::{self, Config};
use ppt::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn config(text: &str) -> Config {
    config::parse(text, Path::new("config.toml")).expect("the config parses")
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

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    app.handle_event(&event, Instant::now());
}

#[test]
fn a_remapped_key_works_and_shows_in_help_and_hints() {
    let p = profile("assets/heap.pprof");
    let mut app = App::new(
        Session::new(p.clone(), Settings::new(&p, "heap.pprof")),
        Theme { color: false },
    );
    app.keymap = config("[keys.browse]\ncycle_sort = \"o\"\nhelp = \"F1\"\n").keymap;
    assert_eq!(app.session.sort(), SortKey::Flat);
    // The old key no longer sorts; the new one does.
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.session.sort(), SortKey::Flat);
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.session.sort(), SortKey::Cum);

    let lines = screen(&mut app, 120, 40);
    let status = lines.last().expect("a status line");
    assert!(status.contains(" o sort "), "{status}");
    assert!(status.trim_end().ends_with("F1 help  q quit"), "{status}");

    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Browse), "? no longer opens help");
    press(&mut app, KeyCode::F(1));
    assert!(matches!(app.mode, Mode::Help(_)));
    let help = screen(&mut app, 120, 60).join("\n");
    assert!(
        help.contains("o            sort by flat, cum, name"),
        "{help}"
    );
    assert!(help.contains("F1           help"), "{help}");
    assert!(!help.contains("s            sort by"), "{help}");
}

#[test]
fn a_key_given_to_another_action_stops_doing_what_it_did() {
    let p = profile("assets/heap.pprof");
    let mut app = App::new(
        Session::new(p.clone(), Settings::new(&p, "heap.pprof")),
        Theme { color: false },
    );
    app.keymap = config("[keys.browse]\nquit = \"s\"\n").keymap;
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "q no longer quits");
    press(&mut app, KeyCode::Char('s'));
    assert!(app.quit, "s quits");
    assert_eq!(app.session.sort(), SortKey::Flat, "and does not sort");
}

/// The explorer's settings for `args` on `path`, with the config file
/// `text`'s defaults.
fn settings(path: &str, args: &[&str], text: &str) -> (Arc<Profile>, Settings) {
    use clap::Parser;
    let p = profile(path);
    let argv = ["ppt"].iter().chain(args).chain([&path]);
    let args = ppt::cli::Args::try_parse_from(argv).expect("arguments parse");
    let options = args.report_options().expect("options");
    let defaults = config(text).defaults;
    let settings = ppt::tui::settings_with(&p, &args, &options, &defaults).expect("settings");
    (p, settings)
}

#[test]
fn config_defaults_apply_and_the_command_line_wins() {
    let heap = "assets/heap.pprof";
    let file =
        "[options]\nunit = \"MB\"\nsort = \"name\"\nsample_index = [\"cpu\", \"alloc_space\"]\n";
    let (p, s) = settings(heap, &[], file);
    assert_eq!(s.table.unit.as_deref(), Some("MB"));
    assert_eq!(s.sort, SortKey::Name);
    assert_eq!(p.sample_type_name(s.sample_index), "alloc_space");

    let (p, s) = settings(
        heap,
        &["--unit=kB", "--cum", "--sample-index=inuse_objects"],
        file,
    );
    assert_eq!(s.table.unit.as_deref(), Some("kB"));
    assert_eq!(s.sort, SortKey::Cum);
    assert_eq!(p.sample_type_name(s.sample_index), "inuse_objects");
    // pprof's legacy flag is the command line too.
    let (p, s) = settings(heap, &["--inuse_space"], file);
    assert_eq!(p.sample_type_name(s.sample_index), "inuse_space");

    // The first preferred type the profile has: cpu in a CPU profile.
    let (p, s) = settings("assets/cpu.pprof", &[], file);
    assert_eq!(p.sample_type_name(s.sample_index), "cpu");
    // None of them: the profile's default, as without a config file.
    let (p, s) = settings(heap, &[], "[options]\nsample_index = [\"delay\"]\n");
    assert_eq!(p.sample_type_name(s.sample_index), "inuse_space");
    assert_eq!(s.table.unit.as_deref(), Some("auto"));
    assert_eq!(s.sort, SortKey::Flat);
}

#[test]
fn a_bad_config_entry_errors_before_the_terminal_is_touched() {
    if !common::tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::create_dir(dir.path().join("ppt")).expect("ppt's config directory");
    std::fs::write(
        dir.path().join("ppt/config.toml"),
        "[keys.browse]\nquit = \"x\"\ncycle_sort = \"Ctl-s\"\n",
    )
    .expect("the config is written");
    let t = common::Terminal::start("config");
    t.run(&format!(
        "XDG_CONFIG_HOME={} {} {}/assets/heap.pprof",
        dir.path().display(),
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    ));
    let screen = t.wait_for("the exit status", |s| s.contains("\nexit="));
    let expected = format!(
        "ppt: {}:3:14: unknown key `Ctl-s`",
        dir.path().join("ppt/config.toml").display()
    );
    assert!(screen.contains(&expected), "{screen}");
    assert!(screen.contains("\nexit=1"), "{screen}");
    assert!(!t.alternate_screen());
}

#[test]
fn the_readmes_example_config_is_valid() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let section = readme
        .split("### The config file")
        .nth(1)
        .expect("the README has a config section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("an example file");
    let config = config(example);
    assert_eq!(config.defaults.sort, Some(SortKey::Cum));
    assert_eq!(
        config.keymap.hints(ppt::tui::keymap::Context::Browse)[0..1],
        [("↑↓".to_string(), "move")]
    );
    assert!(
        config
            .keymap
            .help(ppt::tui::keymap::Context::Browse)
            .contains(&("q C-q".to_string(), "quit"))
    );
}
