"""Lab 10's checks on the real clusters (KRaft + ZooKeeper mode): each rejects a wrong state and accepts a right one."""

import pytest
from confluent_kafka.admin import NewTopic

from course_lib.clients.admin import admin_client, create_topic
from course_lib.cluster import ZooKeeperCluster
from course_lib.metadata.failover import controller_failover
from course_lib.metadata.kraft import metadata_records
from course_lib.metadata.zookeeper import topic_znode
from course_lib.labs import Lab
from course_lib.labs import lab10 as checks
from course_lib.waiting import poll_until


@pytest.fixture(scope="module")
def zk(cluster):
    """The ZooKeeper-mode cluster, started by the lab's own ``start`` and stopped after this module."""
    zk = ZooKeeperCluster()
    yield zk
    zk.down()


@pytest.fixture
def lab(zk):
    lab = Lab("10")
    checks.start(lab)
    return lab


def create_on_zk(zk, topic: str, partitions: int) -> None:
    client = admin_client(zk)
    client.create_topics([NewTopic(topic, partitions, 3)])[topic].result(60)
    poll_until(lambda: topic in client.list_topics(timeout=10).topics, f"{topic} on the ZooKeeper-mode cluster", 60,
               every=0.5)


def test_task1_wants_both_controllers(lab, zk, cluster):
    zk_id, kraft_id = zk.controller_id(), cluster.controller_id()
    assert not checks.task1(lab)
    assert not checks.task1(lab, zk_controller=zk_id % 3 + 1, kraft_leader=kraft_id)
    assert not checks.task1(lab, zk_controller=zk_id, kraft_leader=kraft_id % 3 + 1)
    verdict = checks.task1(lab, zk_controller=zk_id, kraft_leader=kraft_id)
    assert verdict, verdict


def test_task2_wants_the_topic_in_both_stores_and_both_ids(lab, zk, cluster):
    topic = lab.topic("inventory")
    assert "ZooKeeper has no" in checks.task2(lab).message
    create_on_zk(zk, topic, partitions=2)  # the wrong shape
    create_topic(topic, partitions=4, cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "2 partitions" in verdict.message, verdict

    right = Lab("10", run_id=lab.run_id + "b")
    topic = right.topic("inventory")
    create_on_zk(zk, topic, partitions=4)
    assert "no TOPIC_RECORD" in checks.task2(right).message
    create_topic(topic, partitions=4, cluster=cluster)
    zk_id = topic_znode(zk, topic).topic_id
    kraft_id = next(r.data["topicId"] for r in metadata_records(cluster)
                    if r.type == "TOPIC_RECORD" and r.data["name"] == topic)
    assert zk_id != kraft_id
    assert not checks.task2(right, zk_topic_id=kraft_id, kraft_topic_id=zk_id)  # swapped
    verdict = checks.task2(right, zk_topic_id=zk_id, kraft_topic_id=kraft_id)
    assert verdict, verdict


def test_task3_wants_a_new_controller_in_each_cluster_and_every_broker_back(lab, zk, cluster):
    assert "no new election" in checks.task3(lab).message
    assert not checks.task3(Lab("10"))  # an attempt that never ran start()
    victim = zk.controller_id()
    zk.kill_broker(victim)
    verdict = checks.task3(lab)
    assert not verdict and "is not running" in verdict.message, verdict
    zk.start_broker(victim, timeout=240)
    verdict = checks.task3(lab)
    assert not verdict and "KRaft controller epoch is still" in verdict.message, verdict
    controller_failover(cluster)
    verdict = checks.task3(lab)
    assert verdict, verdict
