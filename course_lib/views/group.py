"""The consumer-group view: members, who owns which partition, committed offsets, lag, rebalances.

Lesson 05 adds consumers one by one and watches the partitions being shared out (one colour per
member), then stops one and watches its partitions move; lag bars show who is falling behind.
"""

import time

import ipywidgets as widgets

from ..cluster import course_cluster
from .charts import Series, bar_chart
from .live import LiveView
from .snapshots import ClusterLink, GroupSnapshot, RebalanceEvent, group_snapshot, track_rebalances
from .style import BODY_PX, FONT, badge, esc, member_color, muted, title

__all__ = ["GroupView", "group_view", "render_members", "render_partitions", "render_history"]

TD = f"padding:6px 14px;border-bottom:1px solid #ddd;font-size:{BODY_PX}px;text-align:left"
UNASSIGNED = "#9e9e9e"


def _pill(text: str, color: str) -> str:
    return (f'<span style="background:{color};color:#fff;padding:2px 10px;border-radius:6px;'
            f'font-weight:bold;white-space:nowrap">{esc(text)}</span>')


def _table(headers: list[str], rows: list[str], view: str) -> str:
    head = "".join(f'<th style="{TD};border-bottom:2px solid #333">{h}</th>' for h in headers)
    return (f'<table data-view="{view}" style="{FONT};border-collapse:collapse;margin:4px 24px 10px 0">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def render_members(snapshot: GroupSnapshot, colors: dict[str, str]) -> str:
    """The members table: each member and the partitions assigned to it (course machinery)."""
    if not snapshot.members:
        return muted(f"No consumer is in group <b>{esc(snapshot.group_id)}</b> right now.")
    rows = [f'<tr data-member="{esc(m.client_id)}"><td style="{TD}">{_pill(m.client_id, colors[m.member_id])}</td>'
            f'<td style="{TD}">{esc(", ".join(f"p{p}" for _, p in m.partitions) or "— (idle: no partition)")}</td></tr>'
            for m in snapshot.members]
    return _table(["member", "assigned partitions"], rows, "members")


def render_partitions(snapshot: GroupSnapshot, colors: dict[str, str], names: dict[str, str]) -> str:
    """The partitions table: owner, committed offset, log end and lag of each partition (course machinery)."""
    rows = []
    for p in snapshot.partitions:
        owner = _pill(names[p.owner], colors[p.owner]) if p.owner in colors else '<span style="color:#777">unassigned</span>'
        lag = "?" if p.lag is None else f"{p.lag:,}"
        rows.append(f'<tr data-partition="{p.partition}" data-owner="{esc(names.get(p.owner, ""))}">'
                    f'<td style="{TD}">{esc(p.topic)} · p{p.partition}</td><td style="{TD}">{owner}</td>'
                    f'<td style="{TD};text-align:right">{"—" if p.committed is None else f"{p.committed:,}"}</td>'
                    f'<td style="{TD};text-align:right">{"?" if p.log_end is None else f"{p.log_end:,}"}</td>'
                    f'<td style="{TD};text-align:right;font-weight:bold">{lag}</td></tr>')
    return _table(["partition", "owner", "committed", "log end", "lag"], rows, "partitions")


def render_history(history: tuple[RebalanceEvent, ...]) -> str:
    """The rebalances this view has seen, newest first (empty when none) (course machinery)."""
    if not history:
        return ""
    rows = [f'<tr><td style="{TD}">#{e.number}</td><td style="{TD}">{time.strftime("%H:%M:%S", time.localtime(e.at))}</td>'
            f'<td style="{TD}">{e.members} · {esc(e.state)}</td>'
            f'<td style="{TD};color:#007a57">{esc(", ".join(e.joined)) or "—"}</td>'
            f'<td style="{TD};color:#b34700">{esc(", ".join(e.left)) or "—"}</td></tr>'
            for e in reversed(history)]
    return (f'<div style="{FONT};font-size:{BODY_PX}px;font-weight:bold;margin-top:8px">Rebalances seen</div>'
            + _table(["", "settled at", "members", "joined", "left"], rows, "rebalances"))


class GroupView(LiveView):
    """Live view of consumer group ``group_id`` (returned by ``group_view``, lesson 05).

    One refresh = 4 admin calls (DescribeGroups, OffsetFetch, Metadata, ListOffsets). Kafka does not
    report a classic group's generation id to admin clients, so rebalances are numbered as this view
    sees them settle.
    """

    keeps_history = True

    def __init__(self, group_id: str, topics=(), cluster=None, interval: float = 1.0, autostart: bool = True):
        self.group_id = group_id
        self.topics = (topics,) if isinstance(topics, str) else tuple(topics)
        self.link = ClusterLink(cluster or course_cluster())
        self.history: tuple[RebalanceEvent, ...] = ()
        self._colors: dict[str, str] = {}   # member_id → colour, kept while the member lives
        self._names: dict[str, str] = {}
        self._heading, self._members, self._partitions, self._history = (widgets.HTML() for _ in range(4))
        self.chart = widgets.HTML()
        tables = widgets.HBox([self._members, self._partitions], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([self._heading, tables, self.chart, self._history], interval=interval, autostart=autostart)

    def snapshot(self) -> GroupSnapshot:
        return group_snapshot(self.link, self.group_id, self.topics)

    def _color_members(self, snapshot: GroupSnapshot) -> None:
        for member in snapshot.members:
            if member.member_id not in self._colors:
                used = set(self._colors.values())
                free = [member_color(i) for i in range(64) if member_color(i) not in used]
                self._colors[member.member_id] = free[0] if free else member_color(len(self._colors))
            self._names[member.member_id] = member.client_id
        current = {m.member_id for m in snapshot.members}
        self._colors = {m: c for m, c in self._colors.items() if m in current}

    def render(self, snapshot: GroupSnapshot) -> None:
        if snapshot.error:
            return  # keep showing the last good state; the banner says what is wrong
        self.history = track_rebalances(self.history, snapshot)
        self._color_members(snapshot)
        state_kind = {"STABLE": "up", "EMPTY": "info", "DEAD": "info"}.get(snapshot.state, "warn")
        coordinator = f"coordinator: broker {snapshot.coordinator}" if snapshot.coordinator is not None else ""
        self._heading.value = title(f"Consumer group {snapshot.group_id}",
                                    f'{badge(snapshot.state, state_kind)} '
                                    f'<span style="font-weight:normal;font-size:{BODY_PX}px">'
                                    f'{len(snapshot.members)} member(s) · total lag {snapshot.total_lag:,} · '
                                    f'{coordinator}</span>')
        self._members.value = render_members(snapshot, self._colors)
        self._partitions.value = render_partitions(snapshot, self._colors, self._names)
        self._history.value = render_history(self.history)
        self._draw_lag(snapshot)

    def _draw_lag(self, snapshot: GroupSnapshot) -> None:
        """One bar per partition, coloured by the member that owns it (the legend names the members)."""
        categories = [f"{p.topic}-{p.partition}" if len(self.topics) > 1 else f"p{p.partition}"
                      for p in snapshot.partitions]
        def owner(p) -> str | None:  # None = unassigned (or a member this view has not coloured yet)
            return p.owner if p.owner in self._colors else None

        owners = {}  # owner → (name, colour), in the order the partitions list them
        for p in snapshot.partitions:
            key = owner(p)
            owners.setdefault(key, (self._names[key], self._colors[key]) if key else ("unassigned", UNASSIGNED))
        series = [Series(name, color, tuple((p.lag or 0) if owner(p) == key else 0 for p in snapshot.partitions))
                  for key, (name, color) in owners.items()]
        self.chart.value = bar_chart("lag", "Lag per partition (records not yet committed)", "lag (records)",
                                     categories, series)


def group_view(group_id: str, topics=(), cluster=None, interval: float = 1.0) -> GroupView:
    """Show members, assignment, committed offsets, lag and rebalances of ``group_id``, live (lesson 05)."""
    return GroupView(group_id, topics, cluster, interval)
