"""Transactions from Python: atomic writes, what ``read_committed`` hides, exactly-once processing.

A transactional producer (``transactional.id``) writes records that stay invisible to
``read_committed`` consumers until the transaction commits; an aborted transaction's records stay in
the log, marked aborted, and only ``read_uncommitted`` consumers see them. Consume-transform-produce
puts the output records *and* the input offsets in one transaction, so a crash never leaves output
without its offsets (or the reverse): each input affects the output exactly once.
Introduced in lesson 07.
"""

import time
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from .clients import client_config
from .errors import CourseError
from .records import Record, from_message, to_bytes
from .session import connect

__all__ = ["transactional_producer", "write_transaction", "Processed", "process_exactly_once"]


def _bootstrap(cluster) -> str:
    return (cluster or connect(quiet=True)).bootstrap_servers


def _reason(exc: KafkaException) -> str:
    error = exc.args[0]
    return error.str() if hasattr(error, "str") else str(error)


def transactional_producer(transactional_id: str, cluster=None, **config) -> Producer:
    """A producer with ``transactional.id`` set and ``init_transactions`` done.

    ``init_transactions`` also fences any older producer with the same id and aborts what it left open.
    """
    producer = Producer(client_config(_bootstrap(cluster), transactional_id=transactional_id, **config))
    try:
        producer.init_transactions(60)
    except KafkaException as exc:
        raise CourseError(f"The transactional producer {transactional_id!r} could not start: {_reason(exc)}; "
                          "check `python -m course_lib status`.") from None
    return producer


def _pair(item):
    return item if isinstance(item, tuple) and len(item) == 2 else (None, item)


def write_transaction(producer: Producer, topic: str, records: Iterable, commit: bool = True) -> int:
    """Send ``records`` (values or ``(key, value)`` pairs) in one transaction, then commit or abort it.

    Returns how many records were sent. Aborting is the experiment: the records reach the log anyway.
    """
    producer.begin_transaction()
    count = 0
    for item in records:
        key, value = _pair(item)
        producer.produce(topic, key=to_bytes(key), value=to_bytes(value))
        count += 1
    try:
        producer.flush(30)
        producer.commit_transaction(60) if commit else producer.abort_transaction(60)
    except KafkaException as exc:
        raise CourseError(f"The transaction on {topic!r} could not {'commit' if commit else 'abort'}: "
                          f"{_reason(exc)}.") from None
    return count


@dataclass
class Processed:
    """What one run of ``process_exactly_once`` did; ``zombie`` is a crashed run's producer, still alive."""
    consumed: int = 0
    produced: int = 0
    transactions: int = 0  # committed ones
    zombie: Producer | None = field(default=None, repr=False)

    @property
    def crashed(self) -> bool:
        return self.zombie is not None


def process_exactly_once(source: str, target: str, transform: Callable[[Record], object], group_id: str,
                         transactional_id: str, expected: int, batch_size: int = 50, crash_after: int | None = None,
                         cluster=None, timeout: float = 60) -> Processed:
    """Consume ``source``, write ``transform(record)`` to ``target`` (a value or ``(key, value)``) and
    commit the input offsets in the same transaction, batch by batch, until the group has consumed up
    to ``expected`` records in total or ``timeout`` passes.

    ``crash_after=n`` simulates a crash: after ``n`` committed transactions the next batch is written
    but never committed, the consumer leaves, and the producer is returned as ``zombie``. The next
    run with the same ``transactional_id`` fences it and its open transaction is aborted.
    """
    bootstrap = _bootstrap(cluster)
    producer = transactional_producer(transactional_id, cluster, linger_ms=5)
    consumer = Consumer(client_config(bootstrap, group_id=group_id, enable_auto_commit=False,
                                      isolation_level="read_committed", auto_offset_reset="earliest"))
    done = Processed()
    try:
        consumer.subscribe([source])
        already = _committed_total(consumer, source)
        deadline = time.monotonic() + timeout
        while already + done.consumed < expected and time.monotonic() < deadline:
            batch = [m for m in consumer.consume(batch_size, timeout=1) if not m.error()]
            if not batch:
                continue
            producer.begin_transaction()
            for message in batch:
                key, value = _pair(transform(from_message(message)))
                producer.produce(target, key=to_bytes(key), value=to_bytes(value))
            done.consumed += len(batch)
            done.produced += len(batch)
            if crash_after is not None and done.transactions >= crash_after:
                producer.flush(30)  # the output reaches the log, but the transaction never commits
                done.zombie = producer
                break
            positions = consumer.position(consumer.assignment())
            producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
            producer.commit_transaction(60)
            done.transactions += 1
    except KafkaException as exc:
        raise CourseError(f"The exactly-once processor failed: {_reason(exc)}.") from None
    finally:
        consumer.close()  # leaves the group at once, so the next run need not wait for a session timeout
    return done


def _committed_total(consumer: Consumer, topic: str) -> int:
    """How many records of ``topic`` the consumer's group has committed (sum of committed offsets)."""
    partitions = [TopicPartition(topic, p) for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions]
    return sum(max(tp.offset, 0) for tp in consumer.committed(partitions, timeout=10))
