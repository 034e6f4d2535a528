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
    match elide(name, max) {
        None => name.to_string(),
        Some(_) if max == 0 => String::new(),
        Some((a, b)) => format!("{}…{}", &name[..a], &name[b..]),
    }
}

/// Like [`shorten`] for names that end with a location (`func file:line`,
/// at the granularities that keep files): the file gives way first, down
/// to its base name, so the function stays readable.
pub fn shorten_located(name: &str, max: usize) -> String {
    if width(name) <= max {
        return name.to_string();
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

/// Which bytes of `name` [`shorten`] replaces by `…` (`None` when it
/// fits; with `max` 0 nothing is shown at all). Lets callers that style single
/// characters (search highlights) shorten the same way.
pub fn elide(name: &str, max: usize) -> Option<(usize, usize)> {
    if width(name) <= max {
        return None;
    }
    if max == 0 {
        return Some((0, name.len()));
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
            return Some((keep, slash));
        }
    }
    // Not even that: keep the longest end that starts a name element
    // (after a `.`, `/`, `:` or space), so no word is cut...
    let boundaries = name
        .char_indices()
        .filter(|&(_, c)| matches!(c, '.' | '/' | ':' | ' '))
        .map(|(i, c)| i + c.len_utf8());
    for start in boundaries {
        if start < name.len() && width(&name[start..]) < max {
            return Some((0, start));
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
    Some((0, start))
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
        assert_eq!(shorten(PUT, 25), "…/store.(*Store).Put");
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
