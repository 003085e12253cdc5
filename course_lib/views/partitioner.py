"""The partitioner view: type a key, see the partition a Java producer and a Python producer pick.

Lesson 02 uses it to show that the same key can land in different partitions depending on the client:
Java hashes with murmur2, librdkafka (confluent-kafka) by default with CRC32. Nothing here talks to
the cluster, so there is no refresh thread.
"""

import ipywidgets as widgets

from ..clients.partitioning import crc32, key_bytes, murmur2, partition_for
from .style import BODY_PX, COLORS, FONT, SMALL_PX, STYLESHEET, esc, title

__all__ = ["PartitionerView", "partitioner_view", "render_partitioner"]

TD = f"padding:6px 14px;border-bottom:1px solid #ddd;font-size:{BODY_PX}px;text-align:left"
JAVA, PYTHON = COLORS["leader"][0], COLORS["out-of-sync"][0]


def _strip(partitions: int, java: int | None, python: int | None) -> str:
    boxes = []
    for p in range(partitions):
        marks = ("J" if p == java else "") + ("Py" if p == python else "")
        bg = JAVA if p == java and p != python else PYTHON if p == python and p != java else \
            f"linear-gradient(90deg, {JAVA} 50%, {PYTHON} 50%)" if marks else "#f2f2f2"
        boxes.append(f'<div data-box="{p}" style="display:inline-block;width:56px;margin:2px;text-align:center;'
                     f'border-radius:6px;background:{bg};color:{"#fff" if marks else "#555"};font-weight:bold;'
                     f'padding:6px 0;font-size:{BODY_PX}px">p{p}<div style="font-size:{SMALL_PX}px">{marks or "&nbsp;"}</div></div>')
    return f'<div style="margin-top:8px">{"".join(boxes)}</div>'


def render_partitioner(key: str, partitions: int) -> str:
    """The HTML for ``key`` over ``partitions`` partitions (pure) (course machinery)."""
    data = key_bytes(key)
    java = partition_for(data, partitions, "murmur2_random")
    python = partition_for(data, partitions, "consistent_random")
    where = lambda p: "sticky (any partition)" if p is None else f"p{p}"  # noqa: E731
    rows = [
        ("Java producer / confluent-kafka with partitioner='murmur2_random'", f"murmur2 = 0x{murmur2(data):08x}",
         where(java), JAVA),
        ("confluent-kafka default (partitioner='consistent_random')", f"CRC32 = 0x{crc32(data):08x}",
         where(python), PYTHON),
    ]
    body = "".join(
        f'<tr><td style="{TD}"><span style="display:inline-block;width:16px;height:16px;background:{color};'
        f'margin-right:8px;border-radius:3px"></span>{esc(who)}</td><td style="{TD};font-family:monospace">{h}</td>'
        f'<td style="{TD};font-weight:bold" data-partitioner="{"java" if color == JAVA else "python"}">{p}</td></tr>'
        for who, h, p, color in rows)
    verdict = ("Both clients pick the same partition." if java == python else
               "The two clients disagree: records with this key would be split across partitions.")
    if data == b"":
        verdict = "An empty key: Java hashes it like any other key; librdkafka's default treats it like no key (sticky)."
    table = (f'<table data-view="partitioner" style="{FONT};border-collapse:collapse">'
             f'<thead><tr><th style="{TD}">producer</th><th style="{TD}">hash of the key bytes</th>'
             f'<th style="{TD}">partition</th></tr></thead><tbody>{body}</tbody></table>')
    return (title(f"Key {key!r} → partition, with {partitions} partitions") + table + _strip(partitions, java, python)
            + f'<div style="{FONT};font-size:{BODY_PX}px;margin-top:10px">{esc(verdict)}</div>')


class PartitionerView(widgets.VBox):
    """A key box and a partition-count slider; the table below updates as you type.

    Returned by ``partitioner_view`` (lesson 02).
    """

    def __init__(self, key: str = "customer-42", partitions: int = 6):
        self.key = widgets.Text(value=key, description="key", continuous_update=True,
                                style={"description_width": "70px"}, layout=widgets.Layout(width="460px"))
        self.partitions = widgets.IntSlider(value=partitions, min=1, max=24, description="partitions",
                                            style={"description_width": "120px"}, layout=widgets.Layout(width="520px"))
        self._html = widgets.HTML()
        for control in (self.key, self.partitions):
            control.observe(lambda _change: self.update(), names="value")
        super().__init__([widgets.HTML(STYLESHEET), widgets.HBox([self.key, self.partitions]), self._html])
        self.add_class("course-view")
        self.update()

    def update(self) -> None:
        self._html.value = render_partitioner(self.key.value, self.partitions.value)


def partitioner_view(key: str = "customer-42", partitions: int = 6) -> PartitionerView:
    """Type a key and see which partition each client's partitioner picks (lesson 02)."""
    return PartitionerView(key, partitions)
