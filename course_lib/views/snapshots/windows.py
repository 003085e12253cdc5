"""Windows of a windowed count, as a processor has committed them: each one's count, and whether it has closed.

A quixstreams processor writing ``.current()`` sends one update per record to its output topic — the window
(``start``, ``end``) and its count so far. ``WindowReader`` reads those updates (read_committed: what the
processor's transactions committed) and keeps the latest per window. Whether a window has **closed** depends
on the processor's *stream time*: the highest event time it has read in the window's partition. The reader
follows it from the source topic: the records below the offsets the processor's group committed there. A window
closes once stream time reaches ``end + grace``; an update after that never comes (lesson 15).
"""

import json
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Consumer, ConsumerGroupTopicPartitions, KafkaException, TopicPartition

from ...connection import client_config, reason
from ...profile import namespaced

__all__ = ["WindowCount", "WindowsSnapshot", "WindowReader"]

ADMIN_CALLS = 1  # the group's committed offsets on the source topic (the records come from two consumers)


@dataclass(frozen=True)
class WindowCount:
    key: str
    start: int  # event time, ms
    end: int
    count: int
    closed: bool


@dataclass(frozen=True)
class WindowsSnapshot:
    topic: str
    windows: tuple[WindowCount, ...]  # by key, then start
    stream_time: dict  # source partition → the highest event time the processor has committed past (ms)
    updates: int  # committed updates read so far
    error: str | None = None
    admin_calls: int = ADMIN_CALLS


class WindowReader:
    """Follows ``counts`` (the processor's window updates, a ``field_name`` count in each) and ``source`` (the
    records it counts, read by consumer group ``group``) from the beginning (course machinery)."""

    def __init__(self, link, counts: str, source: str, group: str, field_name: str, grace_ms: int):
        self.link, self.counts, self.source, self.group = link, counts, source, group
        self.field_name, self.grace_ms = field_name, grace_ms
        config = client_config(link.cluster.bootstrap_servers, group_id=namespaced(f"course-windows-view-{counts}"),
                               enable_auto_commit=False, isolation_level="read_committed")
        self._consumers = {topic: Consumer(config) for topic in (counts, source)}
        self._assigned: set[str] = set()
        self.latest: dict[tuple[str, int], tuple[int, int]] = {}  # (key, start) → (end, count)
        self.updates = 0
        self.source_records: dict[int, list[tuple[int, int]]] = {}  # partition → [(offset, event time)]
        self.key_partition: dict[str, int] = {}  # a key's partition in the source: its stream time

    def _assign(self, topic: str) -> bool:
        """Assign every partition of ``topic`` from the beginning, once it exists."""
        if topic not in self._assigned:
            found = self.link.metadata().topics.get(topic)
            if found is None or found.error is not None:
                return False
            self._consumers[topic].assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in found.partitions])
            self._assigned.add(topic)
        return True

    def _drain(self, topic: str) -> list:
        consumer, records = self._consumers[topic], []
        while batch := consumer.consume(500, timeout=0.1):
            for message in batch:
                if message.error() is None:
                    records.append(message)
        return records

    def _committed(self) -> dict[int, int]:
        reply = self.link.admin.list_consumer_group_offsets(
            [ConsumerGroupTopicPartitions(self.group)], request_timeout=self.link.timeout)[self.group].result()
        return {tp.partition: tp.offset for tp in reply.topic_partitions or [] if tp.topic == self.source}

    def snapshot(self) -> WindowsSnapshot:
        """Read what arrived since the last call; the windows as they stand (1 admin call)."""
        try:
            if not (self._assign(self.counts) and self._assign(self.source)):
                return WindowsSnapshot(self.counts, (), {}, 0, f"topic {self.counts} or {self.source} does not "
                                                               f"exist yet")
            for message in self._drain(self.counts):
                window = json.loads(message.value())
                key = message.key().decode()
                self.latest[(key, window["start"])] = (window["end"], window[self.field_name])
                self.updates += 1
            for message in self._drain(self.source):
                self.source_records.setdefault(message.partition(), []).append(
                    (message.offset(), message.timestamp()[1]))
                if message.key() is not None:
                    self.key_partition[message.key().decode()] = message.partition()
            committed = self._committed()
        except KafkaException as exc:
            return WindowsSnapshot(self.counts, (), {}, self.updates, f"the cluster did not answer ({reason(exc)})")
        stream_time = {p: max((at for offset, at in records if offset < committed.get(p, 0)), default=None)
                       for p, records in self.source_records.items()}
        windows = []
        for (key, start), (end, count) in sorted(self.latest.items()):
            reached = stream_time.get(self.key_partition.get(key))
            windows.append(WindowCount(key, start, end, count, reached is not None and reached >= end + self.grace_ms))
        return WindowsSnapshot(self.counts, tuple(windows), stream_time, self.updates)

    def close(self) -> None:
        for consumer in self._consumers.values():
            consumer.close()
