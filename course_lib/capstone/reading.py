"""Read a whole topic as it stands, committed data only or everything (introduced in lesson 13).

``isolation_level`` is the point of the capstone's last experiment: ``read_committed`` (librdkafka's
default) hides records of aborted transactions; ``read_uncommitted`` shows every record in the log,
including those an aborted transaction wrote.
"""

import json
import time

from confluent_kafka import KafkaError, TopicPartition

from ..admin import describe_topic
from ..consume import consumer
from ..errors import CourseError
from ..records import Record, from_message

__all__ = ["latest_by_key", "read_json_values", "read_to_end"]

ISOLATION_LEVELS = ("read_committed", "read_uncommitted")


def read_to_end(topic: str, isolation_level: str = "read_committed", timeout: float = 30,
                cluster=None) -> list[Record]:
    """Every record of every partition of ``topic``, from the beginning to the current end."""
    if isolation_level not in ISOLATION_LEVELS:
        raise CourseError(f"isolation_level={isolation_level!r} is not one of {', '.join(ISOLATION_LEVELS)}.")
    partitions = [p.partition for p in describe_topic(topic, cluster).partitions]
    client = consumer(None, cluster, enable_auto_commit=False, enable_partition_eof=True,
                      isolation_level=isolation_level)
    records: list[Record] = []
    at_end: set[int] = set()
    try:
        client.assign([TopicPartition(topic, p, 0) for p in partitions])
        deadline = time.monotonic() + timeout
        while len(at_end) < len(partitions):
            if time.monotonic() > deadline:
                raise CourseError(f"Could not read {topic!r} to its end within {timeout:.0f} s; "
                                  "check the cluster with `python -m course_lib status`.")
            for message in client.consume(500, timeout=0.5):
                error = message.error()
                if error is None:
                    records.append(from_message(message))
                    at_end.discard(message.partition())
                elif error.code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
    finally:
        client.close()
    return records


def read_json_values(topic: str, isolation_level: str = "read_committed", cluster=None) -> list[dict]:
    """The JSON values of every record in ``topic`` (tombstones left out)."""
    return [json.loads(r.value) for r in read_to_end(topic, isolation_level, cluster=cluster) if r.value is not None]


def latest_by_key(topic: str, isolation_level: str = "read_committed", cluster=None) -> dict[str, dict]:
    """``{key: latest JSON value}`` — the topic read as a table, as compaction will eventually leave it."""
    table: dict[str, dict] = {}
    for record in read_to_end(topic, isolation_level, cluster=cluster):
        if record.value is None:
            table.pop(record.key, None)
        else:
            table[record.key] = json.loads(record.value)
    return table
