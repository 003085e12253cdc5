"""Producing for lessons and labs (introduced in lesson 01).

``produce`` always flushes and checks every delivery report: a record counts as sent only when the
broker acknowledged it. (Forgetting ``flush()`` is the classic way to lose messages — lesson 01 shows it.)
"""

from collections.abc import Iterable

from confluent_kafka import Producer

from ..connection import client_config
from ..errors import CourseError
from .records import Record, from_message, to_bytes
from ..session import cluster_or_course

__all__ = ["produce", "produce_one", "producer"]


def producer(cluster=None, **config) -> Producer:
    """A confluent-kafka Producer for the course cluster; ``config`` keys use ``_`` for ``.`` (course machinery)."""
    return Producer(client_config(cluster_or_course(cluster).bootstrap_servers, **config))


def _as_pair(item):
    if isinstance(item, tuple) and len(item) == 2:
        return item
    return None, item


def produce(topic: str, records: Iterable, cluster=None, headers: dict | None = None,
            timeout: float = 30, **config) -> list[Record]:
    """Send ``records`` (values, or ``(key, value)`` pairs) and return what the broker stored, in order sent.

    Raises ``CourseError`` if any record was not acknowledged (with Kafka's reason).
    """
    client = producer(cluster, **config)
    reports: list = []

    def on_delivery(error, message):
        reports.append((error, message))

    count = 0
    for item in records:
        key, value = _as_pair(item)
        while True:
            try:
                client.produce(topic, key=to_bytes(key), value=to_bytes(value),
                               headers=[(k, to_bytes(v)) for k, v in (headers or {}).items()] or None,
                               on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: let deliveries drain, then retry
                client.poll(0.1)
        count += 1
        client.poll(0)
    left = client.flush(timeout)
    failures = [error for error, _ in reports if error is not None]
    if left or failures:
        reason = failures[0].str() if failures else f"{left} records still queued after {timeout:.0f} s"
        raise CourseError(f"{len(failures) + left} of {count} records to {topic!r} were not acknowledged "
                          f"({reason}); check the cluster with `python -m course_lib status`.")
    return [from_message(message) for _, message in reports]


def produce_one(topic: str, value, key=None, cluster=None, headers: dict | None = None, **config) -> Record:
    """Send one record and return where it landed (partition, offset, timestamp) (lesson 00)."""
    return produce(topic, [(key, value)], cluster=cluster, headers=headers, **config)[0]
