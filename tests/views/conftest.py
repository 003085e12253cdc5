"""Fixtures for the view tests: a fresh topic on the real cluster, a link with short timeouts."""

import time

import pytest
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from course_lib.clients import client_config
from course_lib.views.snapshots import ClusterLink, cluster_snapshot


@pytest.fixture
def link(cluster):
    return ClusterLink(cluster)


@pytest.fixture
def make_topic(cluster, unique):
    """``make_topic("orders", partitions=6, **config)`` → a new RF-3 topic, once every replica is in sync."""
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    made = []

    def make(prefix: str, partitions: int = 3, **config) -> str:
        name = unique(prefix)
        made.append(name)
        admin.create_topics([NewTopic(name, partitions, 3, config={k.replace("_", "."): str(v)
                                                                   for k, v in config.items()})],
                            operation_timeout=15)[name].result()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            topic = admin.list_topics(name, timeout=5).topics[name]
            if topic.error is None and len(topic.partitions) == partitions and all(
                    p.leader >= 0 and len(p.isrs) == 3 for p in topic.partitions.values()):
                return name
            time.sleep(0.2)
        raise AssertionError(f"topic {name} got no leaders within 15 s")
    yield make
    if made:  # fewer partitions to recover when a test kills a broker
        for future in admin.delete_topics(made, operation_timeout=15).values():
            try:
                future.result()
            except KafkaException:
                pass


@pytest.fixture
def produce(cluster):
    """``produce(topic, n, partition=None)``: write n small records and wait for every ack."""
    producer = Producer(client_config(cluster.bootstrap_servers, linger_ms=5))

    def send(topic: str, n: int, partition: int | None = None) -> None:
        errors = []
        for i in range(n):
            extra = {} if partition is None else {"partition": partition}
            producer.produce(topic, key=f"k{i}", value=f"record {i}",
                             on_delivery=lambda err, _m: err and errors.append(err), **extra)
        assert producer.flush(20) == 0 and not errors, errors
    return send


def wait_for(condition, timeout: float, interval: float = 0.2):
    """Poll ``condition()`` until it returns something truthy; return it, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition.__doc__ or condition}")
        time.sleep(interval)


def snapshot_knowing(link, topic: str, *others: str):
    """A snapshot once the link's broker knows the new ``topic`` (brokers learn of a topic a moment apart)."""
    def knows():
        """the link's broker lists the new topic"""
        snap = cluster_snapshot(link, [topic, *others])
        return snap if topic not in snap.missing_topics else None
    return wait_for(knows, timeout=15)
