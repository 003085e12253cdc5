"""Transactions on the real cluster, as read_all (lesson 07) sees them: aborted records only for read_uncommitted,
and read_committed stopping at an open transaction. (Exactly-once through a crash: tests/labs/test_lab07.py.)"""

import time

import pytest

from course_lib import CourseError
from course_lib.clients.admin import create_topic
from course_lib.clients.produce import produce
from course_lib.clients.reading import SETTLE_SECONDS, read_all


def test_an_aborted_transaction_is_visible_only_to_read_uncommitted(cluster, unique, transaction):
    topic = unique("tx")
    create_topic(topic, partitions=1, cluster=cluster)
    writer = unique("tx-id")
    transaction(writer, topic, ["a", "b", "c"], commit=True)
    transaction(writer, topic, ["x", "y"], commit=False)
    committed = read_all(topic, "read_committed", cluster)
    everything = read_all(topic, "read_uncommitted", cluster)
    assert [r.value for r in committed] == ["a", "b", "c"]
    assert [r.value for r in everything] == ["a", "b", "c", "x", "y"]
    # offset 3 holds the commit marker and 6 the abort marker: the data records skip them
    assert [r.offset for r in everything] == [0, 1, 2, 4, 5]


def test_read_committed_stops_at_an_open_transaction_after_a_short_settle(cluster, unique, transaction):
    topic = unique("tx-open")
    create_topic(topic, partitions=2, cluster=cluster)
    produce(topic, [("k", "before")], cluster=cluster)
    started = time.monotonic()
    assert [r.value for r in read_all(topic, "read_committed", cluster)] == ["before"]
    assert time.monotonic() - started < SETTLE_SECONDS, "no transaction: the end is final at once"
    producer = transaction(unique("tx-open-id"), topic, ["open"], commit=None)
    try:
        started = time.monotonic()
        assert [r.value for r in read_all(topic, "read_committed", cluster)] == ["before"]
        assert SETTLE_SECONDS <= time.monotonic() - started < 20, "an open transaction holds the end for good"
        assert sorted(r.value for r in read_all(topic, "read_uncommitted", cluster)) == ["before", "open"]
    finally:
        producer.abort_transaction(30)


def test_read_all_rejects_an_unknown_isolation_level(cluster):
    with pytest.raises(CourseError, match="isolation level"):
        read_all("whatever", "read_latest", cluster)
