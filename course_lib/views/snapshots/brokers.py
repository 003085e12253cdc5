"""Which brokers are up right now, and which one is the active controller.

"Up" is decided by trying the broker's port, not by the cluster metadata: after a crash the
controller keeps a broker registered until ``broker.session.timeout.ms`` (9 s) has passed, and a
view that trusted the metadata would show a dead broker as alive for that long.
"""

from dataclasses import dataclass

from ...cluster.ports import port_accepts

__all__ = ["BrokerState", "broker_states", "PROBE_TIMEOUT"]

PROBE_TIMEOUT = 0.3  # seconds a view waits for a broker's port: a dead one must not stall a refresh


@dataclass(frozen=True)
class BrokerState:
    """One broker as a view shows it (course machinery)."""
    node_id: int
    port: int
    alive: bool        # its port accepts connections now
    registered: bool   # the cluster metadata still lists it
    controller: bool   # the active KRaft controller

    @property
    def label_lines(self) -> tuple[str, ...]:
        """up / starting / DOWN / DOWN + still registered: the last one lasts until the session times out.

        Two lines where a column is narrow (the replication view's broker headers).
        """
        if self.alive:
            return ("up",) if self.registered else ("starting",)
        return ("DOWN", "still registered") if self.registered else ("DOWN",)

    @property
    def label(self) -> str:
        """The label on one line: up / starting / DOWN / DOWN (still registered)."""
        state, *detail = self.label_lines
        return f"{state} ({detail[0]})" if detail else state


def broker_states(cluster, registered: set[int] | None) -> tuple[BrokerState, ...]:
    """Each node's state; ``registered`` = broker ids in the metadata (None: metadata unavailable) (course machinery).

    No admin call: one TCP connect per broker and the controller from the cluster's quorum files.
    """
    controller = cluster.controller_id()
    return tuple(
        BrokerState(node.node_id, node.port, port_accepts(node.port, timeout=PROBE_TIMEOUT),
                    registered is not None and node.node_id in registered, controller == node.node_id)
        for node in cluster.nodes)
