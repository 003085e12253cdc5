"""Snapshot functions against the real cluster: what the views will show is what Kafka says."""

import time

import pytest

from course_lib.views import BackgroundGroup
from course_lib.views.snapshots import (cluster_snapshot, group_snapshot, offset_totals, rates,
                                        segments_on_disk, topic_log_snapshot, track_rebalances)
from course_lib.waiting import poll_until

from conftest import snapshot_knowing


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
    def replication():
        return cluster_snapshot(link, [topic])
    snap = poll_until(replication, f"the snapshot to show broker {victim} dead", 3,
                      done=lambda snap: not snap.broker(victim).alive)
    assert time.monotonic() - killed_at < 3
    assert all(b.alive for b in snap.brokers if b.node_id != victim)

    def failed_over(snap) -> bool:
        return snap.broker(victim).registered is False and bool(snap.partitions) and all(
            p.leader not in (None, victim) and victim not in p.isr for p in snap.partitions)
    snap = poll_until(replication, f"broker {victim} to be unregistered, lead no partition of {topic} and be in no ISR",
                      30, done=failed_over)
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

        def tracked_snapshot():
            nonlocal history
            snap = group_snapshot(link, group.group_id)
            history = track_rebalances(history, snap)
            return snap

        def settled(members: int):
            return lambda snap: snap.state == "STABLE" and len(snap.members) == members and len(snap.assignment()) == 6
        snap = poll_until(tracked_snapshot, f"group {group.group_id} to be STABLE, 3 members owning all 6 partitions",
                          45, every=0.5, done=settled(3))
        assigned = [tp for m in snap.members for tp in m.partitions]
        assert sorted(assigned) == [(topic, p) for p in range(6)]  # every partition, none twice
        assert all(len(m.partitions) == 2 for m in snap.members)
        assert {p.partition for p in snap.partitions} == set(range(6))

        gone = group.remove()
        snap = poll_until(tracked_snapshot, f"group {group.group_id} to be STABLE, 2 members owning all 6 partitions",
                          45, every=0.5, done=settled(2))
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

    def lag_snapshot():
        return group_snapshot(link, group_id, (topic,))

    def committed_end_and_lag(snap) -> dict[int, tuple]:
        return {p.partition: (p.committed, p.log_end, p.lag) for p in snap.partitions}
    snap = poll_until(lag_snapshot, f"the unused group {group_id} to lag 30 and 10 records behind", 15,
                      done=lambda snap: committed_end_and_lag(snap) == {0: (None, 30, 30), 1: (None, 10, 10)})
    assert snap.error is None and not snap.members

    group = BackgroundGroup(cluster, group_id, topic)
    group.add()
    try:
        snap = poll_until(lag_snapshot, f"group {group_id} to catch up on both partitions", 45, every=0.5,
                          done=lambda snap: snap.total_lag == 0 and len(snap.partitions) == 2)
        assert {p.partition: p.committed for p in snap.partitions} == {0: 30, 1: 10}
    finally:
        group.close()


def test_offsets_snapshot_and_segments_on_disk(cluster, link, make_topic, produce):
    topic = make_topic("segments", partitions=1, segment_ms=1000)
    produce(topic, 5)
    time.sleep(1.5)           # past segment.ms: the next append rolls a new segment
    produce(topic, 3)

    def offsets_and_disks(snap) -> list[tuple]:
        """Each partition's log start, high watermark, record count, and the brokers holding it on disk."""
        return [(log.log_start, log.high_watermark, log.records, sorted(dict(log.segments or ())))
                for log in snap.partitions]
    snap = poll_until(lambda: topic_log_snapshot(link, topic), f"the snapshot to show offsets 0 to 8 of {topic} "
                      "on a replica on every broker's disk", 15,
                      done=lambda snap: offsets_and_disks(snap) == [(0, 8, 8, [1, 2, 3])])
    (log,) = snap.partitions
    on_disk = dict(log.segments)
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
        def log_with_commits():
            (log,) = topic_log_snapshot(link, topic, (group.group_id, "nobody-here")).partitions
            return log
        log = poll_until(log_with_commits, f"group {group.group_id}'s commit of offset 12 in the snapshot", 45,
                         every=0.5, done=lambda log: log.committed[0][1] == 12)
        assert log.committed == ((group.group_id, 12), ("nobody-here", None))
    finally:
        group.close()


def test_rates_follow_produced_records(link, make_topic, produce):
    topic = make_topic("rates", partitions=3)

    def totals():
        return offset_totals(link, topic)
    before = poll_until(totals, f"the high watermarks of all 3 partitions of {topic}", 15,
                        done=lambda totals: len(totals.produced) == 3)
    produce(topic, 90)
    after = poll_until(totals, f"the high watermarks of {topic} to add up to 90 more records", 15,
                       done=lambda totals: len(totals.produced) == 3
                       and sum(totals.produced.values()) - sum(before.produced.values()) == 90)
    point = rates(before, after)
    seconds = after.taken_at - before.taken_at
    assert abs(point.produced_per_s - 90 / seconds) < 1e-6
