"""The broker metrics view: what each broker says about itself, read from its JMX exporter every second.

Lesson 22 watches it while a broker is killed and while a producer's settings change: records in per second (on
the leaders only — followers' copies are not counted), bytes in and out, the produce requests' 99th-percentile
time, and under-replicated partitions. A broker that does not answer leaves a gap in its line.
"""

import ipywidgets as widgets

from ..cluster import course_cluster
from ..metrics.broker import (ACTIVE_CONTROLLER, BYTES_IN, BYTES_OUT, MESSAGES_IN, OFFLINE, PRODUCE_P99,
                              UNDER_REPLICATED, Scrape)
from ..metrics.recorder import MetricsRecorder
from .charts import Series, line_chart
from .live import LiveView
from .style import BODY_PX, FONT, badge, member_color

__all__ = ["MetricsView", "metrics_view", "render_metrics_now"]


def render_metrics_now(latest: list[Scrape]) -> str:
    """The line above the charts: who answers, under-replicated and offline partitions now (course machinery)."""
    parts = []
    for s in latest:
        if s.values is None:
            parts.append(badge(f"broker {s.broker}: no answer", "down"))
        else:
            under = int(s.get(UNDER_REPLICATED) or 0)
            star = " ★" if s.get(ACTIVE_CONTROLLER) else ""
            parts.append(badge(f"broker {s.broker}{star}: {under} under-replicated", "warn" if under else "up"))
    offline = max((s.get(OFFLINE) or 0 for s in latest if s.get(ACTIVE_CONTROLLER)), default=None)
    if offline is not None:
        parts.append(badge(f"offline partitions: {offline:.0f}", "down" if offline else "up"))
    return f'<div data-view="metrics-now" style="{FONT};font-size:{BODY_PX}px;line-height:2">{" ".join(parts)}</div>'


class MetricsView(LiveView):
    """Live charts of every broker's own metrics. One refresh = 1 HTTP GET per broker, no admin call.

    Returned by ``metrics_view`` (lesson 22); the dashboard's Metrics tab.
    """

    keeps_history = True

    def __init__(self, cluster=None, interval: float = 1.0, window: int = 120, autostart: bool = True):
        self.recorder = MetricsRecorder(cluster or course_cluster(), interval, keep=window + 1)  # its rounds: ours
        self._now = widgets.HTML()
        self.charts = [widgets.HTML() for _ in range(4)]
        super().__init__([self._now, *self.charts], interval=interval, autostart=autostart)

    def snapshot(self) -> list[Scrape]:
        return self.recorder.scrape_round()

    def cost(self, snapshot) -> str:
        return f"{len(snapshot)} HTTP GETs of /metrics"

    def on_close(self) -> None:
        self.recorder.stop()

    def _per_broker(self, key: str, rate: bool) -> list[Series]:
        return [Series(f"broker {broker}", member_color(i), tuple(points))
                for i, (broker, points) in enumerate(self.recorder.series(key, rate).items())]

    def _all_brokers(self, key: str, name: str, color: str) -> Series:
        """Counter ``key``'s rate summed over the brokers that answered, in KiB/s."""
        rates = list(self.recorder.series(key, rate=True).values())
        points = []
        for moment in zip(*rates):
            known = [value for _, value in moment if value is not None]
            points.append((moment[0][0], sum(known) / 1024 if known else None))
        return Series(name, color, tuple(points))

    def render(self, latest: list[Scrape]) -> None:
        self._now.value = render_metrics_now(latest)
        self.charts[0].value = line_chart("metrics-messages-in", "Records in per second (leaders only)",
                                          "records / s", self._per_broker(MESSAGES_IN, rate=True))
        self.charts[1].value = line_chart("metrics-bytes", "Bytes in and out, all brokers", "KiB / s",
                                          [self._all_brokers(BYTES_IN, "in (from producers)", member_color(0)),
                                           self._all_brokers(BYTES_OUT, "out (to consumers)", member_color(1))])
        self.charts[2].value = line_chart("metrics-produce-time", "Produce requests: 99th percentile time",
                                          "ms", self._per_broker(PRODUCE_P99, rate=False))
        self.charts[3].value = line_chart("metrics-under-replicated", "Under-replicated partitions (each leader's)",
                                          "partitions", self._per_broker(UNDER_REPLICATED, rate=False))


def metrics_view(cluster=None, interval: float = 1.0, window: int = 120) -> MetricsView:
    """Plot each broker's own metrics, read from its JMX exporter, live — the last ``window`` refreshes
    (lesson 22; lessons 06 and 12 show it beside their experiments)."""
    return MetricsView(cluster, interval, window)
