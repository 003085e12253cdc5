"""The throughput view: records produced and consumed per second, over the last two minutes.

Rates come from how fast the high watermarks (produced) and the groups' committed offsets
(consumed) move, so the view measures any client — a Java tool, a notebook, an instructor's burst.
Consumed rates move in steps: they follow the consumers' commits (every 5 s by default).
"""

import datetime as dt
from collections import deque

import ipywidgets as widgets
import plotly.graph_objects as go

from ..cluster import course_cluster
from .live import LiveView
from .snapshots import ClusterLink, OffsetTotals, ThroughputPoint, offset_totals, rates
from .style import BODY_PX, FONT, PLOTLY_LAYOUT, esc, member_color

__all__ = ["ThroughputView", "throughput_view"]


class ThroughputView(LiveView):
    """Live produce/consume rates of ``topic``. One refresh = 2 admin calls + 1 per group."""

    keeps_history = True

    def __init__(self, topic: str, groups=(), cluster=None, interval: float = 1.0, window: int = 120,
                 autostart: bool = True):
        self.topic = topic
        self.groups = (groups,) if isinstance(groups, str) else tuple(groups)
        self.link = ClusterLink(cluster or course_cluster())
        self.points: deque[ThroughputPoint] = deque(maxlen=window)
        self._previous: OffsetTotals | None = None
        self._now = widgets.HTML()
        names = ["produced"] + [f"consumed by {g}" for g in self.groups]
        self.figure = go.FigureWidget(
            data=[go.Scatter(name=n, x=[], y=[], mode="lines", line=dict(width=4, color=member_color(i)))
                  for i, n in enumerate(names)],
            layout=go.Layout(**PLOTLY_LAYOUT, title=dict(text=f"Records per second — topic {topic}", font=dict(size=22)),
                             xaxis=dict(title="time", tickformat="%H:%M:%S"),
                             yaxis=dict(title="records / s", rangemode="tozero"), showlegend=True))
        super().__init__([self._now, self.figure], interval=interval, autostart=autostart)

    def snapshot(self) -> OffsetTotals:
        return offset_totals(self.link, self.topic, self.groups)

    def render(self, totals: OffsetTotals) -> None:
        if totals.error:
            return
        previous, self._previous = self._previous, totals
        if previous is None:
            return
        point = rates(previous, totals)
        self.points.append(point)
        series = [[p.produced_per_s for p in self.points]] + \
                 [[p.consumed_per_s.get(g) for p in self.points] for g in self.groups]
        times = [dt.datetime.fromtimestamp(p.at) for p in self.points]
        with self.figure.batch_update():
            for trace, ys in zip(self.figure.data, series):
                trace.x, trace.y = times, ys
        latest = [("produced", point.produced_per_s)] + [(f"consumed by {g}", point.consumed_per_s.get(g))
                                                         for g in self.groups]
        self._now.value = (f'<div style="{FONT};font-size:{BODY_PX + 2}px">now: ' + " · ".join(
            f'<b>{esc(name)}</b> {"?" if rate is None else f"{rate:,.0f}"} rec/s' for name, rate in latest) + "</div>")


def throughput_view(topic: str, groups=(), cluster=None, interval: float = 1.0) -> ThroughputView:
    """Plot how many records per second go into ``topic`` and are consumed by ``groups``, live."""
    return ThroughputView(topic, groups, cluster, interval)
