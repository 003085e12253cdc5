"""Consuming for lessons and labs (introduced in lesson 01, offsets in lesson 04).

Every helper here is bounded by a count and a timeout, so a notebook cell always finishes, and uses a
fresh group id unless told otherwise, so "my consumer receives nothing" (an old group's commits, or
``auto.offset.reset=latest``) never happens by accident.
"""

import time
import uuid

from confluent_kafka import Consumer, TopicPartition

from ..connection import client_config
from ..errors import CourseError
from .records import Record, from_message
from ..session import cluster_or_course
from ..profile import namespaced

__all__ = ["consume", "consumer", "fresh_group_id", "read_partition"]


def fresh_group_id(prefix: str = "course") -> str:
    """A group id no earlier run has used, so no old commits apply (lesson 04)."""
    return namespaced(f"{prefix}-{uuid.uuid4().hex[:8]}")


def consumer(group_id: str | None = None, cluster=None, **config) -> Consumer:
    """A confluent-kafka Consumer for the course cluster (use it in a ``with`` block or close it) (course machinery)."""
    settings = {"auto_offset_reset": "earliest", **config}
    return Consumer(client_config(cluster_or_course(cluster).bootstrap_servers,
                                  group_id=group_id or fresh_group_id(), **settings))


def _drain(client: Consumer, max_records: int, timeout: float) -> list[Record]:
    records: list[Record] = []
    deadline = time.monotonic() + timeout
    while len(records) < max_records and time.monotonic() < deadline:
        for message in client.consume(min(500, max_records - len(records)), timeout=0.5):
            if message.error():
                if message.error().fatal():
                    raise CourseError(f"The consumer failed: {message.error().str()}.")
                continue
            records.append(from_message(message))
    return records


def consume(topic: str, max_records: int, timeout: float = 10, group_id: str | None = None,
            from_beginning: bool = True, cluster=None, **config) -> list[Record]:
    """Read up to ``max_records`` from ``topic`` within ``timeout`` seconds, as a (new) consumer group.

    ``from_beginning`` sets ``auto.offset.reset`` — it only matters for a group without commits.
    """
    settings = {"auto_offset_reset": "earliest" if from_beginning else "latest", **config}
    with consumer(group_id, cluster, **settings) as client:
        client.subscribe([topic])
        return _drain(client, max_records, timeout)


def read_partition(topic: str, partition: int, offset: int = 0, max_records: int = 100,
                   timeout: float = 10, cluster=None) -> list[Record]:
    """Read one partition from ``offset`` without a consumer group (assign, no commits) (lesson 00)."""
    with consumer(None, cluster, enable_auto_commit=False) as client:
        client.assign([TopicPartition(topic, partition, offset)])
        return _drain(client, max_records, timeout)
