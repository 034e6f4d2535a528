//! Colours, and what they mean.
//!
//! Colour carries meaning, never decoration alone: heat tells how large a
//! share is, cyan marks inlined frames, yellow marks active filters. Under
//! `NO_COLOR` every style falls back to bold/reverse/underline, which
//! carry the same information without colour.

use ratatui::style::{Color, Modifier, Style};

/// The styles of the explorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours may be used at all.
    pub color: bool,
}

impl Theme {
    /// The theme for the environment: no colour when `NO_COLOR` is set and
    /// not empty (<https://no-color.org>).
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Secondary text: labels, separators, hints.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// The app's name and the active tab.
    pub fn accent(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// Titles and headings.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The border of the focused pane.
    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The border of other panes.
    pub fn border(&self) -> Style {
        self.dim()
    }

    /// The border of a pane: highlighted while it has the keyboard.
    pub fn pane_border(&self, focused: bool) -> Style {
        if focused {
            self.focused_border()
        } else {
            self.border()
        }
    }

    /// The row under the cursor in the focused pane.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Rgb(40, 60, 90))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// The row under the cursor in a pane without focus.
    pub fn selected_unfocused(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Rgb(45, 45, 45))
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// A share of the total: hotter colours for larger shares.
    pub fn heat(&self, value: i64, total: i64) -> Style {
        let share = if total != 0 {
            (value as f64 / total as f64).abs()
        } else {
            0.0
        };
        if !self.color {
            return if share >= 0.10 {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
        }
        let color = if share >= 0.25 {
            Color::LightRed
        } else if share >= 0.10 {
            Color::Red
        } else if share >= 0.03 {
            Color::Yellow
        } else if share >= 0.005 {
            Color::Green
        } else {
            Color::DarkGray
        };
        Style::new().fg(color)
    }

    /// The `inline` marks of inlined frames and calls.
    pub fn inline(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::ITALIC)
    }

    /// Active filters in the header.
    pub fn filter(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Characters matched by the search.
    pub fn matched(&self) -> Style {
        self.fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Keys in hints and help.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Error messages.
    pub fn error(&self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    /// Informational messages.
    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }

    /// A change in a comparison: growth red, shrink green, no change dim
    /// (the numbers carry their `+` and `-` signs without colour).
    pub fn change(&self, delta: i64) -> Style {
        match delta.signum() {
            1 => self.fg(Color::LightRed),
            -1 => self.fg(Color::LightGreen),
            _ => self.dim(),
        }
    }
}
