#!/usr/bin/env python3
"""Render a tmux `capture-pane -e -p` dump (text with SGR colour codes) to
a PNG, one monospace cell per character, so screenshots of the explorer
show exactly what a terminal shows.

usage: ansi_to_png.py INPUT.ansi OUTPUT.png [COLUMNS ROWS]
Needs Pillow and DejaVu Sans Mono (Debian: fonts-dejavu-core).
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
BG = (24, 26, 33)
FG = (216, 220, 228)
# xterm-ish palette, a little softened.
BASIC = [
    (40, 42, 54), (224, 92, 92), (120, 200, 120), (230, 200, 90),
    (100, 150, 230), (200, 120, 220), (90, 200, 210), (200, 200, 200),
    (110, 115, 130), (255, 120, 120), (150, 235, 150), (255, 230, 120),
    (140, 180, 255), (230, 150, 250), (130, 230, 240), (255, 255, 255),
]


def color256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASIC[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASIC[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASIC[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASIC[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    rgb = color256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    rgb = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    rgb = None
                if c == 38:
                    self.fg = rgb
                else:
                    self.bg = rgb
            i += 1

    def colors(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def parse(text):
    """Rows of (char, fg, bg, bold, italic, underline)."""
    style = Style()
    rows = []
    for line in text.split("\n"):
        row = []
        pos = 0
        for m in SGR.finditer(line):
            for ch in line[pos:m.start()]:
                fg, bg = style.colors()
                row.append((ch, fg, bg, style.bold, style.italic, style.underline))
            style.apply(m.group(1))
            pos = m.end()
        for ch in line[pos:]:
            fg, bg = style.colors()
            row.append((ch, fg, bg, style.bold, style.italic, style.underline))
        rows.append(row)
    return rows


def main():
    src, dst = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    nrows = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    rows = parse(open(src, encoding="utf-8", errors="replace").read())[:nrows]
    fonts = {
        (False, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE),
        (True, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE),
        (False, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Oblique.ttf", SIZE),
        (True, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-BoldOblique.ttf", SIZE),
    }
    base = fonts[(False, False)]
    cw = round(base.getlength("M"))
    ascent, descent = base.getmetrics()
    ch_h = ascent + descent + 2
    pad = 10
    img = Image.new("RGB", (cols * cw + 2 * pad, nrows * ch_h + 2 * pad), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(rows):
        for x, (ch, fg, bg, bold, italic, underline) in enumerate(row[:cols]):
            left, top = pad + x * cw, pad + y * ch_h
            if bg != BG:
                draw.rectangle([left, top, left + cw - 1, top + ch_h - 1], fill=bg)
            if ch in "─│┌┐└┘├┤┬┴┼":
                draw_box(draw, ch, left, top, cw, ch_h, fg)
            elif ch != " ":
                draw.text((left, top + 1), ch, font=fonts[(bold, italic)], fill=fg)
            if underline:
                draw.line([left, top + ch_h - 2, left + cw - 1, top + ch_h - 2], fill=fg)
    img.save(dst)


def draw_box(draw, ch, left, top, w, h, fg):
    """Box-drawing lines that join across cells (fonts leave gaps)."""
    cx, cy = left + w // 2, top + h // 2
    right, bottom = left + w - 1, top + h - 1
    up = ch in "│└┘├┤┴┼"
    down = ch in "│┌┐├┤┬┼"
    west = ch in "─┐┘┤┬┴┼"
    east = ch in "─┌└├┬┴┼"
    if up:
        draw.line([cx, top, cx, cy], fill=fg)
    if down:
        draw.line([cx, cy, cx, bottom], fill=fg)
    if west:
        draw.line([left, cy, cx, cy], fill=fg)
    if east:
        draw.line([cx, cy, right, cy], fill=fg)


if __name__ == "__main__":
    main()
