"""Look inside the cluster's metadata: ZooKeeper's znodes (ZooKeeper mode) and KRaft's quorum and log.

``course_lib.inspect.zookeeper`` reads a ``ZooKeeperCluster``'s znodes; ``course_lib.inspect.kraft_metadata``
asks a ``KRaftCluster``'s controller quorum through Kafka's own tools. The lesson on ZooKeeper vs
KRaft puts the two side by side.
"""

from . import kraft_metadata, zookeeper

__all__ = ["kraft_metadata", "zookeeper"]
