"""The history lesson's cluster: ZooKeeper 3.8 + 3 Kafka 3.9 brokers in ZooKeeper mode.

Kafka 4 removed ZooKeeper mode, so this cluster runs Kafka 3.9 (its last line) from its own jar set
(``course_lib/toolchain/maven/zookeeper.xml``). It is separate from the KRaft cluster and can run beside it:

==============  ==========================  =========================================
what            default port (127.0.0.1)    change with
==============  ==========================  =========================================
ZooKeeper       2181                        ``COURSE_ZOOKEEPER_PORT``
broker 1, 2, 3  9192, 9193, 9194            ``COURSE_ZK_BROKER_PORTS`` (three, comma-separated)
==============  ==========================  =========================================

Brokers advertise ``localhost:<port>``. Everything lives under ``<COURSE_HOME>/zookeeper-cluster/``
(``zookeeper/`` for ZooKeeper's data and logs, ``node-N/`` per broker). ZooKeeper starts before the
brokers (``prepare``) and stops after them (``after_down``), so a graceful broker shutdown can still
tell the controller it is leaving. CLI: ``python -m course_lib up --zookeeper`` (and ``down``,
``status``, ``kill-broker N`` ... with ``--zookeeper``); API: ``ZooKeeperCluster().up()``.
"""

import os
import socket
import time
from pathlib import Path

from ..errors import CourseError
from ..toolchain.jars import classpath
from ..paths import course_home
from ..toolchain.java import java_executable
from ..metadata.zookeeper import active_controller, registered_brokers
from ..waiting import poll_until
from .base import HERE, JvmCluster, Node, NodeStatus
from .connect_worker import stop_connect_worker
from .kraft import TEACHING_DEFAULTS
from .ports import ports_from_env
from .ports import require_free
from .processes import ManagedProcess

__all__ = ["ZooKeeperCluster", "ZooKeeperServer"]

# KRaft's teaching defaults, minus share groups (Kafka 4 only), plus a short ZooKeeper session so a
# killed broker's ephemeral znodes (its /brokers/ids entry, /controller) vanish after 6 s, not 18 s.
ZK_MODE_DEFAULTS = {
    **{key: value for key, value in TEACHING_DEFAULTS.items() if not key.startswith("share.")},
    "zookeeper.session.timeout.ms": 6000,
    "zookeeper.connection.timeout.ms": 18000,
}

TICK_MS = 2000  # ZooKeeper's clock; sessions may last 2 to 20 ticks (4 s to 40 s).


def _zookeeper_port_from_env() -> int:
    raw = os.environ.get("COURSE_ZOOKEEPER_PORT", "2181").strip()
    if not raw.isdigit():
        raise CourseError(f"COURSE_ZOOKEEPER_PORT={raw!r} is not a port number; use e.g. COURSE_ZOOKEEPER_PORT=2181.")
    return int(raw)


class ZooKeeperServer:
    """One standalone ZooKeeper server (``QuorumPeerMain`` with a ``zoo.cfg``) on 127.0.0.1 (course machinery)."""

    def __init__(self, home: Path, port: int, flavour: str):
        self.dir = home / "zookeeper"
        self.port = port
        self.flavour = flavour
        self.config_file = self.dir / "zoo.cfg"
        self.data_dir = self.dir / "data"
        self.log_dir = self.dir / "logs"
        self.process = ManagedProcess("ZooKeeper", self.dir / "zookeeper.pid", str(self.config_file),
                                      self.log_dir / "stdout.log")

    @property
    def connect_string(self) -> str:
        return f"127.0.0.1:{self.port}"

    def render_config(self) -> str:
        settings = {
            "dataDir": self.data_dir,
            "clientPort": self.port,
            "clientPortAddress": "127.0.0.1",
            "tickTime": TICK_MS,
            "maxClientCnxns": 0,
            "admin.enableServer": "false",  # its HTTP admin server would take port 8080
            "4lw.commands.whitelist": "ruok,srvr,stat,mntr",
        }
        header = "# Written by course_lib on every start of ZooKeeper.\n"
        return header + "".join(f"{key}={value}\n" for key, value in settings.items())

    def answers(self) -> bool:
        """True when ZooKeeper replies ``imok`` to the ``ruok`` four-letter command."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"ruok")
                return sock.recv(16) == b"imok"
        except OSError:
            return False

    def start(self, timeout: float = 30) -> None:
        """Start ZooKeeper unless it is running, and wait until it answers."""
        if self.process.alive:
            return
        require_free(self.port, "ZooKeeper", "COURSE_ZOOKEEPER_PORT")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.render_config())
        self.process.start([java_executable(), "-Xms64m", "-Xmx256m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                            f"-Dkafka.logs.dir={self.log_dir}",
                            f"-Dlog4j.configuration=file:{HERE / 'log4j.properties'}",
                            "-cp", classpath(self.flavour),
                            "org.apache.zookeeper.server.quorum.QuorumPeerMain", str(self.config_file)],
                           cwd=self.dir)
        log = self.log_dir / "server.log"
        self.process.wait_until_answers(self.answers, timeout, log, self.log_tail,
                                        f"ZooKeeper did not answer on port {self.port} within {timeout:.0f} s; "
                                        f"look at {log} and try again.")

    def stop(self, timeout: float = 15) -> None:
        self.process.stop(timeout)

    def log_tail(self, lines: int = 15) -> str:
        for log in (self.log_dir / "server.log", self.process.log_file):
            if log.exists() and log.stat().st_size:
                return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        return "(ZooKeeper wrote no log)"

    def status(self) -> NodeStatus:
        pid = self.process.pid
        return NodeStatus("zk", pid, self.port, pid is not None, "ZooKeeper (standalone)")


class ZooKeeperCluster(JvmCluster):
    """Three Kafka 3.9 brokers that keep their metadata in one ZooKeeper server (lesson 10)."""

    name = "ZooKeeper-mode cluster (Kafka 3.9, 3 brokers + ZooKeeper)"
    flavour = "zookeeper"
    port_setting = "COURSE_ZK_BROKER_PORTS"

    def __init__(self, home: Path | None = None, ports: tuple[int, ...] | None = None,
                 zookeeper_port: int | None = None):
        super().__init__(home or course_home() / "zookeeper-cluster",
                         ports or ports_from_env("COURSE_ZK_BROKER_PORTS", (9192, 9193, 9194)))
        self.zookeeper = ZooKeeperServer(self.home, zookeeper_port or _zookeeper_port_from_env(), self.flavour)

    @property
    def zookeeper_connect(self) -> str:
        """Where the brokers (and ``course_lib.metadata.zookeeper``) find ZooKeeper."""
        return self.zookeeper.connect_string

    def render_config(self, node: Node) -> str:
        settings = {
            "broker.id": node.node_id,
            "zookeeper.connect": self.zookeeper_connect,
            "listeners": f"PLAINTEXT://127.0.0.1:{node.port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{node.port}",
            "log.dirs": node.data_dir,
            **ZK_MODE_DEFAULTS,
        }
        header = f"# Written by course_lib on every start of broker {node.node_id}; edit ZK_MODE_DEFAULTS instead.\n"
        return header + "".join(f"{key}={value}\n" for key, value in settings.items())

    def logging_jvm_args(self) -> list[str]:
        return [f"-Dlog4j.configuration=file:{HERE / 'log4j.properties'}"]

    def prepare(self) -> None:
        """ZooKeeper first: a broker that cannot reach it gives up after ``zookeeper.connection.timeout.ms``."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.zookeeper.start()

    def down(self, timeout: float = 30) -> None:
        """Stop lesson 19's Connect worker (it runs MirrorMaker 2 into this cluster), then the cluster."""
        stop_connect_worker(self.home)
        super().down(timeout)

    def after_down(self) -> None:
        self.zookeeper.stop()

    def is_running(self) -> bool:
        return self.zookeeper.process.alive and super().is_running()

    def up(self, timeout: float = 120, quiet: bool = False) -> "ZooKeeperCluster":
        """Start what is not running — including ZooKeeper alone, if only it was stopped.

        A broker whose ZooKeeper session expires while it registers gives up (``SessionExpiredException``): with
        the course's 6 s session, a start slowed down by a loaded machine can do that (seen once in CI, labs lane).
        Nothing is wrong with the broker; it is started once more.
        """
        if not self.zookeeper.process.alive and all(node.process.alive for node in self.nodes):
            self.prepare()
        try:
            super().up(timeout=timeout, quiet=quiet)
        except CourseError as error:
            if "SessionExpiredException" not in str(error):
                raise
            self._speaker(quiet)(f"{error} Starting it once more.")
            super().up(timeout=timeout, quiet=quiet)
        return self

    def start_broker(self, node_id: int, timeout: float = 300) -> None:
        """Start one broker and wait until it holds a fresh ``/brokers/ids/<id>`` znode.

        Other brokers' metadata may still list a broker killed moments ago, so only its new znode
        (registered after this start) proves it is back.
        """
        if not self.zookeeper.process.alive:
            raise CourseError(f"ZooKeeper is not running, so broker {node_id} could not register; "
                              "start everything with `python -m course_lib up --zookeeper`.")
        node = self.node(node_id)
        if node.process.alive:
            return
        deadline = time.monotonic() + timeout
        # A killed broker's znode lives on until ZooKeeper expires its session (zookeeper.session.timeout.ms);
        # a broker started before that finds its id taken and shuts down (NodeExistsException).
        poll_until(lambda: [b.broker_id for b in registered_brokers(self)],
                   f"broker {node_id}'s old registration in ZooKeeper to expire (the registered ids)", timeout,
                   every=0.5, done=lambda ids: node_id not in ids,
                   advice=f"Try `python -m course_lib start-broker {node_id} --zookeeper` again.")
        started_ms = time.time() * 1000
        super().start_broker(node_id, max(deadline - time.monotonic(), 10))

        def registrations_unless_stopped() -> list[float]:
            if not node.process.alive:
                raise CourseError(f"Broker {node_id} stopped during start-up; the end of its log says:\n{node.log_tail()}")
            return [b.registered_ms for b in registered_brokers(self) if b.broker_id == node_id]
        poll_until(registrations_unless_stopped,
                   f"broker {node_id} to register in ZooKeeper after its start (its registration times, ms)",
                   max(deadline - time.monotonic(), 0), every=0.5,
                   done=lambda times: any(at >= started_ms for at in times),
                   advice=f"Look at `python -m course_lib logs {node_id} --zookeeper`.")

    def controller_id(self) -> int | None:
        """The broker named in the ``/controller`` znode (None while no broker holds it)."""
        if not self.zookeeper.process.alive:
            return None
        try:
            controller = active_controller(self)
        except CourseError:
            return None
        return controller.broker_id if controller else None

    def status(self) -> list[NodeStatus]:
        return super().status() + [self.zookeeper.status()]
