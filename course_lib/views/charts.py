"""Charts as inline SVG for the live views: the throughput lines (lesson 12) and the lag bars (lesson 05).

A live view redraws from its refresh thread. An SVG string set on an HTML widget is one atomic value
that the browser shows whether its tab is on screen or not. A plotly ``FigureWidget`` is not: each
edit is a two-way exchange with the browser whose answers the kernel's main thread handles while the
refresh thread edits the figure, and in loaded test runs a dashboard's hidden throughput chart stayed
empty for minutes. Static figures (lesson 12's measurements) still use plotly.
"""

import datetime as dt
import math
from dataclasses import dataclass

from .style import esc

__all__ = ["Series", "bar_chart", "line_chart"]

WIDTH, PLOT_HEIGHT = 900, 260
LEFT, RIGHT, BOTTOM = 100, 30, 64     # room for the y labels, and for the x labels under the plot
TEXT = 'font-family="DejaVu Sans, Arial, sans-serif" fill="#1a1a1a"'


@dataclass(frozen=True)
class Series:
    """One line or one stack of bars: its name (shown in the legend), colour and values (course machinery)."""
    name: str
    color: str
    values: tuple  # line: (x, y) pairs, y None where unknown; bars: one number per category


def _nice_top(highest: float) -> float:
    """The top of the y axis: 4 grid steps of 1, 2, 2.5 or 5 × a power of ten reaching ``highest`` — whole
    numbers, so the grid's labels are exact."""
    step = max(highest, 1) / 4
    power = 10 ** max(math.floor(math.log10(step)), 0)
    return 4 * next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= step and (m * power) % 1 == 0)


def _frame(view: str, title: str, y_label: str, top: float, series: list[Series]) -> tuple[list[str], float]:
    """What every chart shares — title, legend (wrapped into rows), y grid and labels — and where the plot starts."""
    legend, x, y = [], LEFT, 62
    for s in series:
        width = 36 + 11 * len(s.name) + 30  # DejaVu Sans at 18 px: about 11 px a character
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = LEFT, y + 28
        legend.append(f'<g data-legend="{esc(s.name)}"><rect x="{x}" y="{y - 10}" width="28" height="8" '
                      f'fill="{s.color}"/><text x="{x + 36}" y="{y}" font-size="18" {TEXT}>{esc(s.name)}</text></g>')
        x += width
    plot_top = y + 34
    height = plot_top + PLOT_HEIGHT + BOTTOM
    parts = [f'<svg data-view="{view}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
             f'viewBox="0 0 {WIDTH} {height:.0f}" style="max-width:100%;height:auto">',
             f'<text x="{LEFT}" y="32" font-size="22" font-weight="bold" {TEXT}>{esc(title)}</text>', *legend]
    for i in range(5):
        grid_y = plot_top + PLOT_HEIGHT * (1 - i / 4)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{grid_y:.1f}" y2="{grid_y:.1f}" stroke="#dddddd"/>'
                     f'<text x="{LEFT - 10}" y="{grid_y + 6:.1f}" font-size="16" text-anchor="end" {TEXT}>'
                     f'{top * i / 4:,.0f}</text>')
    parts.append(f'<text transform="translate(22 {plot_top + PLOT_HEIGHT / 2:.0f}) rotate(-90)" font-size="18" '
                 f'text-anchor="middle" {TEXT}>{esc(y_label)}</text>')
    return parts, plot_top


def line_chart(view: str, title: str, y_label: str, series: list[Series]) -> str:
    """Lines over time: each series' values are (unix time, y) pairs; a None y breaks the line (course machinery)."""
    known = [(x, y) for s in series for x, y in s.values if y is not None]
    top = _nice_top(max((y for _, y in known), default=0))
    times = [x for s in series for x, _ in s.values]
    start, end = (min(times), max(times)) if times else (0.0, 1.0)
    span = (end - start) or 1.0
    plot_w = WIDTH - LEFT - RIGHT
    parts, plot_top = _frame(view, title, y_label, top, series)

    def point(x: float, y: float) -> str:
        return f"{LEFT + plot_w * (x - start) / span:.1f},{plot_top + PLOT_HEIGHT * (1 - y / top):.1f}"

    for i, anchor in enumerate(("start", "middle", "middle", "end") if times else ()):  # the ends stay inside
        at = start + span * i / 3
        parts.append(f'<text x="{LEFT + plot_w * i / 3:.1f}" y="{plot_top + PLOT_HEIGHT + 26:.0f}" font-size="16" '
                     f'text-anchor="{anchor}" {TEXT}>{dt.datetime.fromtimestamp(at):%H:%M:%S}</text>')
    for s in series:
        runs, run = [], []
        for x, y in s.values:
            if y is None:
                runs, run = runs + [run] if run else runs, []
            else:
                run.append(point(x, y))
        runs += [run] if run else []
        latest = next((y for _, y in reversed(s.values) if y is not None), None)
        path = " ".join("M" + " L".join(r) for r in runs)
        parts.append(f'<path data-series="{esc(s.name)}" data-latest="{"" if latest is None else f"{latest:.1f}"}" '
                     f'data-highest="{max((y for _, y in s.values if y is not None), default=0):.1f}" '
                     f'd="{path}" fill="none" stroke="{s.color}" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>')
    return "".join(parts) + "</svg>"


def bar_chart(view: str, title: str, y_label: str, categories: list[str], series: list[Series]) -> str:
    """Stacked bars: one bar per category, one coloured block per series (its value for that category).

    Course machinery.
    """
    top = _nice_top(max((sum(s.values[i] for s in series) for i in range(len(categories))), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    parts, plot_top = _frame(view, title, y_label, top, series)
    for i, category in enumerate(categories):
        x, base = LEFT + slot * i + slot * 0.15, 0.0
        for s in series:
            value = s.values[i]
            if value:
                y = plot_top + PLOT_HEIGHT * (1 - (base + value) / top)
                parts.append(f'<rect data-series="{esc(s.name)}" data-category="{esc(category)}" data-value="{value}" '
                             f'x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{PLOT_HEIGHT * value / top:.1f}" '
                             f'fill="{s.color}"/>')
                base += value
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{plot_top + PLOT_HEIGHT + 26:.0f}" font-size="16" '
                     f'text-anchor="middle" {TEXT}>{esc(category)}</text>')
    axis_y = plot_top + PLOT_HEIGHT
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y:.0f}" y2="{axis_y:.0f}" stroke="#1a1a1a"/>')
    return "".join(parts) + "</svg>"
