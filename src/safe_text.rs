//! Making profile strings safe to show in a terminal.
//!
//! A profile is untrusted input: a function name can carry escape sequences
//! that clear the screen, retitle the window or write the clipboard (OSC 52),
//! newlines that forge report lines, bidirectional overrides that make text
//! read differently than it is, and invisible characters (zero-width spaces
//! and joiners, tag characters, variation selectors) that make two different
//! names look the same or that terminals draw at widths of their own (a ZWJ
//! emoji sequence is one glyph in some terminals and seven in others). Every
//! such character is shown as a visible escape instead, so what is left has
//! a width every terminal agrees on.

/// `bytes` as text with every control character, C1 control, bidirectional
/// override, invisible or format character and invalid UTF-8 byte written
/// as a visible escape (`\x1b`, `\u{202e}`, `\u{200b}`, `\xff`). Newlines
/// are escaped too: one name, one line.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(&mut out, c);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Like [`escape`], but keeps newlines: for whole reports.
pub fn escape_lines(bytes: &[u8]) -> String {
    bytes
        .split(|&b| b == b'\n')
        .map(escape)
        .collect::<Vec<_>>()
        .join("\n")
}

fn push_char(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if is_dangerous(c) => {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32));
            }
        }
        c => out.push(c),
    }
}

/// Characters a terminal could act on, that reorder text, that are not
/// seen, or that join their neighbours into a glyph whose width terminals
/// disagree on: Unicode's format characters (category Cf) and its default
/// ignorable code points, and the emoji modifiers.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() // C0, DEL and C1 controls
        || matches!(c,
            '\u{00ad}' // soft hyphen
            | '\u{034f}' // combining grapheme joiner
            | '\u{0600}'..='\u{0605}' | '\u{06dd}' | '\u{070f}' // prepended marks
            | '\u{0890}'..='\u{0891}' | '\u{08e2}'
            | '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
            | '\u{17b4}' | '\u{17b5}' // Khmer inherent vowels
            | '\u{180b}'..='\u{180f}' // Mongolian selectors and separator
            | '\u{200b}'..='\u{200d}' // zero-width space, non-joiner, joiner
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2060}'..='\u{206f}' // word joiner, invisible operators, isolates
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{fe00}'..='\u{fe0f}' // variation selectors
            | '\u{feff}' // zero-width no-break space
            | '\u{fff0}'..='\u{fffb}' // specials, interlinear annotation
            | '\u{110bd}' | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}' // Egyptian format controls
            | '\u{1bca0}'..='\u{1bca3}' // shorthand format controls
            | '\u{1d173}'..='\u{1d17a}' // musical format controls
            | '\u{1f3fb}'..='\u{1f3ff}' // emoji skin tone modifiers
            | '\u{e0000}'..='\u{e0fff}' // tags, variation selectors supplement
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape(b"main.f\x1b[2J"), "main.f\\x1b[2J");
        assert_eq!(escape(b"\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
        assert_eq!(escape("a\u{9b}b".as_bytes()), "a\\x9bb");
        assert_eq!(escape("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(escape(b"bad\xffbyte"), "bad\\xffbyte");
        assert_eq!(escape(b"tab\there"), "tab\\there");
        assert_eq!(
            escape("caf\u{e9} \u{65e5}".as_bytes()),
            "caf\u{e9} \u{65e5}"
        );
    }

    #[test]
    fn invisible_and_joining_characters_are_shown() {
        let cases = [
            ("zero\u{200b}width", "zero\\u{200b}width"),
            (
                "a\u{200c}b\u{200d}c\u{2060}d",
                "a\\u{200c}b\\u{200d}c\\u{2060}d",
            ),
            ("tag\u{e0041}\u{e007f}", "tag\\u{e0041}\\u{e007f}"),
            ("\u{1f468}\u{200d}\u{1f469}", "\u{1f468}\\u{200d}\u{1f469}"),
            ("heart\u{2764}\u{fe0f}", "heart\u{2764}\\u{fe0f}"),
            ("thumb\u{1f44d}\u{1f3fd}", "thumb\u{1f44d}\\u{1f3fd}"),
            ("soft\u{ad}hy", "soft\\xadhy"),
            ("hangul\u{3164}", "hangul\\u{3164}"),
        ];
        for (raw, shown) in cases {
            assert_eq!(escape(raw.as_bytes()), shown, "{raw:?}");
        }
        // Letters, accents, CJK and plain emoji stay.
        let plain = "e\u{301}cole \u{6f22}\u{5b57} \u{1f600}";
        assert_eq!(escape(plain.as_bytes()), plain);
    }

    #[test]
    fn escape_lines_keeps_newlines() {
        assert_eq!(escape_lines(b"a\x1b\nb"), "a\\x1b\nb");
    }
}
