"""Topic administration for lessons and labs (introduced in lesson 02).

Every helper is create-if-absent or otherwise safe to re-run, so a notebook can always be run again
from the top. Results are small dataclasses that print well in a notebook.
"""

from dataclasses import dataclass

from confluent_kafka import (ConsumerGroupState, ConsumerGroupTopicPartitions, KafkaError, KafkaException, Producer,
                             TopicCollection, TopicPartition)
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewPartitions, NewTopic

from ..connection import client_config, quiet_logger, reason
from ..errors import CourseError
from ..session import cluster_or_course
from ..profile import namespaced
from ..waiting import poll_until

__all__ = ["PartitionInfo", "TopicInfo", "admin_client", "applied_everywhere", "create_topic", "delete_topic", "describe_topic", "topic_id",
           "partition_leader",
           "list_topics", "topic_config", "alter_topic_config", "add_partitions", "watermarks", "committed_offsets",
           "group_state", "wait_until_group_empty", "ask_watermarks", "ask_coordinator"]


@dataclass(frozen=True)
class PartitionInfo:
    """One partition of a topic: leader (-1: none), replicas and in-sync replicas.

    Part of ``describe_topic``'s answer (lesson 02).
    """
    partition: int
    leader: int  # -1 when the partition has no leader (offline)
    replicas: tuple[int, ...]
    isr: tuple[int, ...]

    @property
    def under_replicated(self) -> bool:
        return len(self.isr) < len(self.replicas)


@dataclass(frozen=True)
class TopicInfo:
    """A topic's name and partitions (returned by ``describe_topic``, lesson 02)."""
    name: str
    partitions: tuple[PartitionInfo, ...]

    @property
    def replication_factor(self) -> int:
        return len(self.partitions[0].replicas) if self.partitions else 0



def admin_client(cluster=None) -> AdminClient:
    """An AdminClient for the course cluster (lesson 00)."""
    cluster = cluster_or_course(cluster)
    return AdminClient(client_config(cluster.bootstrap_servers, **cluster.admin_settings))


def _code(exc: KafkaException) -> int | None:
    error = exc.args[0]
    return error.code() if isinstance(error, KafkaError) else None


# a topic that is already gone: the broker's answer, the client's own, and the answer when named by id
_NO_SUCH_TOPIC = (KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_TOPIC, KafkaError.UNKNOWN_TOPIC_ID)


def list_topics(cluster=None, internal: bool = False) -> list[str]:
    """Topic names, sorted; internal ones (``__consumer_offsets``, ``_course_ready`` ...) only if asked.

    Course machinery.
    """
    names = admin_client(cluster).list_topics(timeout=10).topics
    return sorted(n for n in names if internal or not n.startswith("_"))


def describe_topic(name: str, cluster=None) -> TopicInfo:
    """Partitions of ``name`` with leader, replicas and in-sync replicas, from the cluster's metadata."""
    # All topics, not list_topics(topic=name): asking for one topic by name lets the broker auto-create it.
    metadata = admin_client(cluster).list_topics(timeout=10).topics.get(name)
    if metadata is None or metadata.error is not None:
        raise CourseError(f"Topic {name!r} does not exist; create it with create_topic({name!r}).")
    parts = tuple(PartitionInfo(p.id, p.leader, tuple(p.replicas), tuple(p.isrs))
                  for p in sorted(metadata.partitions.values(), key=lambda p: p.id))
    return TopicInfo(name, parts)


def topic_id(name: str, cluster=None) -> str:
    """The id Kafka gave ``name`` when it was created (22 url-safe base64 characters, as Kafka prints it):
    how new-protocol group records and KRaft metadata name a topic.

    Course machinery.
    """
    client = admin_client(cluster)  # keep a reference: a client destroyed mid-request never resolves its future
    try:
        description = client.describe_topics(TopicCollection([name]), request_timeout=10)[name].result()
    except KafkaException as exc:
        raise CourseError(f"Topic {name!r} could not be described: {reason(exc)}.") from None
    return str(description.topic_id).replace("+", "-").replace("/", "_")  # confluent-kafka prints standard base64


def partition_leader(topic: str, partition: int = 0, cluster=None) -> int:
    """The node id leading one partition; a clear error while it has none (during an election, all replicas down).

    Course machinery.
    """
    leader = describe_topic(topic, cluster).partitions[partition].leader
    if leader < 0:
        raise CourseError(f"Partition {partition} of {topic!r} has no leader right now; wait for the cluster "
                          "(`python -m course_lib status`) and try again.")
    return leader


def _wait_for_topic(name: str, cluster, present: bool, timeout: float = 30) -> None:
    """Wait until every running broker lists ``name`` (or none does): each learns of a topic from the metadata
    log a moment apart, and the next client — a lab's check, say — may ask any of them."""
    cluster = cluster_or_course(cluster)

    def listed_by() -> dict[int, bool]:
        """For each running broker: whether it lists the topic, asked of a client that knows only that broker (a
        shared cluster's brokers as its metadata names them, with the profile's security settings)."""
        if cluster.local:
            addresses = {node.node_id: f"localhost:{node.port}" for node in cluster.nodes if node.process.alive}
        else:
            brokers = AdminClient(client_config(cluster.bootstrap_servers)).list_topics(timeout=5).brokers
            addresses = {b.id: f"{b.host}:{b.port}" for b in brokers.values()}
        seen = {}
        for node_id, address in addresses.items():
            config = (client_config(address) if cluster.local  # a shared one's: with the profile's security
                      else {**client_config(cluster.bootstrap_servers), "bootstrap.servers": address})
            topic = AdminClient(config).list_topics(timeout=5).topics.get(name)
            seen[node_id] = topic is not None and topic.error is None and bool(topic.partitions)
        return seen

    poll_until(listed_by, f"every broker to {'list' if present else 'forget'} topic {name!r}", timeout,
               done=lambda seen: bool(seen) and all(known == present for known in seen.values()),
               retry_on=(KafkaException,), advice="Check `python -m course_lib status`.")


def create_topic(name: str, partitions: int = 3, replication_factor: int = 3, config: dict | None = None,
                 recreate: bool = False, cluster=None) -> TopicInfo:
    """Create ``name`` if it does not exist (``recreate=True``: delete it first, for an explicit reset) (lesson 00).

    An existing topic with a different partition count is an error rather than a silent surprise.
    """
    client = admin_client(cluster)
    if recreate:
        delete_topic(name, cluster=cluster)
    if name in client.list_topics(timeout=10).topics:
        info = describe_topic(name, cluster)
        if len(info.partitions) != partitions:
            raise CourseError(f"Topic {name!r} already exists with {len(info.partitions)} partitions, not {partitions}; "
                              f"pass recreate=True to start it afresh.")
        return info
    topic = NewTopic(name, partitions, replication_factor, config={k: str(v) for k, v in (config or {}).items()})
    try:
        client.create_topics([topic], operation_timeout=15)[name].result()
    except KafkaException as exc:
        if _code(exc) != KafkaError.TOPIC_ALREADY_EXISTS:
            raise CourseError(f"Could not create topic {name!r}: {reason(exc)}.") from None
    _wait_for_topic(name, cluster, present=True)
    return poll_until(lambda: describe_topic(name, cluster), f"the new topic {name!r} to be described", 15,
                      retry_on=(CourseError,))


def delete_topic(name: str, cluster=None) -> None:
    """Delete ``name`` if it exists and wait until it is gone."""
    client = admin_client(cluster)
    if name not in client.list_topics(timeout=10).topics:
        return
    try:
        client.delete_topics([name], operation_timeout=15)[name].result()
    except KafkaException as exc:
        if _code(exc) not in _NO_SUCH_TOPIC:
            raise CourseError(f"Could not delete topic {name!r}: {reason(exc)}.") from None
    _wait_for_topic(name, cluster, present=False)


def add_partitions(name: str, total: int, cluster=None) -> TopicInfo:
    """Grow ``name`` to ``total`` partitions (Kafka never shrinks a topic) (course machinery)."""
    current = len(describe_topic(name, cluster).partitions)
    if total < current:
        raise CourseError(f"Topic {name!r} has {current} partitions and Kafka cannot remove partitions; "
                          f"recreate the topic to have fewer.")
    if total > current:
        client = admin_client(cluster)  # alive until the future resolves
        client.create_partitions([NewPartitions(name, total)])[name].result()
        poll_until(lambda: len(describe_topic(name, cluster).partitions), f"{name!r} to show {total} partitions", 15,
                   done=lambda count: count >= total)
    return describe_topic(name, cluster)


def topic_config(name: str, cluster=None, only_changed: bool = True) -> dict[str, str]:
    """The topic's configuration; by default only what is set on the topic itself (lesson 01).

    ``only_changed=False`` adds what the topic inherits: Kafka's defaults and the brokers' own settings
    (the course's ``min.insync.replicas=2`` in ``server.properties``, for one), which apply to every topic.
    """
    resource = ConfigResource(ConfigResource.Type.TOPIC, name)
    client = admin_client(cluster)  # alive until the future resolves
    # the broker asked may not know a topic created a moment ago: ask again for a few seconds
    entries = poll_until(lambda: client.describe_configs([resource])[resource].result(),
                         f"the configuration of topic {name!r}", 5, every=0.25, retry_on=(KafkaException,),
                         advice="Does the topic exist? `list_topics()` shows the topics.")
    return {key: entry.value for key, entry in sorted(entries.items())
            if not only_changed or _set_on_topic(entry)}


def _set_on_topic(entry) -> bool:
    return getattr(entry.source, "value", entry.source) == ConfigSource.DYNAMIC_TOPIC_CONFIG.value  # an enum or an int


def alter_topic_config(name: str, cluster=None, **settings) -> dict[str, str]:
    """Set topic configs, e.g. ``alter_topic_config("t", retention_ms=10000)`` (``_`` stands for ``.``).

    Course machinery.
    """
    from confluent_kafka.admin import AlterConfigOpType, ConfigEntry
    entries = [ConfigEntry(key.replace("_", "."), _as_kafka_writes_it(value),
                           incremental_operation=AlterConfigOpType.SET) for key, value in settings.items()]
    resource = ConfigResource(ConfigResource.Type.TOPIC, name, incremental_configs=entries)
    try:
        client = admin_client(cluster)  # alive until the future resolves
        client.incremental_alter_configs([resource])[resource].result()
    except KafkaException as exc:
        raise CourseError(f"Could not change the config of {name!r}: {reason(exc)}.") from None
    # the controller has it; each broker applies it when it reads the metadata log, moments apart
    wanted = {entry.name: entry.value for entry in entries}
    return poll_until(lambda: topic_config(name, cluster), f"the brokers to show {wanted} on topic {name!r}",
                      10, done=lambda config: all(config.get(key) == value for key, value in wanted.items()))


def _as_kafka_writes_it(value) -> str:
    """A config value as the brokers report it back: ``True`` → ``"true"`` (what the change is awaited as)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def watermarks(topic: str, cluster=None) -> dict[int, tuple[int, int]]:
    """``{partition: (log start offset, high watermark)}``: the first offset still stored, and the end of what
    consumers may read (the client is read_committed, so in a topic with transactions: the last stable offset).

    Introduced in lesson 01.
    """
    from confluent_kafka import Consumer
    partitions = [p.partition for p in describe_topic(topic, cluster).partitions]
    with Consumer(client_config(cluster_or_course(cluster).bootstrap_servers, group_id=namespaced("course-watermarks"))) as consumer:
        return ask_watermarks(consumer, topic, partitions)


def ask_watermarks(consumer, topic: str, partitions: list[int], timeout: float = 30) -> dict[int, tuple[int, int]]:
    """``consumer``'s answer for each partition, asked again while the answer is an error: a partition whose
    leader has just changed (a broker was killed or came back) answers NOT_LEADER_FOR_PARTITION until the client's
    metadata has caught up, and OFFSET_NOT_AVAILABLE until the new leader's high watermark has.

    Lesson 06 reads a partition with it while brokers stop and start.
    """
    return poll_until(lambda: {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                               for p in partitions},
                      f"the watermarks of {topic!r}", timeout, every=0.5, done=lambda _: True,
                      retry_on=(KafkaException,))


_COORDINATOR_BUSY = {KafkaError.COORDINATOR_LOAD_IN_PROGRESS, KafkaError.COORDINATOR_NOT_AVAILABLE,
                     KafkaError.NOT_COORDINATOR}


class _CoordinatorBusy(Exception):
    pass


def ask_coordinator(ask, what: str, timeout: float = 30):
    """``ask()`` — a request a group's coordinator answers — asked again while the coordinator is loading or moving:
    for seconds after a broker restarts, its ``__consumer_offsets`` partitions answer COORDINATOR_LOAD_IN_PROGRESS.
    Any other error is raised at once.

    Course machinery.
    """
    def attempt():
        try:
            return ask()
        except KafkaException as exc:
            if _code(exc) in _COORDINATOR_BUSY:
                raise _CoordinatorBusy(reason(exc)) from None
            raise
    return poll_until(attempt, what, timeout, every=0.5, retry_on=(_CoordinatorBusy,))


def committed_offsets(group: str, topic: str, cluster=None) -> dict[int, int]:
    """``{partition: committed offset}`` of ``group`` on ``topic`` (partitions without a commit left out).

    Introduced in lesson 04.
    """
    partitions = [TopicPartition(topic, p.partition) for p in describe_topic(topic, cluster).partitions]
    request = ConsumerGroupTopicPartitions(group, partitions)
    client = admin_client(cluster)  # keep a reference: a client destroyed mid-request never resolves its future
    result = ask_coordinator(lambda: client.list_consumer_group_offsets([request])[group].result(),
                             f"the committed offsets of group {group!r}")
    return {tp.partition: tp.offset for tp in result.topic_partitions if tp.offset >= 0}


def group_state(group: str, cluster=None) -> tuple[str, int]:
    """``group``'s state as the coordinator reports it (``"STABLE"``, ``"EMPTY"``, ``"DEAD"`` …) and its
    member count: what tells a reset that did not take from one that a running member committed over.

    Course machinery.
    """
    client = admin_client(cluster)  # keep a reference: a client destroyed mid-request never resolves its future
    try:
        description = ask_coordinator(lambda: client.describe_consumer_groups([group], request_timeout=10)[group].result(),
                                      f"the state of group {group!r}")
    except KafkaException as exc:
        raise CourseError(f"Could not describe group {group!r}: {reason(exc)}.") from None
    return description.state.name, len(description.members)


def wait_until_group_empty(group: str, cluster=None, timeout: float = 60) -> None:
    """Return once ``group`` has no members. ``kafka-consumer-groups --reset-offsets`` refuses a group with
    members, and a consumer that has just been closed (or a console consumer that just timed out) may not
    have left it yet.

    Course machinery.
    """
    poll_until(lambda: group_state(group, cluster), f"group {group!r} to have no members (its state, members)",
               timeout, every=0.5, done=lambda seen: seen[0] in (ConsumerGroupState.EMPTY.name, ConsumerGroupState.DEAD.name),
               advice="close() those consumers or stop their process, then retry.")


def applied_everywhere(config: dict, topic: str, timeout: float = 30) -> None:
    """Return once every broker has applied what the controller committed so far (lab 20; course machinery for
    ``class provision``).

    A user, an ACL or a quota is a record in the metadata log, which each broker applies a moment (up to a second
    here, more under load) after the controller committed it. So make ``topic`` with one partition led by each
    broker, write to every partition — a broker that leads one has applied every record before the topic's — and
    delete it again. ``config`` is an administrator's client config.
    """
    config = {**config, "logger": quiet_logger}  # librdkafka's own chatter (a purged queue at exit) is not news
    with AdminClient(config) as admin:
        ids = sorted(admin.list_topics(timeout=10).brokers)
        each_leads_one = [ids[i:] + ids[:i] for i in range(len(ids))]
        admin.create_topics([NewTopic(topic, len(ids), replica_assignment=each_leads_one)],
                            operation_timeout=timeout)[topic].result()
        try:
            outcomes = []
            producer = Producer({**config, "acks": 1, "message.timeout.ms": int(timeout * 1000)})
            for partition in range(len(ids)):
                producer.produce(topic, b"sync", partition=partition,
                                 on_delivery=lambda error, message: outcomes.append(error))
            producer.flush(timeout + 5)
        finally:
            admin.delete_topics([topic], operation_timeout=timeout)[topic].result()
    if len(outcomes) < len(ids) or any(outcomes):
        raise CourseError(f"The brokers did not take a record on each partition of {topic} within {timeout:.0f} s: "
                          f"{[error.str() for error in outcomes if error] or 'no answer'}.")
