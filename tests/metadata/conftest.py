"""The ZooKeeper-mode cluster for the session: up before its first test, down after the last.

Unlike the KRaft ``cluster`` (left running for the next run), it is stopped at the end: it exists for
one lesson, and a learner's laptop should not keep four extra JVMs alive for nothing.
"""

import pytest

from course_lib.cluster import ZooKeeperCluster


@pytest.fixture(scope="session")
def zk_cluster():
    """ZooKeeper + 3 Kafka 3.9 brokers in ZooKeeper mode, up and ready."""
    cluster = ZooKeeperCluster()
    cluster.up(timeout=240, quiet=True)  # 4 JVMs on 2 cores, maybe beside the KRaft cluster
    yield cluster
    cluster.down()


@pytest.fixture(autouse=True)
def zk_brokers_back_up(request):
    """After a test that uses the ZooKeeper-mode cluster, restart any broker it killed."""
    yield
    if "zk_cluster" in request.fixturenames:
        cluster = request.getfixturevalue("zk_cluster")
        if cluster.zookeeper.process.alive:  # the last test stops everything on purpose
            for node in cluster.nodes:
                if not node.process.alive:
                    cluster.start_broker(node.node_id, timeout=240)
