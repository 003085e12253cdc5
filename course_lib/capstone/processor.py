"""The capstone's stream processor: consume rides, transform and aggregate, produce — exactly once.

Each batch is one Kafka transaction holding three things: the transformed rides, the riders' new
totals, and the input offsets (``send_offsets_to_transaction``). Either all three become visible to
``read_committed`` readers, or none does; so after a crash the next instance resumes from the last
committed offsets, with totals that match them exactly. Its in-memory totals are rebuilt from the
compacted totals topic — the same restore-from-changelog that Kafka Streams does.

Starting an instance with the same ``transactional.id`` fences the old one: ``init_transactions``
aborts whatever it left open, and the old instance can no longer commit. Introduced in lesson 13.
"""

import json
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from ..connection import client_config
from ..errors import CourseError
from ..session import cluster_or_course
from .batches import BatchReader
from .reading import latest_by_key
from .topics import PipelineTopics
from .transform import add_ride, completed_ride

__all__ = ["RideProcessor", "RunStats", "SimulatedCrash"]


class SimulatedCrash(RuntimeError):
    """The processor stopped mid-transaction on purpose (``process(crash_after=...)``)."""


@dataclass
class RunStats:
    """What one ``process`` call did (course machinery)."""
    consumed: int = 0
    transactions: int = 0
    completed_written: int = 0
    totals_written: int = 0


def _dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


class RideProcessor:
    """One instance of the pipeline; use it in a ``with`` block (or call ``close``).

    A single instance owns every partition here; with several, each would restore only the totals
    of the partitions it is assigned.
    """

    def __init__(self, topics: PipelineTopics, group_id: str, transactional_id: str, cluster=None,
                 batch_size: int = 100):
        bootstrap = cluster_or_course(cluster).bootstrap_servers
        self.topics = topics
        self.producer = Producer(client_config(bootstrap, transactional_id=transactional_id, linger_ms=5))
        self.producer.init_transactions(60)  # fences an older instance and aborts its open transaction
        self.totals = latest_by_key(topics.totals, "read_committed", cluster=cluster)
        self.restored = len(self.totals)
        self.consumer = Consumer(client_config(
            bootstrap, group_id=group_id, enable_auto_commit=False, auto_offset_reset="earliest",
            isolation_level="read_committed", enable_partition_eof=True))
        self.consumer.subscribe([topics.rides])
        self.batches = BatchReader(self.consumer, batch_size)

    def __enter__(self) -> "RideProcessor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Leave the consumer group (no commit: offsets are committed only inside transactions)."""
        self.consumer.close()

    def process(self, timeout: float = 120, crash_after: int | None = None) -> RunStats:
        """Process the input until it is all read, one transaction per batch.

        ``crash_after=N`` stops dead after the Nth record, its transaction open and its output already
        in the log — what a killed process leaves behind — by raising ``SimulatedCrash``.
        """
        stats = RunStats()
        self.batches.timeout = timeout
        for batch in self.batches:
            self._run_transaction(batch, stats, crash_after)
        return stats

    def _run_transaction(self, batch: list, stats: RunStats, crash_after: int | None) -> None:
        self.producer.begin_transaction()
        try:
            written, changed = self._transform_and_aggregate(batch, stats.consumed, crash_after)
            for rider, totals in changed.items():
                self.producer.produce(self.topics.totals, key=rider, value=_dumps(totals))
            self.producer.send_offsets_to_transaction(self._next_offsets(batch),
                                                      self.consumer.consumer_group_metadata(), 30)
            self.producer.commit_transaction(60)
        except KafkaException as exc:
            self._recover(exc.args[0], batch)
            return
        self.totals.update(changed)  # only now: an aborted batch must leave no trace in memory either
        stats.consumed += len(batch)
        stats.transactions += 1
        stats.completed_written += written
        stats.totals_written += len(changed)

    def _transform_and_aggregate(self, batch: list, consumed_before: int,
                                 crash_after: int | None) -> tuple[int, dict[str, dict]]:
        """Produce the batch's completed rides; return how many, and the new totals of its riders."""
        written, changed = 0, {}
        for number, message in enumerate(batch, start=consumed_before + 1):
            ride = completed_ride(json.loads(message.value()))
            if ride is not None:
                self.producer.produce(self.topics.completed, key=message.key(), value=_dumps(ride))
                rider = ride["rider_id"]
                changed[rider] = add_ride(changed.get(rider) or self.totals.get(rider), ride)
                written += 1
            if crash_after is not None and number >= crash_after:
                self.producer.flush(30)  # the open transaction's records reach the brokers' logs
                self.consumer.close()  # the dead process's group membership ends
                raise SimulatedCrash(f"crashed after {number} records with a transaction open")
        return written, changed

    @staticmethod
    def _next_offsets(batch: list) -> list[TopicPartition]:
        """Per partition, the offset after the last record processed: where a restart must resume."""
        last = {(m.topic(), m.partition()): m.offset() for m in batch}
        return [TopicPartition(topic, partition, offset + 1) for (topic, partition), offset in last.items()]

    def _recover(self, error: KafkaError, batch: list) -> None:
        """Abort a failed transaction and rewind to the batch's start, or explain a fatal error."""
        if error.fatal() or not error.txn_requires_abort():
            raise CourseError(f"The processor cannot continue ({error.str()}); another instance with its "
                              "transactional.id has probably fenced it — start a new RideProcessor.")
        self.producer.abort_transaction(30)
        self.batches.rewind(batch)
