"""Produce and consume rates, from how fast the high watermarks and committed offsets move.

Polling offsets needs no cooperation from the clients, so it measures *any* producer or consumer
— a learner's notebook, a Java tool, the instructor's burst — the way a lag monitor does.
"""

import time
from dataclasses import dataclass

from confluent_kafka import KafkaException

from ...connection import reason
from .watermarks import committed_offsets, partition_leaders, watermarks

__all__ = ["OffsetTotals", "ThroughputPoint", "offset_totals", "rates"]


@dataclass(frozen=True)
class OffsetTotals:
    """High watermarks and the groups' committed offsets at one moment: what ``rates`` compares (course machinery)."""
    taken_at: float
    topic: str
    produced: dict              # (topic, partition) → high watermark, where known
    consumed: dict              # group → {(topic, partition) → committed offset}
    error: str | None = None
    admin_calls: int = 2


@dataclass(frozen=True)
class ThroughputPoint:
    """Records per second produced, and consumed per group, between two ``OffsetTotals`` (course machinery)."""
    at: float
    produced_per_s: float | None
    consumed_per_s: dict        # group → records/s (None: not measurable this time)


def offset_totals(link, topic: str, groups: tuple[str, ...] = ()) -> OffsetTotals:
    """Current high watermarks and committed offsets. Cost: 2 admin calls + 1 per group (course machinery)."""
    try:
        leaders = partition_leaders(link.metadata(), [topic])
    except KafkaException as exc:
        return OffsetTotals(time.time(), topic, {}, {}, f"no broker answered ({reason(exc)})")
    produced = {tp: hw for tp, hw in watermarks(link, leaders, "latest").items() if hw is not None}
    consumed = {g: {tp: o for tp, o in committed_offsets(link, g, sorted(leaders)).items() if o is not None}
                for g in groups}
    return OffsetTotals(time.time(), topic, produced, consumed, admin_calls=2 + len(groups))


def _rate(before: dict, after: dict, seconds: float) -> float | None:
    common = before.keys() & after.keys()
    if not common or seconds <= 0:
        return None
    # max(…, 0): a log truncated by an unclean leader election or a reset group must not look negative
    return sum(max(after[k] - before[k], 0) for k in common) / seconds


def rates(previous: OffsetTotals, current: OffsetTotals) -> ThroughputPoint:
    """Records per second between two totals, over the partitions known in both (a dead leader drops out).

    Course machinery.
    """
    seconds = current.taken_at - previous.taken_at
    return ThroughputPoint(current.taken_at, _rate(previous.produced, current.produced, seconds),
                           {g: _rate(previous.consumed.get(g, {}), offsets, seconds)
                            for g, offsets in current.consumed.items()})
