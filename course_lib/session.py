"""A lesson's first and last calls: ``connect()`` attaches to the course cluster (starting it if needed)
and notes what exists; ``clean_up()`` deletes what the lesson created since (introduced in lesson 00).

The cluster outlives notebook kernels, so usually this only checks that it is there. Set
``COURSE_AUTOSTART=0`` (or pass ``autostart=False``) to get a clear error instead of a start.
"""

import os

from confluent_kafka.admin import AdminClient

from .cluster import course_cluster
from .cluster.shared import SharedCluster
from .connection import client_config
from .errors import CourseError
from .tidy import counted, delete_created, find_leftovers

__all__ = ["clean_up", "cluster_or_course", "connect"]


_shared: SharedCluster | None = None  # the shared cluster this kernel reached, so helpers do not ask again


def connect(autostart: bool | None = None, quiet: bool = False, local_only: str | None = None):
    """The course cluster, ready; started (and waited for) when none of its brokers runs.

    A cluster with *some* brokers down is attached as it is: a lesson that just killed a broker must
    not see a helper bring it back behind its back. ``cluster.up()`` starts the missing ones.

    Under a connection profile (``course_lib.profile``) it is the class's shared cluster instead; a lesson that
    needs this machine's cluster says why in ``local_only`` and stops there with that sentence.
    """
    global _shared
    cluster = course_cluster()
    if not cluster.local:
        if local_only:  # before reaching the cluster: the sentence is the answer, not a minute's wait
            cluster.require_local(local_only)
        if _shared is None or _shared.profile != cluster.profile:
            _shared = cluster.up(quiet=quiet)
        remember_what_exists(_shared)
        return _shared
    if autostart is None:
        autostart = os.environ.get("COURSE_AUTOSTART", "1") not in ("0", "false", "no")
    down = [node.node_id for node in cluster.nodes if not node.process.alive]
    if down and len(down) < len(cluster.nodes):
        if not quiet:
            print(f"Attached with broker(s) {', '.join(map(str, down))} down; `cluster.up()` starts them again.")
    elif down and not autostart:
        raise CourseError("The course cluster is not running; start it with `python -m course_lib up` "
                          "(or `make course`) and run this cell again.")
    else:
        cluster.up(quiet=quiet)
    remember_what_exists(cluster)  # what a lesson's clean_up() leaves alone
    return cluster


def cluster_or_course(cluster=None):
    """``cluster`` when given, else the course cluster (``connect(quiet=True)``): what every helper uses.

    Course machinery.
    """
    return cluster or connect(quiet=True)


_names_at_connect: set[str] | None = None  # topics and groups on the cluster when this kernel first connected


def remember_what_exists(cluster) -> None:
    """Note the topics and groups that exist now, once per kernel (``connect()`` calls it): what
    ``clean_up()`` leaves alone, such as a lab the learner has not finished."""
    global _names_at_connect
    if _names_at_connect is None:
        _names_at_connect = find_leftovers(AdminClient(client_config(cluster.bootstrap_servers))).names()


def clean_up(cluster=None) -> str:
    """Delete the topics and empty groups created since this kernel first connected; a lesson's last cell
    calls it, so the cluster keeps only what the next lesson needs. Returns one line saying what went."""
    cluster = cluster_or_course(cluster)
    if _names_at_connect is None:
        raise CourseError("course_lib.connect() was not called in this kernel, so what this lesson created is "
                          "unknown; run the lesson from its first cell, or `python -m course_lib tidy`.")
    created, refused = delete_created(AdminClient(client_config(cluster.bootstrap_servers)), _names_at_connect)
    topics = [t for t in created.topics if ("topic", t) not in refused]
    groups = [g for g in created.empty_groups if ("group", g) not in refused]
    line = (f"Cleaned up: deleted the {counted(len(topics), 'topic')} "
            f"({counted(sum(created.topics[t] for t in topics), 'partition')}) and "
            f"{counted(len(groups), 'consumer group')} this lesson created.")
    if refused:
        line += " Kafka refused " + "; ".join(f"{kind} {name}: {why}" for (kind, name), why in refused.items()) + "."
    return line
