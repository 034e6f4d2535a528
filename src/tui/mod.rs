//! The full-screen explorer.
//!
//! - [`app`]: the state and `update(Action)`; [`action`] and [`keymap`]:
//!   what users can ask and with which keys; [`input`]: events to actions;
//! - [`model`]: the aggregate (rebuilt on filter or granularity change) and
//!   the table view (rebuilt on sample type or sort change);
//! - [`finder`] (ranking by [`score`]), [`filter_form`], [`history`],
//!   [`names`]: search, filter form, back/forward, name shortening;
//! - [`ui`]: one file per pane, drawing only what is on screen;
//! - [`terminal`] and [`event`]: the real terminal, or a test backend and
//!   scripted events;
//! - [`refresh`]: loading the source again (`--refresh`, `r`) on a thread
//!   of its own and reopening with the user's choices kept; saving (`w`).
//!
//! The profile is loaded, and the arguments checked, before the terminal is
//! touched, so every error prints as usual.

pub mod action;
pub mod app;
pub mod event;
pub mod filter_form;
pub mod finder;
pub mod history;
pub mod input;
pub mod keymap;
pub mod model;
pub mod names;
mod navigate;
mod prompts;
mod recompute;
pub mod refresh;
pub mod score;
pub mod table;
pub mod terminal;
pub mod theme;
pub mod ui;
mod worker;

pub use action::Action;
pub use app::{App, Settings};
pub use event::{CrosstermEvents, EventSource, ScriptedEvents};

use crate::analysis::order::SortKey;
use crate::cli::Args;
use crate::fetch::{Loaded, Source};
use crate::profile::Profile;
use crate::report::{ReportOptions, resolve_measure};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};
use table::TableOptions;

/// The explorer's starting state from the command line: the same options
/// as `--top`, but no node is dropped unless `--node-fraction` asks.
pub fn settings(
    profile: &Profile,
    args: &Args,
    options: &ReportOptions,
) -> Result<Settings, String> {
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)
        .map_err(|e| format!("{}: {e}", args.profile))?;
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
            SortKey::Flat
        },
        inline_frames: options.inline_frames,
        table: TableOptions {
            node_fraction: args.node_fraction.unwrap_or(0.0),
            edge_fraction: options.edge_fraction,
            node_count: options.node_count.unwrap_or(0),
            drop_negative: options.drop_negative,
            unit: options.unit.clone(),
        },
        theme: theme::Theme::from_env(),
        file_name,
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
) -> Result<(), String> {
    let settings = settings(&first.profile, args, options)?;
    let can_refresh = source.can_reload();
    let over_network = source.remote().is_some();
    if args.refresh.is_some() && !can_refresh {
        return Err(
            "--refresh needs a profile that can be read again (a file or URL), not standard input"
                .into(),
        );
    }
    let mut fetcher =
        can_refresh.then(|| refresh::Fetcher::start(source, args.refresh, Instant::now()));
    let mut carry = refresh::Carry::first(settings, can_refresh, over_network);
    let mut loaded = first;
    let mut ready = None;
    let mut refreshed = false;
    let mut guard = None;
    loop {
        let profile = Arc::new(loaded.profile);
        // The table's numbers before taking the terminal: no blank screen
        // meanwhile. Callers and callees come from the worker.
        let mut app = App::resume_with(&profile, carry, ready.take());
        app.set_fetched(Arc::from(loaded.bytes), loaded.fetched_at);
        if refreshed && fetcher.as_ref().is_some_and(|f| f.was_asked()) {
            app.say(format!(
                "profile {} again ({})",
                app.fetch.arrived(),
                crate::fetch::format_duration(loaded.took)
            ));
        }
        if guard.is_none() {
            guard = Some(
                terminal::TerminalGuard::new()
                    .map_err(|e| format!("cannot open the terminal: {e}"))?,
            );
        }
        let Some(guard) = guard.as_mut() else {
            unreachable!("the terminal was just opened")
        };
        // The worker shares the profile and is not waited for: quitting
        // while it is in a long pass over the samples is immediate.
        app.start_worker(Arc::clone(&profile));
        let exit = run_loop(
            &mut guard.terminal,
            &mut app,
            &mut CrosstermEvents,
            fetcher.as_mut(),
        )
        .map_err(|e| format!("terminal: {e}"))?;
        match exit {
            Exit::Quit => return Ok(()),
            Exit::Swap(next) => {
                carry = app.carry();
                let next = *next;
                loaded = next.loaded;
                ready = Some(next.ready);
                refreshed = true;
            }
        }
    }
}

/// Why the event loop returned.
pub enum Exit {
    /// The user quit, or the events ran out.
    Quit,
    /// A new profile was loaded: reopen on it.
    Swap(Box<refresh::Fetched>),
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

/// The event loop: draw, wait for an event, apply it (and any already
/// waiting, so held keys do not lag), until quit or the events run out.
/// Between events, background work goes on in slices ([`App::tick`]):
/// results of the worker, search scans. Frames are drawn only after events
/// or progress.
pub fn run_app<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut E,
) -> io::Result<()> {
    run_loop(terminal, app, events, None).map(|_| ())
}

/// [`run_app`] with a [`refresh::Fetcher`]: a new profile ends the loop
/// ([`Exit::Swap`]) once no prompt is open; a failed load is said.
pub fn run_loop<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut E,
    mut fetcher: Option<&mut refresh::Fetcher>,
) -> io::Result<Exit> {
    let mut pending: Option<Box<refresh::Fetched>> = None;
    let mut changed = true;
    let mut drawn_at: Option<Instant> = None;
    loop {
        if let Some(f) = fetcher.as_deref_mut() {
            if app.take_refresh_request() {
                f.fetch_asked(app.plan());
            }
            match f.poll(Instant::now(), || app.plan()) {
                Some(Ok(fetched)) => pending = Some(fetched),
                Some(Err(error)) => {
                    app.refresh_failed(&error);
                    changed = true;
                }
                None => {}
            }
            changed |= app.fetch.refreshing != f.in_flight();
            app.fetch.refreshing = f.in_flight();
            if pending.is_some() && app.can_swap() {
                return Ok(Exit::Swap(pending.take().expect("checked")));
            }
        }
        // Only what changed is drawn: the loop wakes up every millisecond
        // while a result is due, and a frame costs a fraction of one. The
        // clock in the header is kept counting.
        if changed || drawn_at.is_none_or(|at| at.elapsed() >= REDRAW) {
            terminal
                .draw(|frame| ui::draw(frame, app))
                .map_err(|e| io::Error::other(e.to_string()))?;
            fail_after_draw_for_tests()?;
            (changed, drawn_at) = (false, Some(Instant::now()));
        }
        // Filters typed are summed ahead when the typing pauses.
        let ahead = app
            .ahead_due()
            .map(|due| due.saturating_duration_since(Instant::now()));
        let event = if app.busy() {
            // A slice of search is due: only look at the keyboard.
            let searching = matches!(&app.mode, app::Mode::Search(f) if f.searching());
            events.wait(match (searching, app.awaits_worker()) {
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
            app.handle_event(&event, Instant::now());
            while !app.quit {
                match events.pending()? {
                    Some(event) => app.handle_event(&event, Instant::now()),
                    None => break,
                }
            }
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        changed |= app.tick(Instant::now() + app::SLICE);
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
