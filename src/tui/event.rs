//! Where events come from: the real terminal, or a script in tests.

use crossterm::event::Event;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;

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
        if crossterm::event::poll(timeout)? {
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
