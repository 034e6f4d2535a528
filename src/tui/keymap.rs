//! Keys to actions, as data.
//!
//! The same table answers "what does this key do" for the event loop and
//! "which keys do what" for the help overlay and the status-line hints, so
//! the three can never disagree.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies: keys mean different things while typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, even while typing.
    Any,
    /// Browsing the table and the callers/callees pane.
    Browse,
    /// The fuzzy search prompt.
    Search,
    /// The filter pane.
    Filter,
    /// The help overlay.
    Help,
    /// The save prompt.
    Save,
    /// The flame graph and the call tree (keys not bound here are the
    /// browsing ones).
    Tree,
    /// A function's sandwich (keys not bound here are the browsing ones).
    Sandwich,
    /// The source view.
    Source,
    /// The tags view.
    Tags,
}

impl Context {
    /// Whether the context is a view over the table that takes the
    /// table's keys it does not bind itself.
    pub fn browses(self) -> bool {
        matches!(self, Context::Tree | Context::Sandwich)
    }

    /// The heading of the context's section in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Any => "Everywhere",
            Context::Browse => "Browsing",
            Context::Search => "Search prompt (/)",
            Context::Filter => "Filter pane (f)",
            Context::Help => "Help",
            Context::Save => "Save prompt (w)",
            Context::Tree => "Flame graph (F) and call tree (T)",
            Context::Sandwich => "Sandwich (S)",
            Context::Source => "Source view (l)",
            Context::Tags => "Tags view (#)",
        }
    }

    /// Whether printable characters are typed into a prompt here.
    pub fn takes_text(self) -> bool {
        matches!(self, Context::Search | Context::Filter | Context::Save)
    }
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl, Alt... (Shift is part of the character for printable keys).
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    const fn alt(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::ALT,
        }
    }

    /// How the key is written in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            label.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            label.push_str("A-");
        }
        label.push_str(&base);
        label
    }

    /// Whether `event` is this key. Shift is ignored for characters (the
    /// character already says it) and for BackTab (terminals differ).
    fn matches(&self, event: &KeyEvent) -> bool {
        let ignore = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        let mods = event.modifiers - ignore;
        self.code == event.code && self.mods == mods
    }
}

/// One key bound to one action in one context.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Where the binding applies.
    pub context: Context,
    /// The key.
    pub key: Key,
    /// What it does.
    pub action: Action,
    /// The help text; bindings with the same text form one help line.
    pub help: &'static str,
    /// The word shown in the status line, for the few bindings shown there.
    pub hint: Option<&'static str>,
}

/// Mouse gestures, for the help overlay (they are not rebindable).
pub const MOUSE: &[(&str, &str)] = &[
    ("wheel", "scroll the pane under the pointer"),
    ("click", "select a row, or a frame"),
    ("double-click", "enter the function, or zoom"),
];

/// The keys of one action in one context, given by the user (the config
/// file) in place of the default ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    /// Where.
    pub context: Context,
    /// The action, which must have a default binding in `context` (its help
    /// text and hint are kept).
    pub action: Action,
    /// The new keys, the first shown in the status line; none unbinds.
    pub keys: Vec<Key>,
}

/// All bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// The default bindings: context, key, action, help text, status hint.
/// Bindings with the same help text form one line of help.
#[rustfmt::skip]
const DEFAULT: &[(Context, Key, Action, &str, Option<&str>)] = {
    use Action as A;
    use Context as C;
    use crate::explore::Refinement as R;
    use KeyCode as K;
    &[
        (C::Any, Key::ctrl('c'), A::Quit, "quit", None),
        (C::Browse, Key::plain(K::Up), A::Up, "move up", Some("move")),
        (C::Browse, Key::plain(K::Down), A::Down, "move down", Some("move")),
        (C::Browse, Key::ch('k'), A::Up, "move up", None),
        (C::Browse, Key::ch('j'), A::Down, "move down", None),
        (C::Browse, Key::plain(K::PageUp), A::PageUp, "page up", None),
        (C::Browse, Key::plain(K::PageDown), A::PageDown, "page down", None),
        (C::Browse, Key::plain(K::Home), A::Home, "first row", None),
        (C::Browse, Key::ch('g'), A::Home, "first row", None),
        (C::Browse, Key::plain(K::End), A::End, "last row", None),
        (C::Browse, Key::ch('G'), A::End, "last row", None),
        (C::Browse, Key::plain(K::Tab), A::FocusNext, "focus next pane", Some("pane")),
        (C::Browse, Key::plain(K::BackTab), A::FocusPrev, "focus previous pane", None),
        (C::Browse, Key::plain(K::Enter), A::Enter, "enter: open callers/callees, go to one", Some("enter")),
        (C::Browse, Key::plain(K::Right), A::Enter, "enter: open callers/callees, go to one", None),
        (C::Browse, Key::plain(K::Backspace), A::Back, "back to the previous function", Some("back")),
        (C::Browse, Key::plain(K::Left), A::Back, "back to the previous function", None),
        (C::Browse, Key::ch(']'), A::Forward, "forward again", None),
        (C::Browse, Key::alt(K::Right), A::Forward, "forward again", None),
        (C::Browse, Key::ch('i'), A::NextSample, "next sample type", Some("sample")),
        (C::Browse, Key::ch('I'), A::PrevSample, "previous sample type", None),
        (C::Browse, Key::ch('1'), A::PickSample(0), "pick sample type 1-9", None),
        (C::Browse, Key::ch('2'), A::PickSample(1), "pick sample type 1-9", None),
        (C::Browse, Key::ch('3'), A::PickSample(2), "pick sample type 1-9", None),
        (C::Browse, Key::ch('4'), A::PickSample(3), "pick sample type 1-9", None),
        (C::Browse, Key::ch('5'), A::PickSample(4), "pick sample type 1-9", None),
        (C::Browse, Key::ch('6'), A::PickSample(5), "pick sample type 1-9", None),
        (C::Browse, Key::ch('7'), A::PickSample(6), "pick sample type 1-9", None),
        (C::Browse, Key::ch('8'), A::PickSample(7), "pick sample type 1-9", None),
        (C::Browse, Key::ch('9'), A::PickSample(8), "pick sample type 1-9", None),
        (C::Browse, Key::ch('s'), A::CycleSort, "sort by flat, cum, name", Some("sort")),
        (C::Browse, Key::ch('v'), A::CycleGranularity, "granularity: functions, files, lines...", Some("granularity")),
        (C::Browse, Key::ch('u'), A::CycleUnit, "unit: auto, minimum, B, kB...", None),
        (C::Browse, Key::ch('+'), A::Refine(R::Focus), "focus on the selected function", None),
        (C::Browse, Key::ch('-'), A::Refine(R::Ignore), "ignore the selected function", None),
        (C::Browse, Key::ch('H'), A::Refine(R::Hide), "hide the selected function", None),
        (C::Browse, Key::ch('>'), A::Refine(R::ShowFrom), "show from the selected function", None),
        (C::Browse, Key::ch('z'), A::UndoFilters, "undo the last filter change", None),
        (C::Browse, Key::ch('L'), A::ToggleInlines, "inlined functions: shown or merged", None),
        (C::Browse, Key::ch('%'), A::CycleNodeFraction, "hide rows under 0.5%, 1%, 5%, none", None),
        (C::Browse, Key::ch('/'), A::Search, "fuzzy search", Some("search")),
        (C::Browse, Key::ch('n'), A::NextMatch, "next match", None),
        (C::Browse, Key::ch('N'), A::PrevMatch, "previous match", None),
        (C::Browse, Key::ch('f'), A::OpenFilter, "filter pane", Some("filter")),
        (C::Browse, Key::ch('c'), A::ClearFilters, "clear all filters", Some("clear")),
        (C::Browse, Key::ch('?'), A::Help, "help", Some("help")),
        (C::Browse, Key::ch('q'), A::Quit, "quit", Some("quit")),
        (C::Browse, Key::ch('r'), A::Refresh, "load the profile again now", Some("refresh")),
        (C::Browse, Key::ch('w'), A::Save, "save the profile's bytes to a file", Some("save")),
        (C::Browse, Key::ch('b'), A::ToggleBase, "take the profile shown as base / drop it", Some("base")),
        (C::Browse, Key::ch('d'), A::CycleChangeOrder, "sort by change: growth, shrink, pprof's", None),
        (C::Browse, Key::plain(K::Esc), A::Close, "close the side pane focus", None),
        (C::Browse, Key::ch('F'), A::Flame, "flame graph", Some("flame")),
        (C::Browse, Key::ch('T'), A::CallTree, "call tree", Some("tree")),
        (C::Browse, Key::ch('t'), A::ToTable, "back to the view left with t", None),
        (C::Tree, Key::plain(K::Up), A::Up, "caller; tree: row up", Some("move")),
        (C::Tree, Key::plain(K::Down), A::Down, "heaviest callee; tree: row down", Some("move")),
        (C::Tree, Key::plain(K::Left), A::Left, "sibling before; tree: collapse", Some("move")),
        (C::Tree, Key::plain(K::Right), A::Right, "sibling after; tree: expand", Some("move")),
        (C::Tree, Key::ch('k'), A::Up, "caller; tree: row up", None),
        (C::Tree, Key::ch('j'), A::Down, "heaviest callee; tree: row down", None),
        (C::Tree, Key::ch('h'), A::Left, "sibling before; tree: collapse", None),
        (C::Tree, Key::ch('l'), A::Right, "sibling after; tree: expand", None),
        (C::Tree, Key::plain(K::Enter), A::Enter, "zoom into the selected frame", Some("zoom")),
        (C::Tree, Key::plain(K::Backspace), A::Back, "zoom back out one step", Some("out")),
        (C::Tree, Key::ch('e'), A::ExpandHeaviest, "expand the heaviest path (call tree)", None),
        (C::Tree, Key::ch('o'), A::Flip, "flip: flame (↑↓ swap), bottom-up tree", Some("flip")),
        (C::Tree, Key::ch('d'), A::ToggleWidths, "comparison: widths of the new / the base", None),
        (C::Tree, Key::ch('F'), A::Flame, "flame graph / back to the table", Some("flame")),
        (C::Tree, Key::ch('T'), A::CallTree, "call tree / back to the table", Some("tree")),
        (C::Tree, Key::ch('S'), A::Sandwich, "sandwich: callers and callees", Some("sandwich")),
        (C::Tree, Key::ch('t'), A::ToTable, "this function in the table (t there: back)", Some("table")),
        (C::Tree, Key::ch('/'), A::Search, "highlight frames matching a regex", Some("search")),
        (C::Tree, Key::ch('n'), A::NextMatch, "next match", None),
        (C::Tree, Key::ch('N'), A::PrevMatch, "previous match", None),
        (C::Tree, Key::plain(K::Esc), A::Close, "clear the search, or back to the table", None),
        (C::Sandwich, Key::ch('S'), A::Sandwich, "back to the flame graph or call tree", Some("back")),
        (C::Sandwich, Key::plain(K::Esc), A::Close, "back to the flame graph or call tree", None),
        (C::Sandwich, Key::ch('F'), A::Flame, "flame graph", Some("flame")),
        (C::Sandwich, Key::ch('T'), A::CallTree, "call tree", Some("tree")),
        (C::Browse, Key::ch('l'), A::OpenSource, "annotated source of the function", Some("source")),
        (C::Browse, Key::ch('#'), A::OpenTags, "label breakdown (tags)", Some("tags")),
        (C::Source, Key::plain(K::Up), A::Up, "move up", Some("move")),
        (C::Source, Key::plain(K::Down), A::Down, "move down", Some("move")),
        (C::Source, Key::ch('k'), A::Up, "move up", None),
        (C::Source, Key::ch('j'), A::Down, "move down", None),
        (C::Source, Key::plain(K::PageUp), A::PageUp, "page up", None),
        (C::Source, Key::plain(K::PageDown), A::PageDown, "page down", None),
        (C::Source, Key::plain(K::Home), A::Home, "first line", None),
        (C::Source, Key::ch('g'), A::Home, "first line", None),
        (C::Source, Key::plain(K::End), A::End, "last line", None),
        (C::Source, Key::ch('G'), A::End, "last line", None),
        (C::Source, Key::ch('e'), A::Edit, "edit the file at this line ($EDITOR)", Some("edit")),
        (C::Source, Key::ch('i'), A::NextSample, "next sample type", Some("sample")),
        (C::Source, Key::ch('I'), A::PrevSample, "previous sample type", None),
        (C::Source, Key::plain(K::Esc), A::Close, "back to the table", Some("close")),
        (C::Source, Key::ch('l'), A::Close, "back to the table", None),
        (C::Source, Key::ch('q'), A::Close, "back to the table", None),
        (C::Tags, Key::plain(K::Up), A::Up, "move up", Some("move")),
        (C::Tags, Key::plain(K::Down), A::Down, "move down", Some("move")),
        (C::Tags, Key::ch('k'), A::Up, "move up", None),
        (C::Tags, Key::ch('j'), A::Down, "move down", None),
        (C::Tags, Key::plain(K::PageUp), A::PageUp, "page up", None),
        (C::Tags, Key::plain(K::PageDown), A::PageDown, "page down", None),
        (C::Tags, Key::plain(K::Home), A::Home, "first row", None),
        (C::Tags, Key::ch('g'), A::Home, "first row", None),
        (C::Tags, Key::plain(K::End), A::End, "last row", None),
        (C::Tags, Key::ch('G'), A::End, "last row", None),
        (C::Tags, Key::plain(K::Enter), A::Confirm, "focus on the value (tag focus)", Some("focus")),
        (C::Tags, Key::ch('i'), A::NextSample, "next sample type", Some("sample")),
        (C::Tags, Key::ch('I'), A::PrevSample, "previous sample type", None),
        (C::Tags, Key::plain(K::Esc), A::Close, "back to the table", Some("close")),
        (C::Tags, Key::ch('#'), A::Close, "back to the table", None),
        (C::Tags, Key::ch('q'), A::Close, "back to the table", None),
        (C::Search, Key::plain(K::Up), A::Up, "choose the match above", Some("choose")),
        (C::Search, Key::plain(K::Down), A::Down, "choose the match below", Some("choose")),
        (C::Search, Key::ctrl('p'), A::Up, "choose the match above", None),
        (C::Search, Key::ctrl('n'), A::Down, "choose the match below", None),
        (C::Search, Key::plain(K::Enter), A::Confirm, "jump to the chosen function", Some("jump")),
        (C::Search, Key::plain(K::Backspace), A::Erase, "erase a character", None),
        (C::Search, Key::ctrl('u'), A::ClearField, "erase the query", None),
        (C::Search, Key::plain(K::Esc), A::Close, "cancel", Some("cancel")),
        (C::Filter, Key::plain(K::Down), A::Down, "next field", Some("field")),
        (C::Filter, Key::plain(K::Up), A::Up, "previous field", Some("field")),
        (C::Filter, Key::plain(K::Tab), A::Down, "next field", None),
        (C::Filter, Key::plain(K::BackTab), A::Up, "previous field", None),
        (C::Filter, Key::plain(K::Enter), A::Confirm, "apply the filters", Some("apply")),
        (C::Filter, Key::plain(K::Backspace), A::Erase, "erase a character", None),
        (C::Filter, Key::ctrl('u'), A::ClearField, "empty the field", Some("empty")),
        (C::Filter, Key::ctrl('x'), A::ClearFilters, "empty every field (Enter applies)", Some("empty all")),
        (C::Filter, Key::plain(K::Esc), A::Close, "close without applying", Some("close")),
        (C::Save, Key::plain(K::Enter), A::Confirm, "write the file", Some("write")),
        (C::Save, Key::plain(K::Backspace), A::Erase, "erase a character", None),
        (C::Save, Key::ctrl('u'), A::ClearField, "empty the path", None),
        (C::Save, Key::plain(K::Esc), A::Close, "cancel", Some("cancel")),
        (C::Help, Key::plain(K::Down), A::Down, "scroll", None),
        (C::Help, Key::plain(K::Up), A::Up, "scroll", None),
        (C::Help, Key::ch('j'), A::Down, "scroll", None),
        (C::Help, Key::ch('k'), A::Up, "scroll", None),
        (C::Help, Key::plain(K::Esc), A::Close, "close help", Some("close")),
        (C::Help, Key::ch('?'), A::Close, "close help", None),
        (C::Help, Key::ch('q'), A::Close, "close help", None),
    ]
};

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULT
            .iter()
            .map(|&(context, key, action, help, hint)| Binding {
                context,
                key,
                action,
                help,
                hint,
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// This keymap with each remapped action's keys replaced. The new keys
    /// take the place of the action's first binding (its help text, and
    /// the action's status hint on the first new key), so help and hints
    /// show them; a key given to an action stops doing what it did in that
    /// context. A layer over the table: every binding, however added, can
    /// be remapped.
    pub fn remap(&self, remaps: &[Remap]) -> Keymap {
        let mut bindings = Vec::new();
        let mut placed = vec![false; remaps.len()];
        for b in &self.bindings {
            let own = remaps
                .iter()
                .position(|r| r.context == b.context && r.action == b.action);
            if let Some(i) = own {
                if !placed[i] {
                    placed[i] = true;
                    let hint = self
                        .bindings
                        .iter()
                        .filter(|d| d.context == b.context && d.action == b.action)
                        .find_map(|d| d.hint);
                    bindings.extend(remaps[i].keys.iter().enumerate().map(|(n, &key)| Binding {
                        key,
                        hint: hint.filter(|_| n == 0),
                        ..b.clone()
                    }));
                }
                continue;
            }
            let taken = remaps
                .iter()
                .any(|r| r.context == b.context && r.keys.contains(&b.key));
            if !taken {
                bindings.push(b.clone());
            }
        }
        Keymap { bindings }
    }

    /// All bindings, in table order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action of `event` in `context`: the context's own bindings
    /// first, then the ones that apply everywhere, then (in a prompt) plain
    /// characters, which are typed.
    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let find = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.key.matches(event))
                .map(|b| b.action)
        };
        let browsing = context.browses().then(|| find(Context::Browse)).flatten();
        find(context)
            .or(browsing)
            .or_else(|| find(Context::Any))
            .or_else(|| {
                let typing = event.modifiers - KeyModifiers::SHIFT == KeyModifiers::NONE;
                match event.code {
                    KeyCode::Char(c) if context.takes_text() && typing => Some(Action::Insert(c)),
                    _ => None,
                }
            })
    }

    /// The keys of `action` in `context`, joined as in help.
    pub fn keys_for(&self, context: Context, action: Action) -> String {
        let keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| b.context == context && b.action == action)
            .map(|b| b.key.label())
            .collect();
        join_keys(&keys)
    }

    /// The help of `context`: (keys, text) lines, keys of the same text
    /// joined, in table order.
    pub fn help(&self, context: Context) -> Vec<(String, &'static str)> {
        let mut lines: Vec<(Vec<String>, &'static str)> = Vec::new();
        for b in self.bindings.iter().filter(|b| b.context == context) {
            match lines.iter_mut().find(|(_, help)| *help == b.help) {
                Some((keys, _)) => keys.push(b.key.label()),
                None => lines.push((vec![b.key.label()], b.help)),
            }
        }
        lines
            .into_iter()
            .map(|(keys, help)| (join_keys(&keys), help))
            .collect()
    }

    /// The status-line hints of `context`: (keys, word), keys of the same
    /// word joined.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        let mut hints: Vec<(Vec<String>, &'static str)> = Vec::new();
        // The views over the table take the table's keys they do not
        // override: help and quit among them, which every hint line ends
        // with.
        let inherited = |b: &&Binding| {
            context.browses()
                && b.context == Context::Browse
                && matches!(b.action, Action::Help | Action::Quit)
        };
        for b in self
            .bindings
            .iter()
            .filter(|b| b.context == context || inherited(b))
        {
            let Some(hint) = b.hint else { continue };
            match hints.iter_mut().find(|(_, h)| *h == hint) {
                Some((keys, _)) => keys.push(b.key.label()),
                None => hints.push((vec![b.key.label()], hint)),
            }
        }
        hints
            .into_iter()
            .map(|(keys, hint)| (join_keys(&keys), hint))
            .collect()
    }
}

/// `1 2 ... 9` as `1-9`; other keys joined with `/`, arrows without.
fn join_keys(keys: &[String]) -> String {
    if keys.len() == 9 && keys[0] == "1" && keys[8] == "9" {
        return "1-9".to_string();
    }
    let arrows = keys
        .iter()
        .all(|k| ["↑", "↓", "←", "→"].contains(&k.as_str()));
    keys.join(if arrows { "" } else { " " })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn contexts_and_typing() {
        let km = Keymap::default();
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(km.action(Context::Browse, &j), Some(Action::Down));
        assert_eq!(km.action(Context::Search, &j), Some(Action::Insert('j')));
        let big_n = key(KeyCode::Char('N'), KeyModifiers::SHIFT);
        assert_eq!(km.action(Context::Browse, &big_n), Some(Action::PrevMatch));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(km.action(Context::Filter, &ctrl_c), Some(Action::Quit));
        let three = key(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(
            km.action(Context::Browse, &three),
            Some(Action::PickSample(2))
        );
        let backtab = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            km.action(Context::Browse, &backtab),
            Some(Action::FocusPrev)
        );
    }

    #[test]
    fn help_lists_every_binding_once_per_text() {
        let km = Keymap::default();
        let help = km.help(Context::Browse);
        assert!(help.contains(&("1-9".to_string(), "pick sample type 1-9")));
        assert!(help.contains(&("↑ k".to_string(), "move up")));
        let hints = km.hints(Context::Browse);
        assert_eq!(hints[0], ("↑↓".to_string(), "move"));
    }
}
