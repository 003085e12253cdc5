"""``course_lib.clients.lag``: lag and offsets-by-time, on real records with known timestamps."""

import time

from confluent_kafka import Producer

from course_lib.clients.admin import create_topic
from course_lib.connection import client_config
from course_lib.clients.consume import consume
from course_lib.clients.lag import lag, offsets_for_time, total_lag
from course_lib.clients.produce import produce

HOUR = 3600 * 1000


def test_offsets_for_time_finds_the_first_record_at_or_after(cluster, unique):
    topic = unique("by-time")
    create_topic(topic, partitions=2)
    base = int(time.time() * 1000) - 10 * HOUR
    producer = Producer(client_config(cluster.bootstrap_servers))
    for hour in range(6):  # partition 0 gets hours 0..5, partition 1 only hours 0..2
        producer.produce(topic, value=f"p0 h{hour}", partition=0, timestamp=base + hour * HOUR)
        if hour < 3:
            producer.produce(topic, value=f"p1 h{hour}", partition=1, timestamp=base + hour * HOUR)
    assert producer.flush(30) == 0
    assert offsets_for_time(topic, base + 2 * HOUR) == {0: 2, 1: 2}
    assert offsets_for_time(topic, base + 2 * HOUR + 1) == {0: 3, 1: 3}  # p1 has nothing that new: its end
    assert offsets_for_time(topic, base - HOUR) == {0: 0, 1: 0}


def test_lag_counts_what_the_group_has_not_committed(cluster, unique):
    topic, group = unique("lag"), unique("lag-group")
    create_topic(topic, partitions=3)
    produce(topic, [(f"k{i}", i) for i in range(30)])
    assert total_lag(group, topic) == 30 and all(row.committed is None for row in lag(group, topic))
    assert len(consume(topic, 30, timeout=30, group_id=group)) == 30  # closes, committing everything
    assert total_lag(group, topic) == 0
    produce(topic, [(f"k{i}", i) for i in range(5)])
    rows = lag(group, topic)
    assert sum(r.lag for r in rows) == 5 and all(r.lag == r.end - r.committed for r in rows)
