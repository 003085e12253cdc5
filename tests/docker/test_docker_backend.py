"""DockerCluster issues the right ``docker compose`` command lines and reads their answers right.

A fake runner stands in for the docker CLI (a pure unit test: no engine, no broker); it records every
argv and answers ``ps`` and ``exec cat quorum-state`` with canned output.
"""

import json
import subprocess

import pytest

from course_lib import __main__ as cli
from course_lib.cluster import ZooKeeperCluster, course_cluster
from course_lib.cluster import docker as docker_backend
from course_lib.cluster import ports
from course_lib.cluster.compose import QUORUM_STATE_FILE, active_controller, parse_ps
from course_lib.cluster.docker import KRAFT_STACK, ZOOKEEPER_STACK, DockerCluster
from course_lib.errors import CourseError
from course_lib.paths import course_home
from stack_files import STACKS, assert_one_sentence

KRAFT_FILE = str(KRAFT_STACK.compose_file)
BASE = ["docker", "compose", "-f", KRAFT_FILE, "-p", "kafka-course"]
ZK_BASE = ["docker", "compose", "-f", str(ZOOKEEPER_STACK.compose_file), "-p", "kafka-course-zookeeper"]
RUNNING = {"kafka-1", "kafka-2", "kafka-3", "schema-registry", "control-center"}


class FakeDocker:
    """Answers like a docker CLI whose engine runs the containers in ``running`` (all healthy)."""

    def __init__(self, running=RUNNING, leader=2, fail=None):
        self.running = set(running)
        self.leader = leader
        self.fail = fail  # (subcommand, stderr) to fail with
        self.calls: list[list[str]] = []
        self.watched_dirs = []  # folders whose mode each call records in ``dir_modes``
        self.dir_modes: list[list[int | None]] = []

    def __call__(self, argv, timeout=None):
        self.calls.append(list(argv))
        self.dir_modes.append([d.stat().st_mode & 0o777 if d.is_dir() else None for d in self.watched_dirs])
        out, code, err = "", 0, ""
        if self.fail and self.fail[0] in argv:
            code, err = 1, self.fail[1]
        elif "ps" in argv:
            out = "\n".join(json.dumps({"Service": name, "State": "running", "Health": "healthy"})
                            for name in sorted(self.running))
        elif "exec" in argv:
            out = json.dumps({"leaderId": self.leader, "leaderEpoch": 7, "votedId": -1})
        return subprocess.CompletedProcess(argv, code, out, err)

    def compose_calls(self) -> list[list[str]]:
        """The state-changing compose commands (engine checks and ps left out)."""
        return [argv for argv in self.calls if argv[:2] == ["docker", "compose"]
                and not {"version", "ps", "exec"} & set(argv)]


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.delenv("COURSE_DOCKER_PROFILES", raising=False)
    return FakeDocker()


@pytest.fixture
def ready(monkeypatch):
    """Record readiness waits instead of talking to brokers; every port counts as free."""
    waits = []
    monkeypatch.setattr(docker_backend, "wait_until_ready", lambda cluster, **kw: waits.append(kw))
    monkeypatch.setattr(docker_backend, "port_is_free", lambda port: True)
    return waits


def test_course_backend_docker_selects_the_docker_cluster(monkeypatch):
    monkeypatch.setenv("COURSE_BACKEND", "docker")
    monkeypatch.delenv("COURSE_DOCKER_PROFILES", raising=False)
    cluster = course_cluster()
    assert isinstance(cluster, DockerCluster) and cluster.stack is KRAFT_STACK
    assert cluster.bootstrap_servers == "localhost:9092,localhost:9093,localhost:9094"
    assert [(n.node_id, n.port) for n in cluster.nodes] == [(1, 9092), (2, 9093), (3, 9094)]


def test_each_control_issues_its_compose_command(fake, ready):
    cluster = DockerCluster(run=fake)
    cluster.stop_broker(2)
    cluster.kill_broker(3)
    fake.running.discard("kafka-3")
    cluster.start_broker(3)
    cluster.down()
    cluster.reset()
    assert fake.compose_calls() == [
        BASE + ["stop", "--timeout", "30", "kafka-2"],
        BASE + ["kill", "-s", "SIGKILL", "kafka-3"],
        BASE + ["up", "-d", "--no-deps", "--wait", "kafka-3"],
        BASE + ["--profile", "ui", "down", "--timeout", "30"],
        BASE + ["--profile", "ui", "down", "--volumes", "--remove-orphans", "--timeout", "30"],
    ]
    assert ready == [{"timeout": 300, "say": ready[0]["say"], "require_all": False, "node": cluster.node(3)}]


def test_the_engine_is_checked_once_before_the_first_command(fake):
    cluster = DockerCluster(run=fake)
    cluster.logs(1, 5)
    cluster.logs(2, 5)
    assert fake.calls[:2] == [["docker", "version", "--format", "{{.Server.Version}}"],
                              ["docker", "compose", "version", "--short"]]
    assert fake.calls[2:] == [BASE + ["logs", "--no-color", "--no-log-prefix", "--tail", "5", "kafka-1"],
                              BASE + ["logs", "--no-color", "--no-log-prefix", "--tail", "5", "kafka-2"]]


def test_up_starts_the_stack_then_waits_for_an_acks_all_write(ready):
    fake = FakeDocker(running=())
    cluster = DockerCluster(run=fake, profiles=())
    assert cluster.up(timeout=77, quiet=True) is cluster
    assert fake.compose_calls() == [BASE + ["up", "-d"]]
    assert [w["timeout"] for w in ready] == [77] and "require_all" not in ready[0]


def test_up_on_a_running_stack_only_checks_readiness(fake, ready):
    DockerCluster(run=fake).up(quiet=True)
    assert fake.compose_calls() == []
    assert ready[0]["quiet_when_ready"] is True


def test_up_with_a_profile_puts_it_before_the_subcommand(monkeypatch, ready):
    monkeypatch.setenv("COURSE_DOCKER_PROFILES", "ui")
    fake = FakeDocker(running=())
    DockerCluster(run=fake).up(quiet=True)
    assert fake.compose_calls() == [BASE + ["--profile", "ui", "up", "-d"]]


def test_an_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("COURSE_DOCKER_PROFILES", "grafana")
    with pytest.raises(CourseError) as error:
        DockerCluster(run=FakeDocker())
    assert "grafana" in str(error.value) and "ui" in str(error.value)
    assert_one_sentence(str(error.value))


@pytest.mark.parametrize("taken", [9093, 19093], ids=["client port", "controller port"])
def test_a_taken_port_is_named_before_compose_runs(monkeypatch, taken):
    monkeypatch.setattr(docker_backend, "port_is_free", lambda port: port != taken)
    monkeypatch.setattr(ports, "port_owner", lambda port: "process 4242 (java kafka.Kafka)")
    fake = FakeDocker(running=())
    with pytest.raises(CourseError) as error:
        DockerCluster(run=fake, profiles=()).up(quiet=True)
    message = str(error.value)
    assert str(taken) in message and "kafka-2" in message and "process 4242" in message
    assert_one_sentence(message)
    assert fake.compose_calls() == []


def test_killing_a_stopped_broker_says_how_to_start_it(fake):
    fake.running.discard("kafka-2")
    with pytest.raises(CourseError) as error:
        DockerCluster(run=fake).kill_broker(2)
    assert "start-broker 2" in str(error.value)
    assert fake.compose_calls() == []


def test_an_unknown_broker_is_refused(fake):
    with pytest.raises(CourseError) as error:
        DockerCluster(run=fake).stop_broker(4)
    assert_one_sentence(str(error.value))


def test_a_failing_compose_command_becomes_one_sentence(fake):
    fake.fail = ("kill", "Error response from daemon: Cannot kill container: kafka-course-kafka-1-1: is not running\n")
    with pytest.raises(CourseError) as error:
        DockerCluster(run=fake).kill_broker(1)
    message = str(error.value)
    assert message.startswith("`docker compose kill -s SIGKILL kafka-1` failed (Error response from daemon")
    assert_one_sentence(message)


def test_is_running_needs_the_brokers_and_schema_registry_not_control_center():
    assert DockerCluster(run=FakeDocker(running=RUNNING - {"control-center"}), profiles=()).is_running()
    assert not DockerCluster(run=FakeDocker(running=RUNNING - {"schema-registry"}), profiles=()).is_running()
    assert not DockerCluster(run=FakeDocker(running=RUNNING - {"kafka-3"}), profiles=()).is_running()


def test_a_broker_container_is_alive_only_while_running(fake):
    cluster = DockerCluster(run=fake)
    fake.running.discard("kafka-1")
    assert [node.process.alive for node in cluster.nodes] == [False, True, True]


def test_status_names_the_kraft_leader_read_from_the_quorum_state(fake):
    cluster = DockerCluster(run=fake)
    rows = {row.node_id: row for row in cluster.status()}
    assert rows[2].role == "broker+controller, healthy (active controller)"
    assert rows[1].role == "broker+controller, healthy" and rows[1].port == 9092 and rows[1].alive
    assert rows["schema-registry"].port == 8081 and rows["control-center"].port == 9021
    assert "kafka-ui" not in rows  # its profile is not active and it has no container
    assert BASE + ["exec", "-T", "kafka-1", "cat", QUORUM_STATE_FILE] in fake.calls
    table = cluster.status_table()
    assert "localhost:9092,localhost:9093,localhost:9094" in table and "(active controller)" in table


def test_the_zookeeper_stack_drives_its_own_file_and_project():
    fake = FakeDocker(running={"zookeeper", "kafka-1", "kafka-2", "kafka-3", "schema-registry"})
    cluster = DockerCluster(ZOOKEEPER_STACK, run=fake, profiles=())
    assert cluster.is_running()
    assert cluster.bootstrap_servers == "localhost:9192,localhost:9193,localhost:9194"
    cluster.kill_broker(1)
    assert fake.compose_calls()[-1] == ["docker", "compose", "-f", str(ZOOKEEPER_STACK.compose_file),
                                        "-p", "kafka-course-zookeeper", "kill", "-s", "SIGKILL", "kafka-1"]
    assert cluster.project.shown(fake.compose_calls()[-1]) == \
        "docker compose -f compose.zookeeper.yaml kill -s SIGKILL kafka-1"


def test_readiness_messages_point_at_the_logs_command():
    node = DockerCluster(run=FakeDocker()).node(2)
    assert f"{node.log_dir / 'server.log'}" == "`python -m course_lib logs 2`"


def test_ps_output_is_read_in_both_json_shapes():
    rows = [{"Service": "kafka-1", "State": "running", "Health": "starting"},
            {"Service": "kafka-2", "State": "exited", "Health": ""}]
    lines, array = "\n".join(map(json.dumps, rows)), json.dumps(rows)
    for text in (lines, array):
        states = parse_ps(text)
        assert states["kafka-1"].running and states["kafka-1"].health == "starting"
        assert not states["kafka-2"].running and states["kafka-2"].state == "exited"
    assert parse_ps("") == {}


def test_the_active_controller_is_the_leader_of_the_newest_epoch():
    def state(leader, epoch):
        return json.dumps({"leaderId": leader, "leaderEpoch": epoch})
    assert active_controller({1: state(1, 3), 2: state(3, 5), 3: state(3, 5)}) == 3
    assert active_controller({1: state(1, 3), 2: state(2, 4)}) == 2
    assert active_controller({1: state(3, 9), 2: state(3, 9)}) is None  # the leader's node did not answer
    assert active_controller({1: state(-1, 2), 2: "not json"}) is None


def test_every_stack_file_exists_where_the_backend_looks():
    for stack in STACKS.values():
        assert stack.compose_file.is_file()


# -- the brokers' data on this computer ----------------------------------------------------------------

def test_nodes_have_the_embedded_nodes_data_dir_and_controller_port(monkeypatch):
    """What the lessons read from a node (log segments, KRaft metadata) exists on either backend."""
    monkeypatch.delenv("COURSE_CONTROLLER_PORTS", raising=False)
    docker_nodes = DockerCluster(run=FakeDocker(), profiles=()).nodes
    embedded = course_cluster("embedded").nodes
    assert [n.controller_port for n in docker_nodes] == [n.controller_port for n in embedded] == [19092, 19093, 19094]
    assert [n.data_dir for n in docker_nodes] == [course_home() / "docker" / f"kafka-{i}" / "data" for i in (1, 2, 3)]
    zookeeper_nodes = DockerCluster(ZOOKEEPER_STACK, run=FakeDocker(), profiles=()).nodes
    assert [n.controller_port for n in zookeeper_nodes] == [None, None, None]
    assert {n.data_dir.parent.parent for n in zookeeper_nodes} == {course_home() / "docker-zookeeper"}


def test_up_creates_each_data_dir_writable_for_the_containers_user_before_compose_runs(ready):
    fake = FakeDocker(running=())
    cluster = DockerCluster(run=fake, profiles=())
    fake.watched_dirs = [node.data_dir for node in cluster.nodes]
    cluster.up(quiet=True)
    up_call = fake.calls.index(BASE + ["up", "-d"])
    assert fake.dir_modes[0] == [None, None, None]  # nothing exists before `up`
    assert fake.dir_modes[up_call] == [0o777, 0o777, 0o777]


def test_start_broker_recreates_a_missing_data_dir(fake, ready):
    cluster = DockerCluster(run=fake)
    fake.running.discard("kafka-2")
    fake.watched_dirs = [cluster.node(2).data_dir]
    cluster.start_broker(2)
    assert fake.dir_modes[fake.calls.index(BASE + ["up", "-d", "--no-deps", "--wait", "kafka-2"])] == [0o777]


def test_a_relative_course_home_is_refused_before_compose_runs(monkeypatch, ready):
    """compose reads COURSE_HOME from docker/, Python from the current folder: they would differ."""
    monkeypatch.setenv("COURSE_HOME", "my-course")
    fake = FakeDocker(running=())
    with pytest.raises(CourseError) as error:
        DockerCluster(run=fake, profiles=()).up(quiet=True)
    assert "absolute" in str(error.value)
    assert_one_sentence(str(error.value))
    assert fake.compose_calls() == []


def test_reset_deletes_the_brokers_data_dirs(fake, ready):
    cluster = DockerCluster(run=fake)
    segment = cluster.node(1).data_dir / "orders-0" / "00000000000000000000.log"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(b"")
    cluster.reset()
    assert not cluster.home.exists()
    cluster.reset()  # nothing left to delete is no error


# -- python -m course_lib ... --zookeeper ---------------------------------------------------------------

@pytest.fixture
def docker_cli(monkeypatch, ready):
    """``python -m course_lib`` with COURSE_BACKEND=docker, the fake docker CLI answering every compose call."""
    monkeypatch.setenv("COURSE_BACKEND", "docker")
    monkeypatch.delenv("COURSE_DOCKER_PROFILES", raising=False)
    fake = FakeDocker(running=())
    monkeypatch.setattr(docker_backend, "run_command", fake)
    return fake


def test_zookeeper_up_on_docker_starts_the_zookeeper_stack(docker_cli, capsys):
    cli.run(["up", "--zookeeper"])
    assert docker_cli.compose_calls() == [ZK_BASE + ["up", "-d"]]
    assert "kafka-course-zookeeper" in capsys.readouterr().out
    assert all(node.data_dir.is_dir() for node in DockerCluster(ZOOKEEPER_STACK, run=docker_cli).nodes)


def test_every_zookeeper_control_on_docker_drives_the_zookeeper_stack(docker_cli, capsys):
    docker_cli.running = {"zookeeper", "kafka-1", "kafka-2", "kafka-3", "schema-registry", "control-center"}
    cli.run(["stop-broker", "2", "--zookeeper"])
    cli.run(["kill-broker", "3", "--zookeeper"])
    docker_cli.running.discard("kafka-3")
    cli.run(["start-broker", "3", "--zookeeper"])
    cli.run(["logs", "1", "-n", "7", "--zookeeper"])
    cli.run(["down", "--zookeeper"])
    cli.run(["reset", "--zookeeper"])
    assert docker_cli.compose_calls() == [
        ZK_BASE + ["stop", "--timeout", "30", "kafka-2"],
        ZK_BASE + ["kill", "-s", "SIGKILL", "kafka-3"],
        ZK_BASE + ["up", "-d", "--no-deps", "--wait", "kafka-3"],
        ZK_BASE + ["logs", "--no-color", "--no-log-prefix", "--tail", "7", "kafka-1"],
        ZK_BASE + ["--profile", "platform", "--profile", "ui", "down", "--timeout", "30"],
        ZK_BASE + ["--profile", "platform", "--profile", "ui", "down", "--volumes", "--remove-orphans", "--timeout", "30"],
    ]
    assert not any(argv[:6] == BASE for argv in docker_cli.calls)
    assert f"Stopped and deleted {course_home() / 'docker-zookeeper'}." in capsys.readouterr().out


def test_the_zookeeper_stack_keeps_the_platform_in_a_profile_so_it_runs_beside_the_main_stack(ready):
    """Lesson 10 runs both clusters at once: a plain ``up`` of each must not want the other's ports."""
    fake = FakeDocker(running=())
    DockerCluster(ZOOKEEPER_STACK, run=fake, profiles=()).up(quiet=True)
    assert fake.compose_calls() == [ZK_BASE + ["up", "-d"]]
    assert {s.name for s in ZOOKEEPER_STACK.services if s.profile is None} == {"zookeeper"}
    assert set(ZOOKEEPER_STACK.profiles) == {"platform", "ui"}

    def plain_up_ports(stack):
        return ({s.port for s in stack.services if s.profile is None} | {port for _, _, port in stack.brokers}
                | set(stack.controller_ports))
    assert not plain_up_ports(KRAFT_STACK) & plain_up_ports(ZOOKEEPER_STACK)


def test_zookeeper_without_docker_is_the_embedded_zookeeper_cluster(monkeypatch):
    monkeypatch.delenv("COURSE_BACKEND", raising=False)
    assert isinstance(cli._cluster(zookeeper=True), ZooKeeperCluster)
    monkeypatch.setenv("COURSE_BACKEND", "docker")
    monkeypatch.delenv("COURSE_DOCKER_PROFILES", raising=False)
    assert cli._cluster(zookeeper=True).stack is ZOOKEEPER_STACK
    assert cli._cluster(zookeeper=False).stack is KRAFT_STACK
