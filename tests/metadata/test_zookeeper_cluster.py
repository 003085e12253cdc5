"""The ZooKeeper-mode cluster is real Kafka 3.9 + ZooKeeper: it runs beside KRaft, stores its metadata
in znodes, and moves ``/controller`` when the controller broker dies."""

import time

import pytest
from confluent_kafka.admin import NewTopic

from course_lib.clients.admin import admin_client, describe_topic
from course_lib.clients.consume import consume
from course_lib.errors import CourseError
from course_lib.metadata.zookeeper import active_controller, registered_brokers, topic_znode, znode_tree
from course_lib.clients.produce import produce
from course_lib.waiting import poll_until


def test_both_clusters_run_side_by_side(cluster, zk_cluster):
    assert cluster.is_running() and zk_cluster.is_running()
    kraft_ports = {p for node in cluster.nodes for p, _ in node.ports}
    zk_ports = {node.port for node in zk_cluster.nodes} | {zk_cluster.zookeeper.port}
    assert not kraft_ports & zk_ports
    assert cluster.home != zk_cluster.home
    assert cluster.controller_id() in {1, 2, 3} and zk_cluster.controller_id() in {1, 2, 3}
    status = {row.node_id: row for row in zk_cluster.status()}
    assert status["zk"].alive and status["zk"].port == zk_cluster.zookeeper.port
    assert sum("active controller" in row.role for row in status.values()) == 1


def test_produce_and_consume_on_the_zookeeper_cluster(zk_cluster, unique):
    topic = unique("zk-orders")
    admin = admin_client(zk_cluster)  # keep the client alive until its future resolves
    admin.create_topics([NewTopic(topic, 3, 3)])[topic].result(60)
    # In ZooKeeper mode the controller pushes metadata to each broker separately, so right after a create
    # one broker may know the topic and the next not yet: ask until the broker that answers knows it.
    info = poll_until(lambda: describe_topic(topic, cluster=zk_cluster), f"the broker asked to know {topic}'s leaders",
                      60, every=0.5, done=lambda info: all(p.leader >= 0 for p in info.partitions),
                      retry_on=(CourseError,))
    sent = produce(topic, [(f"user-{i % 4}", f"order {i}") for i in range(20)], cluster=zk_cluster, acks="all")
    received = consume(topic, max_records=20, timeout=30, cluster=zk_cluster)
    assert sorted((r.key, r.value) for r in received) == sorted((r.key, r.value) for r in sent)

    znode = topic_znode(zk_cluster, topic)  # the same topic, as ZooKeeper stores it
    assert sorted(znode.replicas) == [0, 1, 2]
    assert all(sorted(replicas) == [1, 2, 3] for replicas in znode.replicas.values())
    assert {p: s.leader for p, s in znode.partitions.items()} == {p.partition: p.leader for p in info.partitions}


def test_znodes_list_the_registered_brokers(zk_cluster):
    brokers = registered_brokers(zk_cluster)
    assert [b.broker_id for b in brokers] == [1, 2, 3]
    assert [(b.host, b.port) for b in brokers] == [("localhost", node.port) for node in zk_cluster.nodes]
    assert all(b.endpoints == (f"PLAINTEXT://localhost:{b.port}",) for b in brokers)
    controller = active_controller(zk_cluster)
    assert controller.broker_id in {1, 2, 3} and controller.epoch >= 1
    # /controller is owned by the controller broker's own ZooKeeper session
    assert controller.session_id == next(b.session_id for b in brokers if b.broker_id == controller.broker_id)
    tree = znode_tree(zk_cluster, "/", depth=2)
    assert "controller (e)" in tree and "\n    ids" in tree


def test_killing_the_controller_broker_moves_the_controller_znode(zk_cluster):
    before = active_controller(zk_cluster)
    zk_cluster.kill_broker(before.broker_id)
    # Ephemeral znodes outlive a crash until the dead broker's session times out (6 s here).
    assert active_controller(zk_cluster).broker_id == before.broker_id

    after = poll_until(lambda: active_controller(zk_cluster), "another broker to take /controller", 45, every=0.5,
                       done=lambda controller: controller is not None and controller.broker_id != before.broker_id)
    assert after.epoch > before.epoch
    assert after.session_id != before.session_id
    assert before.broker_id not in [b.broker_id for b in registered_brokers(zk_cluster)]
    assert zk_cluster.controller_id() == after.broker_id

    zk_cluster.start_broker(before.broker_id, timeout=240)  # it comes back as an ordinary broker
    assert before.broker_id in [b.broker_id for b in registered_brokers(zk_cluster)]
    assert active_controller(zk_cluster).broker_id == after.broker_id


@pytest.mark.last
def test_down_leaves_no_zookeeper_or_kafka_jvm(zk_cluster, jvms_under):
    zk_cluster.up(timeout=240, quiet=True)  # lab 10's tests and notebooks may have stopped it since
    assert len(jvms_under(zk_cluster.home)) == 4  # ZooKeeper + 3 brokers
    started = time.monotonic()
    zk_cluster.down()
    assert time.monotonic() - started < 60
    assert jvms_under(zk_cluster.home) == []
    assert not zk_cluster.zookeeper.process.alive
    assert zk_cluster.controller_id() is None
