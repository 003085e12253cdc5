"""The course cluster on Docker: the Confluent Platform stack in ``docker/``, driven by ``docker compose``.

``COURSE_BACKEND=docker`` selects it (``course_cluster()``). It has the controls of the embedded
``KRaftCluster`` — up, down, status, stop/kill/start a broker, logs, reset — on the same localhost
ports and with the same teaching settings, so every notebook runs unchanged. Each broker's log directory is
bind-mounted from ``<COURSE_HOME>/docker/kafka-N/data``, so lessons read its segment files from ``node.data_dir``
as on the embedded cluster. docker/README.md is the learner's guide; ``compose.py`` holds the command lines.
"""

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka.admin import AdminClient

from ..connection import client_config
from ..errors import CourseError
from ..paths import REPO_ROOT, course_home
from .base import Cluster, NodeStatus
from .compose import (QUORUM_STATE_FILE, ComposeProject, ContainerState, active_controller, check_engine, parse_ps,
                      run_command)
from .ports import port_is_free, port_taken
from .readiness import wait_until_ready
from .connect_worker import stop_connect_worker
from .postgres import stop_postgres
from .streams_app import stop_streams_apps

__all__ = ["DockerCluster", "KRAFT_STACK", "Stack", "StackService", "ZOOKEEPER_STACK"]

DOCKER_DIR = REPO_ROOT / "docker"


@dataclass(frozen=True)
class StackService:
    """A service of a compose file beside the brokers, as ``status`` shows it (course machinery)."""
    name: str
    port: int               # its port on localhost
    label: str
    needed: bool = False    # notebooks need it: ``is_running`` is False without it
    profile: str | None = None


@dataclass(frozen=True)
class Stack:
    """What the course must know about one compose file; tests/docker checks it against the file (course machinery)."""
    compose_file: Path
    project: str                              # the file's top-level ``name``
    title: str
    brokers: tuple[tuple[int, str, int], ...]  # (node id, service, port on localhost)
    services: tuple[StackService, ...]
    kraft: bool
    home: str  # its folder under COURSE_HOME (the brokers' data): one per stack, as both can run at once
    controller_ports: tuple[int, ...] = ()  # each broker's KRaft controller port on localhost

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(sorted({s.profile for s in self.services if s.profile}))


_SCHEMA_REGISTRY = StackService("schema-registry", 8081, "Schema Registry", needed=True)
_CONTROL_CENTER = StackService("control-center", 9021, "Control Center")
_KAFKA_UI = StackService("kafka-ui", 8080, "kafka-ui", profile="ui")

# The ports of the embedded KRaftCluster and ZooKeeperCluster: a notebook cannot tell the backends apart.
KRAFT_STACK = Stack(DOCKER_DIR / "compose.yaml", "kafka-course",
                    "Confluent Platform 8.3 on Docker (3 KRaft nodes)",
                    ((1, "kafka-1", 9092), (2, "kafka-2", 9093), (3, "kafka-3", 9094)),
                    (_SCHEMA_REGISTRY, _CONTROL_CENTER, _KAFKA_UI), kraft=True, home="docker",
                    controller_ports=(19092, 19093, 19094))
ZOOKEEPER_STACK = Stack(DOCKER_DIR / "compose.zookeeper.yaml", "kafka-course-zookeeper",
                        "Confluent Platform 7.9 on Docker (ZooKeeper + 3 brokers)",
                        ((1, "kafka-1", 9192), (2, "kafka-2", 9193), (3, "kafka-3", 9194)),
                        (StackService("zookeeper", 2181, "ZooKeeper", needed=True),
                         StackService("schema-registry", 8081, "Schema Registry", profile="platform"),
                         StackService("control-center", 9021, "Control Center", profile="platform"),
                         _KAFKA_UI), kraft=False, home="docker-zookeeper")


class ContainerProcess:
    """A broker's container, seen as the embedded backend sees a JVM: ``alive`` or not."""

    def __init__(self, cluster: "DockerCluster", service: str):
        self.cluster = cluster
        self.service = service

    @property
    def alive(self) -> bool:
        state = self.cluster.containers().get(self.service)
        return bool(state and state.running)


class ContainerLog:
    """Where a container's log is: the command that prints it (containers log to stdout, not to a file).

    ``readiness`` names a dead node's log as ``node.log_dir / "server.log"``; here that reads as the command.
    """

    def __init__(self, node_id: int):
        self.command = f"python -m course_lib logs {node_id}"

    def __truediv__(self, _file_name: str) -> "ContainerLog":
        return self

    def __str__(self) -> str:
        return f"`{self.command}`"


class DockerNode:
    """One broker container: node id, compose service, ports on localhost, and its log dir on this computer."""

    def __init__(self, cluster: "DockerCluster", node_id: int, service: str, port: int, controller_port: int | None):
        self.cluster = cluster
        self.node_id = node_id
        self.service = service
        self.port = port
        self.controller_port = controller_port
        self.data_dir = cluster.home / service / "data"  # the compose file bind-mounts it as the broker's log.dirs
        self.process = ContainerProcess(cluster, service)
        self.log_dir = ContainerLog(node_id)

    def log_tail(self, lines: int = 15) -> str:
        return self.cluster.logs(self.node_id, lines)


def _profiles_from_env(stack: Stack) -> tuple[str, ...]:
    raw = os.environ.get("COURSE_DOCKER_PROFILES", "")
    profiles = tuple(p.strip() for p in raw.split(",") if p.strip())
    unknown = [p for p in profiles if p not in stack.profiles]
    if unknown:
        raise CourseError(f"COURSE_DOCKER_PROFILES names {', '.join(unknown)}, which {stack.compose_file.name} "
                          f"does not have; use one of: {', '.join(stack.profiles)}.")
    return profiles


class DockerCluster(Cluster):
    """A compose project of Confluent Platform containers, controlled like the embedded cluster (course machinery)."""

    def __init__(self, stack: Stack = KRAFT_STACK, profiles: tuple[str, ...] | None = None, run=None):
        self.stack = stack
        self.name = stack.title
        self.home = course_home() / stack.home  # the compose file reads the same ${COURSE_HOME}
        self.project = ComposeProject(stack.compose_file, stack.project,
                                      _profiles_from_env(stack) if profiles is None else tuple(profiles))
        controller_ports = stack.controller_ports or (None,) * len(stack.brokers)
        self.nodes = [DockerNode(self, *broker, cport) for broker, cport in zip(stack.brokers, controller_ports)]
        self._run = run or run_command
        self._engine_checked = False
        self._ps_cache: tuple[float, dict[str, ContainerState]] | None = None

    # -- running compose ------------------------------------------------------------------------
    def _compose(self, argv: list[str], timeout: float | None = 120) -> str:
        """Run one compose command; its stdout, or a one-sentence ``CourseError`` saying why it failed."""
        if not self._engine_checked:
            check_engine(self._run)
            self._engine_checked = True
        result = self._run(argv, timeout=timeout)
        self._ps_cache = None
        if result.returncode != 0:
            lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
            reason = lines[-1].rstrip(".") if lines else f"exit status {result.returncode}"
            raise CourseError(f"`{self.project.shown(argv)}` failed ({reason}); look at `docker compose -p {self.stack.project} "
                              f"logs` and the common failures in docker/README.md.")
        return result.stdout

    def containers(self, max_age: float = 1.0) -> dict[str, ContainerState]:
        """The project's containers by service (re-read at most every ``max_age`` seconds)."""
        now = time.monotonic()
        if self._ps_cache is None or now - self._ps_cache[0] > max_age:
            self._ps_cache = (time.monotonic(), parse_ps(self._compose(self.project.ps(), timeout=60)))
        return self._ps_cache[1]

    def _services_started_by_up(self) -> list[StackService]:
        return [s for s in self.stack.services if s.profile is None or s.profile in self.project.profiles]

    # -- controls -----------------------------------------------------------------------------------
    def is_running(self) -> bool:
        """True when every broker and every service the notebooks need (Schema Registry ...) runs."""
        containers = self.containers(max_age=0)
        needed = [n.service for n in self.nodes] + [s.name for s in self.stack.services if s.needed]
        return all(name in containers and containers[name].running for name in needed)

    def up(self, timeout: float = 120, quiet: bool = False) -> "DockerCluster":
        """Start whatever is not running and return once the cluster is ready; a no-op when it is."""
        say = self._speaker(quiet)
        if self.is_running():
            wait_until_ready(self, timeout=timeout, say=say, quiet_when_ready=True)
            return self
        self._check_ports()
        self._make_data_dirs()
        say(f"Starting {self.name} with docker compose (the first start downloads about 4 GB of images) ...")
        self._compose(self.project.up(), timeout=None)
        wait_until_ready(self, timeout=timeout, say=say)
        return self

    def _check_ports(self, only: str | None = None) -> None:
        """Fail early, naming the owner, when a port a stopped container needs is taken (often: the embedded cluster)."""
        containers = self.containers(max_age=0)
        wanted = ([(n.service, port) for n in self.nodes for port in (n.port, n.controller_port) if port]
                  + [(s.name, s.port) for s in self._services_started_by_up()])
        for service, port in wanted:
            if (only and service != only) or (service in containers and containers[service].running):
                continue
            if not port_is_free(port):
                raise port_taken(port, service, "stop it (the embedded cluster uses the same ports: "
                                 "`COURSE_BACKEND=embedded python -m course_lib down`) and start again")

    def _make_data_dirs(self) -> None:
        """Create the bind-mounted log dirs before compose does: Docker would make them root's, and the
        brokers run as uid 1000 (appuser), so mode 0o777 lets them write whoever you are."""
        raw = os.environ.get("COURSE_HOME")
        if raw and not Path(raw).is_absolute():
            raise CourseError(f"COURSE_HOME={raw} is a relative path, which docker compose would read from docker/ "
                              f"rather than from here; set it to an absolute path.")
        for node in self.nodes:
            node.data_dir.mkdir(parents=True, exist_ok=True)
            if node.data_dir.stat().st_mode & 0o777 != 0o777:
                try:
                    node.data_dir.chmod(0o777)  # mkdir's mode is cut by the umask
                except OSError as error:
                    raise CourseError(f"The brokers cannot write to {node.data_dir} and it is not yours to change "
                                      f"({error.strerror}); run `sudo chmod 777 {node.data_dir}` and start "
                                      f"again.") from None

    def down(self, timeout: int = 30) -> None:
        """Stop what the course runs beside the brokers (Kafka Streams applications, the Connect worker,
        PostgreSQL), then stop and remove every container of the project (profiled ones too); the data stays."""
        stop_streams_apps(self.home)
        stop_connect_worker(self.home)
        stop_postgres(self.home)
        self._compose(self.project.down(self.stack.profiles, timeout), timeout=timeout + 90)

    def stop_broker(self, node_id: int, timeout: int = 30) -> None:
        """Graceful shutdown (SIGTERM): the broker hands off leadership before it exits."""
        self._compose(self.project.stop(self.node(node_id).service, timeout), timeout=timeout + 60)

    def _kill_node(self, node: DockerNode) -> None:
        self._compose(self.project.kill(node.service), timeout=60)

    def _start_stopped_node(self, node: DockerNode, timeout: float) -> None:
        self._check_ports(only=node.service)
        self._make_data_dirs()
        self._compose(self.project.start(node.service), timeout=None)
        wait_until_ready(self, timeout=timeout, say=lambda msg: None, require_all=False, node=node)

    def logs(self, node_id: int, lines: int = 40) -> str:
        text = self._compose(self.project.logs(self.node(node_id).service, lines), timeout=60).rstrip()
        return text or "(the container wrote no log)"

    def reset(self) -> None:
        """Stop everything and delete the volumes and the brokers' log dirs: all topics, offsets and schemas
        (images are kept)."""
        self._compose(self.project.reset(self.stack.profiles, 30), timeout=180)
        try:
            shutil.rmtree(self.home)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise CourseError(f"Could not delete {self.home} ({error.strerror}); delete it yourself "
                              f"(`sudo rm -rf {self.home}` on Linux) before the next start.") from None

    # -- looking inside ---------------------------------------------------------------------------------
    def controller_id(self) -> int | None:
        """The active controller: the KRaft quorum leader, or the broker ZooKeeper elected."""
        containers = self.containers()
        running = [n for n in self.nodes if n.service in containers and containers[n.service].running]
        if not running:
            return None
        if self.stack.kraft:
            states = {}
            for node in running:
                result = self._run(self.project.read_file(node.service, QUORUM_STATE_FILE), timeout=30)
                if result.returncode == 0:
                    states[node.node_id] = result.stdout
            return active_controller(states)
        try:
            admin = AdminClient(client_config(self.bootstrap_servers))
            return admin.describe_cluster(request_timeout=5).result(timeout=10).controller.id
        except Exception:  # no answer from the brokers: status shows no controller rather than failing
            return None

    def status(self) -> list[NodeStatus]:
        containers = self.containers(max_age=0)
        controller = self.controller_id()
        rows = []
        for node in self.nodes:
            state = containers.get(node.service)
            role = "broker+controller" if self.stack.kraft else "broker"
            role += _health(state)
            if controller == node.node_id:
                role += " (active controller)"
            rows.append(NodeStatus(node.node_id, None, node.port, bool(state and state.running), role))
        for service in self.stack.services:
            state = containers.get(service.name)
            if state is None and service not in self._services_started_by_up():
                continue
            rows.append(NodeStatus(service.name, None, service.port, bool(state and state.running),
                                   service.label + _health(state)))
        return rows

    def status_table(self) -> str:
        lines = [f"{self.name} — bootstrap {self.bootstrap_servers} — compose project {self.stack.project} "
                 f"({self.stack.compose_file}) — data {self.home}",
                 f"{'node':>15}  {'port':>5}  {'alive':<5}  role"]
        for row in self.status():
            lines.append(f"{row.node_id!s:>15}  {row.port:>5}  {'yes' if row.alive else 'NO':<5}  {row.role}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<DockerCluster {self.stack.project} {self.bootstrap_servers}>"


def _health(state: ContainerState | None) -> str:
    if state is None:
        return ", no container"
    if not state.running:
        return f", {state.state}"
    return f", {state.health}" if state.health else ""
