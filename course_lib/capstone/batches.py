"""Read a consumer's input in batches until it is all read — the loop under every batch job here.

A stream never ends, but a lesson's input does: with ``enable.partition.eof=true`` the consumer
reports when it reaches the end of a partition, so a processor can stop once every partition it is
assigned is read to its end. Introduced in lesson 13.
"""

import time

from confluent_kafka import Consumer, KafkaError, TopicPartition

from ..errors import CourseError

__all__ = ["BatchReader"]


class BatchReader:
    """``for batch in BatchReader(consumer): ...`` — lists of messages, until the input is exhausted (lab 13).

    The consumer must be subscribed (or assigned) with ``enable.partition.eof=true``.
    """

    def __init__(self, consumer: Consumer, size: int = 100, timeout: float = 120):
        self.consumer, self.size, self.timeout = consumer, size, timeout
        self._at_end: set[tuple[str, int]] = set()

    def __iter__(self):
        deadline = time.monotonic() + self.timeout
        while (batch := self.next_batch()) is not None:
            if time.monotonic() > deadline:
                raise CourseError(f"The input was not read to its end within {self.timeout:.0f} s; "
                                  "check the cluster with `python -m course_lib status`.")
            if batch:
                yield batch

    def next_batch(self) -> list | None:
        """Up to ``size`` messages (maybe none yet); None once every assigned partition is at its end."""
        batch = []
        for message in self.consumer.consume(self.size, timeout=0.5):
            error = message.error()
            where = (message.topic(), message.partition())
            if error is None:
                batch.append(message)
                self._at_end.discard(where)
            elif error.code() == KafkaError._PARTITION_EOF:
                self._at_end.add(where)
            elif error.fatal():
                raise CourseError(f"The consumer failed: {error.str()}.")
        if batch:
            return batch
        assigned = {(tp.topic, tp.partition) for tp in self.consumer.assignment()}
        return None if assigned and assigned <= self._at_end else []

    def rewind(self, batch: list) -> None:
        """Seek back to the first message of ``batch`` in each partition (to process it again)."""
        first = {}
        for message in reversed(batch):
            first[(message.topic(), message.partition())] = message.offset()
        for (topic, partition), offset in first.items():
            self._at_end.discard((topic, partition))
            self.consumer.seek(TopicPartition(topic, partition, offset))
