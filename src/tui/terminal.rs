//! Taking over the terminal, and always giving it back.
//!
//! Raw mode, the alternate screen, mouse capture and bracketed paste are
//! undone on every way out:
//! - a normal quit and an error: the [`TerminalGuard`]'s `Drop`;
//! - a panic: a hook that restores before the panic message is printed, so
//!   the message is readable and the shell is usable;
//! - a signal that ends the process (`kill`, a closed terminal: TERM, HUP,
//!   INT, QUIT, USR1, USR2, ALRM...): a thread of its own restores the
//!   terminal, then lets the signal end the process as it would have, so
//!   the shell sees the conventional status (128 + the signal's number);
//! - a stop (SIGTSTP, or `C-z`, which raw mode delivers as a key): the
//!   terminal is given back before stopping, as vim and less do, and taken
//!   again on SIGCONT (`fg`), the screen redrawn whole. A SIGCONT after a
//!   stop ppt did not see (SIGSTOP) takes the terminal again too: the shell
//!   may have reset its modes meanwhile.
//!
//! Frames are drawn under a lock ([`drawing`]) that the signal thread takes
//! before it switches the terminal, so a frame is never drawn half in the
//! alternate screen and half in the shell's.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

/// Whether the terminal is in full-screen mode now. Restoring undoes it
/// once: leaving the alternate screen a second time (the guard's `Drop`
/// after the panic hook) moves the cursor back to where it was when the
/// explorer opened, and the shell then writes over the panic's message.
static FULL_SCREEN: AtomicBool = AtomicBool::new(false);

/// The terminal in full-screen mode; restored when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal drawing to standard output.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Whether the explorer has the terminal (between [`TerminalGuard::new`]
/// and its drop): only then do signals switch it.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Held while a frame is drawn, and while the terminal is given back or
/// taken again.
static SCREEN: Mutex<()> = Mutex::new(());

/// The screen must be drawn whole: it was given back and taken again.
static REDRAW_ALL: AtomicBool = AtomicBool::new(false);

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, captures the mouse and
    /// bracketed pastes, and starts watching for signals.
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        FULL_SCREEN.store(true, Ordering::SeqCst);
        // From here on, a failure must undo what was done.
        let guard = (|| {
            enter()?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.clear()?;
            Ok(TerminalGuard { terminal })
        })();
        match &guard {
            Ok(_) => {
                ACTIVE.store(true, Ordering::SeqCst);
                signals::watch();
            }
            Err(_) => restore(),
        }
        guard
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _screen = lock_screen();
        ACTIVE.store(false, Ordering::SeqCst);
        restore();
    }
}

/// Runs `draw` (one frame) so that no signal switches the terminal in the
/// middle of it. Returns whether the screen must be drawn whole first (it
/// was given back and taken again: clear it, as ratatui only draws what
/// changed).
pub fn drawing<R>(draw: impl FnOnce(bool) -> R) -> R {
    let _screen = lock_screen();
    draw(REDRAW_ALL.swap(false, Ordering::SeqCst))
}

/// `C-z`: stops the explorer as SIGTSTP does (the terminal given back
/// first). Does nothing when the explorer does not own a terminal (tests).
pub fn suspend() {
    if ACTIVE.load(Ordering::SeqCst) {
        signals::suspend();
    }
}

/// `e` in the source view: gives the terminal to `$VISUAL` (else
/// `$EDITOR`, else `vi`) on `path` at `line`, waits for it, and takes the
/// terminal back, the next frame drawn whole. The variable may hold
/// arguments (`code -w`): it is read by `sh`, as git reads it. Meanwhile
/// signals act as they would without the explorer (C-z stops both).
/// Refused when the explorer has no terminal (tests).
pub fn edit(path: &std::path::Path, line: i64) -> Result<(), EditError> {
    if !ACTIVE.load(Ordering::SeqCst) {
        return Err(EditError::NoTerminal);
    }
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    {
        let _screen = lock_screen();
        ACTIVE.store(false, Ordering::SeqCst);
        restore();
    }
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(format!("+{line}"))
        .arg(path)
        .status();
    {
        let _screen = lock_screen();
        // As after a stop: the editor may have left any mode set.
        let _ = disable_raw_mode();
        let _ = enable_raw_mode();
        FULL_SCREEN.store(true, Ordering::SeqCst);
        let _ = enter();
        REDRAW_ALL.store(true, Ordering::SeqCst);
        ACTIVE.store(true, Ordering::SeqCst);
    }
    let editor = crate::safe_text::escape(editor.as_bytes());
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(status) => Err(EditError::Failed { editor, status }),
        Err(source) => Err(EditError::Spawn { editor, source }),
    }
}

/// Why `e` did not edit.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The explorer does not own a terminal (tests).
    #[error("no terminal to run an editor in")]
    NoTerminal,
    /// The editor (escaped) ended with an error.
    #[error("the editor ({editor}) ended with {status}")]
    Failed {
        /// The command run.
        editor: String,
        /// How it ended.
        status: std::process::ExitStatus,
    },
    /// The shell that runs the editor could not start.
    #[error("could not run the editor ({editor}): {source}")]
    Spawn {
        /// The command.
        editor: String,
        /// Why.
        source: std::io::Error,
    },
}

fn lock_screen() -> MutexGuard<'static, ()> {
    SCREEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lock, or nothing after `patience`: a frame stuck writing to a
/// terminal whose output is stopped (`C-s`) must not keep a signal from
/// ending the process.
fn lock_screen_within(patience: Duration) -> Option<MutexGuard<'static, ()>> {
    let deadline = Instant::now() + patience;
    loop {
        match SCREEN.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// Full-screen mode, raw mode aside.
fn enter() -> io::Result<()> {
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        crossterm::cursor::Hide
    )
}

/// Leaves full-screen mode. Safe to call more than once (only the first
/// call after [`TerminalGuard::new`] does anything), and when the terminal
/// was never set up.
pub fn restore() {
    if !FULL_SCREEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the default hook prints a panic.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// The thread that answers signals while the explorer runs.
///
/// signal-hook's iterator is used because a signal handler itself may do
/// almost nothing (no locks, no allocation, no terminal writes): its
/// handler only notes the signal, and this ordinary thread does the work.
/// crossterm already depends on it for SIGWINCH, so it costs no new crate.
#[cfg(unix)]
mod signals {
    use super::{
        ACTIVE, FULL_SCREEN, REDRAW_ALL, enable_raw_mode, enter, lock_screen, lock_screen_within,
        restore,
    };
    use signal_hook::consts::signal::*;
    use signal_hook::iterator::Signals;
    use signal_hook::low_level::{emulate_default_handler, raise};
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Signals whose default action ends the process and that can come
    /// from outside (`kill`, a closed terminal, a timer, a resource limit).
    /// SIGPIPE is left alone: Rust ignores it, and writes report the error.
    const ENDING: [i32; 11] = [
        SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
        SIGXFSZ,
    ];

    /// Set between a stop that ppt made itself and the SIGCONT that ended
    /// it: the terminal was taken again already.
    static RESUMED: AtomicBool = AtomicBool::new(false);

    /// Starts the thread, once per process.
    pub fn watch() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let wanted = ENDING.iter().copied().chain([SIGTSTP, SIGCONT]);
            // Without the thread (no signal could be registered), signals
            // keep their default actions: the process ends or stops as
            // before, only without giving the terminal back.
            if let Ok(mut signals) = Signals::new(wanted) {
                let _ = std::thread::Builder::new()
                    .name("ppt-signals".into())
                    .spawn(move || {
                        for signal in signals.forever() {
                            answer(signal);
                        }
                    });
            }
        });
    }

    /// Sends SIGTSTP to the process: the thread stops it.
    pub fn suspend() {
        let _ = raise(SIGTSTP);
    }

    fn answer(signal: i32) {
        match signal {
            SIGTSTP => stop(),
            SIGCONT => {
                if !RESUMED.swap(false, Ordering::SeqCst) {
                    take_again();
                }
            }
            _ => end(signal),
        }
    }

    /// Gives the terminal back, stops, and takes it again once continued.
    fn stop() {
        if !ACTIVE.load(Ordering::SeqCst) {
            let _ = emulate_default_handler(SIGTSTP);
            return;
        }
        let screen = lock_screen();
        restore();
        // SIGTSTP's own default action cannot be had while it is caught:
        // SIGSTOP stops the same way (the shell says "Stopped (signal)").
        // This returns once the process is continued (fg, SIGCONT).
        RESUMED.store(true, Ordering::SeqCst);
        let _ = raise(SIGSTOP);
        drop(screen);
        take_again();
    }

    /// Raw mode, the alternate screen, the mouse again, and a whole redraw;
    /// SIGWINCH wakes the event loop, which waits for input, to draw it.
    fn take_again() {
        if !ACTIVE.load(Ordering::SeqCst) {
            return;
        }
        let _screen = lock_screen();
        // crossterm keeps the modes it saw before its raw mode and does
        // nothing if it thinks raw mode is on: the shell may have reset the
        // terminal while ppt was stopped, so raw mode is entered afresh.
        let _ = super::disable_raw_mode();
        let _ = enable_raw_mode();
        FULL_SCREEN.store(true, Ordering::SeqCst);
        let _ = enter();
        REDRAW_ALL.store(true, Ordering::SeqCst);
        let _ = raise(SIGWINCH);
    }

    /// Gives the terminal back and lets `signal` end the process, as it
    /// would have: the shell sees 128 + its number.
    fn end(signal: i32) -> ! {
        // If the terminal does not take our bytes (its output stopped with
        // C-s), the process still ends, without the restore.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            die(signal)
        });
        // Held until the end: no frame is drawn after the restore.
        let _screen = lock_screen_within(Duration::from_millis(500));
        if ACTIVE.load(Ordering::SeqCst) {
            restore();
        }
        die(signal)
    }

    fn die(signal: i32) -> ! {
        let _ = emulate_default_handler(signal);
        // Not reached: the default action of every signal in ENDING ends
        // the process.
        std::process::exit(128 + signal)
    }
}

#[cfg(not(unix))]
mod signals {
    /// No POSIX signals: nothing to watch.
    pub fn watch() {}

    /// No job control either.
    pub fn suspend() {}
}
