"""Kill a cluster's controller and time the takeover, in ZooKeeper mode and in KRaft (introduced in lesson 10).

Both clusters elect one controller, by different means: in ZooKeeper mode the brokers race to create
the ephemeral ``/controller`` znode, which only disappears once the dead broker's ZooKeeper session
times out; in KRaft the surviving voters notice that the leader stopped answering their fetches and
hold a Raft election for a new epoch of the ``__cluster_metadata`` log. ``controller_failover`` runs the
same experiment on either cluster and reports what the survivors believed, and for how long.
"""

import time
from dataclasses import dataclass

from ..errors import CourseError
from .kraft import quorum_state
from .zookeeper import active_controller
from ..waiting import poll_until

__all__ = ["ControllerFailover", "believed_controller", "controller_epoch", "controller_failover"]


@dataclass(frozen=True)
class ControllerFailover:
    """One controller failover: who led before and after, and how long the cluster took."""
    mode: str                  # "ZooKeeper" or "KRaft"
    old_controller: int
    new_controller: int
    old_epoch: int
    new_epoch: int
    dead_named_for: float      # seconds the metadata still named the dead controller
    seconds: float             # seconds from the kill until another node was controller

    def __str__(self) -> str:
        return (f"{self.mode}: controller {self.old_controller} (epoch {self.old_epoch}) killed → "
                f"{self.new_controller} (epoch {self.new_epoch}) after {self.seconds:.1f} s; "
                f"the dead one was still named for {self.dead_named_for:.1f} s")


def _is_zookeeper_mode(cluster) -> bool:
    return hasattr(cluster, "zookeeper")


def _kraft_belief(cluster) -> tuple[int | None, int]:
    """(leader, epoch) in the newest epoch any running voter has persisted to its quorum-state file."""
    best = (None, -1)
    for node in cluster.nodes:
        if not node.process.alive:
            continue
        try:
            state = quorum_state(node)
        except CourseError:
            continue
        if state.leader_epoch > best[1]:
            best = (state.leader_id, state.leader_epoch)
    return best


def believed_controller(cluster) -> int | None:
    """The controller the cluster's own metadata names now — even a dead one (None during an election).

    ZooKeeper mode: the broker in ``/controller``; KRaft: the leader in the running voters' newest epoch.

    Course machinery.
    """
    if _is_zookeeper_mode(cluster):
        znode = active_controller(cluster)
        return znode.broker_id if znode else None
    return _kraft_belief(cluster)[0]


def controller_epoch(cluster) -> int:
    """ZooKeeper's ``/controller_epoch``, or the KRaft quorum's leader epoch: +1 at every election.

    Course machinery.
    """
    if _is_zookeeper_mode(cluster):
        znode = active_controller(cluster)
        return znode.epoch if znode else -1
    return _kraft_belief(cluster)[1]


def controller_failover(cluster, timeout: float = 180, restart: bool = True,
                        restart_timeout: float = 600) -> ControllerFailover:
    """SIGKILL the controller, wait until another node is controller, then (``restart``) start it again."""
    old = cluster.controller_id()
    if old is None:
        raise CourseError("The cluster has no active controller right now, so there is none to kill; "
                          "check `python -m course_lib status` and run the cell again.")
    old_epoch = controller_epoch(cluster)
    mode = "ZooKeeper" if _is_zookeeper_mode(cluster) else "KRaft"
    cluster.kill_broker(old)
    started = time.monotonic()
    dead_named_for = []  # the seconds until the first answer that no longer named the dead node

    def named_now() -> int | None:
        named = believed_controller(cluster)
        if named != old and not dead_named_for:
            dead_named_for.append(time.monotonic() - started)
        return named

    named = poll_until(named_now, f"a running node other than {old} to be controller", timeout,
                       done=lambda named: named is not None and named != old and cluster.node(named).process.alive,
                       advice=f"Start node {old} again with `python -m course_lib start-broker {old}` "
                              "and look at the logs.")
    result = ControllerFailover(mode, old, named, old_epoch, controller_epoch(cluster), dead_named_for[0],
                                time.monotonic() - started)
    if restart:
        cluster.start_broker(old, timeout=restart_timeout)
    return result
