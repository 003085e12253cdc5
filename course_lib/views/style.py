"""Colours, sizes and small HTML builders shared by the views — chosen for a projector.

Large type (20 px body, 24 px titles), dark text on light fills, and the Okabe–Ito palette, which
stays distinguishable for colour-blind viewers. Every colour also comes with a word (LEADER, DOWN…),
so nothing depends on colour alone.
"""

from html import escape

__all__ = ["COLORS", "MEMBER_COLORS", "FONT", "badge", "banner", "esc", "legend", "member_color", "title",
           "STYLESHEET", "muted"]

FONT = "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
BODY_PX, TITLE_PX, SMALL_PX = 20, 24, 16

COLORS = {
    "leader": ("#0072B2", "#ffffff"),       # (fill, text) — blue
    "in-sync": ("#009E73", "#ffffff"),      # bluish green
    "out-of-sync": ("#E69F00", "#000000"),  # orange
    "none": ("#f2f2f2", "#777777"),
    "down": ("#D55E00", "#ffffff"),         # vermillion
    "up": ("#009E73", "#ffffff"),
    "warn": ("#E69F00", "#000000"),
    "controller": ("#000000", "#ffffff"),
    "info": ("#e8f1fa", "#003b63"),
}
MEMBER_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8c6d00", "#444444")
DOWN_STRIPES = "repeating-linear-gradient(45deg, #d9d9d9 0 10px, #f5f5f5 10px 20px)"


def esc(value) -> str:
    """``value`` as text, HTML-escaped (course machinery)."""
    return escape(str(value))


def member_color(index: int) -> str:
    """The colour of the ``index``-th member (the palette repeats) (course machinery)."""
    return MEMBER_COLORS[index % len(MEMBER_COLORS)]


def badge(text: str | tuple[str, ...], kind: str = "info", fill: str | None = None) -> str:
    """A coloured label: ``kind``'s colours from ``COLORS``, or white on ``fill`` (course machinery).

    ``text`` is one line; a tuple of phrases may wrap between phrases (never inside one) when its
    column is narrow, so a long status stays whole and readable in a narrow notebook.
    """
    bg, fg = COLORS[kind] if fill is None else (fill, "#ffffff")
    style = f"background:{bg};color:{fg};padding:2px 10px;border-radius:6px;font-weight:bold"
    if isinstance(text, str):
        return f'<span style="{style};white-space:nowrap">{esc(text)}</span>'
    words = " ".join(f'<span style="white-space:nowrap">{esc(phrase)}</span>' for phrase in text)
    return f'<span style="{style};display:inline-block;white-space:normal">{words}</span>'


def title(text: str, extra: str = "") -> str:
    """A view's title line, with ``extra`` HTML after it (course machinery)."""
    return (f'<div style="{FONT};font-size:{TITLE_PX}px;font-weight:bold;margin:4px 0 10px 0;color:#1a1a1a">'
            f'{esc(text)} {extra}</div>')


def muted(text: str) -> str:
    """A small grey note (course machinery)."""
    return f'<div style="{FONT};font-size:{SMALL_PX}px;color:#555;margin-top:6px">{text}</div>'


def banner(text: str, kind: str = "down") -> str:
    """A full-width message in ``kind``'s colours (a broker down, a view stopped) (course machinery)."""
    bg, fg = COLORS[kind]
    return (f'<div data-banner="{kind}" style="{FONT};font-size:{BODY_PX}px;background:{bg};color:{fg};'
            f'padding:8px 14px;border-radius:6px;margin:6px 0">{esc(text)}</div>')


def legend(items: list[tuple[str, str, str]]) -> str:
    """A row of (fill, text colour, label) swatches (course machinery)."""
    swatches = "".join(
        f'<span style="display:inline-block;margin-right:18px;white-space:nowrap">'
        f'<span style="display:inline-block;width:26px;height:20px;vertical-align:middle;background:{bg};'
        f'border:1px solid #999;border-radius:4px;margin-right:6px"></span>{esc(label)}</span>'
        for bg, _fg, label in items)
    return f'<div style="{FONT};font-size:{SMALL_PX + 2}px;margin-top:10px">{swatches}</div>'


# Big controls inside the course's views (ipywidgets' defaults are 13 px). Scoped to .course-view.
STYLESHEET = """<style>
.course-view .widget-label, .course-view .widget-readout, .course-view input, .course-view select,
.course-view .jupyter-button, .course-view .widget-dropdown select {
  font-size: 20px !important; }
.course-view .lm-TabBar-tabLabel { font-size: 18px !important; }
.course-view input, .course-view select, .course-view .jupyter-button { height: 40px !important; }
.course-view .widget-label { line-height: 40px !important; }
.course-view .widget-html-content { white-space: normal; line-height: 1.35; }
.course-view .lm-TabBar-tab { min-height: 36px; padding: 4px 12px !important; flex: 0 0 auto !important; }
.course-view .lm-TabBar { min-height: 40px; }
</style>"""
