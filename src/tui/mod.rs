//! The full-screen explorer: the screen over an exploration
//! [`Session`], which holds and computes
//! everything about the profile.
//!
//! - [`app`]: the screen's state (focus, scroll positions, the open
//!   prompt) and `update(Action)`, which turns keys into the session's
//!   commands; [`action`] and [`keymap`]: what users can ask and with
//!   which keys; [`input`]: events to actions; `prompts`: the search,
//!   filter and save prompts; [`filter_form`]: the filter pane's fields;
//!   [`tree_keys`]: the keys and mouse of the flame graph and call tree;
//!   [`views`]: keys in the source and tags views;
//!   [`config`]: the user's keys, colours and starting options;
//! - [`ui`]: one file per pane: `prepare` before a frame, `draw` reading
//!   only; [`names`] and [`theme`]: names fitted to columns, colours;
//! - [`terminal`] and [`event`]: the real terminal, or a test backend and
//!   scripted events.
//!
//! The profile is loaded, and the arguments and the [`config`] file
//! checked, before the terminal is touched, so every error prints as usual.

pub mod action;
pub mod app;
pub mod config;
pub mod event;
pub mod filter_form;
pub mod input;
pub mod keymap;
pub mod names;
mod prompts;
pub mod terminal;
pub mod theme;
pub mod tree_keys;
pub mod ui;
pub mod views;

pub use action::Action;
pub use app::App;
pub use event::{CrosstermEvents, EventSource, ScriptedEvents};

use crate::analysis::order::SortKey;
use crate::cli::Args;
use crate::explore::refresh::{Carry, Fetched, Fetcher};
use crate::explore::{SLICE, Session, Settings, TableOptions};
use crate::fetch::{Loaded, Source};
use crate::profile::Profile;
use crate::report::{ReportOptions, resolve_measure};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Position, Rect};
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why the explorer could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    /// The command line's sample index is not the profile's.
    #[error("{profile}: {error}")]
    Settings {
        /// The profile as named on the command line.
        profile: String,
        /// What the sample index lacks.
        error: crate::report::ReportError,
    },
    /// `--refresh` of standard input.
    #[error("--refresh needs a profile that can be read again (a file or URL), not standard input")]
    RefreshNeedsAFile,
    /// The config file has a bad entry, or cannot be read.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The terminal could not be set up.
    #[error("cannot open the terminal: {0}")]
    Open(io::Error),
    /// Reading or drawing on the terminal failed.
    #[error("terminal: {0}")]
    Terminal(io::Error),
    /// A profile could not be compared with its base.
    #[error(transparent)]
    Compare(#[from] crate::explore::CompareError),
}

/// The explorer's starting state from the command line: the same options
/// as `--top`, but no node is dropped unless `--node-fraction` asks.
pub fn settings(
    profile: &Profile,
    args: &Args,
    options: &ReportOptions,
) -> Result<Settings, ExplorerError> {
    settings_with(profile, args, options, &config::Defaults::default())
}

/// [`settings`], with the config file's `defaults` where the command line
/// says nothing: its unit, its sort unless `--cum`, and the first of its
/// sample types the profile has.
pub fn settings_with(
    profile: &Profile,
    args: &Args,
    options: &ReportOptions,
    defaults: &config::Defaults,
) -> Result<Settings, ExplorerError> {
    let preferred = defaults
        .sample_index
        .iter()
        .find(|name| resolve_measure(profile, Some(name), options.mean).is_ok());
    let sample_index = options.sample_index.as_ref().or(preferred);
    let measure = resolve_measure(profile, sample_index.map(String::as_str), options.mean)
        .map_err(|error| ExplorerError::Settings {
            profile: args.profile.clone(),
            error,
        })?;
    let file_name = if args.profile == "-" {
        "stdin".to_string()
    } else {
        crate::safe_text::escape(crate::gopath::base(args.profile.as_bytes()))
    };
    Ok(Settings {
        sample_index: measure.index,
        mean: measure.mean,
        granularity: options.granularity,
        filters: options.filters.clone(),
        sort: if options.cum {
            SortKey::Cum
        } else {
            defaults.sort.unwrap_or(SortKey::Flat)
        },
        inline_frames: options.inline_frames,
        table: TableOptions {
            node_fraction: args.node_fraction.unwrap_or(0.0),
            edge_fraction: options.edge_fraction,
            node_count: options.node_count.unwrap_or(0),
            drop_negative: options.drop_negative,
            // Each value in its own unit unless --unit says otherwise:
            // with every row shown, pprof's one unit for the table
            // (`minimum`) prints 4343883.87us for 4.34s.
            unit: Some(
                (options.unit.clone())
                    .or_else(|| defaults.unit.clone())
                    .unwrap_or_else(|| "auto".into()),
            ),
        },
        file_name,
        source_paths: crate::explore::SourcePaths {
            source_path: options.source_path.clone(),
            trim_path: options.trim_path.clone(),
            go_roots: None,
        },
    })
}

/// Opens the explorer on the profile `first` loaded from `source` until the
/// user quits; `options` are the report options of the command line,
/// filters compiled. With `--refresh`, or on `r`, the source is loaded
/// again in the background and the explorer reopens on the new profile with
/// the user's choices kept.
pub fn run(
    source: Source,
    first: Loaded,
    args: &Args,
    options: &ReportOptions,
) -> Result<(), ExplorerError> {
    let config = config::load()?;
    let settings = settings_with(&first.profile, args, options, &config.defaults)?;
    theme::use_palette(config.palette);
    let can_refresh = source.can_reload();
    let over_network = source.remote().is_some();
    if args.refresh.is_some() && !can_refresh {
        return Err(ExplorerError::RefreshNeedsAFile);
    }
    let fetcher = can_refresh.then(|| Fetcher::start(source, args.refresh, Instant::now()));
    // The table's numbers before taking the terminal: no blank screen
    // meanwhile. Callers and callees come from the worker.
    let carry = Carry::first(settings, can_refresh, over_network);
    let session = open(first, None, carry, None, false)?;
    explore(session, fetcher, config.keymap)
}

/// Opens the explorer on profiles loaded together (several merged, or
/// compared with a base: `comparison`), named `title` in the header. They
/// are not loaded again; `b` can still take a base.
pub fn run_combined(
    first: Loaded,
    title: String,
    comparison: Option<crate::explore::Comparison>,
    args: &Args,
    options: &ReportOptions,
) -> Result<(), ExplorerError> {
    let config = config::load()?;
    let mut settings = settings_with(&first.profile, args, options, &config.defaults)?;
    theme::use_palette(config.palette);
    settings.file_name = title;
    let carry = Carry::first(settings, false, false);
    let mut session = open(first, None, carry, None, false)?;
    if let Some(comparison) = comparison {
        session.set_comparison(comparison);
    }
    explore(session, None, config.keymap)
}

/// The explorer over `session` until the user quits, with `fetcher`
/// loading new profiles.
fn explore(
    session: Session,
    mut fetcher: Option<Fetcher>,
    keymap: keymap::Keymap,
) -> Result<(), ExplorerError> {
    let theme = theme::Theme::from_env();
    let mut guard = terminal::TerminalGuard::new().map_err(ExplorerError::Open)?;
    let mut app = App::new(session, theme);
    app.keymap = keymap;
    loop {
        // The worker shares the profile and is not waited for: quitting
        // while it is in a long pass over the samples is immediate.
        drop(app.session.start_worker());
        let exit = run_loop(
            &mut guard.terminal,
            &mut app,
            &mut CrosstermEvents,
            fetcher.as_mut(),
        )
        .map_err(ExplorerError::Terminal)?;
        match exit {
            Exit::Quit => return Ok(()),
            Exit::Swap(next) => {
                let Fetched {
                    loaded,
                    plain,
                    ready,
                } = *next;
                let asked = fetcher.as_ref().is_some_and(Fetcher::was_asked);
                match open(loaded, plain, app.session.carry(), Some(ready), asked) {
                    // The screen stays (focus, scroll position, an open
                    // help) over the refreshed session.
                    Ok(session) => app.swap_session(session),
                    Err(error) => app.session.refresh_failed(&error.to_string()),
                }
            }
            Exit::Base => match app.session.toggled_base() {
                Ok(session) => app.swap_session(session),
                Err(error) => app.session.say_error(error.to_string()),
            },
        }
    }
}

/// The session on `loaded` with what `carry` keeps (and the table's
/// numbers `ready`, used if computed as it says); `asked`: the load was
/// asked for by the user (`r`), and its arrival is said.
/// With a base taken, the profile is compared with it (`plain`: the
/// profile alone, when the loader compared it already).
fn open(
    loaded: Loaded,
    plain: Option<Profile>,
    carry: Carry,
    ready: Option<(crate::explore::Plan, crate::explore::Aggregate)>,
    asked: bool,
) -> Result<Session, crate::explore::CompareError> {
    let mut session = crate::explore::compare::resume_loaded(loaded.profile, plain, carry, ready)?;
    session.set_fetched(Arc::from(loaded.bytes), loaded.fetched_at);
    if asked {
        session.say(format!(
            "profile {} again ({})",
            session.source().arrived(),
            crate::fetch::format_duration(loaded.took)
        ));
    }
    Ok(session)
}

/// Why the event loop returned.
pub enum Exit {
    /// The user quit, or the events ran out.
    Quit,
    /// A new profile was loaded: reopen on it.
    Swap(Box<Fetched>),
    /// The user asked to take the profile shown as the base, or to drop
    /// the base ([`Session::toggled_base`]).
    Base,
}

/// How long the loop waits for a key while background work goes on,
/// before it does its next slice.
const POLL: Duration = Duration::from_millis(15);

/// How often the screen is drawn when nothing happens (the header's
/// "fetched 3s ago" counts).
const REDRAW: Duration = Duration::from_millis(250);

/// The same while a result of the worker is due: the terminal's input
/// cannot be woken by another thread, so the loop looks often (a few
/// hundred wake-ups for the few milliseconds to a few seconds of a job),
/// and a result shows within a millisecond of being ready instead of up
/// to a whole [`POLL`] later.
const POLL_FOR_RESULT: Duration = Duration::from_millis(1);

/// The event loop: draw, wait for an event, apply it (and those already
/// waiting, a bounded batch, so held keys do not lag), until quit or the
/// events run out.
/// Between events, background work goes on in slices
/// ([`Session::tick`]):
/// results of the worker, search scans. Frames are drawn only after events
/// or progress.
pub fn run_app<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut E,
) -> io::Result<()> {
    loop {
        match run_loop(terminal, app, events, None)? {
            Exit::Base => match app.session.toggled_base() {
                Ok(session) => app.swap_session(session),
                Err(error) => app.session.say_error(error.to_string()),
            },
            Exit::Quit | Exit::Swap(_) => return Ok(()),
        }
    }
}

/// [`run_app`] with a [`Fetcher`]: a new profile ends the loop
/// ([`Exit::Swap`]) once no prompt is open; a failed load is said.
pub fn run_loop<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut E,
    mut fetcher: Option<&mut Fetcher>,
) -> io::Result<Exit> {
    let mut pending: Option<Box<Fetched>> = None;
    let mut changed = true;
    let mut drawn_at: Option<Instant> = None;
    loop {
        if let Some(f) = fetcher.as_deref_mut() {
            let session = &mut app.session;
            if session.take_refresh_request() {
                f.fetch_asked(session.plan());
            }
            match f.poll(Instant::now(), || session.plan()) {
                Some(Ok(fetched)) => pending = Some(fetched),
                Some(Err(error)) => {
                    session.refresh_failed(&error.to_string());
                    changed = true;
                }
                None => {}
            }
            changed |= session.set_refreshing(f.in_flight());
            if app.can_swap()
                && let Some(fetched) = pending.take()
            {
                return Ok(Exit::Swap(fetched));
            }
        }
        // Only what changed is drawn: the loop wakes up every millisecond
        // while a result is due, and a frame costs a fraction of one. The
        // clock in the header is kept counting.
        if changed || drawn_at.is_none_or(|at| at.elapsed() >= REDRAW) {
            // What the frame needs is worked out first (scroll positions,
            // what the session computes for the rows shown); drawing only
            // reads. Under the terminal's lock: a signal does not switch the
            // terminal mid-frame; after a stop (C-z, fg) the screen is
            // cleared and drawn whole.
            let size = terminal
                .size()
                .map_err(|e| io::Error::other(e.to_string()))?;
            app.prepare(Rect::from((Position::ORIGIN, size)));
            terminal::drawing(|whole| {
                if whole {
                    terminal.clear()?;
                }
                terminal.draw(|frame| ui::draw(frame, app)).map(drop)
            })
            .map_err(|e| io::Error::other(e.to_string()))?;
            fail_after_draw_for_tests()?;
            (changed, drawn_at) = (false, Some(Instant::now()));
        }
        // Filters typed are summed ahead when the typing pauses.
        let ahead = app
            .session
            .ahead_due()
            .map(|due| due.saturating_duration_since(Instant::now()));
        let event = if app.session.busy() {
            // A slice of search is due: only look at the keyboard.
            let searching = app.session.searching();
            events.wait(match (searching, app.session.awaits_worker()) {
                (true, _) => Duration::ZERO,
                (false, true) => POLL_FOR_RESULT,
                (false, false) => POLL,
            })?
        } else if let Some(f) = fetcher.as_deref() {
            // Wake up for the next load, and to keep the clock counting.
            let wait = f.wait(Instant::now());
            events.wait(ahead.map_or(wait, |ahead| ahead.min(wait)))?
        } else if let Some(ahead) = ahead {
            events.wait(ahead)?
        } else {
            match events.next()? {
                Some(event) => Some(event),
                None => return Ok(Exit::Quit),
            }
        };
        if let Some(event) = event {
            changed = true;
            // With the events already waiting: held keys do not lag, and a
            // flood of input is a few edits (input.rs).
            let batch = event::drain(event, events)?;
            app.handle_events(&batch, Instant::now());
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        if let Some((path, line)) = app.take_edit() {
            // The editor has the terminal until it exits; the screen is
            // then drawn whole, as it was.
            app.edited(terminal::edit(&path, line));
            changed = true;
        }
        if app.session.take_base_request() {
            return Ok(Exit::Base);
        }
        changed |= app.session.tick(Instant::now() + SLICE);
    }
}

/// Test builds only: `PPT_TEST_PANIC_AFTER_DRAW=1` panics and
/// `PPT_TEST_ERROR_AFTER_DRAW=1` fails inside the event loop once a frame is
/// on screen, so the end-to-end tests can check that the terminal is given
/// back on both ways out. Release builds do not read these variables.
fn fail_after_draw_for_tests() -> io::Result<()> {
    #[cfg(debug_assertions)]
    {
        if std::env::var_os("PPT_TEST_PANIC_AFTER_DRAW").is_some_and(|v| v == "1") {
            panic!("PPT_TEST_PANIC_AFTER_DRAW: deliberate panic after the first frame");
        }
        if std::env::var_os("PPT_TEST_ERROR_AFTER_DRAW").is_some_and(|v| v == "1") {
            return Err(io::Error::other(
                "PPT_TEST_ERROR_AFTER_DRAW: deliberate error after the first frame",
            ));
        }
    }
    Ok(())
}
