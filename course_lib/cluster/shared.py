"""A class's shared cluster, reached through a connection profile (``course_lib.profile``): what ``connect()``
returns when ``COURSE_PROFILE`` (or ``COURSE_KAFKA_BOOTSTRAP_SERVERS``) is set.

It offers what a client can do — bootstrap servers, a client config with the profile's security settings, names
in the student's namespace — and refuses, in one sentence, what needs the course's own processes on this machine
(killing a broker, reading segment files, starting anything): those lessons and tasks are *local-only*.
"""

import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from ..connection import client_config, reason
from ..errors import CourseError
from ..profile import Profile
from .base import Cluster, NodeStatus

__all__ = ["SharedCluster"]


class SharedCluster(Cluster):
    """Somebody else's Kafka: a managed service, the department's cluster, or (in the tests) the secured one."""

    local = False

    def __init__(self, profile: Profile):
        self.profile = profile
        self.name = f"shared cluster at {profile.bootstrap_servers}"
        self.namespace = profile.namespace

    @property
    def bootstrap_servers(self) -> str:
        return self.profile.bootstrap_servers

    def client_config(self) -> dict:
        return self.profile.client_config()

    def namespaced(self, base: str) -> str:
        return self.profile.name(base)

    def require_local(self, what: str) -> None:
        raise CourseError(f"{what} needs the course's own cluster on this machine, and this kernel uses the shared "
                          f"cluster of {self.profile.source} ({self.bootstrap_servers}); read this part, or run it "
                          "on your own machine with COURSE_PROFILE unset.")

    @property
    def nodes(self) -> list:
        self.require_local("Reaching a broker's process, files or logs")

    # -- what a client can do -------------------------------------------------------------------------------
    def up(self, timeout: float = 60, quiet: bool = False) -> "SharedCluster":
        """Nothing to start here: wait until the cluster answers this student's credentials."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                brokers = AdminClient(client_config(self.bootstrap_servers)).list_topics(timeout=10).brokers
                if brokers:
                    self._speaker(quiet)(f"Connected to {len(brokers)} brokers at {self.bootstrap_servers} "
                                         f"({self.profile.source}).")
                    return self
                problem = "no broker in the metadata"
            except KafkaException as error:
                problem = reason(error)
            if time.monotonic() > deadline:
                raise CourseError(f"The shared cluster at {self.bootstrap_servers} did not answer within {timeout:.0f} s "
                                  f"({problem}); check the address and credentials in {self.profile.source}.")
            time.sleep(1)

    def is_running(self) -> bool:
        try:
            return bool(AdminClient(client_config(self.bootstrap_servers)).list_topics(timeout=10).brokers)
        except KafkaException:
            return False

    def status(self) -> list[NodeStatus]:
        """The brokers the metadata names (no process of theirs is visible from here)."""
        metadata = AdminClient(client_config(self.bootstrap_servers)).list_topics(timeout=10)
        return [NodeStatus(b.id, None, b.port, True, f"broker at {b.host}") for b in metadata.brokers.values()]

    def status_table(self) -> str:
        lines = [f"{self.name} ({self.profile.source}), namespace {self.namespace or '(none)'}"]
        lines += [f"  broker {row.node_id}: {row.role}:{row.port}" for row in self.status()]
        return "\n".join(lines)

    def controller_id(self) -> int | None:
        return AdminClient(client_config(self.bootstrap_servers)).list_topics(timeout=10).controller_id

    # -- what needs the course's own processes --------------------------------------------------------------
    def down(self, timeout: float = 30) -> None:
        self.require_local("Stopping a cluster")

    def stop_broker(self, node_id: int, timeout: float = 30) -> None:
        self.require_local("Stopping a broker")

    def logs(self, node_id: int, lines: int = 40) -> str:
        self.require_local("Reading a broker's log")

    def reset(self) -> None:
        self.require_local("Deleting a cluster's data")

    def _kill_node(self, node) -> None:
        self.require_local("Killing a broker")

    def _start_stopped_node(self, node, timeout: float) -> None:
        self.require_local("Starting a broker")
