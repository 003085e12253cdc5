"""Look inside ZooKeeper the way a ZooKeeper-mode Kafka cluster uses it (the ZooKeeper vs KRaft lesson).

Before KRaft, the cluster's metadata lived in ZooKeeper znodes: each live broker holds an *ephemeral*
``/brokers/ids/<id>`` (it vanishes when the broker's session ends), the broker that wins the race to
create the ephemeral ``/controller`` is the controller, and ``/brokers/topics/<topic>`` holds each
topic's replica assignment, with leader and ISR under ``partitions/<p>/state``. These helpers read
those znodes with kazoo and decode Kafka's JSON into small dataclasses.

``source`` is a ``ZooKeeperCluster``, a ``"host:port"`` string, or a started ``KazooClient``.
"""

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError
from kazoo.handlers.threading import KazooTimeoutError

from ..errors import CourseError

__all__ = ["BrokerZnode", "ControllerZnode", "PartitionState", "TopicZnode", "active_controller",
           "registered_brokers", "topic_names", "topic_znode", "zookeeper_session", "znode_tree"]

# kazoo logs reconnect attempts as warnings; without a handler they would land on a notebook's stderr.
logging.getLogger("kazoo").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class BrokerZnode:
    """``/brokers/ids/<id>``: a live broker, as it registered itself (returned by ``registered_brokers``, lesson 10)."""
    broker_id: int
    host: str
    port: int
    endpoints: tuple[str, ...]
    registered_ms: int  # when the broker (re)registered
    session_id: int     # the ZooKeeper session that owns this ephemeral znode


@dataclass(frozen=True)
class ControllerZnode:
    """``/controller`` (+ ``/controller_epoch``): which broker is the controller, since when, which term.

    Returned by ``active_controller`` (lesson 10).
    """
    broker_id: int
    epoch: int          # +1 at every controller election; stale controllers are fenced by it
    elected_ms: int
    session_id: int


@dataclass(frozen=True)
class PartitionState:
    """``/brokers/topics/<t>/partitions/<p>/state``: written by the controller on every leader/ISR change.

    Course machinery.
    """
    partition: int
    leader: int         # -1 while the partition has no leader
    isr: tuple[int, ...]
    leader_epoch: int
    controller_epoch: int


@dataclass(frozen=True)
class TopicZnode:
    """``/brokers/topics/<t>``: the replica assignment, and each partition's state.

    Returned by ``topic_znode`` (lesson 10).
    """
    name: str
    topic_id: str | None
    replicas: dict[int, tuple[int, ...]]
    partitions: dict[int, PartitionState]


def _connect_string(source) -> str:
    if isinstance(source, str):
        return source
    connect = getattr(source, "zookeeper_connect", None)
    if connect is None:
        raise CourseError(f"{source!r} is not a ZooKeeper-mode cluster; pass a ZooKeeperCluster "
                          "or a \"host:port\" string (the KRaft cluster has no ZooKeeper: see course_lib.metadata.kraft).")
    return connect


@contextmanager
def zookeeper_session(source, timeout: float = 5.0):
    """A started ``KazooClient`` for ``source``, stopped again afterwards (unless you passed one in) (lesson 10)."""
    if isinstance(source, KazooClient):
        yield source
        return
    hosts = _connect_string(source)
    client = KazooClient(hosts=hosts, timeout=timeout, connection_retry={"max_tries": 1})
    try:
        client.start(timeout=timeout)
    except KazooTimeoutError:
        client.stop()
        client.close()
        raise CourseError(f"ZooKeeper at {hosts} did not answer within {timeout:.0f} s; start the ZooKeeper-mode "
                          "cluster with `python -m course_lib up --zookeeper`.") from None
    try:
        yield client
    finally:
        client.stop()
        client.close()


def _read_json(client: KazooClient, path: str):
    data, stat = client.get(path)
    return json.loads(data.decode()), stat


def registered_brokers(source) -> list[BrokerZnode]:
    """The brokers that hold a ``/brokers/ids`` znode right now, by id (lesson 10)."""
    brokers = []
    with zookeeper_session(source) as client:
        for child in sorted(client.get_children("/brokers/ids") if client.exists("/brokers/ids") else [], key=int):
            try:
                info, stat = _read_json(client, f"/brokers/ids/{child}")
            except NoNodeError:  # the broker's session ended between listing and reading
                continue
            brokers.append(BrokerZnode(int(child), info.get("host", ""), int(info.get("port", -1)),
                                       tuple(info.get("endpoints", ())), int(info.get("timestamp", 0)),
                                       stat.ephemeralOwner))
    return brokers


def active_controller(source) -> ControllerZnode | None:
    """The controller named in ``/controller``; None between one controller's loss and the next election (lesson 10)."""
    with zookeeper_session(source) as client:
        try:
            info, stat = _read_json(client, "/controller")
        except NoNodeError:
            return None
        try:
            epoch = int(client.get("/controller_epoch")[0].decode())
        except NoNodeError:
            epoch = 0
    return ControllerZnode(int(info["brokerid"]), epoch, int(info.get("timestamp", 0)), stat.ephemeralOwner)


def topic_names(source) -> list[str]:
    """Every topic with a ``/brokers/topics`` znode, internal ones (``__consumer_offsets``) included (lesson 10)."""
    with zookeeper_session(source) as client:
        return sorted(client.get_children("/brokers/topics")) if client.exists("/brokers/topics") else []


def topic_znode(source, topic: str) -> TopicZnode:
    """``/brokers/topics/<topic>`` decoded, with every partition's leader and ISR (lesson 10)."""
    with zookeeper_session(source) as client:
        try:
            info, _ = _read_json(client, f"/brokers/topics/{topic}")
        except NoNodeError:
            raise CourseError(f"ZooKeeper has no topic {topic!r}; create it first, or pick one of "
                              f"topic_names(...).") from None
        replicas = {int(p): tuple(r) for p, r in sorted(info.get("partitions", {}).items(), key=lambda i: int(i[0]))}
        partitions = {}
        for partition in replicas:
            try:
                state, _ = _read_json(client, f"/brokers/topics/{topic}/partitions/{partition}/state")
            except NoNodeError:  # the controller has not elected a leader yet
                continue
            partitions[partition] = PartitionState(partition, int(state["leader"]), tuple(state["isr"]),
                                                   int(state["leader_epoch"]), int(state["controller_epoch"]))
    return TopicZnode(topic, info.get("topic_id"), replicas, partitions)


def znode_tree(source, path: str = "/", depth: int = 2) -> str:
    """An indented listing of the znodes under ``path``, ``depth`` levels deep (``(e)`` = ephemeral) (lesson 10)."""
    lines = []
    with zookeeper_session(source) as client:
        def walk(node: str, level: int) -> None:
            try:
                children = sorted(client.get_children(node))
                ephemeral = client.exists(node).ephemeralOwner != 0
            except (NoNodeError, AttributeError):  # deleted while we walked
                return
            name = node if level == 0 else node.rsplit("/", 1)[-1]
            lines.append("  " * level + name + (" (e)" if ephemeral else ""))
            if level < depth:
                for child in children:
                    walk(node.rstrip("/") + "/" + child, level + 1)
        walk(path, 0)
    return "\n".join(lines)
