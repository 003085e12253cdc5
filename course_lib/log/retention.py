"""Watch retention and compaction happen: segment files on disk, records per key.

Neither retention nor compaction happens when a record expires or is overwritten: the broker looks at
*closed segments* on its own schedule (``log.retention.check.interval.ms``, the log cleaner's
back-off). So a lesson rolls segments (small ``segment.ms``), then polls until the effect is visible
(``course_lib.waiting.poll_until``) and reports how long it took. Introduced in lesson 08.
"""

from collections import Counter

from ..clients.admin import partition_leader
from .segments import Segment, segment_files, segments_of
from ..clients.records import Record
from ..session import cluster_or_course

__all__ = ["Segment", "segments", "segments_text", "key_counts", "latest_values"]


def segments(topic: str, partition: int = 0, cluster=None) -> list[Segment]:
    """The ``.log`` files of one partition on its leader, oldest first (``.cleaned``/``.swap`` files left out).

    Introduced in lesson 03.
    """
    cluster = cluster_or_course(cluster)
    leader = cluster.node(partition_leader(topic, partition, cluster))
    return segments_of(segment_files(leader, topic, partition, suffixes=("log", "log.deleted")))


def segments_text(topic: str, partition: int = 0, cluster=None) -> str:
    """One line per segment, for printing: base offset, size and state."""
    return "\n".join(f"  {s.base_offset:020d}.log  {s.size:7d} bytes  {s.state}"
                     for s in segments(topic, partition, cluster)) or "  (no segment files)"


def key_counts(records: list[Record]) -> Counter:
    """How many records each key has."""
    return Counter(record.key for record in records)


def latest_values(records: list[Record]) -> dict:
    """Each key's last value in offset order (``None`` for a tombstone) — what compaction keeps."""
    latest = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        latest[record.key] = record.value
    return latest
