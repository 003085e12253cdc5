"""Every failure a learner can hit gets one sentence that says what to do (and no JVM is left behind)."""

import os
import socket
import stat

import pytest

from course_lib import CourseError, connect
from course_lib.cluster import KRaftCluster
from course_lib.cluster.ports import port_is_free, require_free
from course_lib.toolchain.java import (java_executable, java_major_version, maven_executable, parse_java_version,
                                  parse_maven_version)


def free_ports(count: int) -> list[int]:
    ports = []
    while len(ports) < count:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in ports and port_is_free(port):
            ports.append(port)
    return ports


def scratch_cluster(tmp_path) -> KRaftCluster:
    ports = free_ports(9)
    return KRaftCluster(home=tmp_path / "scratch", ports=tuple(ports[:3]), controller_ports=tuple(ports[3:6]),
                        metrics_ports=tuple(ports[6:]))


@pytest.mark.parametrize("node_index, port_of, setting", [(1, "port", "COURSE_BROKER_PORTS"),
                                                         (2, "metrics_port", "COURSE_METRICS_PORTS")])
def test_a_taken_port_is_named_with_its_process_and_setting(tmp_path, node_index, port_of, setting):
    cluster = scratch_cluster(tmp_path)
    taken = getattr(cluster.nodes[node_index], port_of)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        with pytest.raises(CourseError) as error:
            cluster.up(quiet=True)
    message = str(error.value)
    assert f"Port {taken} (broker {node_index + 1})" in message
    assert f"process {os.getpid()}" in message
    assert setting in message
    assert not any(node.process.alive for node in cluster.nodes)


def test_a_taken_port_is_one_sentence_with_its_holder_and_the_setting_that_moves_it():
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(CourseError) as error:
            require_free(port, "ZooKeeper", "COURSE_ZOOKEEPER_PORT")
    message = str(error.value)
    assert message.startswith(f"Port {port} (ZooKeeper) is already taken by process {os.getpid()} (")
    assert message.endswith("; stop it, or choose a free port with the COURSE_ZOOKEEPER_PORT environment variable.")
    require_free(port, "ZooKeeper", "COURSE_ZOOKEEPER_PORT")  # free again once the squatter has gone


def test_a_broker_that_cannot_start_shows_the_end_of_its_log(tmp_path):
    cluster = scratch_cluster(tmp_path)
    cluster.heap_mb = 64  # below the -Xms256m the course passes: the JVM refuses to start
    with pytest.raises(CourseError) as error:
        cluster.up(quiet=True, timeout=60)
    message = str(error.value)
    assert "stopped during start-up" in message
    assert "heap" in message.lower()
    cluster.down()
    assert not any(node.process.alive for node in cluster.nodes)


def test_attaching_to_a_stopped_cluster_without_autostart_says_how_to_start_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "nothing-here"))
    with pytest.raises(CourseError, match=r"not running; start it with `python -m course_lib up`"):
        connect(autostart=False)


@pytest.mark.parametrize("output, major", [
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('java version "1.8.0_402"', 8),
    ('openjdk version "21" 2023-09-19', 21),
])
def test_java_versions_are_read_from_java_dash_version(output, major):
    assert parse_java_version(output) == major


def test_an_old_java_is_refused_with_the_version_needed(tmp_path, monkeypatch):
    fake_java = tmp_path / "bin" / "java"
    fake_java.parent.mkdir()
    fake_java.write_text('#!/bin/sh\necho \'java version "1.8.0_402"\' >&2\n')
    fake_java.chmod(fake_java.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(CourseError, match="needs Java 17 or newer .* is Java 8"):
        java_major_version()


def test_missing_java_and_maven_say_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CourseError, match="Java was not found; install a JDK 17"):
        java_executable()
    with pytest.raises(CourseError, match=r"Maven \(`mvn`\) was not found"):
        maven_executable()


@pytest.mark.parametrize("output, version", [
    ("\x1b[1mApache Maven 3.8.7\x1b[m\nMaven home: /usr/share/maven", (3, 8, 7)),
    ("Apache Maven 3.9.11 (3e54c93a704957b63ee3494413a2b544fd3d825b)", (3, 9, 11)),
    ("Apache Maven 4.0.0-rc-4", (4, 0, 0)),
])
def test_the_maven_version_is_read_from_mvn_v(output, version):
    assert parse_maven_version(output) == version


def test_an_old_maven_is_named_instead_of_blaming_the_network(monkeypatch, tmp_path):
    fake_mvn = tmp_path / "mvn"
    fake_mvn.write_text("#!/bin/sh\necho 'Apache Maven 3.3.9'\n")
    fake_mvn.chmod(fake_mvn.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CourseError, match=r"needs Maven 3\.6\.3 or newer .* is Maven 3\.3\.9; install a newer one"):
        maven_executable()
