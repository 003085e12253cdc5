"""Fast checks without a cluster: the ZooKeeper-mode configs, the CLI flag, and the one-sentence errors."""

import pytest

from course_lib.__main__ import _parser
from course_lib.cluster import KRaftCluster, ZooKeeperCluster
from course_lib.cluster.ports import port_is_free
from course_lib.errors import CourseError
from course_lib.metadata.kraft import quorum_status
from course_lib.metadata.zookeeper import registered_brokers


def settings(text: str) -> dict:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_brokers_run_in_zookeeper_mode_on_their_own_ports(tmp_path):
    cluster = ZooKeeperCluster(home=tmp_path, ports=(9192, 9193, 9194), zookeeper_port=2181)
    config = settings(cluster.render_config(cluster.node(2)))
    assert "process.roles" not in config  # no roles: Kafka 3.9 runs in ZooKeeper mode
    assert config["broker.id"] == "2" and config["zookeeper.connect"] == "127.0.0.1:2181"
    assert config["listeners"] == "PLAINTEXT://127.0.0.1:9193"
    assert config["advertised.listeners"] == "PLAINTEXT://localhost:9193"
    assert config["min.insync.replicas"] == "2" and config["default.replication.factor"] == "3"
    assert not any(key.startswith("share.") for key in config)  # Kafka 4 only
    zoo = settings(cluster.zookeeper.render_config())
    assert (zoo["clientPort"], zoo["clientPortAddress"], zoo["admin.enableServer"]) == ("2181", "127.0.0.1", "false")
    assert cluster.logging_jvm_args()[0].startswith("-Dlog4j.configuration=file:")


def test_ports_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_ZK_BROKER_PORTS", "9601,9602,9603")
    monkeypatch.setenv("COURSE_ZOOKEEPER_PORT", "2599")
    cluster = ZooKeeperCluster(home=tmp_path)
    assert cluster.bootstrap_servers == "localhost:9601,localhost:9602,localhost:9603"
    assert cluster.zookeeper_connect == "127.0.0.1:2599"
    monkeypatch.setenv("COURSE_ZOOKEEPER_PORT", "twenty")
    with pytest.raises(CourseError, match="COURSE_ZOOKEEPER_PORT"):
        ZooKeeperCluster(home=tmp_path)


def test_cli_flag_selects_the_zookeeper_cluster():
    for argv in (["up", "--zookeeper"], ["kill-broker", "2", "--zookeeper"], ["logs", "--zookeeper", "1"]):
        assert _parser().parse_args(argv).zookeeper
    assert not _parser().parse_args(["status"]).zookeeper


def test_znode_helpers_refuse_a_kraft_cluster(tmp_path):
    with pytest.raises(CourseError, match="not a ZooKeeper-mode cluster"):
        registered_brokers(KRaftCluster(home=tmp_path))


def test_quorum_status_refuses_a_zookeeper_cluster(tmp_path):
    with pytest.raises(CourseError, match="ZooKeeper mode"):
        quorum_status(ZooKeeperCluster(home=tmp_path))


def test_unreachable_zookeeper_is_one_course_error():
    port = next(p for p in range(2990, 3090) if port_is_free(p))
    with pytest.raises(CourseError, match="up --zookeeper"):
        registered_brokers(f"127.0.0.1:{port}")
