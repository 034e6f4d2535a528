//! Scripted key presses for the explorer's tests: `["/", "sort", "<Enter>"]`
//! types `/`, then `sort`, then presses Enter.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// A key press without modifiers.
pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Key events for `script`: characters as typed, `<Enter>`-style names
/// (`Enter`, `Esc`, `Tab`, `Bksp`, `Up`, `Down`, `Left`, `Right`, `PgDn`)
/// for the others.
pub fn keys(script: &[&str]) -> Vec<Event> {
    let mut events = Vec::new();
    for &k in script {
        let code = match k {
            "<Enter>" => KeyCode::Enter,
            "<Esc>" => KeyCode::Esc,
            "<Tab>" => KeyCode::Tab,
            "<Bksp>" => KeyCode::Backspace,
            "<Up>" => KeyCode::Up,
            "<Down>" => KeyCode::Down,
            "<Left>" => KeyCode::Left,
            "<Right>" => KeyCode::Right,
            "<PgDn>" => KeyCode::PageDown,
            text => {
                events.extend(text.chars().map(|c| key(KeyCode::Char(c))));
                continue;
            }
        };
        events.push(key(code));
    }
    events
}
