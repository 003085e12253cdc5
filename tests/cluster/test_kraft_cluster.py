"""The course cluster is real Kafka and behaves like it: round trips, failover, ISR, clean shutdown."""

import time
from pathlib import Path

from course_lib.clients.admin import create_topic, describe_topic
from course_lib.clients.consume import consume
from course_lib.clients.produce import produce
from course_lib.waiting import poll_until


def test_round_trip_on_a_replicated_topic(cluster, unique):
    topic = unique("round-trip")
    info = create_topic(topic, partitions=3, replication_factor=3)
    assert info.replication_factor == 3
    sent = produce(topic, [(f"user-{i % 4}", f"event {i}") for i in range(20)], acks="all")
    received = consume(topic, max_records=20, timeout=30)
    assert sorted((r.key, r.value) for r in received) == sorted((r.key, r.value) for r in sent)
    for record in received:  # same key, same partition
        assert record.partition == next(s.partition for s in sent if s.key == record.key)


def test_up_on_a_running_cluster_is_a_no_op(cluster):
    pids = [node.process.pid for node in cluster.nodes]
    started = time.monotonic()
    cluster.up(quiet=True)
    assert [node.process.pid for node in cluster.nodes] == pids
    assert time.monotonic() - started < 15


def test_status_matches_the_process_table_and_the_quorum(cluster):
    rows = {row.node_id: row for row in cluster.status()}
    for node in cluster.nodes:
        row = rows[node.node_id]
        assert row.alive and row.port == node.port
        cmdline = Path(f"/proc/{row.pid}/cmdline").read_bytes().decode()
        assert "kafka.Kafka" in cmdline and str(node.config_file) in cmdline
    controllers = [row.node_id for row in rows.values() if "active controller" in row.role]
    assert controllers == [cluster.controller_id()]


def test_killing_a_broker_moves_leaders_shrinks_and_heals_the_isr(cluster, unique):
    topic = unique("failover")
    create_topic(topic, partitions=6, replication_factor=3)
    victim = describe_topic(topic).partitions[0].leader
    led_before = [p.partition for p in describe_topic(topic).partitions if p.leader == victim]

    cluster.kill_broker(victim)
    assert victim not in {row.node_id for row in cluster.status() if row.alive}

    def failed_over(parts) -> bool:
        return all(p.leader not in (victim, -1) and victim not in p.isr and len(p.isr) == 2 for p in parts)
    parts = poll_until(lambda: describe_topic(topic).partitions,
                       f"leaders to move off broker {victim} and ISRs to shrink to 2", 60, every=0.5, done=failed_over)
    assert all(parts[i].leader != victim for i in led_before)
    produce(topic, [("after-kill", "still accepted")], acks="all")  # 2 in-sync replicas = min.insync.replicas

    cluster.start_broker(victim)
    poll_until(lambda: describe_topic(topic).partitions, f"broker {victim} to rejoin every ISR", 60, every=0.5,
               done=lambda parts: all(len(p.isr) == 3 for p in parts))
    assert len(consume(topic, max_records=1, timeout=20)) == 1
