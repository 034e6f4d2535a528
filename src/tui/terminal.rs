//! Taking over the terminal, and always giving it back.
//!
//! Raw mode, the alternate screen and mouse capture are undone on every way
//! out: a normal quit and an error (the [`TerminalGuard`]'s `Drop`), and a
//! panic (a hook that restores before the panic message is printed, so the
//! message is readable and the shell is usable).

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

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

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, and captures the mouse.
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        FULL_SCREEN.store(true, Ordering::SeqCst);
        // From here on, a failure must undo what was done.
        let guard = (|| {
            execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.hide_cursor()?;
            terminal.clear()?;
            Ok(TerminalGuard { terminal })
        })();
        if guard.is_err() {
            restore();
        }
        guard
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
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
