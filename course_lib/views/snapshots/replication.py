"""Who leads and who follows: every partition's replicas and in-sync replicas, per broker.

Lesson 06 (replication) kills a broker and watches this change: first the broker's port goes dead,
then — after ``broker.session.timeout.ms`` — the controller fences it, moves leadership and shrinks
the ISRs, which is when partitions turn under-replicated.
"""

import time
from dataclasses import dataclass, field

from confluent_kafka import KafkaException

from ...connection import reason
from .brokers import BrokerState, broker_states

__all__ = ["ClusterSnapshot", "PartitionState", "cluster_snapshot", "ROLES"]

ROLES = ("leader", "in-sync", "out-of-sync", "none")


@dataclass(frozen=True)
class PartitionState:
    """One partition: leader (None: offline), replicas and in-sync replicas (course machinery)."""
    topic: str
    partition: int
    leader: int | None                  # None: offline, no leader at all
    replicas: tuple[int, ...]
    isr: tuple[int, ...]

    @property
    def offline(self) -> bool:
        return self.leader is None

    @property
    def under_replicated(self) -> bool:
        return len(self.isr) < len(self.replicas)

    def role(self, broker_id: int) -> str:
        """One of ``ROLES`` for ``broker_id`` in this partition."""
        if broker_id == self.leader:
            return "leader"
        if broker_id in self.isr:
            return "in-sync"
        if broker_id in self.replicas:
            return "out-of-sync"
        return "none"


@dataclass(frozen=True)
class ClusterSnapshot:
    """Brokers and partitions at one moment (``error``: why the metadata could not be read) (course machinery)."""
    taken_at: float
    brokers: tuple[BrokerState, ...]
    partitions: tuple[PartitionState, ...]
    missing_topics: tuple[str, ...] = ()
    error: str | None = None            # why the metadata could not be read, if it could not
    admin_calls: int = 1
    topics: tuple[str, ...] = field(default=())

    @property
    def controller_id(self) -> int | None:
        return next((b.node_id for b in self.brokers if b.controller), None)

    def broker(self, node_id: int) -> BrokerState | None:
        return next((b for b in self.brokers if b.node_id == node_id), None)

    def leaders(self) -> dict[tuple[str, int], int | None]:
        return {(p.topic, p.partition): p.leader for p in self.partitions}


def cluster_snapshot(link, topics: list[str] | tuple[str, ...]) -> ClusterSnapshot:
    """Brokers (up/down, controller) and the replica state of every partition of ``topics`` (course machinery).

    Cost: 1 admin call (Metadata) + one TCP connect per broker. Never raises for a dead broker or
    even a dead cluster: the snapshot then carries ``error`` and the brokers' states.
    """
    topics = tuple(topics)
    try:
        metadata = link.metadata()
    except KafkaException as exc:
        return ClusterSnapshot(time.time(), broker_states(link.cluster, None), (), (),
                               f"no broker answered a metadata request ({reason(exc)})", topics=topics)
    partitions, missing = [], []
    for topic in topics:
        described = metadata.topics.get(topic)
        if described is None or described.error is not None:
            missing.append(topic)
            continue
        for p in sorted(described.partitions.values(), key=lambda p: p.id):
            partitions.append(PartitionState(topic, p.id, p.leader if p.leader >= 0 else None,
                                             tuple(p.replicas), tuple(p.isrs)))
    return ClusterSnapshot(time.time(), broker_states(link.cluster, set(metadata.brokers)), tuple(partitions),
                           tuple(missing), topics=topics)
