//! Fitting long function names into a column without hiding what matters.
//!
//! Go and C++ names put the package or namespace path first and the
//! function last, and the last part is what a reader scans for. So a name
//! that does not fit loses the middle of its path, visibly (`…`), never its
//! end: `example.com/shop/internal/store.(*Store).Put` becomes
//! `example.com/…/store.(*Store).Put`, then `…/store.(*Store).Put`, then
//! `…(*Store).Put`: whole name elements go first, single characters last.

use ratatui::text::Span;

/// Display width of `c` in terminal cells.
pub fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// `name` fitted into `max` cells, as described in the module docs. The
/// result is `name` itself when it fits.
pub fn shorten(name: &str, max: usize) -> String {
    if width(name) <= max {
        return name.to_string();
    }
    if let Some((address, rest)) = split_address(name) {
        // The address column is never dropped: the rest gives way.
        let room = max.saturating_sub(width(address) + 1);
        if width(address) < max && (room >= 8 || rest.is_empty()) {
            return format!("{address} {}", shorten(rest, room));
        }
    }
    match elide(name, max) {
        None => name.to_string(),
        Some(cut) => cut.apply(name),
    }
}

/// Like [`shorten`] for names that end with a location (`func file:line`,
/// at the granularities that keep files): the file gives way first, down
/// to its base name, so the function stays readable. An address in front
/// (the `addresses` granularity) always stays.
pub fn shorten_located(name: &str, max: usize) -> String {
    if width(name) <= max {
        return name.to_string();
    }
    if let Some((address, rest)) = split_address(name) {
        let room = max.saturating_sub(width(address) + 1);
        if width(address) < max && (room >= 8 || rest.is_empty()) {
            return format!("{address} {}", shorten_located(rest, room));
        }
    }
    let Some(space) = name.rfind(' ') else {
        return shorten(name, max);
    };
    let (func, file) = (&name[..space], &name[space + 1..]);
    let base = file.rsplit('/').next().unwrap_or(file);
    let short_file = if base.len() < file.len() {
        format!("…/{base}")
    } else {
        file.to_string()
    };
    let func_width = width(func);
    if func_width + 1 + width(&short_file) <= max {
        // The function whole, and as much of the path as fits.
        return format!("{func} {}", shorten(file, max - func_width - 1));
    }
    let room = max.saturating_sub(width(&short_file) + 1);
    if room >= 12 {
        format!("{} {short_file}", shorten(func, room))
    } else {
        shorten(func, max)
    }
}

/// A name of the `addresses` granularity split after its address
/// (`00000000004655dd runtime.usleep …`): the hex address and the rest.
fn split_address(name: &str) -> Option<(&str, &str)> {
    let (address, rest) = name.split_once(' ').unwrap_or((name, ""));
    let hex = address.len() >= 8 && address.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then_some((address, rest))
}

/// What [`elide`] leaves out of a name: bytes `start..end`, shown as `…`
/// when `mark` (a package path dropped whole is not marked: what is left,
/// `pprof.StartCPUProfile`, reads as a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// First byte left out.
    pub start: usize,
    /// Byte after the last one left out.
    pub end: usize,
    /// Whether `…` stands in their place.
    pub mark: bool,
}

impl Cut {
    /// `name` without the bytes cut.
    pub fn apply(&self, name: &str) -> String {
        let mark = if self.mark { "…" } else { "" };
        format!("{}{mark}{}", &name[..self.start], &name[self.end..])
    }
}

/// Which bytes of `name` [`shorten`] leaves out (`None` when it fits; with
/// `max` 0 nothing is shown at all). Lets callers that style single
/// characters (search highlights) shorten the same way.
///
/// In order, while the name does not fit: the middle of the package path
/// goes (`example.com/…/store.(*Store).Put`), then the whole path
/// (`store.(*Store).Put`), then leading name elements, cut only after a
/// separator (`.`, `::`, `/`, space), never inside one (`…(*Store).Put`);
/// an end that is a generic element alone (`func1`, `init`, `{closure}`)
/// keeps the end of the element before it instead.
pub fn elide(name: &str, max: usize) -> Option<Cut> {
    if width(name) <= max {
        return None;
    }
    let cut = |start, end, mark| Some(Cut { start, end, mark });
    if max == 0 {
        return cut(0, name.len(), false);
    }
    // The last path separator outside of brackets: what follows is the
    // package's last element and the function (`store.(*Store).Put`).
    if let Some(slash) = last_separator(name) {
        let tail_width = width(&name[slash..]);
        if tail_width < max {
            let room = max - 1 - tail_width;
            // Keep whole leading path elements that fit, up to their '/'.
            let head = &name[..slash];
            let mut keep = 0;
            for (i, c) in head.char_indices() {
                if c == '/' && width(&head[..=i]) <= room {
                    keep = i + 1;
                }
            }
            if keep > 0 {
                return cut(keep, slash, true);
            }
        }
        if tail_width <= max + 1 {
            // The package path dropped whole.
            return cut(0, slash + 1, false);
        }
    }
    // Not even that: keep the longest end that starts a name element, so
    // no word is cut...
    for start in element_starts(name) {
        if start < name.len() && width(&name[start..]) < max {
            if is_generic(&name[start..]) {
                // `…func1` says nothing: the end of the name instead,
                // with some of its owner.
                break;
            }
            return cut(0, start, true);
        }
    }
    // ...and when no element fits, as many final characters as fit.
    let mut used = 1;
    let mut start = name.len();
    for (i, c) in name.char_indices().rev() {
        let w = char_width(c);
        if used + w > max {
            break;
        }
        used += w;
        start = i;
    }
    cut(0, start, true)
}

/// Byte offsets where a name element starts: after `.`, `/`, a space, or
/// a whole `::` (never between its two colons).
/// Separators inside brackets (`drop_in_place<alloc::vec::Vec<u8>>`) do
/// not count: an end starting there would not read as a name.
fn element_starts(name: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = name.as_bytes();
    let mut depth = 0i32;
    name.char_indices().filter_map(move |(i, c)| {
        let after = i + c.len_utf8();
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' | ']' | '>' | '}' => depth -= 1,
            _ => {}
        }
        let top = depth <= 0;
        match c {
            '.' | '/' | ' ' if top => Some(after),
            ':' if top && i > 0 && bytes[i - 1] == b':' && bytes.get(after) != Some(&b':') => {
                Some(after)
            }
            _ => None,
        }
    })
}

/// Whether `element` is a name that says nothing alone: a closure's
/// (`func1`, `{{closure}}`), an init function's, or a number.
fn is_generic(element: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let element = element.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    element.is_empty()
        || element == "init"
        || element == "func"
        || element.starts_with("{closure")
        || element.starts_with("{{closure")
        || digits(element)
}

/// `…` followed by the end of `s`, `max` cells in all.
pub fn keep_end(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut used = 1;
    let mut start = s.len();
    for (i, c) in s.char_indices().rev() {
        let w = char_width(c);
        if used + w > max {
            break;
        }
        used += w;
        start = i;
    }
    format!("…{}", &s[start..])
}

/// The short form used in breadcrumbs: the name after its last path
/// separator (`store.(*Store).Put`).
pub fn last_element(name: &str) -> &str {
    match last_separator(name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Byte index of the last `/` not inside `(...)`, `[...]` or `<...>`.
fn last_separator(name: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut last = None;
    for (i, c) in name.char_indices() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth -= 1,
            '/' if depth <= 0 => last = Some(i),
            _ => {}
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUT: &str = "example.com/shop/internal/store.(*Store).Put";

    #[test]
    fn fits_unchanged() {
        assert_eq!(shorten("main.main", 20), "main.main");
        assert_eq!(shorten(PUT, PUT.len()), PUT);
    }

    #[test]
    fn elides_the_path_middle_and_keeps_the_function() {
        assert_eq!(shorten(PUT, 40), "example.com/shop/…/store.(*Store).Put");
        assert_eq!(shorten(PUT, 33), "example.com/…/store.(*Store).Put");
        // The whole path goes before the function is cut.
        assert_eq!(shorten(PUT, 25), "store.(*Store).Put");
        assert_eq!(shorten(PUT, 18), "store.(*Store).Put");
        assert_eq!(
            shorten("example.com/runtime/pprof.StartCPUProfile", 24),
            "pprof.StartCPUProfile"
        );
        assert_eq!(shorten(PUT, 13), "…(*Store).Put");
        assert_eq!(shorten(PUT, 10), "…Put");
        assert_eq!(
            shorten("encoding/json.mapEncoder.encode", 21),
            "…mapEncoder.encode"
        );
        assert_eq!(shorten("abcdefghij", 5), "…ghij");
        assert_eq!(shorten(PUT, 1), "…");
        assert_eq!(shorten(PUT, 0), "");
        for w in 0..60 {
            assert!(width(&shorten(PUT, w)) <= w, "width {w}");
        }
    }

    #[test]
    fn never_cuts_inside_a_separator_nor_keeps_a_generic_end_alone() {
        let rust = "indexmap::map::core::IndexMapCore<K,V>::find_key_index";
        assert_eq!(shorten(rust, 20), "…find_key_index");
        assert_eq!(
            shorten(rust, 40),
            "…core::IndexMapCore<K,V>::find_key_index"
        );
        assert_eq!(shorten(rust, 38), "…IndexMapCore<K,V>::find_key_index");
        for w in 0..60 {
            let short = shorten(rust, w);
            assert!(width(&short) <= w, "width {w}");
            assert!(!short.starts_with("…:") && !short.contains(":…"), "{short}");
        }
        let closure = "main.(*Indexer).Add.func1";
        assert_eq!(shorten(closure, 12), "…Add.func1");
        assert_eq!(shorten(closure, 8), "…d.func1");
        assert_eq!(shorten(closure, 16), "…Add.func1");
        assert_eq!(shorten("example.com/shop/index.init", 8), "…ex.init");
    }

    #[test]
    fn the_address_stays() {
        let name =
            "00000000004655dd example.com/shop/internal/store.(*Store).Put /src/store/store.go:140";
        for w in 26..90 {
            let short = shorten_located(name, w);
            assert!(short.starts_with("00000000004655dd "), "{w}: {short}");
            assert!(width(&short) <= w, "{w}: {short}");
        }
        assert_eq!(shorten("00000000004655dd", 40), "00000000004655dd");
    }

    #[test]
    fn slashes_inside_arguments_are_not_paths() {
        let name = "pkg.f(a/b/c, d/e)";
        assert_eq!(last_element(name), name);
        assert_eq!(last_element(PUT), "store.(*Store).Put");
    }

    #[test]
    fn located_names_keep_the_function() {
        let name = "main.next /home/user/src/large/large.go:42";
        assert_eq!(shorten_located(name, 100), name);
        assert_eq!(shorten_located(name, 30), "main.next /home/…/large.go:42");
        assert_eq!(shorten_located(name, 24), "main.next /…/large.go:42");
        assert_eq!(shorten_located(name, 12), "main.next");
        for w in 0..50 {
            assert!(width(&shorten_located(name, w)) <= w, "width {w}");
        }
    }

    #[test]
    fn wide_characters() {
        let name = "日本/語の関数";
        for w in 0..14 {
            assert!(width(&shorten(name, w)) <= w);
        }
    }
}
