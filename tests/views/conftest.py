"""Fixtures for the view tests: a fresh topic on the real cluster, a link with short timeouts."""

import pytest
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient

from course_lib.clients.admin import create_topic
from course_lib.connection import client_config
from course_lib.views.snapshots import ClusterLink, cluster_snapshot
from course_lib.waiting import poll_until


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
        create_topic(name, partitions, 3, config={k.replace("_", "."): v for k, v in config.items()}, cluster=cluster)

        def leaders_and_isrs():
            """``{partition: (leader, in-sync replicas)}`` as the broker asked lists them."""
            topic = admin.list_topics(name, timeout=5).topics[name]
            return {p.id: (p.leader, sorted(p.isrs)) for p in topic.partitions.values()}
        poll_until(leaders_and_isrs, f"all {partitions} partitions of {name} to have a leader and 3 in-sync replicas",
                   15, done=lambda seen: len(seen) == partitions and all(
                       leader >= 0 and len(isr) == 3 for leader, isr in seen.values()), retry_on=(KafkaException,))
        return name
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


def snapshot_knowing(link, topic: str, *others: str):
    """A snapshot once the link's broker knows the new ``topic`` in full health: every broker up and registered,
    every partition led, every replica in sync (brokers learn of a topic, and of a restarted broker, a moment apart)."""
    def knows_in_full_health(snap) -> bool:
        mine = [p for p in snap.partitions if p.topic == topic]
        return (snap.error is None and bool(mine) and all(b.alive and b.registered for b in snap.brokers)
                and all(p.leader is not None and not p.under_replicated for p in mine))
    return poll_until(lambda: cluster_snapshot(link, [topic, *others]),
                      f"the link's broker to list the new topic {topic}, every broker up and every replica in sync", 15,
                      done=knows_in_full_health)
