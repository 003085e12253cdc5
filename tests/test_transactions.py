"""Transactions on the real cluster: aborted records hidden from read_committed, exactly-once through a crash."""

import time

import pytest
from confluent_kafka import KafkaException

from course_lib import CourseError
from course_lib.admin import create_topic
from course_lib.produce import produce
from course_lib.reading import SETTLE_SECONDS, read_all
from course_lib.transactions import process_exactly_once, transactional_producer, write_transaction


def test_an_aborted_transaction_is_visible_only_to_read_uncommitted(cluster, unique):
    topic = unique("tx")
    create_topic(topic, partitions=1, cluster=cluster)
    producer = transactional_producer(unique("tx-id"), cluster)
    write_transaction(producer, topic, ["a", "b", "c"], commit=True)
    write_transaction(producer, topic, ["x", "y"], commit=False)
    committed = read_all(topic, "read_committed", cluster)
    everything = read_all(topic, "read_uncommitted", cluster)
    assert [r.value for r in committed] == ["a", "b", "c"]
    assert [r.value for r in everything] == ["a", "b", "c", "x", "y"]
    # offset 3 holds the commit marker and 6 the abort marker: the data records skip them
    assert [r.offset for r in everything] == [0, 1, 2, 4, 5]


def test_read_committed_stops_at_an_open_transaction_after_a_short_settle(cluster, unique):
    topic = unique("tx-open")
    create_topic(topic, partitions=2, cluster=cluster)
    produce(topic, [("k", "before")], cluster=cluster)
    started = time.monotonic()
    assert [r.value for r in read_all(topic, "read_committed", cluster)] == ["before"]
    assert time.monotonic() - started < SETTLE_SECONDS, "no transaction: the end is final at once"
    producer = transactional_producer(unique("tx-open-id"), cluster)
    producer.begin_transaction()
    producer.produce(topic, key=b"k", value=b"open")
    producer.flush(30)
    try:
        started = time.monotonic()
        assert [r.value for r in read_all(topic, "read_committed", cluster)] == ["before"]
        assert SETTLE_SECONDS <= time.monotonic() - started < 20, "an open transaction holds the end for good"
        assert [r.value for r in read_all(topic, "read_uncommitted", cluster)] == ["before", "open"]
    finally:
        producer.abort_transaction(30)


def test_read_all_rejects_an_unknown_isolation_level(cluster):
    with pytest.raises(CourseError, match="isolation level"):
        read_all("whatever", "read_latest", cluster)


def test_consume_transform_produce_is_exactly_once_through_a_crash(cluster, unique):
    source, target = unique("eos-in"), unique("eos-out")
    create_topic(source, partitions=2, cluster=cluster)
    create_topic(target, partitions=2, cluster=cluster)
    produce(source, [(f"k{i % 5}", str(i)) for i in range(120)], cluster=cluster)
    group, tx_id = unique("eos-group"), unique("eos-tx")

    def double(record):
        return record.key, str(int(record.value) * 2)

    crashed = process_exactly_once(source, target, double, group, tx_id, expected=120, batch_size=20,
                                   crash_after=1, cluster=cluster)
    assert crashed.crashed and crashed.transactions == 1
    resumed = process_exactly_once(source, target, double, group, tx_id, expected=120, batch_size=20,
                                   cluster=cluster)
    assert not resumed.crashed
    with pytest.raises(KafkaException, match="fenced"):
        crashed.zombie.commit_transaction(10)
    committed = sorted(int(r.value) for r in read_all(target, "read_committed", cluster))
    assert committed == [2 * i for i in range(120)]
    assert len(read_all(target, "read_uncommitted", cluster)) > 120  # the crashed batch is in the log, aborted
