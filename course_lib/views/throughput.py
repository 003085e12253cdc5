"""The throughput view: records produced and consumed per second, over the last two minutes.

Rates come from how fast the high watermarks (produced) and the groups' committed offsets
(consumed) move, so the view measures any client — a Java tool, a notebook, an instructor's burst.
Consumed rates move in steps: they follow the consumers' commits (every 5 s by default).
"""

from collections import deque

import ipywidgets as widgets

from ..cluster import course_cluster
from .charts import Series, line_chart
from .live import LiveView
from .snapshots import ClusterLink, OffsetTotals, ThroughputPoint, offset_totals, rates
from .style import BODY_PX, FONT, esc, member_color

__all__ = ["ThroughputView", "throughput_view"]


class ThroughputView(LiveView):
    """Live produce/consume rates of ``topic``. One refresh = 2 admin calls + 1 per group.

    Returned by ``throughput_view`` (lesson 12).
    """

    keeps_history = True

    def __init__(self, topic: str, groups=(), cluster=None, interval: float = 1.0, window: int = 120,
                 autostart: bool = True):
        self.topic = topic
        self.groups = (groups,) if isinstance(groups, str) else tuple(groups)
        self.link = ClusterLink(cluster or course_cluster())
        self.points: deque[ThroughputPoint] = deque(maxlen=window)
        self._previous: OffsetTotals | None = None
        self._now = widgets.HTML()
        self.chart = widgets.HTML()
        self._draw()
        super().__init__([self._now, self.chart], interval=interval, autostart=autostart)

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
        self._draw()
        self._now.value = (f'<div style="{FONT};font-size:{BODY_PX + 2}px">now: ' + " · ".join(
            f'<b>{esc(name)}</b> {"?" if rate is None else f"{rate:,.0f}"} rec/s'
            for name, rate in zip(self.names, self._rates(point))) + "</div>")

    @property
    def names(self) -> list[str]:
        return ["produced"] + [f"consumed by {g}" for g in self.groups]

    def _rates(self, point: ThroughputPoint) -> list[float | None]:
        """The point's rates in the order of ``names``."""
        return [point.produced_per_s] + [point.consumed_per_s.get(g) for g in self.groups]

    def _draw(self) -> None:
        series = [Series(name, member_color(i), tuple((p.at, self._rates(p)[i]) for p in self.points))
                  for i, name in enumerate(self.names)]
        self.chart.value = line_chart("throughput", f"Records per second — topic {self.topic}", "records / s", series)


def throughput_view(topic: str, groups=(), cluster=None, interval: float = 1.0) -> ThroughputView:
    """Plot how many records per second go into ``topic`` and are consumed by ``groups``, live (lesson 12)."""
    return ThroughputView(topic, groups, cluster, interval)
