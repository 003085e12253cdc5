"""The course's control center: every view in tabs, under a strip that always shows the brokers.

One thread refreshes the broker strip, the tab on screen, and the views whose picture is a history
(throughput, rebalances), so nothing is missed while another tab is open. The other hidden tabs wait
and catch up when selected, so an idle dashboard costs little (``benchmarks/widgets.py`` measures it).
"""

import time

import ipywidgets as widgets

from confluent_kafka import KafkaException

from ..cluster import course_cluster
from ..errors import CourseError
from .connect import ConnectView
from .controls import InstructorControls
from .group import GroupView
from .live import LiveView
from .metrics import MetricsView
from .offsets import OffsetsView
from .partitioner import PartitionerView
from .registry import RegistryView
from .replication import ReplicationView
from .snapshots import ClusterLink, ClusterSnapshot, cluster_snapshot
from .style import BODY_PX, FONT, badge
from .throughput import ThroughputView

__all__ = ["Dashboard", "dashboard", "render_broker_strip"]


def render_broker_strip(snapshot: ClusterSnapshot) -> str:
    """The row of broker badges above the dashboard's tabs (★ marks the active controller) (course machinery)."""
    parts = []
    for b in snapshot.brokers:
        kind = "up" if b.alive and b.registered else "down" if not b.alive else "warn"
        star = " ★" if b.controller else ""
        parts.append(f'<span data-broker="{b.node_id}" data-alive="{str(b.alive).lower()}" style="margin-right:8px">'
                     f'{badge(f"broker {b.node_id}: {b.label}{star}", kind)}</span>')
    return (f'<div data-view="broker-strip" style="{FONT};font-size:{BODY_PX}px;padding:6px 0 10px 0">'
            f'{" ".join(parts)} <span style="color:#555;white-space:nowrap">★ = active controller</span></div>')


class Dashboard(LiveView):
    """Tabs: cluster, consumer group(s), offsets & log, throughput, the brokers' own metrics (the embedded
    cluster's), partitioner, schema registry, Kafka Connect (and instructor controls with ``controls=True``).

    One refresh = 1 admin call for the broker strip + the visible tab's own refresh (0–5 calls) + the
    hidden history views' (throughput: 2 + 1 per group; each group: 4; metrics: 1 HTTP GET per broker).

    Returned by ``dashboard`` (lesson 13).
    """

    def __init__(self, topic: str, groups=(), cluster=None, interval: float = 1.0, controls: bool = False,
                 autostart: bool = True):
        cluster = cluster or course_cluster()
        groups = (groups,) if isinstance(groups, str) else tuple(groups)
        self.link = ClusterLink(cluster)
        self._strip = widgets.HTML()
        pages = [("Cluster", ReplicationView(topic, cluster, interval, autostart=False))]
        # Short tab titles, so the tab bar fits a notebook; each page's own title names its group.
        pages += [("Group" if len(groups) == 1 else f"Group {i}",
                   GroupView(g, topic, cluster, interval, autostart=False)) for i, g in enumerate(groups, start=1)]
        pages += [("Offsets & log", OffsetsView(topic, groups, cluster, interval, autostart=False)),
                  ("Throughput", ThroughputView(topic, groups, cluster, interval, autostart=False)),
                  *([("Metrics", MetricsView(cluster, interval, autostart=False))]
                    if all(getattr(node, "metrics_port", None) for node in cluster.nodes) else []),
                  ("Partitioner", PartitionerView(partitions=self._partition_count(topic))),
                  ("Registry", RegistryView(autostart=False)),
                  ("Connect", ConnectView(autostart=False))]
        if controls:
            pages.append(("Instructor", InstructorControls(topic, groups[0] if groups else f"{topic}-demo",
                                                           cluster, interval=interval, autostart=False)))
        self.pages = dict(pages)
        self.tabs = widgets.Tab(children=[view for _, view in pages], titles=[name for name, _ in pages])
        self._tab_changed = False
        self.tabs.observe(self._on_tab, names="selected_index")
        super().__init__([self._strip, self.tabs], interval=interval, autostart=autostart)

    def _on_tab(self, _change) -> None:
        self._tab_changed = True  # the refresh thread shows the new tab at once; the kernel never waits
        self.poke()

    def _partition_count(self, topic: str) -> int:
        try:
            described = self.link.metadata().topics.get(topic)
        except KafkaException:
            described = None
        return len(described.partitions) if described is not None and described.partitions else 6

    def snapshot(self) -> ClusterSnapshot:
        return cluster_snapshot(self.link, ())

    def render(self, snapshot: ClusterSnapshot) -> None:
        self._strip.value = render_broker_strip(snapshot)

    def refresh(self):
        snapshot = super().refresh()
        index, forced, self._tab_changed = self.tabs.selected_index, self._tab_changed, False
        for position, view in enumerate(self.tabs.children):
            if not isinstance(view, LiveView) or self.closed:
                continue
            due = time.monotonic() - view.last_refresh >= view.interval - 0.05
            if (position == index and (forced or due)) or (view.keeps_history and due):
                view.refresh()
        return snapshot

    def select(self, name: str) -> None:
        """Show the tab called ``name`` (e.g. ``"Throughput"``)."""
        names = list(self.pages)
        if name not in names:
            raise CourseError(f"The dashboard has no tab {name!r}; choose one of {', '.join(names)}.")
        self.tabs.selected_index = names.index(name)


def dashboard(topic: str, groups=(), cluster=None, interval: float = 1.0, controls: bool = False) -> Dashboard:
    """The control center for ``topic`` and consumer ``groups``: all views in tabs, live (lesson 13)."""
    return Dashboard(topic, groups, cluster, interval, controls)
