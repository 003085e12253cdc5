"""The offsets / log view: per partition, where the log starts and ends, where groups are, what is on disk.

Lesson 08 (retention and compaction) sets a short ``segment.ms`` and ``retention.ms`` and watches
segments roll, turn ``.deleted`` and vanish, and the log-start offset jump — while a group's
committed offset may fall behind the log start (the records it has not read are gone).
"""

import ipywidgets as widgets

from ..cluster import course_cluster
from .live import LiveView
from .snapshots import ClusterLink, PartitionLog, Segment, TopicLogSnapshot, topic_log_snapshot
from .style import BODY_PX, COLORS, FONT, SMALL_PX, esc, legend, muted, title

__all__ = ["OffsetsView", "offsets_view", "render_offsets"]

TD = f"padding:6px 10px;border-bottom:1px solid #ddd;font-size:{BODY_PX}px;text-align:right;vertical-align:top"
SEGMENT_STYLE = {
    "active": ("#ffffff", "#009E73", "3px solid #009E73"),
    "closed": ("#e8f1fa", "#003b63", "2px solid #0072B2"),
    "deleted": ("#eeeeee", "#888888", "2px dashed #999999"),
    "compacting": ("#fff4dc", "#6b4a00", "2px dashed #E69F00"),
}
SEGMENT_LEGEND = [("#ffffff", "", "active segment (being written)"), ("#e8f1fa", "", "closed segment"),
                  ("#eeeeee", "", "deleted, removed after file.delete.delay.ms"),
                  ("#fff4dc", "", "being compacted")]


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def _segment_chip(segment: Segment, last: int | None) -> str:
    bg, fg, border = SEGMENT_STYLE[segment.state]
    span = f"{segment.base_offset:,}–{last:,}" if last is not None and last >= segment.base_offset else f"{segment.base_offset:,}–"
    if segment.state == "active" and (last is None or last < segment.base_offset):
        span = f"{segment.base_offset:,}– (empty)"
    return (f'<span data-segment="{segment.base_offset}" data-state="{segment.state}" '
            f'style="display:inline-block;background:{bg};color:{fg};border:{border};border-radius:6px;'
            f'padding:2px 8px;margin:2px 4px 2px 0;font-size:{SMALL_PX}px;white-space:nowrap" '
            f'title="{esc(segment.file)}">offsets {span} · {_size(segment.size)}</span>')


def _segments_cell(log: PartitionLog) -> str:
    if log.segments is None:
        return '<span style="color:#777">not on this machine\'s disk (Docker stack)</span>'
    shown = dict(log.segments)
    broker = log.leader if log.leader in shown else next(iter(shown), None)
    if broker is None:
        return '<span style="color:#777">no segment files yet</span>'
    segments = shown[broker]
    live = [s for s in segments if s.state != "deleted"]
    chips = []
    for s in segments:
        following = [n.base_offset for n in live if n.base_offset > s.base_offset]
        end = (following[0] - 1) if following else (log.high_watermark - 1 if log.high_watermark else None)
        chips.append(_segment_chip(s, end))
    who = "leader" if broker == log.leader else "replica"
    return (f'<div style="font-size:{SMALL_PX}px;color:#555;text-align:left">on broker {broker} ({who}):</div>'
            f'<div style="text-align:left">{"".join(chips)}</div>')


def _offset(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def render_offsets(snapshot: TopicLogSnapshot) -> str:
    """The view's HTML for one snapshot (course machinery)."""
    group_heads = "".join(f'<th style="{TD}">committed by<br>{esc(g)}</th>' for g in snapshot.groups)
    rows = []
    for log in snapshot.partitions:
        committed = "".join(
            f'<td style="{TD};{"color:" + COLORS["down"][0] + ";font-weight:bold" if (o is not None and log.log_start is not None and o < log.log_start) else ""}">'
            f'{"—" if o is None else f"{o:,}"}</td>' for _, o in log.committed)
        rows.append(f'<tr data-partition="{log.partition}" data-log-start="{_offset(log.log_start)}" '
                    f'data-high-watermark="{_offset(log.high_watermark)}">'
                    f'<th style="{TD};text-align:left">p{log.partition}</th>'
                    f'<td style="{TD}">{"—" if log.leader is None else log.leader}</td>'
                    f'<td style="{TD}">{_offset(log.log_start)}</td><td style="{TD}">{_offset(log.high_watermark)}</td>'
                    f'<td style="{TD}">{_offset(log.records)}</td>{committed}'
                    f'<td style="{TD};text-align:left;max-width:720px">{_segments_cell(log)}</td></tr>')
    head = (f'<th style="{TD};text-align:left">partition</th><th style="{TD}">leader</th>'
            f'<th style="{TD}">log start</th><th style="{TD}">high watermark</th><th style="{TD}">records</th>'
            f'{group_heads}<th style="{TD};text-align:left">segment files</th>')
    table = (f'<table data-view="offsets" style="{FONT};border-collapse:collapse">'
             f'<thead><tr style="border-bottom:2px solid #333">{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    note = muted("A committed offset in red is older than the log start: retention deleted records the group "
                 "never read, and it will jump to <code>auto.offset.reset</code>.") if snapshot.groups else ""
    return title(f"Log of topic {snapshot.topic}") + table + legend(SEGMENT_LEGEND) + note


class OffsetsView(LiveView):
    """Live log of ``topic``. One refresh = 3 admin calls + 1 per group, plus listing the data dirs.

    Returned by ``offsets_view`` (lesson 08).
    """

    def __init__(self, topic: str, groups=(), cluster=None, interval: float = 1.0, autostart: bool = True):
        self.topic = topic
        self.groups = (groups,) if isinstance(groups, str) else tuple(groups)
        self.link = ClusterLink(cluster or course_cluster())
        self._html = widgets.HTML()
        super().__init__([self._html], interval=interval, autostart=autostart)

    def snapshot(self) -> TopicLogSnapshot:
        return topic_log_snapshot(self.link, self.topic, self.groups)

    def render(self, snapshot: TopicLogSnapshot) -> None:
        if snapshot.partitions or not self._html.value:
            self._html.value = render_offsets(snapshot)


def offsets_view(topic: str, groups=(), cluster=None, interval: float = 1.0) -> OffsetsView:
    """Show log start, high watermark, committed offsets and segment files of ``topic``, live (lesson 08)."""
    return OffsetsView(topic, groups, cluster, interval)
