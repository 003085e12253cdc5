"""The windows view: a windowed count filling and closing as a processor works (lesson 15).

One row per key, one column per window; each cell holds the window's committed count and says OPEN (it can
still change: the processor's stream time has not passed its end + grace) or CLOSED (final). Run it beside a
processor that writes ``.current()`` updates, and watch the counts grow and the windows close from the left.
"""

import time

import ipywidgets as widgets

from ..cluster import course_cluster
from .live import LiveView
from .snapshots import ClusterLink, WindowReader, WindowsSnapshot
from .style import BODY_PX, COLORS, FONT, esc, legend, muted, title

__all__ = ["WindowsView", "windows_view", "render_windows"]

TD = f"padding:6px 12px;border:1px solid #ccc;font-size:{BODY_PX}px;text-align:center"


def _clock(ms: int) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ms / 1000))


def render_windows(snapshot: WindowsSnapshot) -> str:
    """The table of windows (keys × window starts), each cell its count and OPEN or CLOSED (course machinery)."""
    if not snapshot.windows:
        return muted(f"No committed window update in <b>{esc(snapshot.topic)}</b> yet.")
    starts = sorted({w.start for w in snapshot.windows})
    keys = sorted({w.key for w in snapshot.windows})
    by_cell = {(w.key, w.start): w for w in snapshot.windows}
    head = "".join(f'<th style="{TD}">{_clock(start)}</th>' for start in starts)
    rows = []
    for key in keys:
        cells = []
        for start in starts:
            window = by_cell.get((key, start))
            if window is None:
                cells.append(f'<td style="{TD};color:#999">—</td>')
                continue
            fill, ink = COLORS["none"] if window.closed else COLORS["warn"]
            state = "CLOSED" if window.closed else "OPEN"
            cells.append(f'<td data-window="{esc(key)}@{start}" data-state="{state}" '
                         f'style="{TD};background:{fill};color:{ink}"><b>{window.count:,}</b>'
                         f'<div style="font-size:{BODY_PX - 6}px">{state}</div></td>')
        rows.append(f'<tr><th style="{TD};text-align:left">{esc(key)}</th>{"".join(cells)}</tr>')
    closed = sum(w.closed for w in snapshot.windows)
    heading = title(f"Windows in {snapshot.topic}",
                    f'<span style="font-weight:normal;font-size:{BODY_PX}px">{closed} closed · '
                    f'{len(snapshot.windows) - closed} open · {snapshot.updates:,} updates read</span>')
    table = (f'<table data-view="windows" style="{FONT};border-collapse:collapse">'
             f'<thead><tr><th style="{TD}">key \\ window from</th>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    return heading + table + legend([(*COLORS["warn"], "open: updates still come"),
                                     (*COLORS["none"], "closed: stream time passed end + grace")])


class WindowsView(LiveView):
    """Live windows of ``counts`` (returned by ``windows_view``, lesson 15). One refresh = 1 admin call."""

    def __init__(self, counts: str, source: str, group: str, field_name: str = "count", grace_ms: int = 0,
                 cluster=None, interval: float = 1.0, autostart: bool = True):
        self.reader = WindowReader(ClusterLink(cluster or course_cluster()), counts, source, group, field_name,
                                   grace_ms)
        self.table = widgets.HTML()
        super().__init__([self.table], interval=interval, autostart=autostart)

    def snapshot(self) -> WindowsSnapshot:
        return self.reader.snapshot()

    def render(self, snapshot: WindowsSnapshot) -> None:
        if not snapshot.error:
            self.table.value = render_windows(snapshot)

    def on_close(self) -> None:
        with self._lock:  # not while a refresh is reading
            self.reader.close()


def windows_view(counts: str, source: str, group: str, field_name: str = "count", grace_ms: int = 0,
                 cluster=None, interval: float = 1.0) -> WindowsView:
    """Show the windowed counts a processor (consumer group ``group``, reading ``source``) commits to
    ``counts`` — each window's count in ``field_name``, open or closed after ``grace_ms`` — live (lesson 15)."""
    return WindowsView(counts, source, group, field_name, grace_ms, cluster, interval)
