"""Read a whole topic as it is now: every partition from its log start to its end, once.

Lessons that count what is stored (lost or duplicated records in lesson 07, what compaction kept in
lesson 08) need "everything, then stop" — not a consumer that waits for more. Partition EOF events
say when each partition is read to its end. Introduced in lesson 07.

A ``read_committed`` reader's end is the *last stable offset*. ``commit_transaction()`` returns before the
brokers have written the commit markers, so right after it the last stable offset can still trail the high
watermark for a moment: an end reached below the high watermark counts only once it has held for
``SETTLE_SECONDS`` (a transaction that really is open holds it for good).
"""

import time
import uuid

from confluent_kafka import Consumer, KafkaError, TopicPartition

from .admin import ask_watermarks, describe_topic
from ..connection import client_config
from ..errors import CourseError
from .records import Record, from_message
from ..session import cluster_or_course
from ..profile import namespaced

__all__ = ["read_all"]

SETTLE_SECONDS = 3.0


def _watermarks(topic: str, partitions: list[int], cluster) -> dict[int, tuple[int, int]]:
    """``{partition: (log start, high watermark)}``, asked as read_uncommitted: a read_committed client's
    "high" is the last stable offset instead."""
    with Consumer(client_config(cluster.bootstrap_servers, group_id=namespaced(f"read-all-{uuid.uuid4().hex[:8]}"),
                                isolation_level="read_uncommitted")) as probe:
        return ask_watermarks(probe, topic, partitions)


def read_all(topic: str, isolation_level: str = "read_uncommitted", cluster=None, timeout: float = 30) -> list[Record]:
    """Every record of ``topic`` a consumer with ``isolation_level`` gets, ordered by partition and offset (lesson 02).

    ``read_uncommitted`` returns everything in the log (aborted transactions too); ``read_committed``
    skips aborted records and stops before any transaction still open (the *last stable offset*).
    """
    if isolation_level not in ("read_committed", "read_uncommitted"):
        raise CourseError(f"isolation_level={isolation_level!r} is not a Kafka isolation level; "
                          "use 'read_committed' or 'read_uncommitted'.")
    cluster = cluster_or_course(cluster)
    partitions = [p.partition for p in describe_topic(topic, cluster).partitions]
    with Consumer(client_config(cluster.bootstrap_servers, group_id=namespaced(f"read-all-{uuid.uuid4().hex[:8]}"),
                                enable_auto_commit=False, isolation_level=isolation_level,
                                enable_partition_eof=True)) as consumer:
        marks = _watermarks(topic, partitions, cluster)
        consumer.assign([TopicPartition(topic, p, low) for p, (low, high) in marks.items()])
        records, finished = [], set()
        below_high_since: dict[int, float] = {}  # partition → when it first ended below its high watermark
        deadline = time.monotonic() + timeout
        while len(finished) < len(partitions):
            if time.monotonic() > deadline:
                raise CourseError(f"Reading {topic!r} ({isolation_level}) did not reach the end of every partition "
                                  f"within {timeout:.0f} s; an open transaction blocks read_committed readers, "
                                  "or the cluster is struggling (`python -m course_lib status`).")
            for message in consumer.consume(500, timeout=0.5):
                if message.error():
                    if message.error().code() == KafkaError._PARTITION_EOF:
                        if message.offset() < marks[message.partition()][1]:
                            below_high_since.setdefault(message.partition(), time.monotonic())
                        else:
                            finished.add(message.partition())
                    continue
                records.append(from_message(message))
            finished |= {p for p, since in below_high_since.items() if time.monotonic() - since >= SETTLE_SECONDS}
        return sorted(records, key=lambda r: (r.partition, r.offset))
