"""Lab 13's checks on the real cluster: each rejects wrong answers (built here) and accepts a right one."""

import json

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from course_lib.clients.admin import alter_topic_config, ask_coordinator, create_topic, watermarks
from course_lib.capstone import BatchReader, produce_rides
from course_lib.connection import client_config
from course_lib.labs import Lab
from course_lib.labs import lab13 as checks
from course_lib.clients.produce import produce


@pytest.fixture
def lab(cluster):
    return Lab("13")


def write(cluster, topic, records, transactional_id=None):
    """Write ``(key, value)`` pairs, in one transaction when a ``transactional_id`` is given."""
    if transactional_id is None:
        produce(topic, records, cluster=cluster)
        return
    producer = Producer(client_config(cluster.bootstrap_servers, transactional_id=transactional_id))
    producer.init_transactions(60)
    producer.begin_transaction()
    for key, value in records:
        producer.produce(topic, key=key, value=value)
    producer.commit_transaction(60)


def keep_completed_exactly_once(cluster, lab):
    """A right answer to task 3: a transactional consume-transform-produce loop with the group's offsets."""
    producer = Producer(client_config(cluster.bootstrap_servers, transactional_id=lab.group("test-tx")))
    producer.init_transactions(60)
    config = client_config(cluster.bootstrap_servers, group_id=lab.group("cleaner"), enable_auto_commit=False,
                           auto_offset_reset="earliest", enable_partition_eof=True)
    with Consumer(config) as consumer:
        consumer.subscribe([lab.topic("rides")])
        for batch in BatchReader(consumer):
            producer.begin_transaction()
            for message in batch:
                if json.loads(message.value())["status"] == "completed":
                    producer.produce(lab.topic("completed"), key=message.key(), value=message.value())
            producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                                 consumer.consumer_group_metadata(), 30)
            producer.commit_transaction(60)


def test_nothing_done_is_not_yet_for_every_task(lab):
    for task in (checks.task1, checks.task2, checks.task3, checks.task4):
        verdict = task(lab)
        assert not verdict and "there is no topic" in verdict.message


def test_task1_wants_every_ride_once(cluster, lab):
    topic, rides = lab.topic("rides"), checks.lab_rides()
    create_topic(topic, partitions=3, cluster=cluster)
    produce_rides(topic, rides[:50], cluster=cluster)
    assert "missing" in checks.task1(lab).message
    produce_rides(topic, rides[50:], cluster=cluster)
    assert checks.task1(lab)
    produce_rides(topic, rides[:1], cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "more than once" in verdict.message


def test_task1_wants_rider_keys(cluster, lab):
    topic = lab.topic("rides")
    create_topic(topic, partitions=3, cluster=cluster)
    produce(topic, [(ride.ride_id, json.dumps(ride.__dict__)) for ride in checks.lab_rides()], cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "keyed" in verdict.message


def test_task2_wants_a_compacted_topic(cluster, lab):
    create_topic(lab.topic("city-revenue"), partitions=3, cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "cleanup.policy=delete" in verdict.message
    alter_topic_config(lab.topic("city-revenue"), cluster=cluster, cleanup_policy="compact")
    assert checks.task2(lab)


def test_task3_rejects_cancelled_rides_and_plain_writes(cluster, lab):
    topic, rides = lab.topic("completed"), checks.lab_rides()
    create_topic(topic, partitions=3, cluster=cluster)
    write(cluster, topic, [(r.rider_id, json.dumps(r.__dict__)) for r in rides])
    verdict = checks.task3(lab)
    assert not verdict and "cancelled" in verdict.message

    other = Lab("13")
    create_topic(other.topic("completed"), partitions=3, cluster=cluster)
    write(cluster, other.topic("completed"), [(r.rider_id, json.dumps(r.__dict__)) for r in rides
                                              if r.status == "completed"])
    verdict = checks.task3(other)
    assert not verdict and "not written in transactions" in verdict.message

    faked = Lab("13")  # plain writes plus one aborted transaction: markers in the log, yet not transactional
    create_topic(faked.topic("completed"), partitions=3, cluster=cluster)
    write(cluster, faked.topic("completed"), [(r.rider_id, json.dumps(r.__dict__)) for r in rides
                                              if r.status == "completed"])
    producer = Producer({"bootstrap.servers": cluster.bootstrap_servers, "transactional.id": faked.group("fake-tx")})
    producer.init_transactions(60)
    producer.begin_transaction()
    producer.produce(faked.topic("completed"), value="{}")
    producer.abort_transaction(60)
    verdict = checks.task3(faked)
    assert not verdict and "not written in transactions" in verdict.message, verdict


def test_task3_wants_the_offsets_in_the_transactions_and_accepts_a_right_loop(cluster, lab):
    completed = [(r.rider_id, json.dumps(r.__dict__)) for r in checks.lab_rides() if r.status == "completed"]
    create_topic(lab.topic("rides"), partitions=3, cluster=cluster)
    produce_rides(lab.topic("rides"), checks.lab_rides(), cluster=cluster)
    create_topic(lab.topic("completed"), partitions=3, cluster=cluster)
    write(cluster, lab.topic("completed"), completed, transactional_id=lab.group("no-offsets"))
    verdict = checks.task3(lab)
    assert not verdict and "send_offsets_to_transaction" in verdict.hint

    committed_apart = Lab("13")  # rides in a transaction, the offsets with consumer.commit() afterwards
    create_topic(committed_apart.topic("rides"), partitions=3, cluster=cluster)
    produce_rides(committed_apart.topic("rides"), checks.lab_rides(), cluster=cluster)
    create_topic(committed_apart.topic("completed"), partitions=3, cluster=cluster)
    write(cluster, committed_apart.topic("completed"), completed, transactional_id=committed_apart.group("tx"))
    ends = watermarks(committed_apart.topic("rides"))
    committer = Consumer({"bootstrap.servers": cluster.bootstrap_servers, "group.id": committed_apart.group("cleaner")})
    ask_coordinator(lambda: committer.commit(offsets=[TopicPartition(committed_apart.topic("rides"), p, high)
                                                      for p, (_, high) in ends.items() if high], asynchronous=False),
                    "a commit of the cleaner group")
    committer.close()
    verdict = checks.task3(committed_apart)
    assert not verdict and "outside a transaction" in verdict.message, verdict

    right = Lab("13")
    create_topic(right.topic("rides"), partitions=3, cluster=cluster)
    produce_rides(right.topic("rides"), checks.lab_rides(), cluster=cluster)
    create_topic(right.topic("completed"), partitions=3, cluster=cluster)
    keep_completed_exactly_once(cluster, right)
    assert checks.task3(right)


def test_task4_wants_the_right_revenue_written_in_transactions(cluster, lab):
    topic = lab.topic("city-revenue")
    create_topic(topic, partitions=3, config={"cleanup.policy": "compact"}, cluster=cluster)
    expected = checks.expected_city_revenue()
    with_cancelled = {}
    for ride in checks.lab_rides():
        city = with_cancelled.setdefault(ride.city, {"rides": 0, "fare_cents": 0})
        city["rides"] += 1
        city["fare_cents"] += ride.fare_cents
    write(cluster, topic, [(city, json.dumps(v)) for city, v in with_cancelled.items()], lab.group("tx-1"))
    verdict = checks.task4(lab)
    assert not verdict and "wrong totals" in verdict.message

    write(cluster, topic, [(city, json.dumps({**v, "currency": "EUR"})) for city, v in expected.items()],
          lab.group("tx-2"))
    assert checks.task4(lab), "extra fields are fine; the latest value per city counts"

    plain = Lab("13")
    create_topic(plain.topic("city-revenue"), partitions=3, cluster=cluster)
    write(cluster, plain.topic("city-revenue"), [(city, json.dumps(v)) for city, v in expected.items()])
    verdict = checks.task4(plain)
    assert not verdict and "not written in transactions" in verdict.message
