"""Where a consumer group stands in a topic: lag, and the offsets that match a point in time (lesson 04).

Lag is "records written but not yet committed by the group": the partition's end offset (the high
watermark, the offset the *next* record will get) minus the group's committed offset (the offset the
group will read next). Both are offsets of the next record, so the subtraction needs no ``+ 1``.
"""

from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException, TopicPartition

from .admin import ask_watermarks, committed_offsets, describe_topic, watermarks
from ..connection import client_config
from ..session import cluster_or_course
from ..waiting import poll_until
from ..profile import namespaced

__all__ = ["PartitionLag", "lag", "total_lag", "offsets_for_time"]


@dataclass(frozen=True)
class PartitionLag:
    """One partition's committed offset, end and start; ``lag`` is what the group has still to read.

    Returned by ``lag`` (lesson 04).
    """
    partition: int
    committed: int | None  # None: the group never committed here (it would start at auto.offset.reset)
    end: int               # high watermark
    start: int             # log start offset

    @property
    def lag(self) -> int:
        """Records the group has still to read; from the log start when it never committed."""
        return self.end - (self.committed if self.committed is not None else self.start)


def lag(group: str, topic: str, cluster=None) -> list[PartitionLag]:
    """The group's position and lag on every partition of ``topic`` (lesson 04)."""
    committed = committed_offsets(group, topic, cluster)
    return [PartitionLag(p, committed.get(p), high, low) for p, (low, high) in sorted(watermarks(topic, cluster).items())]


def total_lag(group: str, topic: str, cluster=None) -> int:
    """The sum of ``lag`` over the partitions: what a lag monitor alerts on (lesson 04)."""
    return sum(row.lag for row in lag(group, topic, cluster))


def offsets_for_time(topic: str, timestamp_ms: int, cluster=None) -> dict[int, int]:
    """``{partition: offset of the first record with timestamp >= timestamp_ms}`` (lesson 04).

    A partition with no record that recent maps to its end offset (reading from there waits for new
    records). This is ``Consumer.offsets_for_times``, which asks each partition leader's time index.
    """
    bootstrap = cluster_or_course(cluster).bootstrap_servers
    partitions = [p.partition for p in describe_topic(topic, cluster).partitions]
    with Consumer(client_config(bootstrap, group_id=namespaced("course-offsets-for-time"), enable_auto_commit=False)) as client:
        def ask() -> list[TopicPartition]:
            found = client.offsets_for_times([TopicPartition(topic, p, timestamp_ms) for p in partitions], timeout=10)
            failed = [tp.error for tp in found if tp.error is not None]
            if failed:  # a leader that moved a moment ago, say: asked again
                raise KafkaException(failed[0])
            return found
        found = poll_until(ask, f"the offsets by time in {topic!r}", 30, every=0.5, done=lambda _: True,
                           retry_on=(KafkaException,), advice="Check the cluster with `python -m course_lib status`.")
        ends = ask_watermarks(client, topic, [tp.partition for tp in found if tp.offset < 0])
        return {tp.partition: tp.offset if tp.offset >= 0 else ends[tp.partition][1] for tp in found}
