"""A topic's log, partition by partition: where it starts, where it ends, where groups are, what is on disk.

Lesson 08 (retention and compaction) watches ``log_start`` jump when a segment is deleted, and the
segment files themselves roll, turn ``.deleted`` and disappear, on the embedded cluster's disks.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka import KafkaException

from ...connection import reason
from ...log.segments import Segment, segment_files, segments_of
from .watermarks import committed_offsets, partition_leaders, watermarks

__all__ = ["PartitionLog", "Segment", "TopicLogSnapshot", "segments_on_disk", "topic_log_snapshot"]

@dataclass(frozen=True)
class PartitionLog:
    """One partition's log: leader, log start, high watermark, groups' commits, segments on disk (course machinery)."""
    partition: int
    leader: int | None
    log_start: int | None
    high_watermark: int | None
    committed: tuple[tuple[str, int | None], ...]        # (group, offset) for each chosen group
    segments: tuple[tuple[int, tuple[Segment, ...]], ...] | None  # (broker, segments); None: no local disks

    @property
    def records(self) -> int | None:
        """Records currently in the log (high watermark − log start)."""
        if self.log_start is None or self.high_watermark is None:
            return None
        return self.high_watermark - self.log_start


@dataclass(frozen=True)
class TopicLogSnapshot:
    """The topic's log at one moment, partition by partition (``error``: why it could not be read).

    Course machinery.
    """
    taken_at: float
    topic: str
    groups: tuple[str, ...]
    partitions: tuple[PartitionLog, ...]
    error: str | None = None
    admin_calls: int = 3


def segments_on_disk(cluster, topic: str, partition: int) -> tuple[tuple[int, tuple[Segment, ...]], ...] | None:
    """(broker, segments by base offset) for each broker holding a replica on this machine's disk (course machinery).

    The newest ``.log`` file is the active segment. None when the cluster's data is not on local disks
    (the Docker stack). No admin call.
    """
    found, local = [], False
    for node in cluster.nodes:
        data_dir = getattr(node, "data_dir", None)
        if data_dir is None or not Path(data_dir).is_dir():
            continue
        local = True
        try:
            segments = segments_of(segment_files(Path(data_dir) / f"{topic}-{partition}"))
        except OSError:  # no replica of this partition on this broker
            continue
        found.append((node.node_id, tuple(segments)))
    return tuple(found) if local else None


def topic_log_snapshot(link, topic: str, groups: tuple[str, ...] = (), disk: bool = True) -> TopicLogSnapshot:
    """Log-start, high watermark and each group's committed offset per partition, plus segment files (course machinery).

    Cost: 3 admin calls (Metadata, ListOffsets earliest, ListOffsets latest) + 1 OffsetFetch per
    group; segment files are read from the local data dirs (``disk=False`` skips them).
    """
    groups = tuple(groups)
    try:
        metadata = link.metadata()
    except KafkaException as exc:
        return TopicLogSnapshot(time.time(), topic, groups, (), f"no broker answered ({reason(exc)})")
    leaders = partition_leaders(metadata, [topic])
    if not leaders:
        return TopicLogSnapshot(time.time(), topic, groups, (), f"topic {topic!r} does not exist (yet)")
    start, end = watermarks(link, leaders, "earliest"), watermarks(link, leaders, "latest")
    committed = {group: committed_offsets(link, group, sorted(leaders)) for group in groups}
    partitions = tuple(
        PartitionLog(p, leaders[(topic, p)], start[(topic, p)], end[(topic, p)],
                     tuple((g, committed[g].get((topic, p))) for g in groups),
                     segments_on_disk(link.cluster, topic, p) if disk else None)
        for _, p in sorted(leaders))
    return TopicLogSnapshot(time.time(), topic, groups, partitions, admin_calls=3 + len(groups))
