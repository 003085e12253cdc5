"""Snapshot functions against the real cluster: what the views will show is what Kafka says."""

import time

import pytest

from course_lib.views import BackgroundGroup
from course_lib.views.snapshots import (cluster_snapshot, group_snapshot, offset_totals, rates,
                                        segments_on_disk, topic_log_snapshot, track_rebalances)

from conftest import snapshot_knowing, wait_for


def test_replication_snapshot_describes_every_partition(link, make_topic):
    topic = make_topic("replication", partitions=3)
    snap = snapshot_knowing(link, topic, "no-such-topic-here")
    assert snap.error is None
    assert [b.node_id for b in snap.brokers] == [1, 2, 3]
    assert all(b.alive and b.registered for b in snap.brokers)
    assert snap.controller_id in (1, 2, 3)
    assert [p.partition for p in snap.partitions] == [0, 1, 2]
    for p in snap.partitions:
        assert sorted(p.replicas) == [1, 2, 3] and sorted(p.isr) == [1, 2, 3]
        assert p.role(p.leader) == "leader"
        assert sorted(p.role(b) for b in (1, 2, 3)) == ["in-sync", "in-sync", "leader"]
        assert not p.under_replicated and not p.offline
    assert snap.missing_topics == ("no-such-topic-here",)


@pytest.mark.last  # the broker's restart afterwards is slow on a busy machine
def test_a_killed_broker_is_marked_dead_then_loses_its_leaderships(cluster, link, make_topic):
    topic = make_topic("failover", partitions=3)
    leaders = snapshot_knowing(link, topic).leaders()
    victim = leaders[(topic, 0)]
    cluster.kill_broker(victim)  # returns once the process is gone
    killed_at = time.monotonic()
    try:
        check_failover(link, topic, victim, killed_at)
    finally:  # restarting takes minutes on a busy machine: longer than the autouse fixture waits
        cluster.start_broker(victim, timeout=300)


def check_failover(link, topic, victim, killed_at):
    def marked_dead():
        snap = cluster_snapshot(link, [topic])
        return snap if not snap.broker(victim).alive else None
    snap = wait_for(marked_dead, timeout=3)
    assert time.monotonic() - killed_at < 3
    assert all(b.alive for b in snap.brokers if b.node_id != victim)

    def new_leaders():
        """every partition led by a live broker, the victim out of every ISR"""
        snap = cluster_snapshot(link, [topic])
        done = all(p.leader not in (None, victim) and victim not in p.isr for p in snap.partitions)
        return snap if done else None
    snap = wait_for(new_leaders, timeout=30)
    assert snap.broker(victim).registered is False
    assert all(p.under_replicated for p in snap.partitions)
    assert snap.leaders()[(topic, 0)] != victim
    assert all(p.role(victim) == "out-of-sync" for p in snap.partitions)


def test_group_assignment_covers_every_partition_exactly_once(cluster, link, make_topic, unique):
    topic = make_topic("assignment", partitions=6)
    group = BackgroundGroup(cluster, unique("assign-group"), topic)
    history = ()
    try:
        for _ in range(3):
            group.add()

        def settled(members):
            def check():
                nonlocal history
                snap = group_snapshot(link, group.group_id)
                history = track_rebalances(history, snap)
                ok = snap.state == "STABLE" and len(snap.members) == members and len(snap.assignment()) == 6
                return snap if ok else None
            return check
        snap = wait_for(settled(3), timeout=45, interval=0.5)
        assigned = [tp for m in snap.members for tp in m.partitions]
        assert sorted(assigned) == [(topic, p) for p in range(6)]  # every partition, none twice
        assert all(len(m.partitions) == 2 for m in snap.members)
        assert {p.partition for p in snap.partitions} == set(range(6))

        gone = group.remove()
        snap = wait_for(settled(2), timeout=45, interval=0.5)
        assert sorted(tp for m in snap.members for tp in m.partitions) == [(topic, p) for p in range(6)]
        assert history[-1].left == (gone,) and history[-1].members == 2
        assert set(history[0].joined) | {c for e in history[1:] for c in e.joined} >= set(group.client_ids) | {gone}
    finally:
        group.close()


def test_lag_and_committed_offsets(cluster, link, make_topic, produce, unique):
    topic = make_topic("lag", partitions=2)
    produce(topic, 30, partition=0)
    produce(topic, 10, partition=1)
    group_id = unique("lag-group")
    snap = group_snapshot(link, group_id, (topic,))
    assert snap.error is None and not snap.members
    assert {p.partition: (p.committed, p.log_end, p.lag) for p in snap.partitions} == {0: (None, 30, 30), 1: (None, 10, 10)}

    group = BackgroundGroup(cluster, group_id, topic)
    group.add()
    try:
        def caught_up():
            snap = group_snapshot(link, group_id, (topic,))
            return snap if snap.total_lag == 0 and len(snap.partitions) == 2 else None
        snap = wait_for(caught_up, timeout=45, interval=0.5)
        assert {p.partition: p.committed for p in snap.partitions} == {0: 30, 1: 10}
    finally:
        group.close()


def test_offsets_snapshot_and_segments_on_disk(cluster, link, make_topic, produce):
    topic = make_topic("segments", partitions=1, segment_ms=1000)
    produce(topic, 5)
    time.sleep(1.5)           # past segment.ms: the next append rolls a new segment
    produce(topic, 3)
    snap = topic_log_snapshot(link, topic)
    (log,) = snap.partitions
    assert (log.log_start, log.high_watermark, log.records) == (0, 8, 8)
    on_disk = dict(log.segments)
    assert set(on_disk) == {1, 2, 3}          # a replica on every broker's disk
    leader_segments = [s for s in on_disk[log.leader] if s.state != "deleted"]
    assert [s.base_offset for s in leader_segments] == [0, 5]
    assert [s.state for s in leader_segments] == ["closed", "active"]
    assert all(s.size > 0 for s in leader_segments)
    assert segments_on_disk(cluster, topic, 7) == ()  # no broker holds a partition 7


def test_committed_offsets_of_chosen_groups(cluster, link, make_topic, produce, unique):
    topic = make_topic("committed", partitions=1)
    produce(topic, 12)
    group = BackgroundGroup(cluster, unique("committed-group"), topic)
    group.add()
    try:
        def committed():
            (log,) = topic_log_snapshot(link, topic, (group.group_id, "nobody-here")).partitions
            return log if log.committed[0][1] == 12 else None
        log = wait_for(committed, timeout=45, interval=0.5)
        assert log.committed == ((group.group_id, 12), ("nobody-here", None))
    finally:
        group.close()


def test_rates_follow_produced_records(link, make_topic, produce):
    topic = make_topic("rates", partitions=3)

    def complete():
        totals = offset_totals(link, topic)
        return totals if len(totals.produced) == 3 else None
    before = wait_for(complete, timeout=15)
    produce(topic, 90)
    after = offset_totals(link, topic)
    point = rates(before, after)
    seconds = after.taken_at - before.taken_at
    assert sum(after.produced.values()) - sum(before.produced.values()) == 90
    assert abs(point.produced_per_s - 90 / seconds) < 1e-6
