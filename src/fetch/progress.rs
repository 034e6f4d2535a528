//! What is printed on stderr while a profile is being fetched: pprof's two
//! lines, and on a terminal a counter of the seconds waited (a 30-second CPU
//! profile takes 30 seconds to arrive).

use super::{Remote, format_duration};
use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Announces a fetch; while alive and stderr is a terminal, keeps a ticking
/// elapsed counter on the last line, erased when dropped.
pub struct Progress {
    ticker: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
}

impl Progress {
    /// Prints `Fetching profile over HTTP from URL` (and `Please wait...
    /// (30s)` for a profile that takes time) and starts the counter.
    pub fn start(remote: &Remote) -> Progress {
        announce(remote);
        if !std::io::stderr().is_terminal() {
            return Progress { ticker: None };
        }
        let (stop, stopped) = mpsc::channel();
        let seconds = remote.seconds;
        let handle = thread::spawn(move || tick(stopped, seconds));
        Progress {
            ticker: Some((stop, handle)),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            let _ = stop.send(());
            let _ = handle.join();
        }
    }
}

/// Prints pprof's `Fetching profile over HTTP from URL` (and `Please
/// wait... (30s)` for a profile that takes time), without a counter: what
/// each of several profiles fetched at once says.
pub fn announce(remote: &Remote) {
    let mut err = std::io::stderr().lock();
    // The URL as typed may hold a password (shown as xxxxx) and anything
    // else (escaped like names).
    let _ = writeln!(
        err,
        "Fetching profile over HTTP from {}",
        crate::safe_text::escape(remote.shown.as_bytes())
    );
    if let Some(s) = remote.seconds {
        let _ = writeln!(
            err,
            "Please wait... ({})",
            format_duration(Duration::from_secs(s))
        );
    }
}

/// The counter's line after `elapsed` whole seconds.
pub fn status_line(elapsed: u64, seconds: Option<u64>) -> String {
    match seconds {
        Some(s) if elapsed <= s => format!("Waiting for the profile... {elapsed}s of {s}s"),
        _ => format!("Waiting for the profile... {elapsed}s"),
    }
}

fn tick(stopped: mpsc::Receiver<()>, seconds: Option<u64>) {
    let start = Instant::now();
    let mut shown = false;
    loop {
        let elapsed = start.elapsed();
        // Nothing for the first second: a quick fetch leaves no trace.
        if elapsed >= Duration::from_secs(1) {
            let line = status_line(elapsed.as_secs(), seconds);
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{line}");
            shown = true;
        }
        let next = Duration::from_secs(elapsed.as_secs() + 1);
        match stopped.recv_timeout(next.saturating_sub(start.elapsed())) {
            // The next second: tick.
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            _ => break,
        }
    }
    if shown {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_text() {
        assert_eq!(
            status_line(3, Some(30)),
            "Waiting for the profile... 3s of 30s"
        );
        assert_eq!(status_line(31, Some(30)), "Waiting for the profile... 31s");
        assert_eq!(status_line(7, None), "Waiting for the profile... 7s");
    }
}
