//! The user's config file, `$XDG_CONFIG_HOME/ppt/config.toml` (else
//! `~/.config/ppt/config.toml`): the explorer's keys, colours and starting
//! options. It is read before the terminal is touched, and a bad entry is
//! an error naming the file, line and column. The command line wins over
//! it; reports (`--top`...) do not read it, so they stay pprof's.
//!
//! Key contexts and action names come from the keymap's table (an action
//! `CycleSort` is `cycle_sort`, `Refine(ShowFrom)` is `refine_show_from`),
//! so every binding in the table can be remapped without a list here.

use super::action::Action;
use super::keymap::{Context, Key, Keymap, Remap};
use super::theme::Palette;
use crate::analysis::order::SortKey;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Color;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What the config file asks for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The keymap, remapped.
    pub keymap: Keymap,
    /// The colours.
    pub palette: Palette,
    /// The explorer's starting options.
    pub defaults: Defaults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keymap: Keymap::default(),
            palette: Palette::DEFAULT,
            defaults: Defaults::default(),
        }
    }
}

/// Options the explorer starts with when the command line does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// As `--unit`.
    pub unit: Option<String>,
    /// Sort by flat, cum or name (`--cum` wins).
    pub sort: Option<SortKey>,
    /// Sample types by preference (`inuse_space`, `cpu`...): the first the
    /// profile has is shown, so one list serves every kind of profile.
    pub sample_index: Vec<String>,
}

/// Why the config file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{}: {error}", .path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// An entry is wrong.
    #[error("{}:{line}:{column}: {message}", .path.display())]
    Entry {
        /// The config file.
        path: PathBuf,
        /// 1-based.
        line: usize,
        /// 1-based, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Where the config file is: under `$XDG_CONFIG_HOME` when it is set to an
/// absolute path (the XDG spec ignores others), else under `~/.config`.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("ppt").join("config.toml"))
}

/// The config file's settings, or the defaults when there is no file.
pub fn load() -> Result<Config, ConfigError> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse(&text, &path),
            Err(e) => Err(at(&path, "", 0, format!("not UTF-8 text ({e})"))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(error) => Err(ConfigError::Read { path, error }),
    }
}

/// The settings of `text`, the contents of the config file `path`.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let file: File = toml::from_str(text).map_err(|e| {
        let start = e.span().map_or(0, |s| s.start);
        at(path, text, start, e.message().trim_end().to_string())
    })?;
    let fail = |span: Range<usize>, message: String| at(path, text, span.start, message);
    Ok(Config {
        keymap: Keymap::default().remap(&remaps(&file.keys).map_err(|(s, m)| fail(s, m))?),
        palette: file.colors.palette().map_err(|(s, m)| fail(s, m))?,
        defaults: file.options.defaults().map_err(|(s, m)| fail(s, m))?,
    })
}

/// An error at byte `offset` of `text`, as a line and a column.
fn at(path: &Path, text: &str, offset: usize, message: String) -> ConfigError {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    ConfigError::Entry {
        path: path.to_path_buf(),
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message,
    }
}

/// An entry's error: where, what.
type Bad = (Range<usize>, String);

/// The file's shape; serde says what is unknown or of the wrong type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    options: Options,
    /// Context, then action, then keys.
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyNames>>>,
    #[serde(default)]
    colors: Colors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    unit: Option<Spanned<String>>,
    sort: Option<Spanned<String>>,
    sample_index: Option<Vec<String>>,
}

impl Options {
    fn defaults(&self) -> Result<Defaults, Bad> {
        let sort = match &self.sort {
            None => None,
            Some(s) => Some(match s.get_ref().as_str() {
                "flat" => SortKey::Flat,
                "cum" => SortKey::Cum,
                "name" => SortKey::Name,
                other => {
                    return Err((
                        s.span(),
                        format!("unknown sort `{other}`: flat, cum or name"),
                    ));
                }
            }),
        };
        if let Some(unit) = self.unit.as_ref().filter(|u| u.get_ref().is_empty()) {
            return Err((unit.span(), "empty unit".to_string()));
        }
        Ok(Defaults {
            unit: self.unit.as_ref().map(|u| u.get_ref().clone()),
            sort,
            sample_index: self.sample_index.clone().unwrap_or_default(),
        })
    }
}

/// An action's keys: one name, or a list of names.
#[derive(Debug)]
struct KeyNames(Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for KeyNames {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeyNames;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key name or a list of key names")
            }
            // A lone name has the span of the whole value (an empty span
            // here says so).
            fn visit_str<E>(self, name: &str) -> Result<KeyNames, E> {
                Ok(KeyNames(vec![Spanned::new(0..0, name.to_string())]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeyNames, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<Spanned<String>>()? {
                    names.push(name);
                }
                Ok(KeyNames(names))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `[keys.CONTEXT]` entries, `action = keys`, as remaps of the keymap,
/// checked in the order of the file.
fn remaps(
    keys: &BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyNames>>>,
) -> Result<Vec<Remap>, Bad> {
    let table = Keymap::default();
    let mut contexts: Vec<Context> = Vec::new();
    for b in table.bindings() {
        if !contexts.contains(&b.context) {
            contexts.push(b.context);
        }
    }
    let mut entries: Vec<_> = keys.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut remaps = Vec::new();
    for (context_name, actions) in entries {
        let context = contexts
            .iter()
            .copied()
            .find(|&c| snake_case(&format!("{c:?}")) == *context_name.get_ref())
            .ok_or_else(|| {
                let names: Vec<String> = contexts
                    .iter()
                    .map(|c| snake_case(&format!("{c:?}")))
                    .collect();
                (
                    context_name.span(),
                    format!(
                        "unknown key context `{}`: one of {}",
                        context_name.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
        let mut known: Vec<Action> = Vec::new();
        for b in table.bindings().iter().filter(|b| b.context == context) {
            if !known.contains(&b.action) {
                known.push(b.action);
            }
        }
        let mut actions: Vec<_> = actions.iter().collect();
        actions.sort_by_key(|(name, _)| name.span().start);
        for (action_name, names) in actions {
            let action = known
                .iter()
                .copied()
                .find(|&a| snake_case(&format!("{a:?}")) == *action_name.get_ref())
                .ok_or_else(|| {
                    let names: Vec<String> = known
                        .iter()
                        .map(|a| snake_case(&format!("{a:?}")))
                        .collect();
                    (
                        action_name.span(),
                        format!(
                            "unknown action `{}` in [keys.{}]; its actions: {}",
                            action_name.get_ref(),
                            context_name.get_ref(),
                            names.join(", ")
                        ),
                    )
                })?;
            let mut keys = Vec::new();
            for name in &names.get_ref().0 {
                let span = if name.span().is_empty() {
                    names.span()
                } else {
                    name.span()
                };
                let key = parse_key(name.get_ref()).ok_or_else(|| {
                    (
                        span,
                        format!(
                            "unknown key `{}`: a character, or Enter, Esc, Tab, S-Tab, \
                             Space, Backspace, Up, Down, Left, Right, PageUp, PageDown, \
                             Home, End, F1-F12, with C- (Ctrl) or A- (Alt) before",
                            name.get_ref()
                        ),
                    )
                })?;
                keys.push(key);
            }
            remaps.push(Remap {
                context,
                action,
                keys,
            });
        }
    }
    Ok(remaps)
}

/// `CycleSort` as `cycle_sort`, `Refine(ShowFrom)` as `refine_show_from`,
/// `PickSample(0)` as `pick_sample_0`: names of the keymap's `Debug`.
fn snake_case(debug: &str) -> String {
    let mut name = String::new();
    for c in debug.chars() {
        match c {
            '(' => name.push('_'),
            ')' => {}
            c if c.is_uppercase() => {
                if !name.is_empty() && !name.ends_with('_') {
                    name.push('_');
                }
                name.extend(c.to_lowercase());
            }
            c => name.push(c),
        }
    }
    name
}

/// A key as the config file writes it: `q`, `C-x`, `A-Right`, `Enter`,
/// `F5`; the help's own labels (`↑`, `PgDn`, `Bksp`) too.
fn parse_key(name: &str) -> Option<Key> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = name;
    while let Some(prefix) = ["c-", "ctrl-", "a-", "alt-"].into_iter().find(|p| {
        rest.len() > p.len()
            && rest
                .get(..p.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(p))
    }) {
        mods |= if prefix.starts_with('c') {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::ALT
        };
        rest = &rest[prefix.len()..];
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "space" => KeyCode::Char(' '),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "s-tab" | "backtab" => KeyCode::BackTab,
        "backspace" | "bksp" => KeyCode::Backspace,
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => return None,
        },
        _ => {
            let mut chars = rest.chars();
            let c = chars.next().filter(|c| !c.is_control())?;
            if chars.next().is_some() {
                return None;
            }
            // Terminals send C-x as `x` with Ctrl, whatever the case typed.
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
    };
    Some(Key { code, mods })
}

/// `[colors]`: a colour per meaning of the [`Palette`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Colors {
    accent: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    border: Option<Spanned<String>>,
    dim: Option<Spanned<String>>,
    selected: Option<Spanned<String>>,
    selected_unfocused: Option<Spanned<String>>,
    heat: Option<Spanned<Vec<Spanned<String>>>>,
    inline: Option<Spanned<String>>,
    filter: Option<Spanned<String>>,
    matched: Option<Spanned<String>>,
    key: Option<Spanned<String>>,
    error: Option<Spanned<String>>,
    info: Option<Spanned<String>>,
}

impl Colors {
    fn palette(&self) -> Result<Palette, Bad> {
        let mut p = Palette::DEFAULT;
        for (field, colour) in [
            (&mut p.accent, &self.accent),
            (&mut p.title, &self.title),
            (&mut p.border, &self.border),
            (&mut p.dim, &self.dim),
            (&mut p.selected, &self.selected),
            (&mut p.selected_unfocused, &self.selected_unfocused),
            (&mut p.inline, &self.inline),
            (&mut p.filter, &self.filter),
            (&mut p.matched, &self.matched),
            (&mut p.key, &self.key),
            (&mut p.error, &self.error),
            (&mut p.info, &self.info),
        ] {
            if let Some(colour) = colour {
                *field = parse_color(colour)?;
            }
        }
        if let Some(heat) = &self.heat {
            if heat.get_ref().len() != p.heat.len() {
                return Err((
                    heat.span(),
                    format!(
                        "heat takes {} colours, for shares of at least 25%, 10%, 3%, 0.5%, and less",
                        p.heat.len()
                    ),
                ));
            }
            for (field, colour) in p.heat.iter_mut().zip(heat.get_ref()) {
                *field = parse_color(colour)?;
            }
        }
        Ok(p)
    }
}

/// A colour name (`red`, `light-blue`, `dark-gray`), `#rrggbb`, or a
/// terminal colour number 0-255.
fn parse_color(colour: &Spanned<String>) -> Result<Color, Bad> {
    colour.get_ref().parse::<Color>().map_err(|_| {
        (
            colour.span(),
            format!(
                "unknown colour `{}`: a name (red, light-blue, dark-gray...), #rrggbb, or a number 0-255",
                colour.get_ref()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("/home/u/.config/ppt/config.toml"))
    }

    /// The error of `text`: its line, column and message.
    fn error(text: &str) -> (usize, usize, String) {
        match parse_text(text) {
            Err(ConfigError::Entry {
                path,
                line,
                column,
                message,
            }) => {
                assert_eq!(path, Path::new("/home/u/.config/ppt/config.toml"));
                (line, column, message)
            }
            other => panic!("an entry's error, not {other:?}"),
        }
    }

    fn press(
        keymap: &Keymap,
        context: Context,
        code: KeyCode,
        mods: KeyModifiers,
    ) -> Option<Action> {
        keymap.action(context, &KeyEvent::new(code, mods))
    }

    #[test]
    fn a_full_file_sets_keys_colours_and_options() {
        let config = parse_text(
            r##"
[options]
unit = "MB"
sort = "cum"
sample_index = ["alloc_space", "cpu"]

[keys.browse]
cycle_sort = "o"
quit = ["x", "C-q"]
refine_show_from = "F5"

[keys.tree]
flip = "A-Right"

[colors]
title = "light-magenta"
selected = "#203040"
key = "33"
heat = ["red", "magenta", "yellow", "green", "gray"]
"##,
        )
        .unwrap();
        assert_eq!(
            config.defaults,
            Defaults {
                unit: Some("MB".into()),
                sort: Some(SortKey::Cum),
                sample_index: vec!["alloc_space".into(), "cpu".into()],
            }
        );
        let km = &config.keymap;
        let none = KeyModifiers::NONE;
        let b = Context::Browse;
        assert_eq!(
            press(km, b, KeyCode::Char('o'), none),
            Some(Action::CycleSort)
        );
        assert_eq!(press(km, b, KeyCode::Char('s'), none), None);
        assert_eq!(press(km, b, KeyCode::Char('x'), none), Some(Action::Quit));
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(press(km, b, KeyCode::Char('q'), ctrl), Some(Action::Quit));
        assert_eq!(press(km, b, KeyCode::Char('q'), none), None);
        assert_eq!(
            press(km, b, KeyCode::F(5), none),
            Some(Action::Refine(crate::explore::Refinement::ShowFrom))
        );
        let alt = KeyModifiers::ALT;
        assert_eq!(
            press(km, Context::Tree, KeyCode::Right, alt),
            Some(Action::Flip)
        );
        // In the tree, the browsing remaps apply too; A-Right still goes
        // forward in the table.
        assert_eq!(
            press(km, Context::Tree, KeyCode::Char('o'), none),
            Some(Action::CycleSort)
        );
        assert_eq!(press(km, b, KeyCode::Right, alt), Some(Action::Forward));
        // Help and hints show the new keys, the hint on the first.
        assert!(
            km.help(b)
                .contains(&("o".into(), "sort by flat, cum, name"))
        );
        assert!(km.help(b).contains(&("x C-q".into(), "quit")));
        assert!(km.hints(b).contains(&("x".into(), "quit")));
        assert!(
            km.help(b)
                .contains(&("F5".into(), "show from the selected function"))
        );

        let p = config.palette;
        assert_eq!(p.title, Color::LightMagenta);
        assert_eq!(p.selected, Color::Rgb(0x20, 0x30, 0x40));
        assert_eq!(p.key, Color::Indexed(33));
        assert_eq!(p.heat[1], Color::Magenta);
        assert_eq!(p.dim, Palette::DEFAULT.dim);
    }

    #[test]
    fn no_file_content_is_the_defaults() {
        let config = parse_text("").unwrap();
        assert_eq!(config.defaults, Defaults::default());
        assert_eq!(config.palette, Palette::DEFAULT);
        let default = Keymap::default();
        assert_eq!(
            config.keymap.help(Context::Browse),
            default.help(Context::Browse)
        );
    }

    #[test]
    fn an_unknown_key_name_is_said_at_its_line_and_column() {
        let (line, column, message) = error("[keys.browse]\nquit = \"Ctl-x\"\n");
        assert_eq!((line, column), (2, 8));
        assert!(
            message.starts_with("unknown key `Ctl-x`: a character"),
            "{message}"
        );
        // In a list, the name itself.
        let (line, column, message) = error("[keys.browse]\nquit = [\"x\", \"ab\"]\n");
        assert_eq!((line, column), (2, 14));
        assert!(message.starts_with("unknown key `ab`"), "{message}");
        assert_eq!(
            error("[keys.browse]\nquit = \"F13\"").2[..18],
            *"unknown key `F13`:"
        );
    }

    #[test]
    fn an_unknown_action_or_context_is_said_with_the_known_ones() {
        let (line, column, message) = error("[keys.browse]\nquit = \"x\"\nquitt = \"y\"\n");
        assert_eq!((line, column), (3, 1));
        assert!(
            message.starts_with(
                "unknown action `quitt` in [keys.browse]; its actions: up, down, page_up,"
            ),
            "{message}"
        );
        assert!(message.contains("refine_show_from"), "{message}");
        // An action of another context only.
        let (_, _, message) = error("[keys.browse]\nflip = \"x\"\n");
        assert!(message.starts_with("unknown action `flip`"), "{message}");
        let (line, column, message) = error("\n[keys.brows]\nquit = \"x\"\n");
        assert_eq!((line, column), (2, 7));
        assert!(
            message.starts_with("unknown key context `brows`: one of any, browse, tree,"),
            "{message}"
        );
    }

    #[test]
    fn a_bad_colour_is_said_at_its_value() {
        let (line, column, message) = error("[colors]\ntitle = \"blu\"\n");
        assert_eq!((line, column), (2, 9));
        assert!(message.starts_with("unknown colour `blu`"), "{message}");
        let (line, column, message) = error("[colors]\nheat = [\"red\", \"green\"]\n");
        assert_eq!((line, column), (2, 8));
        assert!(message.starts_with("heat takes 5 colours"), "{message}");
        let (line, column, _) =
            error("[colors]\nheat = [\"red\", \"red\", \"red\", \"red\", \"nope\"]");
        assert_eq!((line, column), (2, 37));
    }

    #[test]
    fn an_unknown_option_or_section_is_said_by_serde() {
        let (line, column, message) = error("[options]\nunit = \"MB\"\nsrot = \"cum\"\n");
        assert_eq!((line, column), (3, 1));
        assert!(message.contains("unknown field `srot`"), "{message}");
        assert!(message.contains("`sort`"), "{message}");
        let (line, _, message) = error("[colours]\n");
        assert_eq!(line, 1);
        assert!(message.contains("unknown field `colours`"), "{message}");
        let (line, column, message) = error("[options]\nsort = \"size\"\n");
        assert_eq!((line, column), (2, 8));
        assert_eq!(message, "unknown sort `size`: flat, cum or name");
        let (line, _, message) = error("[options]\nunit = 3\n");
        assert_eq!(line, 2);
        assert!(message.contains("invalid type: integer `3`"), "{message}");
    }

    #[test]
    fn bad_toml_is_said_at_its_line() {
        let (line, _, message) = error("[options]\nunit = \"MB\n");
        assert_eq!(line, 2);
        assert!(!message.is_empty());
        let text = match parse_text("[keys.browse]\nquit = 1\n") {
            Err(e) => e.to_string(),
            Ok(_) => panic!("an error"),
        };
        assert!(
            text.starts_with("/home/u/.config/ppt/config.toml:2:8: "),
            "{text}"
        );
    }

    #[test]
    fn names_from_the_keymaps_debug() {
        assert_eq!(snake_case("CycleSort"), "cycle_sort");
        assert_eq!(snake_case("Refine(ShowFrom)"), "refine_show_from");
        assert_eq!(snake_case("PickSample(0)"), "pick_sample_0");
        assert_eq!(snake_case("Browse"), "browse");
    }

    #[test]
    fn key_names() {
        let key = |code, mods| Some(Key { code, mods });
        let none = KeyModifiers::NONE;
        assert_eq!(parse_key("q"), key(KeyCode::Char('q'), none));
        assert_eq!(parse_key("Q"), key(KeyCode::Char('Q'), none));
        assert_eq!(parse_key("-"), key(KeyCode::Char('-'), none));
        assert_eq!(
            parse_key("C--"),
            key(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            parse_key("ctrl-X"),
            key(KeyCode::Char('x'), KeyModifiers::CONTROL)
        );
        assert_eq!(parse_key("A-right"), key(KeyCode::Right, KeyModifiers::ALT));
        assert_eq!(parse_key("PgDn"), key(KeyCode::PageDown, none));
        assert_eq!(parse_key("↑"), key(KeyCode::Up, none));
        assert_eq!(parse_key("Space"), key(KeyCode::Char(' '), none));
        assert_eq!(parse_key("S-Tab"), key(KeyCode::BackTab, none));
        assert_eq!(parse_key("F12"), key(KeyCode::F(12), none));
        assert_eq!(parse_key(""), None);
        assert_eq!(parse_key("C-"), None);
        assert_eq!(parse_key("qq"), None);
        // Each label of the default table reads back as its key.
        for b in Keymap::default().bindings() {
            assert_eq!(parse_key(&b.key.label()), Some(b.key), "{}", b.key.label());
        }
    }
}
