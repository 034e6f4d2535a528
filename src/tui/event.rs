//! Where events come from: the real terminal, or a script in tests.

use crossterm::event::Event;
use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

/// The most events handled between two frames...
const BATCH_EVENTS: usize = 4096;
/// ...and the longest time spent reading them: a flood of input still
/// leaves frames drawn and C-c seen within this.
const BATCH_TIME: Duration = Duration::from_millis(30);

/// `first` and the events already waiting after it, up to a bound: what
/// the explorer handles before drawing the next frame
/// ([`App::handle_events`](super::app::App::handle_events)).
pub fn drain<E: EventSource>(first: Event, events: &mut E) -> io::Result<Vec<Event>> {
    let start = Instant::now();
    let mut batch = vec![first];
    while batch.len() < BATCH_EVENTS && start.elapsed() < BATCH_TIME {
        match events.pending()? {
            Some(event) => batch.push(event),
            None => break,
        }
    }
    Ok(batch)
}

/// A source of terminal events.
pub trait EventSource {
    /// The next event, waiting for one; `None` when there will be no more.
    fn next(&mut self) -> io::Result<Option<Event>>;

    /// An event that is already waiting, without blocking.
    fn pending(&mut self) -> io::Result<Option<Event>>;

    /// The next event if one comes within `timeout` (the explorer waits so
    /// while it has work in the background).
    fn wait(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// Events typed in the terminal.
pub struct CrosstermEvents;

impl EventSource for CrosstermEvents {
    fn next(&mut self) -> io::Result<Option<Event>> {
        crossterm::event::read().map(Some)
    }

    fn pending(&mut self) -> io::Result<Option<Event>> {
        self.wait(Duration::ZERO)
    }

    fn wait(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        // crossterm's reader of /dev/tty (the `use-dev-tty` feature, see
        // Cargo.toml) does not look at the terminal at all for a zero
        // timeout, only at what it read before: the shortest wait that
        // looks is used instead.
        if crossterm::event::poll(timeout.max(Duration::from_micros(50)))? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A fixed list of events, for tests.
#[derive(Debug, Clone, Default)]
pub struct ScriptedEvents {
    events: VecDeque<Event>,
}

impl ScriptedEvents {
    /// Plays `events` in order.
    pub fn new(events: impl IntoIterator<Item = Event>) -> ScriptedEvents {
        ScriptedEvents {
            events: events.into_iter().collect(),
        }
    }
}

impl EventSource for ScriptedEvents {
    fn next(&mut self) -> io::Result<Option<Event>> {
        Ok(self.events.pop_front())
    }

    fn pending(&mut self) -> io::Result<Option<Event>> {
        Ok(None)
    }

    /// None: a script is typed by a patient user, who presses each key
    /// only once the explorer has nothing left to compute, so that scripted
    /// runs end the same with a worker as without.
    fn wait(&mut self, _timeout: Duration) -> io::Result<Option<Event>> {
        Ok(None)
    }
}
