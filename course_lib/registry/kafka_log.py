"""The ``_schemas`` topic as the registry's database: a compacted, one-partition, RF-3 log.

Like Confluent's registry, every change is a keyed JSON record; the state is whatever you get by
reading the topic from the start, so a restarted registry rebuilds it and every id survives. One
partition gives one order of writes. A write returns only once our own consumer has applied it
(read-your-writes), so the answer to a registration always reflects the log.
"""

import json
import threading
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from ..connection import client_config

__all__ = ["SchemasTopic", "TopicProblem"]

TOPIC = "_schemas"


class TopicProblem(RuntimeError):
    """The topic cannot be used (wrong shape, or the cluster did not answer) (course machinery)."""


def _encode(obj) -> bytes | None:
    return None if obj is None else json.dumps(obj, separators=(",", ":")).encode()


class SchemasTopic:
    """Reads ``_schemas`` into ``apply(key, value)`` on a thread, and writes with acks=all (course machinery)."""

    def __init__(self, bootstrap: str, apply, topic: str = TOPIC):
        self.bootstrap = bootstrap
        self.topic = topic
        self.apply = apply
        self.next_offset = 0  # one past the last offset applied
        self.applied = threading.Condition()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.consumer: Consumer | None = None
        self.prober: Consumer | None = None  # asks for the end offset: the reading consumer cannot while it polls
        self.producer: Producer | None = None

    # -- set-up -------------------------------------------------------------------------------
    def ensure_topic(self, timeout: float = 30) -> None:
        """Create the topic (1 partition, compacted, RF min(3, brokers)), or check the shape of the existing one."""
        admin = AdminClient(client_config(self.bootstrap))
        deadline = time.monotonic() + timeout
        while True:
            try:
                metadata = admin.list_topics(timeout=5)
                existing = metadata.topics.get(self.topic)
                if existing is not None and existing.error is None:
                    if len(existing.partitions) != 1:
                        raise TopicProblem(f"topic {self.topic} has {len(existing.partitions)} partitions; "
                                           f"the registry needs exactly 1 (delete it and restart)")
                    self._check_compacted(admin)
                    return
                replicas = min(3, len(metadata.brokers))
                future = admin.create_topics([NewTopic(self.topic, 1, replicas,
                                                       config={"cleanup.policy": "compact"})])[self.topic]
                future.result(timeout=10)
                return
            except (KafkaException, TimeoutError) as exc:  # TimeoutError: a future's result(timeout) ran out
                if isinstance(exc, KafkaException) and exc.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS:
                    continue
                if time.monotonic() > deadline:
                    raise TopicProblem(f"could not create topic {self.topic}: {exc}") from None
                time.sleep(1)

    def _check_compacted(self, admin: AdminClient) -> None:
        """Refuse a topic Kafka may delete from: with ``delete``, schemas vanish after ``retention.ms``."""
        resource = ConfigResource(ConfigResource.Type.TOPIC, self.topic)
        policy = admin.describe_configs([resource])[resource].result(timeout=10)["cleanup.policy"].value
        if policy != "compact":
            raise TopicProblem(f"topic {self.topic} has cleanup.policy={policy}, so Kafka would delete registered "
                               f"schemas after its retention time; make it compacted with "
                               f"course_lib.clients.admin.alter_topic_config({self.topic!r}, cleanup_policy='compact') "
                               f"and start the registry again (python -m course_lib up)")

    def start(self, timeout: float = 60) -> None:
        """Start reading from the beginning and return once everything already in the topic is applied."""
        self.consumer = Consumer(client_config(self.bootstrap, group_id="_course_schema_registry",
                                               enable_auto_commit=False, fetch_wait_max_ms=5,
                                               enable_partition_eof=False))
        self.consumer.assign([TopicPartition(self.topic, 0, OFFSET_BEGINNING)])
        self.prober = Consumer(client_config(self.bootstrap, group_id="_course_schema_registry_probe",
                                             enable_auto_commit=False))
        self.producer = Producer(client_config(self.bootstrap, acks="all", enable_idempotence=True, linger_ms=0,
                                               message_timeout_ms=int(timeout * 1000)))
        self.thread = threading.Thread(target=self._read_forever, name="schemas-reader", daemon=True)
        self.thread.start()
        if not self.catch_up(timeout):
            raise TopicProblem(f"could not read topic {self.topic} to its end within {timeout:.0f} s")

    # -- reading -----------------------------------------------------------------------------
    def _read_forever(self) -> None:
        while not self.stopping.is_set():
            msg = self.consumer.poll(0.2)
            if msg is None or msg.error():
                continue
            key = json.loads(msg.key()) if msg.key() else None
            value = json.loads(msg.value()) if msg.value() else None
            if key is not None:
                self.apply(key, value)
            with self.applied:
                self.next_offset = msg.offset() + 1
                self.applied.notify_all()

    def _wait_applied(self, offset: int, deadline: float) -> bool:
        with self.applied:
            while self.next_offset < offset:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.applied.wait(left)
        return True

    def catch_up(self, timeout: float = 30) -> bool:
        """Wait until every record now in the topic is applied (another writer's too)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                _, high = self.prober.get_watermark_offsets(TopicPartition(self.topic, 0), timeout=5,
                                                              cached=False)
                break
            except KafkaException:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.5)
        return self._wait_applied(high, deadline)

    # -- writing -----------------------------------------------------------------------------
    def write(self, key: dict, value: dict | None, timeout: float = 30) -> bool:
        """Append one record (acks=all) and wait until our reader has applied it; False on timeout."""
        deadline = time.monotonic() + timeout
        outcome: list = []
        self.producer.produce(self.topic, key=_encode(key), value=_encode(value), partition=0,
                              on_delivery=lambda err, msg: outcome.append((err, msg)))
        while not outcome and time.monotonic() < deadline:
            self.producer.poll(0.05)
        if not outcome:
            return False
        err, msg = outcome[0]
        if err is not None:
            if err.code() == KafkaError._MSG_TIMED_OUT:
                return False
            raise TopicProblem(f"writing to {self.topic} failed: {err.str()}")
        return self._wait_applied(msg.offset() + 1, deadline)

    def close(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(5)
        if self.producer is not None:
            self.producer.flush(5)
        for consumer in (self.consumer, self.prober):
            if consumer is not None:
                consumer.close()
