"""What every course cluster shares: the controls of any backend, and JVM nodes under one directory.

``Cluster`` is what a notebook or the CLI may call on any backend — ``up``, ``down``, ``status``,
``kill_broker 2`` ... — whether its brokers are local JVMs (``JvmCluster``) or containers
(``cluster.docker.DockerCluster``). A concrete JVM cluster (``KRaftCluster``, ``ZooKeeperCluster``) says which
jars it runs, how a node's ``server.properties`` looks and what must happen before the first start
(formatting storage, or starting ZooKeeper).
"""

import shutil
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ..connection import address_family
from ..errors import CourseError
from ..toolchain.jars import classpath
from ..toolchain.java import java_executable, java_major_version
from .metrics_agent import METRICS_PORT_SETTING, agent_jvm_args
from .ports import require_free
from .processes import ManagedProcess
from .readiness import wait_until_ready

__all__ = ["Cluster", "Node", "NodeStatus", "JvmCluster", "Service"]

HERE = Path(__file__).parent


class Service:
    """A server that runs beside the brokers and lives and dies with the cluster (the schema registry).

    ``up`` starts services after the brokers are ready; ``down`` stops them before the brokers.

    Course machinery.
    """

    name = "service"

    def start(self, cluster: "JvmCluster") -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def status(self) -> "NodeStatus":
        raise NotImplementedError


@dataclass(frozen=True)
class NodeStatus:
    """One row of ``status`` (course machinery)."""
    node_id: int | str  # a broker's node id, or a service's name
    pid: int | None
    port: int
    alive: bool
    role: str  # e.g. "broker+controller (active controller)"


class Node:
    """One Kafka JVM: its directory, config file, process and ports (course machinery)."""

    def __init__(self, cluster: "JvmCluster", node_id: int, port: int, controller_port: int | None = None):
        self.cluster = cluster
        self.node_id = node_id
        self.port = port
        self.controller_port = controller_port
        self.metrics_port: int | None = None  # where its JMX exporter serves /metrics, if it runs one (lesson 22)
        self.dir = cluster.home / f"node-{node_id}"
        self.config_file = self.dir / "server.properties"
        self.data_dir = self.dir / "data"
        self.log_dir = self.dir / "logs"
        self.process = ManagedProcess(f"broker {node_id}", self.dir / "kafka.pid", str(self.config_file),
                                      self.log_dir / "stdout.log")

    @property
    def ports(self) -> list[tuple[int, str]]:
        """(port, the setting that chooses it) for each port this node binds."""
        ports = [(self.port, self.cluster.port_setting)]
        if self.controller_port:
            ports.append((self.controller_port, self.cluster.controller_port_setting))
        if self.metrics_port:
            ports.append((self.metrics_port, METRICS_PORT_SETTING))
        return ports

    def jvm_argv(self) -> list[str]:
        return [java_executable(), "-Xms256m", f"-Xmx{self.cluster.heap_mb}m", "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                f"-Dkafka.logs.dir={self.log_dir}", *self.cluster.logging_jvm_args(),
                *(agent_jvm_args(self.metrics_port) if self.metrics_port else []),
                "-cp", classpath(self.cluster.flavour), "kafka.Kafka", str(self.config_file)]

    def log_tail(self, lines: int = 15) -> str:
        """The last ``lines`` lines of this node's logs (server.log, else stdout)."""
        for log in (self.log_dir / "server.log", self.process.log_file):
            if log.exists() and log.stat().st_size:
                return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        return "(the node wrote no log)"


class Cluster(ABC):
    """The controls every backend offers, so a notebook runs unchanged on either (returned by ``connect``, lesson 00).

    A backend has a ``name``, a ``home`` (where its brokers' data lives) and ``nodes``: each with a ``node_id``,
    ``port``, ``controller_port`` (or None), ``data_dir``, ``log_dir``, ``log_tail()`` and a ``process`` whose
    ``alive`` says whether the broker runs. It says how to start and kill one broker; finding it, refusing to
    kill a stopped one and leaving a running one alone are the same everywhere, so they live here.
    """

    name = "cluster"
    home: Path
    nodes: list
    admin_settings: dict = {}  # what the course's own clients add to get in (the secured cluster's: lesson 20)

    local = True  # the course's own processes on this machine; a class's shared cluster is not (cluster.shared)
    namespace = ""  # what starts every name the student makes on a shared cluster

    # -- shared controls ---------------------------------------------------------------------
    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"localhost:{node.port}" for node in self.nodes)

    def client_config(self) -> dict:
        """What a client needs to reach this cluster: ``bootstrap.servers`` (and here ``broker.address.family``, see
        ``connection.address_family``), or a shared cluster's address and security settings (lesson 01). Add your own
        settings to it: ``Producer({**cluster.client_config(), "acks": "all"})``."""
        return {"bootstrap.servers": self.bootstrap_servers, "broker.address.family": address_family()}

    def namespaced(self, base: str) -> str:
        """The name to use for topic, group or transactional id ``base``: ``base`` itself here; on a class's shared
        cluster, ``base`` in the student's namespace (lesson 01)."""
        return base

    def require_local(self, what: str) -> None:
        """Nothing here; on a shared cluster, a one-sentence error saying that ``what`` needs this machine's
        cluster (course machinery)."""

    def node(self, node_id: int):
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise CourseError(f"There is no broker {node_id}; this cluster has brokers "
                          f"{', '.join(str(n.node_id) for n in self.nodes)}.")

    def kill_broker(self, node_id: int) -> None:
        """SIGKILL, as in a crash: no controlled shutdown, leaders move only after the session times out."""
        node = self.node(node_id)
        if not node.process.alive:
            raise CourseError(f"Broker {node_id} is not running, so there is nothing to kill; "
                              f"start it with `python -m course_lib start-broker {node_id}`.")
        self._kill_node(node)

    def start_broker(self, node_id: int, timeout: float = 300) -> None:
        """Start one stopped broker and wait until it has rejoined the cluster (after a kill, recovering hundreds
        of partitions can take a loaded laptop minutes)."""
        node = self.node(node_id)
        if node.process.alive:
            return
        self._start_stopped_node(node, timeout)

    @staticmethod
    def _speaker(quiet: bool):
        """``say`` for ``up``: prints progress, or nothing when ``quiet``."""
        return (lambda msg: None) if quiet else (lambda msg: print(msg, flush=True))

    # -- what each backend provides ------------------------------------------------------------
    @abstractmethod
    def up(self, timeout: float = 180, quiet: bool = False) -> "Cluster":
        """Start whatever is not running and return once the cluster is ready; a no-op when it is."""

    @abstractmethod
    def down(self, timeout: float = 30) -> None:
        """Stop every broker (and whatever runs beside them); the data stays."""

    @abstractmethod
    def is_running(self) -> bool:
        """True when every broker, and every service the notebooks need, runs (readiness aside)."""

    @abstractmethod
    def stop_broker(self, node_id: int, timeout: float = 30) -> None:
        """Graceful shutdown: the broker hands off leadership before it exits."""

    @abstractmethod
    def logs(self, node_id: int, lines: int = 40) -> str:
        """The last ``lines`` lines one broker logged."""

    @abstractmethod
    def reset(self) -> None:
        """Stop everything and delete all data (the jars or images are kept)."""

    @abstractmethod
    def controller_id(self) -> int | None:
        """The node id of the active controller, if known."""

    @abstractmethod
    def status(self) -> list[NodeStatus]:
        """One row per broker and per service beside them."""

    @abstractmethod
    def status_table(self) -> str:
        """``status`` as the CLI prints it."""

    @abstractmethod
    def _kill_node(self, node) -> None:
        """SIGKILL one running broker."""

    @abstractmethod
    def _start_stopped_node(self, node, timeout: float) -> None:
        """Start one stopped broker and wait until it has rejoined the cluster."""


class JvmCluster(Cluster):
    """A Kafka cluster run as local JVM processes, controlled like a small ops team would (course machinery)."""

    flavour = "kraft"  # which jar set (course_lib/toolchain/maven/<flavour>.xml)
    heap_mb = 512
    port_setting = "COURSE_BROKER_PORTS"
    controller_port_setting = "COURSE_CONTROLLER_PORTS"
    ready_needs_a_write = True  # ready = an acks=all write succeeds; else once every broker has registered

    def __init__(self, home: Path, ports: tuple[int, ...], controller_ports: tuple[int, ...] | None = None):
        self.home = Path(home)
        controller_ports = controller_ports or (None,) * len(ports)
        self.nodes = [Node(self, i + 1, port, cport) for i, (port, cport) in enumerate(zip(ports, controller_ports))]
        self.services: list[Service] = []

    # -- what a concrete cluster provides -------------------------------------------------------
    def render_config(self, node: Node) -> str:
        raise NotImplementedError

    def prepare(self) -> None:
        """Work before the first start of any node (format storage, start ZooKeeper ...)."""

    def after_down(self) -> None:
        """Work after every node has stopped (stop ZooKeeper ...)."""

    def logging_jvm_args(self) -> list[str]:
        return [f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}"]

    def controller_id(self) -> int | None:
        """The node id of the active controller, if known."""
        return None

    def roles(self, node: Node) -> str:
        return "broker"

    def start_failure_hint(self, error: str) -> str:
        """What to look at when a node died of ``error`` at start (the secured cluster names its settings)."""
        return ""

    # -- the controls, on JVMs -------------------------------------------------------------------
    def is_running(self) -> bool:
        """True when every node's JVM and every service is up (readiness aside)."""
        return (all(node.process.alive for node in self.nodes)
                and all(service.status().alive for service in self.services))

    def up(self, timeout: float = 180, quiet: bool = False) -> "JvmCluster":
        """Start whatever is not running and return once the cluster is ready; a no-op when it is."""
        say = self._speaker(quiet)
        down_nodes = [node for node in self.nodes if not node.process.alive]
        if not down_nodes:
            wait_until_ready(self, timeout=timeout, say=say, quiet_when_ready=True,
                             require_all=self.ready_needs_a_write)
            self._start_services()
            return self
        java_major_version()
        classpath(self.flavour)  # resolve jars before the clock for readiness starts
        self._check_ports(down_nodes)
        self.prepare()
        say(f"Starting {self.name}: brokers {', '.join(str(n.node_id) for n in down_nodes)} "
            f"(data in {self.home}) ...")
        for node in down_nodes:
            self._start_node(node)
        wait_until_ready(self, timeout=timeout, say=say, require_all=self.ready_needs_a_write)
        self._start_services()
        return self

    def _start_services(self) -> None:
        for service in self.services:
            service.start(self)

    def _start_node(self, node: Node) -> None:
        node.dir.mkdir(parents=True, exist_ok=True)
        node.config_file.write_text(self.render_config(node))
        node.process.start(node.jvm_argv(), cwd=node.dir)

    def _check_ports(self, nodes: list[Node]) -> None:
        for node in nodes:
            for port, setting in node.ports:
                require_free(port, f"broker {node.node_id}", setting)

    def down(self, timeout: float = 30) -> None:
        """Stop every node gracefully (SIGKILL after ``timeout``) and anything else the cluster runs."""
        for service in self.services:
            service.stop()
        running = [node for node in self.nodes if node.process.alive]
        for node in running:
            node.process.signal(15)
        for node in running:
            if not node.process.wait_gone(timeout):
                node.process.kill()
        self.after_down()

    def stop_broker(self, node_id: int, timeout: float = 30) -> None:
        """Graceful shutdown: the broker hands off leadership before it exits."""
        self.node(node_id).process.stop(timeout)

    def _kill_node(self, node: Node) -> None:
        node.process.kill()

    def _start_stopped_node(self, node: Node, timeout: float) -> None:
        self._check_ports([node])
        self._start_node(node)
        wait_until_ready(self, timeout=timeout, say=lambda msg: None, require_all=False, node=node)

    def logs(self, node_id: int, lines: int = 40) -> str:
        return self.node(node_id).log_tail(lines)

    def reset(self) -> None:
        """Stop everything and delete all data, configs and logs (the jar cache is kept)."""
        self.down()
        shutil.rmtree(self.home, ignore_errors=True)

    def status(self) -> list[NodeStatus]:
        controller = self.controller_id()
        rows = []
        for node in self.nodes:
            pid = node.process.pid
            role = self.roles(node)
            if controller == node.node_id:
                role += " (active controller)"
            rows.append(NodeStatus(node.node_id, pid, node.port, pid is not None, role))
        return rows + [service.status() for service in self.services]

    def status_table(self) -> str:
        lines = [f"{self.name} — bootstrap {self.bootstrap_servers} — data {self.home}",
                 f"{'node':>4}  {'pid':>7}  {'port':>5}  {'alive':<5}  role"]
        for row in self.status():
            lines.append(f"{row.node_id:>4}  {row.pid or '-':>7}  {row.port:>5}  "
                         f"{'yes' if row.alive else 'NO':<5}  {row.role}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.bootstrap_servers} running={self.is_running()}>"

