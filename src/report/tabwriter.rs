//! Go's `text/tabwriter`, as pprof's `-tags` uses it (`NewWriter(w, 0, 0,
//! 1, ' ', AlignRight)`): tab-terminated cells aligned in columns, each
//! column block as wide as its widest cell plus the padding, cells
//! right-aligned; the text after a line's last tab is written as it is.
//!
//! Ported rule by rule rather than approximated, so that label values with
//! tabs, newlines or `\xff` (tabwriter's escape byte) come out as pprof's
//! do.

/// Go's `tabwriter.Escape`: text between two of these is one unbroken
/// piece of a cell (the escapes themselves count no width).
const ESCAPE: u8 = 0xff;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// Bytes of the cell in `buf`.
    size: usize,
    /// Width in runes.
    width: usize,
}

/// A Go tabwriter with padding character ' ', minimum width 0 and right
/// alignment.
pub(super) struct TabWriter {
    padding: usize,
    out: Vec<u8>,
    buf: Vec<u8>,
    /// Start of the text whose width is not counted yet.
    pos: usize,
    cell: Cell,
    in_escape: bool,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
}

impl TabWriter {
    pub(super) fn new(padding: usize) -> TabWriter {
        TabWriter {
            padding,
            out: Vec::new(),
            buf: Vec::new(),
            pos: 0,
            cell: Cell::default(),
            in_escape: false,
            lines: vec![Vec::new()],
            widths: Vec::new(),
        }
    }

    /// Go's `Writer.Write`.
    pub(super) fn write(&mut self, text: &[u8]) {
        let mut n = 0;
        for (i, &ch) in text.iter().enumerate() {
            if !self.in_escape {
                match ch {
                    b'\t' | 0x0b | b'\n' | 0x0c => {
                        self.append(&text[n..i]);
                        self.update_width();
                        n = i + 1;
                        let cells = self.terminate_cell();
                        if ch == b'\n' || ch == 0x0c {
                            self.lines.push(Vec::new());
                            if ch == 0x0c || cells == 1 {
                                self.flush();
                            }
                        }
                    }
                    ESCAPE => {
                        self.append(&text[n..i]);
                        self.update_width();
                        n = i;
                        self.in_escape = true;
                    }
                    _ => {}
                }
            } else if ch == ESCAPE {
                self.append(&text[n..=i]);
                n = i + 1;
                self.end_escape();
            }
        }
        self.append(&text[n..]);
    }

    /// Go's `Writer.Flush`, then everything written so far.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.out
    }

    fn append(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
        self.cell.size += text.len();
    }

    fn update_width(&mut self) {
        self.cell.width += rune_count(&self.buf[self.pos..]);
        self.pos = self.buf.len();
    }

    fn end_escape(&mut self) {
        self.update_width();
        // The two escape bytes were counted as runes.
        self.cell.width -= 2;
        self.pos = self.buf.len();
        self.in_escape = false;
    }

    /// Ends the current cell; returns how many cells the line has.
    fn terminate_cell(&mut self) -> usize {
        let line = self.lines.last_mut().expect("there is always a line");
        line.push(self.cell);
        self.cell = Cell::default();
        line.len()
    }

    fn flush(&mut self) {
        if self.cell.size > 0 {
            if self.in_escape {
                self.end_escape();
            }
            self.terminate_cell();
        }
        self.format(0, 0, self.lines.len());
        self.buf.clear();
        self.pos = 0;
        self.cell = Cell::default();
        self.in_escape = false;
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    fn format(&mut self, mut pos: usize, mut line0: usize, line1: usize) -> usize {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A column block starts here: lines up to it are printed.
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = 0;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + self.padding);
                this += 1;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            for (j, c) in self.lines[i].iter().enumerate() {
                if j < self.widths.len() {
                    let pad = self.widths[j].saturating_sub(c.width);
                    self.out.extend(std::iter::repeat_n(b' ', pad));
                }
                self.out.extend_from_slice(&self.buf[pos..pos + c.size]);
                pos += c.size;
            }
            if i + 1 == self.lines.len() {
                // The last line: only the text of its open cell.
                self.out
                    .extend_from_slice(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push(b'\n');
            }
        }
        pos
    }
}

/// Go's `utf8.RuneCount`: an invalid byte counts as one rune.
fn rune_count(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::TabWriter;

    fn tab(text: &str) -> String {
        let mut w = TabWriter::new(1);
        w.write(text.as_bytes());
        String::from_utf8(w.finish()).unwrap()
    }

    #[test]
    fn columns_right_aligned_per_block() {
        // As pprof's -tags prints a key (two rows of heap.pprof's).
        assert_eq!(
            tab(
                "bytes:\t Total 98.1MB\n \t36.1MB (36.80%):\t 160kB\n \t809.0B (0.00079%):\t 512B\n\n"
            ),
            " bytes: Total 98.1MB\n          36.1MB (36.80%): 160kB\n        809.0B (0.00079%): 512B\n\n"
        );
    }

    /// Outputs of Go 1.19's tabwriter with pprof's settings.
    #[test]
    fn like_go() {
        let go = |text: &[u8]| {
            let mut w = TabWriter::new(1);
            w.write(text);
            w.finish()
        };
        assert_eq!(
            go(b"\xffa\tb\xff\tx\nabcdef\ty\n"),
            b"    \xffa\tb\xffx\n abcdefy\n"
        );
        assert_eq!(
            go(b"a\tb\nlong\tc\nx\nyy\tz\n"),
            b"    ab\n longc\nx\n yyz\n"
        );
        assert_eq!(go(b"k\xff\tv\n\tzz\txx\n"), b"k\xff\tv\n\tzz\txx\n");
        assert_eq!(go(b"\t\tq\nab\tc\n"), b"    q\n abc\n");
        assert_eq!(go("é\tx\nab\ty\n".as_bytes()), "  éx\n aby\n".as_bytes());
    }
}
