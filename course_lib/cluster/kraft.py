"""The course's default cluster: 3 Kafka 4 nodes in KRaft combined mode (broker + controller).

Node ``n`` listens for clients on 127.0.0.1:909(1+n) (advertised as ``localhost``, the same ports
as the Docker stack) and for the controller quorum on 127.0.0.1:1909(1+n). The quorum is static
(``controller.quorum.voters``), so storage is formatted with just a cluster id — once; the id is kept
in ``cluster.id`` next to the data so a restart never meets an ``InconsistentClusterIdException``.
"""

import base64
import json
import subprocess
import uuid
from pathlib import Path

from ..errors import CourseError
from ..paths import course_home
from ..toolchain.kafka_tools import tool_argv
from .base import JvmCluster, Node
from .metrics_agent import metrics_ports as default_metrics_ports
from .ports import ports_from_env
from .registry_service import RegistryService
from .connect_worker import stop_connect_worker
from .postgres import stop_postgres
from .streams_app import stop_streams_apps

__all__ = ["KRaftCluster", "kafka_uuid"]

# Settings chosen for teaching on a laptop; each differs from Kafka's default for a reason.
TEACHING_DEFAULTS = {
    "num.partitions": 3,
    "default.replication.factor": 3,          # every new topic survives one broker failure
    "min.insync.replicas": 2,                 # ... and acks=all still works with one broker down
    "offsets.topic.replication.factor": 3,
    "offsets.topic.num.partitions": 10,       # default 50: slow to create on 2 cores, no use here
    "transaction.state.log.replication.factor": 3,
    "transaction.state.log.min.isr": 2,
    "transaction.state.log.num.partitions": 10,
    "share.coordinator.state.topic.replication.factor": 3,
    "share.coordinator.state.topic.min.isr": 2,
    "group.initial.rebalance.delay.ms": 0,    # a new group starts consuming at once
    "log.retention.check.interval.ms": 5000,  # retention visible in seconds (default 5 min)
    "log.initial.task.delay.ms": 5000,
    "log.cleaner.backoff.ms": 2000,           # compaction visible in seconds (default 15 s)
    "auto.create.topics.enable": "true",
}


def kafka_uuid() -> str:
    """A cluster id as Kafka's ``Uuid.randomUuid().toString()`` makes it (22 url-safe base64 chars).

    Course machinery.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


class KRaftCluster(JvmCluster):
    """Three Kafka 4 nodes, each broker and controller, under ``<COURSE_HOME>/kraft`` (course machinery)."""

    name = "KRaft cluster (Kafka 4.4, 3 nodes)"
    flavour = "kraft"
    teaching_overrides: dict = {}  # a smaller cluster's changes to TEACHING_DEFAULTS
    with_registry = True
    with_metrics = True  # each broker serves its metrics over HTTP (lesson 22); clusters beside it do not

    def __init__(self, home: Path | None = None, ports: tuple[int, ...] | None = None,
                 controller_ports: tuple[int, ...] | None = None, metrics_ports: tuple[int, ...] | None = None):
        super().__init__(home or course_home() / "kraft",
                         ports or ports_from_env("COURSE_BROKER_PORTS", (9092, 9093, 9094)),
                         controller_ports or ports_from_env("COURSE_CONTROLLER_PORTS", (19092, 19093, 19094)))
        if self.with_registry:
            self.services.append(RegistryService(self.home))
        if self.with_metrics:
            for node, metrics_port in zip(self.nodes, metrics_ports or default_metrics_ports()):
                node.metrics_port = metrics_port

    @property
    def cluster_id_file(self) -> Path:
        return self.home / "cluster.id"

    def listener_settings(self, node: Node) -> dict:
        """One PLAINTEXT listener for clients and brokers, one for the controller quorum (lesson 20 reads them)."""
        return {
            "listeners": f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{node.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
        }

    def render_config(self, node: Node) -> str:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        settings = {
            "process.roles": "broker,controller",
            "node.id": node.node_id,
            "controller.quorum.voters": voters,
            **self.listener_settings(node),
            "log.dirs": node.data_dir,
            **TEACHING_DEFAULTS,
            **self.teaching_overrides,
        }
        header = f"# Written by course_lib on every start of node {node.node_id}; edit TEACHING_DEFAULTS instead.\n"
        return header + "".join(f"{key}={value}\n" for key, value in settings.items())

    def format_arguments(self) -> list[str]:
        """More arguments for ``kafka-storage format`` (the secured cluster's users)."""
        return []

    def prepare(self) -> None:
        """Format each node's storage once, all with the cluster id kept in ``cluster.id``."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.cluster_id_file.exists():
            self.cluster_id_file.write_text(kafka_uuid())
        cluster_id = self.cluster_id_file.read_text().strip()
        formatting = []
        for node in self.nodes:
            if (node.data_dir / "meta.properties").exists():
                continue
            node.dir.mkdir(parents=True, exist_ok=True)
            node.config_file.write_text(self.render_config(node))
            argv = tool_argv("kafka-storage", "format", "-t", cluster_id, "-c", str(node.config_file),
                             "--ignore-formatted", *self.format_arguments(), flavour=self.flavour)
            formatting.append((node, subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        for node, proc in formatting:
            output = proc.communicate()[0]
            if proc.returncode != 0:
                raise CourseError(f"Formatting the storage of node {node.node_id} failed: {output.strip()[-300:]}; "
                                  f"`python -m course_lib reset` starts from scratch.")

    def down(self, timeout: float = 30) -> None:
        """Stop what the course runs beside the brokers — lesson 16's Kafka Streams applications, lesson 17's
        Connect worker, lesson 18's PostgreSQL, lesson 20's and lesson 23's one-node clusters — then the cluster."""
        from .listeners import ListenerLabCluster  # KRaftClusters themselves
        from .tiered import TieredCluster
        if (self.home / "listeners").exists():
            ListenerLabCluster(self.home / "listeners").down(timeout)
        if (self.home / "tiered").exists():
            TieredCluster(self.home / "tiered").down(timeout)
        stop_streams_apps(self.home)
        stop_connect_worker(self.home)
        stop_postgres(self.home)
        super().down(timeout)

    def roles(self, node: Node) -> str:
        return "broker+controller"

    def controller_id(self) -> int | None:
        """The active controller, read from the quorum-state file each live node keeps up to date."""
        best = None
        for node in self.nodes:
            if not node.process.alive:
                continue
            try:
                state = json.loads((node.data_dir / "__cluster_metadata-0" / "quorum-state").read_text())
            except (OSError, ValueError):
                continue
            leader, epoch = state.get("leaderId", -1), state.get("leaderEpoch", -1)
            if leader is not None and leader >= 0 and (best is None or epoch > best[1]):
                best = (leader, epoch)
        if best and self.node(best[0]).process.alive:
            return best[0]
        return None
