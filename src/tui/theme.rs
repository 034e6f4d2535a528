//! Colours, and what they mean.
//!
//! Colour carries meaning, never decoration alone: heat tells how large a
//! share is, cyan marks inlined frames, yellow marks active filters. Under
//! `NO_COLOR` every style falls back to bold/reverse/underline, which
//! carry the same information without colour. The colours of each
//! meaning are a [`Palette`], the user's from the config file if it has one.

use ratatui::style::{Color, Modifier, Style};
use std::sync::OnceLock;

/// The colour of each meaning. The config file's `[colors]` names the
/// fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Background of the app's name and the active tab.
    pub accent: Color,
    /// Titles and headings.
    pub title: Color,
    /// The border of the focused pane.
    pub border: Color,
    /// Secondary text: labels, separators, hints, other borders.
    pub dim: Color,
    /// Background of the row under the cursor in the focused pane.
    pub selected: Color,
    /// Background of the row under the cursor in other panes.
    pub selected_unfocused: Color,
    /// Shares of the total: at least 25%, 10%, 3%, 0.5%, and less.
    pub heat: [Color; 5],
    /// The `inline` marks.
    pub inline: Color,
    /// Active filters.
    pub filter: Color,
    /// Characters matched by the search.
    pub matched: Color,
    /// Keys in hints and help.
    pub key: Color,
    /// Error messages.
    pub error: Color,
    /// Informational messages.
    pub info: Color,
}

impl Palette {
    /// ppt's own colours.
    pub const DEFAULT: Palette = Palette {
        accent: Color::Cyan,
        title: Color::Cyan,
        border: Color::Cyan,
        dim: Color::DarkGray,
        selected: Color::Rgb(40, 60, 90),
        selected_unfocused: Color::Rgb(45, 45, 45),
        heat: [
            Color::LightRed,
            Color::Red,
            Color::Yellow,
            Color::Green,
            Color::DarkGray,
        ],
        inline: Color::Cyan,
        filter: Color::Yellow,
        matched: Color::LightYellow,
        key: Color::Cyan,
        error: Color::LightRed,
        info: Color::Green,
    };
}

impl Default for Palette {
    fn default() -> Self {
        Palette::DEFAULT
    }
}

/// The palette of this run: set once at start from the config file, like
/// `NO_COLOR` read from the environment (a field of [`Theme`] would make
/// every `Theme { color }` spell it).
static PALETTE: OnceLock<Palette> = OnceLock::new();

/// Uses `palette` for the rest of the run; only the first call counts.
pub fn use_palette(palette: Palette) {
    let _ = PALETTE.set(palette);
}

fn palette() -> &'static Palette {
    PALETTE.get().unwrap_or(&Palette::DEFAULT)
}

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
            Style::new().fg(palette().dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// The app's name and the active tab.
    pub fn accent(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(palette().accent)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// Titles and headings.
    pub fn title(&self) -> Style {
        self.fg(palette().title).add_modifier(Modifier::BOLD)
    }

    /// The border of the focused pane.
    pub fn focused_border(&self) -> Style {
        self.fg(palette().border).add_modifier(Modifier::BOLD)
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
                .bg(palette().selected)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// The row under the cursor in a pane without focus.
    pub fn selected_unfocused(&self) -> Style {
        if self.color {
            Style::new().bg(palette().selected_unfocused)
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
        let heat = palette().heat;
        let color = if share >= 0.25 {
            heat[0]
        } else if share >= 0.10 {
            heat[1]
        } else if share >= 0.03 {
            heat[2]
        } else if share >= 0.005 {
            heat[3]
        } else {
            heat[4]
        };
        Style::new().fg(color)
    }

    /// The `inline` marks of inlined frames and calls.
    pub fn inline(&self) -> Style {
        self.fg(palette().inline).add_modifier(Modifier::ITALIC)
    }

    /// Active filters in the header.
    pub fn filter(&self) -> Style {
        self.fg(palette().filter).add_modifier(Modifier::BOLD)
    }

    /// Characters matched by the search.
    pub fn matched(&self) -> Style {
        self.fg(palette().matched)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Keys in hints and help.
    pub fn key(&self) -> Style {
        self.fg(palette().key).add_modifier(Modifier::BOLD)
    }

    /// Error messages.
    pub fn error(&self) -> Style {
        self.fg(palette().error).add_modifier(Modifier::BOLD)
    }

    /// Informational messages.
    pub fn info(&self) -> Style {
        self.fg(palette().info)
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
