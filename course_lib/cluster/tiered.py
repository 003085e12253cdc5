"""A one-node KRaft cluster with tiered storage (KIP-405) switched on, for lesson 23 and lab 23.

Kafka ships the remote tier's plumbing — the broker's ``RemoteLogManager``, and ``TopicBasedRemoteLogMetadataManager``
keeping which segment went where in the ``__remote_log_metadata`` topic — but no store to copy segments to. The
course brings its own: ``DirectoryRemoteStorageManager`` (Java sources in ``course_lib/toolchain/tiered/``, built
once by Maven), whose remote tier is the directory ``<cluster home>/remote-tier``. The broker loads its jar through
``remote.log.storage.manager.class.path``, so the course's jar set stays Kafka's own. The cluster lives under
``<COURSE_HOME>/kraft/tiered`` on ports 9692 (clients) and 19692 (controller), ``COURSE_TIERED_PORTS``; the course
cluster's ``down`` stops it too.
"""

from pathlib import Path

from ..paths import course_home
from ..toolchain.jars import tiered_storage_jar
from .base import Node
from .kraft import KRaftCluster
from .ports import ports_from_env

__all__ = ["PORT_SETTING", "RSM_CLASS", "TieredCluster"]

PORT_SETTING = "COURSE_TIERED_PORTS"  # client port, controller port
RSM_CLASS = "course.tiered.DirectoryRemoteStorageManager"

ONE_NODE = {"default.replication.factor": 1, "min.insync.replicas": 1, "offsets.topic.replication.factor": 1,
            "transaction.state.log.replication.factor": 1, "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1, "share.coordinator.state.topic.min.isr": 1,
            "num.partitions": 1}


class TieredCluster(KRaftCluster):
    """One broker+controller whose topics may keep old segments in a remote tier, a local directory (lesson 23)."""

    name = "tiered-storage cluster (Kafka 4.4, 1 node)"
    with_registry = False
    with_metrics = False
    port_setting = controller_port_setting = PORT_SETTING
    teaching_overrides = {
        **ONE_NODE,
        "remote.log.storage.system.enable": "true",         # the broker may tier; each topic still opts in
        "remote.log.storage.manager.class.name": RSM_CLASS,
        "remote.log.metadata.manager.listener.name": "PLAINTEXT",  # where the metadata manager's clients connect
        "rlmm.config.remote.log.metadata.topic.replication.factor": 1,
        "rlmm.config.remote.log.metadata.topic.num.partitions": 1,  # default 50: slow to create, no use here
        "remote.log.manager.task.interval.ms": 1000,        # look for segments to copy every second (default 30 s)
        "log.retention.check.interval.ms": 1000,            # and for local segments to delete (course: 5 s)
        "log.initial.task.delay.ms": 1000,
        "log.segment.delete.delay.ms": 500,                 # a deleted segment's files linger 0.5 s (default 60 s)
    }

    def __init__(self, home: Path | None = None):
        port, controller_port = ports_from_env(PORT_SETTING, (9692, 19692))
        super().__init__(home or course_home() / "kraft" / "tiered", (port,), (controller_port,))

    @property
    def remote_dir(self) -> Path:
        """The remote tier: ``<topic>-<partition>/<start offset>-<segment id>.log`` (and its indexes) (lesson 23)."""
        return self.home / "remote-tier"

    def prepare(self) -> None:
        """Build the remote storage manager if it is not built yet (saying so), then format the storage."""
        tiered_storage_jar()
        super().prepare()

    def render_config(self, node: Node) -> str:
        where = {"remote.log.storage.manager.class.path": tiered_storage_jar(quiet=True),
                 "rsm.config.dir": self.remote_dir}
        return super().render_config(node) + "".join(f"{key}={value}\n" for key, value in where.items())

    def start_failure_hint(self, error: str) -> str:
        if any(clue in error for clue in ("StorageManager", "RemoteLog", "remote")):
            return (f"; look at the remote.log.* and rsm.config.* lines in {self.nodes[0].config_file}, or rebuild "
                    f"the remote storage manager by deleting {tiered_storage_jar(quiet=True).parent}")
        return ""
