"""Plain snapshot functions: the cluster's state now, as frozen dataclasses (no widgets here).

Every view renders only what these return, so what a learner sees is what the tests check on the
real cluster. Each function documents how many admin calls it costs.
"""

from .brokers import BrokerState, broker_states
from .connect import ConnectorState, ConnectSnapshot, TaskState, connect_snapshot
from .groups import GroupSnapshot, MemberState, PartitionLag, RebalanceEvent, group_snapshot, track_rebalances
from .link import ClusterLink
from .offsets import PartitionLog, Segment, TopicLogSnapshot, segments_on_disk, topic_log_snapshot
from .registry import RegistrySnapshot, registry_snapshot
from .replication import ClusterSnapshot, PartitionState, cluster_snapshot
from .throughput import OffsetTotals, ThroughputPoint, offset_totals, rates
from .windows import WindowCount, WindowReader, WindowsSnapshot

__all__ = [
    "BrokerState", "ClusterLink", "ClusterSnapshot", "ConnectSnapshot", "ConnectorState", "GroupSnapshot",
    "MemberState", "OffsetTotals", "PartitionLag", "PartitionLog", "PartitionState", "RebalanceEvent",
    "RegistrySnapshot", "Segment", "TaskState", "ThroughputPoint", "TopicLogSnapshot", "WindowCount", "WindowReader",
    "WindowsSnapshot", "broker_states", "cluster_snapshot", "connect_snapshot", "group_snapshot", "offset_totals",
    "rates", "registry_snapshot", "segments_on_disk", "topic_log_snapshot", "track_rebalances",
]
