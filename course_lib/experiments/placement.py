"""Where keyed records really land, and who reads them (introduced in lesson 02).

``course_lib.clients.partitioning`` *predicts* a key's partition; this module gathers the *evidence*: the
partitions a topic's records were stored in, per key, whether a Python or a Java producer sent them
(``java_produce`` runs Kafka's own console producer, i.e. the Java client), and which member of a
consumer group received each record (``ConsumerGroup``).
"""

import time
from collections import defaultdict
from collections.abc import Iterable

from confluent_kafka import Consumer

from ..connection import client_config
from ..clients.consume import fresh_group_id
from ..errors import CourseError
from ..toolchain.kafka_tools import ToolRun, run_tool
from ..clients.records import Record, from_message
from ..session import cluster_or_course
from ..waiting import poll_until

__all__ = ["partitions_by_key", "java_produce", "ConsumerGroup"]


def partitions_by_key(records: Iterable[Record]) -> dict[str, set[int]]:
    """``{key: partitions its records are in}`` — one partition per key, unless something moved it."""
    found: dict[str, set[int]] = defaultdict(set)
    for record in records:
        found[record.key].add(record.partition)
    return dict(found)


def java_produce(topic: str, pairs: Iterable[tuple[str, str]], cluster=None) -> ToolRun:
    """Send ``(key, value)`` pairs with Kafka's console producer — the Java client and its murmur2 partitioner."""
    lines = []
    for key, value in pairs:
        if any(c in f"{key}{value}" for c in "\t\n") or not key:
            raise CourseError(f"The pair ({key!r}, {value!r}) cannot be typed into the console producer; "
                              "keys must be non-empty and neither keys nor values may hold tabs or newlines.")
        lines.append(f"{key}\t{value}\n")
    cluster = cluster_or_course(cluster)
    return run_tool("kafka-console-producer", "--bootstrap-server", cluster.bootstrap_servers, "--topic", topic,
                    "--reader-property", "parse.key=true", "--reader-property", "key.separator=\t", input="".join(lines))


class ConsumerGroup:
    """``size`` consumers in one new group, polled in turn from this thread (no background threads).

    Use it in a ``with`` block: entering subscribes every member and waits until each one has been
    assigned partitions; leaving closes them, so the group is gone at once. Produce *after* entering,
    so no record is read by one member and then, after a rebalance, again by another.
    """

    def __init__(self, topic: str, size: int = 2, cluster=None, timeout: float = 60, **config):
        if size < 1:
            raise CourseError(f"A consumer group needs at least one member, not {size}.")
        self.topic, self.size, self.timeout = topic, size, timeout
        self.group_id = fresh_group_id("lesson-group")
        bootstrap = cluster_or_course(cluster).bootstrap_servers
        settings = {"auto_offset_reset": "earliest", **config}
        self.members = [Consumer(client_config(bootstrap, group_id=self.group_id, client_id=f"consumer-{i + 1}",
                                               **settings)) for i in range(size)]

    def __enter__(self) -> "ConsumerGroup":
        for member in self.members:
            member.subscribe([self.topic])
        try:
            poll_until(self._assignments_after_a_poll, f"all {self.size} consumers to get partitions of {self.topic!r}",
                       self.timeout, every=0, done=lambda assignments: all(assignments.values()),
                       advice=f"Does the topic have at least {self.size} partitions?")
        except CourseError:
            self.close()
            raise
        return self

    def _assignments_after_a_poll(self) -> dict[str, list[int]]:
        """Each member polls once (that is how it joins); a record means the topic was not empty."""
        for member in self.members:
            message = member.poll(0.2)
            if message is not None and not message.error():
                raise CourseError(f"{self.topic!r} already held records while the group was forming; "
                                  "produce only after entering the `with ConsumerGroup(...)` block.")
        return self.assignments()

    def assignments(self) -> dict[str, list[int]]:
        """``{member name: partitions it owns}``."""
        return {f"consumer-{i + 1}": sorted(tp.partition for tp in member.assignment())
                for i, member in enumerate(self.members)}

    def drain(self, expected: int, timeout: float = 30) -> dict[str, list[Record]]:
        """Poll every member in turn until ``expected`` records arrived in total (or ``timeout``)."""
        received: dict[str, list[Record]] = {f"consumer-{i + 1}": [] for i in range(self.size)}
        deadline = time.monotonic() + timeout
        while sum(map(len, received.values())) < expected and time.monotonic() < deadline:
            for i, member in enumerate(self.members):
                for message in member.consume(500, timeout=0.1):
                    if not message.error():
                        received[f"consumer-{i + 1}"].append(from_message(message))
        return received

    def close(self) -> None:
        """Leave the group now (rather than after session.timeout.ms)."""
        for member in self.members:
            member.close()
        self.members = []

    def __exit__(self, *exc) -> None:
        self.close()
