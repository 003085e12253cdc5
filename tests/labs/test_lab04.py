"""Lab 04's checks on the real cluster: each rejects a wrong state it can meet and accepts a right one."""

import pytest
from confluent_kafka import Consumer, TopicPartition

from course_lib.admin import create_topic
from course_lib.clients import client_config
from course_lib.consume import consume
from course_lib.labs import Lab
from course_lib.labs import lab04 as checks
from course_lib.produce import produce


def commit(cluster, group, topic, offsets: dict[int, int]) -> None:
    """Give ``group`` exactly these committed offsets, as a learner's consumer would."""
    consumer = Consumer(client_config(cluster.bootstrap_servers, group_id=group, enable_auto_commit=False))
    consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
    consumer.close()


@pytest.fixture
def lab(cluster):
    lab = Lab("04")
    checks.prepare(lab)
    return lab


def test_every_check_says_not_yet_before_the_orders_exist(cluster):
    lab = Lab("04")
    for task in (checks.task1, checks.task2, checks.task3, checks.task4):
        verdict = task(lab)
        assert not verdict and "no topic" in verdict.message


def test_prepare_stamps_old_and_new_orders_around_the_cutoff(lab):
    orders = checks.prepare(lab)  # a second call writes nothing more
    records = consume(orders.topic, 100, timeout=30)
    assert len(records) == orders.count == 60
    for p, old in enumerate(checks.OLD):
        stamps = [r.timestamp for r in sorted(records, key=lambda r: r.offset) if r.partition == p]
        assert all(ts < orders.cutoff_ms for ts in stamps[:old]) and all(ts >= orders.cutoff_ms for ts in stamps[old:])


def test_task1_wants_the_end_of_every_partition(cluster, lab):
    topic, group = lab.topic("orders"), lab.group("billing")
    assert "committed nothing" in checks.task1(lab).message
    commit(cluster, group, topic, {0: 20, 1: 20, 2: 5})
    verdict = checks.task1(lab)
    assert not verdict and "lag {2: 15}" in verdict.message
    commit(cluster, group, topic, {2: 20})
    assert checks.task1(lab)


def test_task2_wants_offset_10_on_partition_2(cluster, lab):
    topic, group = lab.topic("orders"), lab.group("audit")
    commit(cluster, group, topic, {1: 10})
    assert "no commit on partition 2" in checks.task2(lab).message
    commit(cluster, group, topic, {2: 9})
    verdict = checks.task2(lab)
    assert not verdict and "offset 9" in verdict.message
    commit(cluster, group, topic, {2: 10})
    assert checks.task2(lab)


def test_task3_wants_the_first_offset_at_or_after_the_cutoff_everywhere(cluster, lab):
    topic, group = lab.topic("orders"), lab.group("reports")
    commit(cluster, group, topic, {0: 10, 1: 10, 2: 10})  # a guess, not a lookup
    verdict = checks.task3(lab)
    assert not verdict and "[0, 1, 2]" in verdict.message
    commit(cluster, group, topic, dict(enumerate(checks.OLD)))
    assert checks.task3(lab)


def test_task4_wants_every_order_shipped_and_the_group_at_the_end(cluster, lab):
    orders, shipped, group = lab.topic("orders"), lab.topic("shipped"), lab.group("shipper")
    create_topic(shipped, partitions=3)
    values = sorted(r.value for r in consume(orders, 60, timeout=30))
    produce(shipped, [checks.shipped_value(v) for v in values[:-1]])  # one order lost
    verdict = checks.task4(lab)
    assert not verdict and "1 of 60 orders are not in" in verdict.message
    produce(shipped, [checks.shipped_value(values[-1]), checks.shipped_value(values[0])])  # complete, one twice
    verdict = checks.task4(lab)
    assert not verdict and "has committed nothing" in verdict.message  # copied, but never committed
    commit(cluster, group, orders, {p: checks.PER_PARTITION for p in range(checks.PARTITIONS)})
    verdict = checks.task4(lab)
    assert verdict and "1 twice" in verdict.message
