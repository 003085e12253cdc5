"""The Connect worker's life cycle on the real cluster (lesson 17): up answers REST with Apache's connectors and
keeps its state in three compacted topics, a second up is a no-op, a file source copies lines into a topic, and
the worker stops with no JVM left; a taken port and a worker that dies at start each get one sentence. The
dashboard's Connect tab (``views.connect``) shows a running connector, and a failed task with its error."""

import socket
import time

import pytest
from confluent_kafka import Producer

from course_lib.clients.admin import create_topic, list_topics, topic_config
from course_lib.clients.reading import read_all
from course_lib.cluster import KRaftCluster, ZooKeeperCluster
from course_lib.cluster.connect_worker import (INTERNAL_TOPICS, PORT_SETTING, ZK_PORT_SETTING, ConnectWorker,
                                               connect_port, stop_connect_worker)
from course_lib.connection import client_config
from course_lib.errors import CourseError
from course_lib.views.connect import render_connect
from course_lib.views.snapshots import connect_snapshot


@pytest.fixture(scope="module")
def worker(cluster):
    worker = ConnectWorker(cluster).start()
    yield worker
    worker.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_up_answers_with_apaches_connectors_and_keeps_its_state_on_the_cluster(worker, cluster):
    plugins = {plugin["class"].rsplit(".", 1)[-1] for plugin in worker.rest("GET", "/connector-plugins")}
    expected = {"FileStreamSourceConnector", "FileStreamSinkConnector", "MirrorSourceConnector",
                "PostgresConnector"}  # Apache's, and Debezium's from the plugin archive (lesson 18)
    assert expected <= plugins, plugins
    for topic in INTERNAL_TOPICS.values():
        assert topic_config(topic)["cleanup.policy"] == "compact", topic
    pid = worker.process.pid
    again = ConnectWorker(cluster).start()
    assert again.process.pid == pid, "a second up is a no-op"


def test_a_file_source_copies_lines_into_a_topic(worker, unique, tmp_path):
    topic, name, source = unique("connect-lines"), unique("file-source"), tmp_path / "lines.txt"
    source.write_text("one\ntwo\nthree\n")
    worker.rest("PUT", f"/connectors/{name}/config", {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "file": str(source),
        "topic": topic, "value.converter": "org.apache.kafka.connect.storage.StringConverter"})
    try:
        deadline = time.monotonic() + 60
        while (lines := [r.value for r in read_all(topic)] if topic in list_topics() else []) != ["one", "two", "three"]:
            assert time.monotonic() < deadline, lines
            time.sleep(1)
        assert worker.rest("GET", f"/connectors/{name}/status")["tasks"][0]["state"] == "RUNNING"
        [shown] = [c for c in connect_snapshot(worker.url).connectors if c.name == name]
        assert (shown.kind, shown.state, [(t.state, t.error) for t in shown.tasks]) == \
            ("source", "RUNNING", [("RUNNING", None)]), shown
    finally:
        worker.rest("DELETE", f"/connectors/{name}")


def test_the_connect_view_shows_a_failed_task_with_its_error(worker, cluster, unique, tmp_path):
    topic, name = unique("connect-not-json"), unique("json-sink")
    create_topic(topic, partitions=1)
    producer = Producer(client_config(cluster.bootstrap_servers))
    producer.produce(topic, value="not json")
    assert producer.flush(30) == 0
    worker.rest("PUT", f"/connectors/{name}/config", {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics": topic,
        "file": str(tmp_path / "out.txt"), "value.converter": "org.apache.kafka.connect.json.JsonConverter"})
    try:
        deadline = time.monotonic() + 60
        while not (shown := [c for c in connect_snapshot(worker.url).connectors if c.name == name and c.tasks
                             and c.tasks[0].state == "FAILED"]):
            assert time.monotonic() < deadline, connect_snapshot(worker.url)
            time.sleep(1)
        assert "DataException" in shown[0].tasks[0].error, shown
        html = render_connect(connect_snapshot(worker.url))
        assert f'data-connector="{name}"' in html and 'data-state="FAILED"' in html and "failed task" in html
    finally:
        worker.rest("DELETE", f"/connectors/{name}")



def test_a_rest_error_is_one_sentence_with_connects_message(worker):
    with pytest.raises(CourseError, match="404.*no-such-connector"):
        worker.rest("GET", "/connectors/no-such-connector/status")


def test_a_taken_port_names_its_owner_and_the_setting(cluster, taken_port):
    with pytest.raises(CourseError) as raised:
        ConnectWorker(cluster, port=taken_port, name="connect-port-taken").start()
    message = str(raised.value)
    assert f"Port {taken_port}" in message and "process" in message and PORT_SETTING in message, message


def test_a_worker_that_dies_at_start_says_why_with_the_end_of_its_log(cluster, jvms_under):
    broken = ConnectWorker(cluster, port=free_port(), name="connect-broken",
                           settings={"group.id": "course-connect-broken", "key.converter": "org.example.NoSuchConverter"})
    with pytest.raises(CourseError) as raised:
        broken.start(timeout=120)
    message = str(raised.value)
    assert "stopped during start-up" in message and "org.example.NoSuchConverter" in message, message
    assert not broken.alive and jvms_under(broken.dir) == []
    absent = connect_snapshot(broken.url)
    assert not absent.reachable and "No Connect worker is running" in render_connect(absent)


def test_down_stops_the_worker_and_leaves_no_jvm(worker, cluster, jvms_under):
    assert jvms_under(worker.dir)
    assert stop_connect_worker(cluster.home) is True
    assert not worker.alive and jvms_under(worker.dir) == []
    assert stop_connect_worker(cluster.home) is False


def test_the_worker_beside_the_zookeeper_mode_cluster_has_a_port_of_its_own(monkeypatch):
    monkeypatch.delenv(PORT_SETTING, raising=False)
    monkeypatch.delenv(ZK_PORT_SETTING, raising=False)
    assert (connect_port(KRaftCluster()), connect_port(ZooKeeperCluster())) == (8083, 8084)
    monkeypatch.setenv(ZK_PORT_SETTING, "18084")
    worker = ConnectWorker(ZooKeeperCluster())
    assert (worker.port, worker.port_setting, worker.dir.parent) == (18084, ZK_PORT_SETTING, ZooKeeperCluster().home)
