//! Making profile strings safe to show in a terminal.
//!
//! A profile is untrusted input: a function name can carry escape sequences
//! that clear the screen, retitle the window or write the clipboard (OSC 52),
//! or bidirectional overrides that make text read differently than it is.
//! Every such character is shown as a visible escape instead.

/// `bytes` as text with every control character, C1 control, bidirectional
/// override and invalid UTF-8 byte written as a visible escape (`\x1b`,
/// `\u{202e}`, `\xff`). Newlines are escaped too: one name, one line.
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

/// Characters a terminal could act on or that reorder text.
fn is_dangerous(c: char) -> bool {
    c.is_control() // C0, DEL and C1 controls
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{feff}' // zero-width no-break space
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
    fn escape_lines_keeps_newlines() {
        assert_eq!(escape_lines(b"a\x1b\nb"), "a\\x1b\nb");
    }
}
