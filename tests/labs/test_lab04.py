"""Lab 04's checks on the real cluster: each rejects a wrong state it can meet and accepts a right one."""

import pytest
from confluent_kafka import Consumer, TopicPartition

from course_lib.clients.admin import ask_coordinator
from course_lib.connection import client_config
from course_lib.clients.consume import consume
from course_lib.labs import Lab
from course_lib.labs import lab04 as checks

from job_input import batches  # tests/labs/job_input.py


def commit(cluster, group, topic, offsets: dict[int, int]) -> None:
    """Give ``group`` exactly these committed offsets, as a learner's consumer would."""
    consumer = Consumer(client_config(cluster.bootstrap_servers, group_id=group, enable_auto_commit=False))
    ask_coordinator(lambda: consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()],
                                            asynchronous=False), f"a commit of group {group}")
    consumer.close()


@pytest.fixture
def lab(cluster):
    lab = Lab("04")
    checks.prepare(lab)
    return lab


def test_every_check_says_not_yet_before_the_orders_exist(cluster):
    lab = Lab("04")
    for verdict in (checks.task1(lab), checks.task2(lab), checks.task3(lab),
                    checks.task4(lab, copy_then_commit, *_configs(lab, cluster))):
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


def _configs(lab, cluster, **consumer):
    """The two configs a student writes for task 4 (``consumer`` adds or overrides consumer settings)."""
    return ({"bootstrap.servers": cluster.bootstrap_servers, "group.id": lab.group("shipper"),
             "enable.auto.commit": False, "auto.offset.reset": "earliest", **consumer},
            {"bootstrap.servers": cluster.bootstrap_servers})


def _copy(producer, shipped, batch):
    for message in batch:
        producer.produce(shipped, key=message.key(), value=checks.shipped_value(message.value().decode()))


def copy_then_commit(consumer, producer, orders, shipped):
    """The right answer: copies acknowledged, then the commit."""
    for batch in batches(consumer, orders):
        _copy(producer, shipped, batch)
        producer.flush(30)
        consumer.commit(asynchronous=False)


def commit_then_copy(consumer, producer, orders, shipped):
    """At-most-once: the position moves past the orders before they are copied."""
    for batch in batches(consumer, orders):
        consumer.commit(asynchronous=False)
        _copy(producer, shipped, batch)
        producer.flush(30)


def commit_without_flush(consumer, producer, orders, shipped):
    """Copies only queued, not acknowledged, when the commit goes out."""
    for batch in batches(consumer, orders):
        _copy(producer, shipped, batch)
        consumer.commit(asynchronous=False)
    producer.flush(30)


def auto_commit(consumer, producer, orders, shipped):
    """No commit of its own: the consumer's default auto-commit does it, on its own schedule."""
    for batch in batches(consumer, orders):
        _copy(producer, shipped, batch)
        producer.flush(30)


def untouched(consumer, producer, orders, shipped):
    raise NotImplementedError("Your code here")


def test_task4_crashes_the_job_and_accepts_only_at_least_once(cluster, lab):
    configs = _configs(lab, cluster)
    verdict = checks.task4(lab, untouched, *configs)
    assert not verdict and "raised NotImplementedError" in verdict.message, verdict
    for wrong in (commit_then_copy, commit_without_flush):
        verdict = checks.task4(lab, wrong, *configs)
        assert not verdict and "never reached the output" in verdict.message, (wrong.__name__, verdict)
    verdict = checks.task4(lab, auto_commit, *_configs(lab, cluster, **{"enable.auto.commit": True}))
    assert not verdict and "never reached the output" in verdict.message, verdict
    verdict = checks.task4(lab, copy_then_commit, *_configs(lab, cluster, **{"auto.offset.reset": "latest"}))
    assert not verdict and "60 of 60 records never reached" in verdict.message, verdict
    verdict = checks.task4(lab, copy_then_commit, *configs)
    assert verdict and "crashed your job at order" in verdict.message, verdict
