"""The broker metrics view: what each broker says about itself, read from its JMX exporter every second.

Lesson 22 watches it while a broker is killed and while a producer's settings change: records in per second (on
the leaders only — followers' copies are not counted), bytes in and out, the produce requests' 99th-percentile
time, and under-replicated partitions. A broker that does not answer leaves a gap in its line.
"""

import time
from collections import deque

import ipywidgets as widgets

from ..cluster import course_cluster
from ..metrics.broker import Scrape, metrics_url, scrape
from ..metrics.recorder import rate_between
from .charts import Series, line_chart
from .live import LiveView
from .style import BODY_PX, FONT, badge, member_color

__all__ = ["MetricsView", "metrics_view", "render_metrics_now"]

MESSAGES_IN = "kafka_server_brokertopicmetrics_messagesin_total"
BYTES_IN, BYTES_OUT = "kafka_server_brokertopicmetrics_bytesin_total", "kafka_server_brokertopicmetrics_bytesout_total"
PRODUCE_P99 = 'kafka_network_requestmetrics_totaltimems_99thpercentile{request="Produce"}'
UNDER_REPLICATED = "kafka_server_replicamanager_underreplicatedpartitions"
OFFLINE = "kafka_controller_kafkacontroller_offlinepartitionscount"
ACTIVE_CONTROLLER = "kafka_controller_kafkacontroller_activecontrollercount"


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
        cluster = cluster or course_cluster()
        self.urls = {node.node_id: metrics_url(node) for node in cluster.nodes}
        self.rounds: deque[list[Scrape]] = deque(maxlen=window + 1)
        self._now = widgets.HTML()
        self.charts = [widgets.HTML() for _ in range(4)]
        super().__init__([self._now, *self.charts], interval=interval, autostart=autostart)

    def snapshot(self) -> list[Scrape]:
        at = time.time()
        return [Scrape(at, broker, scrape(url, timeout=2.0)) for broker, url in self.urls.items()]

    def cost(self, snapshot) -> str:
        return f"{len(snapshot)} HTTP GETs of /metrics"

    def render(self, latest: list[Scrape]) -> None:
        self.rounds.append(latest)
        self._now.value = render_metrics_now(latest)
        rounds = list(self.rounds)

        def per_broker(key: str, rate: bool) -> list[Series]:
            series = []
            for i, broker in enumerate(self.urls):
                if rate:
                    points = [(b[i].at, rate_between(a[i], b[i], key)) for a, b in zip(rounds, rounds[1:])]
                else:
                    points = [(r[i].at, r[i].get(key)) for r in rounds]
                series.append(Series(f"broker {broker}", member_color(i), tuple(points)))
            return series

        def summed(key: str, name: str, color: str) -> Series:
            points = []
            for a, b in zip(rounds, rounds[1:]):
                rates = [rate_between(x, y, key) for x, y in zip(a, b)]
                known = [r for r in rates if r is not None]
                points.append((b[0].at, sum(known) / 1024 if known else None))
            return Series(name, color, tuple(points))

        self.charts[0].value = line_chart("metrics-messages-in", "Records in per second (leaders only)",
                                          "records / s", per_broker(MESSAGES_IN, rate=True))
        self.charts[1].value = line_chart("metrics-bytes", "Bytes in and out, all brokers", "KiB / s",
                                          [summed(BYTES_IN, "in (from producers)", member_color(0)),
                                           summed(BYTES_OUT, "out (to consumers)", member_color(1))])
        self.charts[2].value = line_chart("metrics-produce-time", "Produce requests: 99th percentile time",
                                          "ms", per_broker(PRODUCE_P99, rate=False))
        self.charts[3].value = line_chart("metrics-under-replicated", "Under-replicated partitions (each leader's)",
                                          "partitions", per_broker(UNDER_REPLICATED, rate=False))


def metrics_view(cluster=None, interval: float = 1.0) -> MetricsView:
    """Plot each broker's own metrics, read from its JMX exporter, live (lesson 22)."""
    return MetricsView(cluster, interval)
