"""A one-node KRaft cluster whose listener settings lesson 20 chooses, to show what ``advertised.listeners`` does.

The course cluster advertises ``localhost`` and listens on 127.0.0.1, so it always works. This cluster takes the
``listeners``, ``advertised.listeners``, ``listener.security.protocol.map`` and ``inter.broker.listener.name``
the lesson writes (its quorum listener ``CONTROLLER://127.0.0.1:19392`` is added to them), under
``<cluster home>/listeners``. It counts as ready once its broker has registered: a broker that advertises an
address nobody listens on registers and answers metadata, and then no record reaches it — the trap the lesson
shows. The course cluster's ``down`` stops it too.
"""

from pathlib import Path

from ..paths import course_home
from .base import Node
from .kraft import KRaftCluster
from .ports import ports_from_env, require_free

__all__ = ["ListenerLabCluster", "PORT_SETTING"]

PORT_SETTING = "COURSE_LISTENER_LAB_PORTS"  # client port, second client port, controller port


class ListenerLabCluster(KRaftCluster):
    """One broker+controller with the lesson's listener settings; ``restart(**settings)`` changes them (lesson 20)."""

    name = "listener lab (1 node)"
    with_registry = False
    with_metrics = False
    port_setting = controller_port_setting = PORT_SETTING
    ready_needs_a_write = False
    teaching_overrides = {"default.replication.factor": 1, "min.insync.replicas": 1,
                          "offsets.topic.replication.factor": 1, "transaction.state.log.replication.factor": 1,
                          "transaction.state.log.min.isr": 1, "share.coordinator.state.topic.replication.factor": 1,
                          "share.coordinator.state.topic.min.isr": 1, "num.partitions": 1}

    def __init__(self, home: Path | None = None):
        self.port, self.second_port, controller_port = ports_from_env(PORT_SETTING, (9392, 29392, 19392))
        super().__init__(home or course_home() / "kraft" / "listeners", (self.port,), (controller_port,))
        self.settings = {
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{self.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
        }

    def listener_settings(self, node: Node) -> dict:
        controller = f"CONTROLLER://127.0.0.1:{node.controller_port}"
        return {**self.settings,
                "listeners": f"{self.settings['listeners']},{controller}",
                "listener.security.protocol.map": f"{self.settings['listener.security.protocol.map']},"
                                                  "CONTROLLER:PLAINTEXT",
                "controller.listener.names": "CONTROLLER"}

    def restart(self, **settings: str) -> "ListenerLabCluster":
        """Stop the broker, take ``settings`` (``advertised_listeners="PLAINTEXT://localhost:9392"``: underscores
        for dots) and start it again with them."""
        self.down()
        self.settings.update({key.replace("_", "."): value for key, value in settings.items()})
        return self.up(quiet=True)

    def _check_ports(self, nodes: list[Node]) -> None:
        super()._check_ports(nodes)
        if f":{self.second_port}" in self.settings["listeners"]:
            require_free(self.second_port, "the broker's second listener", PORT_SETTING)
