"""What every figure is drawn with: the colours, one meaning each, and ``Figure``, an SVG canvas of boxes, labels,
arrows and log cells (figures/make_figures.py writes the figures of figures/lessons_*.py)."""

from xml.sax.saxutils import escape

# Colours: (fill, stroke) pairs, one meaning each across all figures.
INK, MUTED = "#1f2933", "#52606d"
LEADER = ("#dbeafe", "#1d4ed8")      # a leader, a record every in-sync replica holds
SYNCED = ("#dcfce7", "#15803d")      # in sync, committed, readable
PENDING = ("#ffedd5", "#c2410c")     # not yet replicated, out of sync, not yet readable
GONE = ("#f1f5f9", "#94a3b8")        # deleted, empty, idle
CONTROL = ("#ede9fe", "#6d28d9")     # controllers, markers, metadata
PLAIN = ("#ffffff", "#3e4c59")
RED = "#b91c1c"


def num(value):
    """A coordinate as short, stable text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Figure:
    """An SVG canvas; the drawing primitives append elements in order."""

    def __init__(self, width, height, title):
        assert width <= 900, "figures stay readable in a notebook: at most 900 px wide"
        self.width, self.height, self.title = width, height, title
        self.parts = []

    def box(self, x, y, w, h, colours=PLAIN, rx=6, dashed=False, width=1.5):
        fill, stroke = colours
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{num(rx)}" '
                          f'fill="{fill}" stroke="{stroke}" stroke-width="{num(width)}"{dash}/>')

    def label(self, x, y, text, size=13, anchor="middle", bold=False, colour=INK, mono=False, italic=False):
        family = "monospace" if mono else "sans-serif"
        extra = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
        self.parts.append(f'<text x="{num(x)}" y="{num(y)}" font-family="{family}" font-size="{num(size)}" '
                          f'text-anchor="{anchor}" fill="{colour}"{extra}>{escape(text)}</text>')

    def lines(self, x, y, texts, size=13, gap=None, **kw):
        """Several labels, one under the other."""
        for i, text in enumerate(texts):
            self.label(x, y + i * (gap or size * 1.35), text, size=size, **kw)

    def line(self, x1, y1, x2, y2, colour=INK, width=1.5, dashed=False):
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.parts.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
                          f'stroke="{colour}" stroke-width="{num(width)}"{dash}/>')

    def arrow(self, x1, y1, x2, y2, text="", colour=INK, dashed=False, side=-8, size=12, anchor="middle"):
        """A line with a head at (x2, y2), and an optional label beside its middle."""
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        ux, uy = dx / length, dy / length
        bx, by = x2 - 10 * ux, y2 - 10 * uy  # the base of the head
        self.line(x1, y1, bx, by, colour, dashed=dashed)
        head = [(x2, y2), (bx - 5 * uy, by + 5 * ux), (bx + 5 * uy, by - 5 * ux)]
        points = " ".join(f"{num(px)},{num(py)}" for px, py in head)
        self.parts.append(f'<polygon points="{points}" fill="{colour}"/>')
        if text:
            self.label((x1 + x2) / 2, (y1 + y2) / 2 + side, text, size=size, colour=colour, anchor=anchor)

    def elbow(self, points, colour=INK, dashed=False):
        """An arrow along several straight segments, its head at the last point."""
        for (x1, y1), (x2, y2) in zip(points[:-2], points[1:-1]):
            self.line(x1, y1, x2, y2, colour, dashed=dashed)
        self.arrow(*points[-2], *points[-1], colour=colour, dashed=dashed)

    def step(self, x, y, n):
        """A numbered circle: step n of a sequence."""
        self.parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="10" fill="{INK}"/>')
        self.label(x, y + 4.5, str(n), size=12, bold=True, colour="#ffffff")

    def cells(self, x, y, texts, w=40, h=34, colours=None, size=12, mono=True, caption=None):
        """A row of cells (offsets of a log, bytes of a record); colours per cell, caption under each."""
        for i, text in enumerate(texts):
            colour = colours[i] if colours else PLAIN
            self.box(x + i * w, y, w, h, colour, rx=0, dashed=colour is GONE, width=1.2)
            self.label(x + i * w + w / 2, y + h / 2 + size * 0.35, text, size=size, mono=mono,
                       colour=MUTED if colour is GONE else INK)
            if caption:
                self.label(x + i * w + w / 2, y + h + 13, caption[i], size=10, colour=MUTED)

    def mark(self, x, y1, y2, text, colour=INK, anchor="start", size=12, bold=True):
        """A vertical position marker from y1 to y2, labelled at y1's end."""
        self.line(x, y1, x, y2, colour, width=2.5)
        above = y1 < y2
        self.label(x + (4 if anchor == "start" else -4 if anchor == "end" else 0), y1 - 5 if above else y1 + 15,
                   text, size=size, anchor=anchor, colour=colour, bold=bold)

    def brace(self, x1, x2, y, text, colour=MUTED, size=11):
        """A bracket under a span from x1 to x2, labelled beneath it."""
        self.parts.append(f'<polyline points="{num(x1)},{num(y - 5)} {num(x1)},{num(y)} {num(x2)},{num(y)} '
                          f'{num(x2)},{num(y - 5)}" fill="none" stroke="{colour}" stroke-width="1.2"/>')
        self.label((x1 + x2) / 2, y + 14, text, size=size, colour=colour)

    def svg(self):
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}">')
        body = [f"<title>{escape(self.title)}</title>",
                f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#ffffff"/>', *self.parts]
        return "\n".join([head, *("  " + part for part in body), "</svg>"]) + "\n"
