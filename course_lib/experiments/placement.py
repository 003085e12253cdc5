"""Where keyed records really land, and who reads them (introduced in lesson 02).

``course_lib.clients.partitioning`` *predicts* a key's partition; this module gathers the *evidence*: the
partitions a topic's records were stored in, per key, whether a Python or a Java producer sent them
(``java_produce`` runs Kafka's own console producer, i.e. the Java client), and which member of a
consumer group received each record (``ConsumerGroup``, on the course's one group runner, ``GroupRunner``).
"""

import time
from collections import defaultdict
from collections.abc import Iterable

from ..clients.background import GroupRunner
from ..clients.consume import fresh_group_id
from ..errors import CourseError
from ..toolchain.kafka_tools import ToolRun, run_tool
from ..clients.records import Record
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


class ConsumerGroup(GroupRunner):
    """``size`` consumers in one new group, each polling in its own background thread (``GroupRunner``).

    Use it in a ``with`` block: entering subscribes every member and waits until each one has been
    assigned partitions; leaving closes them, so the group is gone at once. Produce *after* entering,
    so no record is read by one member and then, after a rebalance, again by another.
    """

    def __init__(self, topic: str, size: int = 2, cluster=None, timeout: float = 60, **config):
        if size < 1:
            raise CourseError(f"A consumer group needs at least one member, not {size}.")
        self.topic, self.size, self.timeout = topic, size, timeout
        settings = {key.replace("_", "."): value for key, value in {"auto_offset_reset": "earliest", **config}.items()}
        super().__init__(cluster_or_course(cluster).bootstrap_servers, fresh_group_id("lesson-group"), [topic],
                         settings, name="consumer-{number}", records=True)
        self._drained = {f"consumer-{i + 1}": 0 for i in range(size)}  # records drain() handed out already

    def __enter__(self) -> "ConsumerGroup":
        for _ in range(self.size):
            self._start_member()
        try:
            poll_until(self._assignments_unless_read, f"all {self.size} consumers to get partitions of {self.topic!r}",
                       self.timeout, every=0.1, done=lambda assignments: all(assignments.values()),
                       advice=f"Does the topic have at least {self.size} partitions?")
        except CourseError:
            self.close()
            raise
        return self

    def _assignments_unless_read(self) -> dict[str, list[int]]:
        """The members' assignments; a record read while joining means the topic was not empty."""
        for member in self.members:
            if member.state == "failed":
                raise CourseError(f"Consumer {member.name} failed ({member.error}).")
            if member.records:
                raise CourseError(f"{self.topic!r} already held records while the group was forming; "
                                  "produce only after entering the `with ConsumerGroup(...)` block.")
        return self.assignments()

    def assignments(self) -> dict[str, list[int]]:
        """``{member name: partitions it owns}``."""
        return {member.name: sorted(partition for _topic, partition in member.assignment)
                for member in self.members}

    def drain(self, expected: int, timeout: float = 30) -> dict[str, list[Record]]:
        """Wait until the members received ``expected`` more records in total (or ``timeout``); what each got."""
        deadline = time.monotonic() + timeout
        while self._received() < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        received = {}
        for member in self.members:
            records = list(member.records)
            received[member.name] = records[self._drained.get(member.name, 0):]
            self._drained[member.name] = len(records)
        return received

    def _received(self) -> int:
        return sum(len(member.records) - self._drained.get(member.name, 0) for member in self.members)

    def close(self, timeout: float = 20) -> None:
        """Leave the group now (rather than after session.timeout.ms)."""
        super().close(timeout)

    def __exit__(self, *exc) -> None:
        self.close()
