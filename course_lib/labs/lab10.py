"""Checks for lab 10 (ZooKeeper vs KRaft): they read ZooKeeper's znodes and KRaft's metadata, never raise.

``start(lab)`` brings up the ZooKeeper-mode cluster beside the KRaft one and remembers both controller
epochs, so task 3 can tell that an election happened during this attempt.
"""

from ..cluster import ZooKeeperCluster
from ..errors import CourseError
from ..metadata.failover import controller_epoch
from ..metadata.kraft import metadata_records
from ..metadata.zookeeper import registered_brokers, topic_znode
from ..session import cluster_or_course
from .checking import NotYet, task_check

__all__ = ["PARTITIONS", "start", "task1", "task2", "task3"]

PARTITIONS = 4
_EPOCHS: dict[str, tuple[int, int]] = {}  # lab.run_id → (ZooKeeper controller epoch, KRaft leader epoch) at start


def start(lab) -> ZooKeeperCluster:
    """Start the ZooKeeper-mode cluster if needed and remember where both controller epochs stand."""
    zk = ZooKeeperCluster().up(timeout=600)
    _EPOCHS[lab.run_id] = (controller_epoch(zk), controller_epoch(cluster_or_course()))
    return zk


def _clusters(hint: str = "run the lab's first cells: checks.start(lab) starts it."):
    """(KRaft cluster, ZooKeeper-mode cluster), or ``NotYet`` when the second is not running."""
    zk = ZooKeeperCluster()
    if not zk.is_running():
        raise NotYet("the ZooKeeper-mode cluster is not running.", hint)
    return cluster_or_course(), zk


@task_check("Task 1 · who is in charge")
def task1(lab, zk_controller=None, kraft_leader=None) -> str:
    """The learner names the ZooKeeper-mode controller and the KRaft quorum leader."""
    if zk_controller is None or kraft_leader is None:
        raise NotYet("set zk_controller and kraft_leader to two broker ids.",
                     "active_controller(zk) reads /controller; quorum_status(cluster) asks the KRaft quorum.")
    kraft, zk = _clusters()
    wrong = []
    if zk_controller != zk.controller_id():
        wrong.append(f"broker {zk_controller} is not the ZooKeeper-mode controller")
    if kraft_leader != kraft.controller_id():
        wrong.append(f"node {kraft_leader} is not the KRaft quorum leader")
    if wrong:
        raise NotYet("; ".join(wrong) + ".",
                     "read the znode /controller and the LeaderId of the quorum status again "
                     "(a controller may have moved since you looked).")
    return f"broker {zk_controller} holds /controller and node {kraft_leader} leads the quorum."


def _kraft_topic(kraft, topic: str) -> tuple[str | None, dict[int, list[int]]]:
    """The id of the newest TOPIC_RECORD named ``topic`` (unless removed since) and its partitions' replicas."""
    records = metadata_records(kraft)
    topic_id = None
    for record in records:
        if record.type == "TOPIC_RECORD" and record.data.get("name") == topic:
            topic_id = record.data.get("topicId")
        elif record.type == "REMOVE_TOPIC_RECORD" and record.data.get("topicId") == topic_id:
            topic_id = None
    partitions = {r.data["partitionId"]: r.data["replicas"] for r in records
                  if topic_id and r.type == "PARTITION_RECORD" and r.data.get("topicId") == topic_id}
    return topic_id, partitions


@task_check("Task 2 · one topic, two metadata stores")
def task2(lab, zk_topic_id=None, kraft_topic_id=None) -> str:
    """``inventory`` exists in both clusters with 4 partitions × 3 replicas, and the learner found both topic ids."""
    topic = lab.topic("inventory")
    kraft, zk = _clusters()
    try:
        znode = topic_znode(zk, topic)
    except CourseError:
        raise NotYet(f"ZooKeeper has no /brokers/topics/{topic} yet.",
                     "create the topic through the ZooKeeper-mode cluster's brokers (cluster=zk).")
    try:
        kraft_id, kraft_layout = _kraft_topic(kraft, topic)
    except CourseError as error:
        raise NotYet(f"the metadata log could not be read ({error})", "run the check again.")
    if kraft_id is None:
        raise NotYet(f"the KRaft metadata log has no TOPIC_RECORD for {topic} yet.",
                     "create the topic on the KRaft cluster too (the default cluster).")
    layouts = {"ZooKeeper": {p: list(r) for p, r in znode.replicas.items()},
               "KRaft": kraft_layout}
    for where, layout in layouts.items():
        if len(layout) != PARTITIONS or any(len(replicas) != 3 for replicas in layout.values()):
            shape = sorted({len(r) for r in layout.values()})
            raise NotYet(f"in {where} the topic has {len(layout)} partitions with {shape} replicas, "
                         f"not {PARTITIONS} × 3.", "delete it and create it again with the right shape.")
    if zk_topic_id != znode.topic_id or kraft_topic_id != kraft_id:
        raise NotYet("the topic exists in both clusters, but zk_topic_id and kraft_topic_id are not "
                     "the ids the two metadata stores hold.",
                     "topic_znode(zk, topic).topic_id, and the TOPIC_RECORD's topicId in metadata_records(cluster).")
    return (f"{topic} has {PARTITIONS} partitions × 3 replicas in both stores "
            f"(ids {znode.topic_id} and {kraft_id}: two clusters, two ids).")


@task_check("Task 3 · a new controller in each cluster")
def task3(lab) -> str:
    """Both clusters elected a new controller during this attempt, and every broker is running again."""
    kraft, zk = _clusters(hint="start it again: ZooKeeperCluster().up().")
    if lab.run_id not in _EPOCHS:
        raise NotYet("this attempt never recorded the starting controller epochs.",
                     "run checks.start(lab) at the top of the lab first.")
    zk_start, kraft_start = _EPOCHS[lab.run_id]
    down = [f"{label} node {n.node_id}" for label, c in (("KRaft", kraft), ("ZooKeeper-mode", zk))
            for n in c.nodes if not n.process.alive]
    if down:
        raise NotYet(f"{', '.join(down)} is not running.", "start_broker(n) brings a node back.")
    try:
        registered = {b.broker_id for b in registered_brokers(zk)}
        zk_epoch, kraft_epoch = controller_epoch(zk), controller_epoch(kraft)
    except CourseError as error:
        raise NotYet(f"the controllers could not be read ({error})", "run the check again.")
    if registered != {n.node_id for n in zk.nodes}:
        raise NotYet(f"only brokers {sorted(registered)} are registered in ZooKeeper so far.",
                     "wait until the restarted broker holds its /brokers/ids znode again.")
    missing = [f"the {label} controller epoch is still {now}" for label, now, then in
               (("ZooKeeper", zk_epoch, zk_start), ("KRaft", kraft_epoch, kraft_start)) if now <= then]
    if missing:
        raise NotYet("; ".join(missing) + ": no new election yet.",
                     "a controller is elected when the old one goes away — kill it, then start it again.")
    return (f"ZooKeeper controller epoch {zk_start} → {zk_epoch}, KRaft leader epoch "
            f"{kraft_start} → {kraft_epoch}, and all six brokers are back.")
