"""``course_lib.experiments.groups``: background members share partitions, rebalance on leave and on crash, always stop."""

import threading
import time

import pytest

from course_lib.clients.admin import committed_offsets, create_topic
from course_lib.errors import CourseError
from course_lib.experiments.groups import Group, measure_throughput
from course_lib.clients.produce import produce


@pytest.fixture(scope="module")
def topic(cluster):
    name = f"groups-{time.time_ns() % 10**8}"
    create_topic(name, partitions=3)
    produce(name, [(f"user-{i}", f"event {i}") for i in range(60)])
    return name


def member_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("course-member-")]


def test_a_group_shares_the_partitions_and_reads_everything_once(cluster, topic):
    with Group(topic) as group:
        group.start(3, hold=True)
        group.wait_settled()
        assert sorted(len(a) for a in group.assignments().values()) == [1, 1, 1]
        assert sum(m.count for m in group.members) == 0  # held: joined but nothing read yet
        group.release()
        group.wait_consumed(60)
        offsets = [(c.partition, c.offset) for c in group.consumed]
        assert len(offsets) == len(set(offsets)) == 60
        for member in group.members:  # each read only what it was assigned
            assert member.partitions_read <= set(member.assignment)
    assert member_threads() == []
    assert sum(committed_offsets(group.group_id, topic).values()) == 60  # close() committed


def test_an_extra_member_idles_and_a_leaving_member_hands_over_at_once(cluster, topic):
    with Group(topic) as group:
        group.start(4)
        group.wait_settled()
        assert sorted(len(a) for a in group.assignments().values()) == [0, 1, 1, 1]
        idle = next(m for m in group.running if not m.assignment)
        busy = next(m for m in group.running if m.assignment)
        group.stop(busy)
        seconds = group.wait_settled()
        assert busy.state == "stopped" and idle.assignment  # the idle member took over
        assert seconds < 6  # no session timeout: LeaveGroup triggers the rebalance


def test_a_crashed_member_is_noticed_only_after_the_session_timeout(cluster, topic):
    with Group(topic) as group:
        group.start(2)
        victim = group.add(process=True)
        group.wait_settled(90)
        assert victim.assignment
        started = time.monotonic()
        group.crash(victim)
        group.wait_settled(60)
        waited = time.monotonic() - started
        assert victim.state == "crashed" and 4 <= waited < 30, waited  # session.timeout.ms = 6 s, from its last heartbeat
        assert sorted(tp for a in group.assignments().values() for tp in a) == [(topic, 0), (topic, 1), (topic, 2)]


def test_thread_members_cannot_crash_and_strangers_are_refused(cluster, topic):
    with Group(topic) as group:
        member = group.add()
        with pytest.raises(CourseError, match="process=True"):
            group.crash()
        with pytest.raises(CourseError, match="thread"):
            member.crash()
        with Group(topic) as other:
            with pytest.raises(CourseError, match="not a member"):
                group.stop(other.add())


def test_the_new_consumer_protocol_assigns_on_the_broker(cluster, topic):
    with Group(topic, group_protocol="consumer") as group:
        group.start(3)
        group.wait_settled(90)
        description = group.describe()
        assert description.type.name == "CONSUMER" and description.partition_assignor == "uniform"
        assert sorted(len(a) for a in group.assignments().values()) == [1, 1, 1]


def test_throughput_rows_count_every_record_for_each_group_size(cluster, topic):
    rows = measure_throughput(topic, counts=(1, 3), work_ms=50)
    assert [(r.consumers, r.records, r.idle) for r in rows] == [(1, 60, 0), (3, 60, 0)]
    # 60 records x 50 ms of work: one member needs >= 3 s, three share it in 1 s — a 2 s margin for fetch
    # delays after release() (a loaded CI machine erased a 0.8 s one)
    assert rows[0].seconds >= 3 and rows[1].records_per_second > rows[0].records_per_second


def test_an_empty_topic_cannot_be_measured(cluster):
    name = f"groups-empty-{time.time_ns() % 10**8}"
    create_topic(name, partitions=1)
    with pytest.raises(CourseError, match="empty"):
        measure_throughput(name, counts=(1,))
