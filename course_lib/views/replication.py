"""The cluster / replication view: brokers as columns, partitions as rows, who leads and who follows.

Lesson 06 runs ``replication_view("orders")``, kills a broker and watches: within a second its column
turns DOWN; about 9 s later (``broker.session.timeout.ms``) the controller moves its leaderships and
the partitions turn UNDER-REPLICATED; after a restart the broker catches up and rejoins the ISR.
"""

import ipywidgets as widgets

from ..cluster import course_cluster
from .live import LiveView
from .snapshots import ClusterLink, ClusterSnapshot, PartitionState, cluster_snapshot
from .snapshots.brokers import BrokerState
from .style import BODY_PX, COLORS, DOWN_STRIPES, FONT, badge, esc, legend, muted, title

__all__ = ["ReplicationView", "replication_view", "render_replication"]

CELL_TEXT = {"leader": "LEADER", "in-sync": "in sync", "out-of-sync": "OUT OF SYNC", "none": ""}
LEGEND = [(*COLORS["leader"], "leader"), (*COLORS["in-sync"], "in-sync follower"),
          (*COLORS["out-of-sync"], "out-of-sync replica"), (*COLORS["none"], "no replica"),
          (DOWN_STRIPES, "#000", "broker down")]
TD = f"padding:8px 12px;border:2px solid #fff;text-align:center;font-size:{BODY_PX}px"


def _broker_header(broker: BrokerState) -> str:
    state = badge(broker.label_lines, "up" if broker.alive and broker.registered else "down" if not broker.alive else "warn")
    controller = f'<div style="margin-top:4px">{badge("★ controller", "controller")}</div>' if broker.controller else ""
    return (f'<th data-broker="{broker.node_id}" data-alive="{str(broker.alive).lower()}" '
            f'data-controller="{str(broker.controller).lower()}" style="{TD};min-width:120px;vertical-align:top">'
            f'<div style="font-size:{BODY_PX + 2}px">Broker {broker.node_id}</div>'
            f'<div style="font-weight:normal;font-size:{BODY_PX - 4}px;color:#555">:{broker.port}</div>'
            f'<div style="margin-top:4px">{state}</div>{controller}</th>')


def _status(partition: PartitionState, brokers: dict[int, BrokerState]) -> tuple[str, str]:
    """(data-status, html) for the partition's health column."""
    if partition.offline:
        return "offline", badge(("OFFLINE", "— no leader"), "down")
    leader = brokers.get(partition.leader)
    if leader is not None and not leader.alive:
        return "leader-down", badge(("leader down —", "election pending"), "down")
    if partition.under_replicated:
        in_sync = f"({len(partition.isr)}/{len(partition.replicas)} in sync)"
        return "under-replicated", badge(("UNDER-REPLICATED", in_sync), "warn")
    return "ok", f'<span style="color:{COLORS["up"][0]};font-weight:bold">OK</span>'


def _cell(partition: PartitionState, broker: BrokerState) -> str:
    role = partition.role(broker.node_id)
    bg, fg = COLORS[role]
    text = CELL_TEXT[role]
    if not broker.alive:
        style = f"background:{DOWN_STRIPES};color:#333;text-decoration:{'line-through' if text else 'none'}"
    else:
        style = f"background:{bg};color:{fg}"
    weight = "bold" if role in ("leader", "out-of-sync") else "normal"
    return f'<td data-broker="{broker.node_id}" data-role="{role}" style="{TD};{style};font-weight:{weight}">{text}</td>'


def render_replication(snapshot: ClusterSnapshot) -> str:
    """The view's HTML for one snapshot (a pure function: the browser test checks its attributes) (course machinery)."""
    brokers = {b.node_id: b for b in snapshot.brokers}
    header = "".join(_broker_header(b) for b in snapshot.brokers)
    rows = []
    one_topic = len(snapshot.topics) == 1  # the title names it: rows say just "p0", and the table fits a projector
    for p in snapshot.partitions:
        status, status_html = _status(p, brokers)
        label = f"p{p.partition}" if one_topic else f"{esc(p.topic)} · p{p.partition}"
        rows.append(f'<tr data-topic="{esc(p.topic)}" data-partition="{p.partition}" '
                    f'data-leader="{p.leader if p.leader is not None else "none"}" data-status="{status}">'
                    f'<th style="{TD};text-align:left;white-space:nowrap">{label}</th>'
                    + "".join(_cell(p, b) for b in snapshot.brokers)
                    + f'<td style="{TD};text-align:left">{status_html}</td></tr>')
    controller = snapshot.controller_id
    heading = title(f"Replication — {', '.join(snapshot.topics)}",
                    badge(f"controller: broker {controller}" if controller else "no active controller",
                          "controller" if controller else "down"))
    notes = []
    if any(not b.alive and b.registered for b in snapshot.brokers):
        notes.append("A crashed broker stays registered until <b>broker.session.timeout.ms</b> (9 s) has passed; "
                     "then the controller moves its leaderships and shrinks the ISRs.")
    if snapshot.missing_topics:
        notes.append(f"Topic(s) {esc(', '.join(snapshot.missing_topics))} do not exist (yet).")
    table = (f'<table data-view="replication" style="{FONT};border-collapse:collapse;margin-top:4px">'
             f'<thead><tr><th style="{TD};text-align:left">partition</th>{header}'
             f'<th style="{TD};text-align:left">health</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return heading + table + legend(LEGEND) + "".join(muted(n) for n in notes)


class ReplicationView(LiveView):
    """Live replication state of ``topics``. One refresh = 1 admin call (Metadata) + a TCP probe per broker.

    Returned by ``replication_view`` (lesson 06).
    """

    def __init__(self, topics, cluster=None, interval: float = 1.0, autostart: bool = True):
        self.topics = (topics,) if isinstance(topics, str) else tuple(topics)
        self.link = ClusterLink(cluster or course_cluster())
        self._html = widgets.HTML()
        super().__init__([self._html], interval=interval, autostart=autostart)

    def snapshot(self) -> ClusterSnapshot:
        return cluster_snapshot(self.link, self.topics)

    def render(self, snapshot: ClusterSnapshot) -> None:
        self._html.value = render_replication(snapshot)


def replication_view(topics, cluster=None, interval: float = 1.0) -> ReplicationView:
    """Show which broker leads and which follows each partition of ``topics``, live (lesson 06)."""
    return ReplicationView(topics, cluster, interval)
