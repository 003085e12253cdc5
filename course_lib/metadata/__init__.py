"""Where a cluster keeps its metadata: ZooKeeper's znodes, KRaft's quorum and log, and a controller failover
(lesson 10).

``course_lib.metadata.zookeeper`` reads a ``ZooKeeperCluster``'s znodes; ``course_lib.metadata.kraft``
asks a ``KRaftCluster``'s controller quorum through Kafka's own tools. The lesson on ZooKeeper vs
KRaft puts the two side by side.
"""

from . import kraft, zookeeper

__all__ = ["kraft", "zookeeper"]
