"""Checks for lab 05 (consumer groups): they read the groups' commits and the coordinator's record of who held
which partitions (``__consumer_offsets``), never the learner's variables, and never raise.

Both group protocols count. A classic group's coordinator stores each generation whole (``GroupMetadata``);
a new-protocol group's (KIP-848, ``group.protocol=consumer``) stores each member's current assignment as it
changes (``MemberAssignment``), naming topics by id. ``_snapshots`` turns either into the same timeline.

``prepare`` writes the events: ``PER_PARTITION`` to each of the ``PARTITIONS`` partitions. Task 1 wants two
groups that each committed the end of every partition; task 2 a group that once had 3 members with 2
partitions each and committed everything; task 3 a group that lost a member part-way — its partitions
taken over by the survivors — and still committed everything. Tasks 2 and 3 are judged by that record, which only
the course's own cluster lets a learner read: on a class's shared cluster they are skipped.
"""

from dataclasses import dataclass

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import ConfigResource, ResourceType

from ..clients.admin import admin_client, committed_offsets, create_topic, topic_id, watermarks
from ..connection import client_config
from ..errors import CourseError
from ..log.offsets_topic import GroupMetadata, MemberAssignment, OffsetCommit, read_offsets_topic
from ..session import cluster_or_course
from .checking import NotYet, require_local, require_topic, task_check, topic_exists

__all__ = ["Events", "PARTITIONS", "PER_PARTITION", "prepare", "task1", "task2", "task3"]

PARTITIONS = 6
PER_PARTITION = 10


@dataclass(frozen=True)
class Events:
    """What ``prepare`` wrote: the topic and how many events."""
    topic: str
    count: int


def prepare(lab) -> Events:
    """Create this attempt's ``events`` topic with its events, once (re-running the cell changes nothing)."""
    topic = lab.topic("events")
    if not topic_exists(topic):
        create_topic(topic, partitions=PARTITIONS)
        producer = Producer(client_config(cluster_or_course().bootstrap_servers))
        for partition in range(PARTITIONS):
            for i in range(PER_PARTITION):
                producer.produce(topic, key=f"device-{i % 4}", value=f"event {partition}-{i}", partition=partition)
        if producer.flush(30):
            raise CourseError(f"Could not write the events to {topic!r}; check `python -m course_lib status` "
                              "and run the cell again.")
    return Events(topic, PARTITIONS * PER_PARTITION)


def _behind(group: str, topic: str) -> dict[int, int]:
    """``{partition: records not committed}`` for every partition where ``group`` is not at the end."""
    committed = committed_offsets(group, topic)
    return {p: high - committed.get(p, 0) for p, (low, high) in sorted(watermarks(topic).items())
            if committed.get(p, 0) != high}


def _require_finished(group: str, topic: str, hint: str) -> None:
    """Raise ``NotYet`` unless ``group`` has committed the end of every partition of ``topic``."""
    behind = _behind(group, topic)
    if not behind:
        return
    if len(behind) == PARTITIONS and sum(behind.values()) == PARTITIONS * PER_PARTITION:
        raise NotYet(f"group {group} has committed nothing on {topic}.", hint)
    raise NotYet(f"group {group} has not committed everything yet: records left per partition "
                 f"{behind}.", "keep the members running until every record is read, and close() them (or wait "
                 "a second for auto-commit) so the last positions are committed.")


@dataclass(frozen=True)
class _Snapshot:
    """Who held which partitions of the topic from ``timestamp`` on, in either protocol."""
    timestamp: int
    label: str                      # "generation 4" (classic) or "epoch 7" (new protocol)
    owned: dict[str, set[int]]      # member id → partitions of the topic
    session_ms: dict[str, int]      # member id → its session timeout


def _new_protocol_session_ms(group: str) -> int:
    """A new-protocol group's session timeout: the group's own setting, else the brokers' default."""
    client = admin_client()  # keep a reference: a client destroyed mid-request never resolves its future
    resource = ConfigResource(ResourceType.GROUP, group)
    try:
        entries = client.describe_configs([resource], request_timeout=10)[resource].result()
        return int(entries["consumer.session.timeout.ms"].value)
    except (KafkaException, KeyError):
        return 45_000  # group.consumer.session.timeout.ms's default


def _snapshots(records, group: str, topic: str) -> list[_Snapshot]:
    """The group's assignments over time, from its records in ``__consumer_offsets``, oldest first."""
    generations = [r for r in records if isinstance(r.value, GroupMetadata)]
    if generations:
        return [_Snapshot(r.timestamp, f"generation {r.value.generation}",
                          {m.member_id: {p for t, p in m.assignment if t == topic} for m in r.value.members},
                          {m.member_id: m.session_timeout_ms for m in r.value.members}) for r in generations]
    changes = [r for r in records if isinstance(r.value, MemberAssignment)]
    if not changes:
        return []
    wanted, session_ms = topic_id(topic), _new_protocol_session_ms(group)
    current: dict[str, MemberAssignment] = {}
    snapshots = []
    for record in changes:
        if record.value.gone:
            current.pop(record.value.member_id, None)
        else:
            current[record.value.member_id] = record.value
        owned = {m: {p for t, p in a.partitions if t == wanted} for m, a in current.items()}
        epoch = max((a.epoch for a in current.values()), default=0)
        snapshots.append(_Snapshot(record.timestamp, f"epoch {epoch}", owned, {m: session_ms for m in owned}))
    return snapshots


@task_check("Task 1 · two groups, everything twice")
def task1(lab) -> str:
    topic = lab.topic("events")
    require_topic(topic, "run the set-up cell at the top of the lab first.")
    for label in ("billing", "analytics"):
        group = lab.group(label)
        _require_finished(group, topic,
                          f"read the events with group.id=lab.group({label!r}) — its own group, so it gets "
                          "every event — with auto.offset.reset=earliest, then close() the consumer.")
    return (f"both groups committed the end of all {PARTITIONS} partitions: "
            f"each read all {PARTITIONS * PER_PARTITION} events.")


@task_check("Task 2 · three members, two partitions each")
def task2(lab) -> str:
    topic, group = lab.topic("events"), lab.group("workers")
    require_topic(topic, "run the set-up cell at the top of the lab first.")
    require_local("the group's history in __consumer_offsets")
    history = _snapshots(read_offsets_topic(group), group, topic)
    if not history:
        raise NotYet(f"the coordinator has no record of group {group}.",
                     "start 3 consumers with group.id=lab.group('workers') on the events topic.")
    shared = [g for g in history if len(g.owned) == 3 and sorted(len(ps) for ps in g.owned.values()) == [2, 2, 2]]
    if not shared:
        largest = max(len(g.owned) for g in history)
        raise NotYet(f"group {group} never had 3 members holding 2 partitions each (at most "
                     f"{largest} member{'s' if largest != 1 else ''} at once).",
                     "start all 3 members, then wait until the group has settled before they finish.")
    _require_finished(group, topic, "let the 3 members read every event before you close them.")
    return (f"3 members shared the {PARTITIONS} partitions 2-2-2 ({shared[-1].label}) and the group "
            "committed every event.")


def _takeover(records, group: str, topic: str):
    """The first moment at which a member that held partitions is gone, the survivors hold every partition
    of ``topic``, and then commit further on the gone member's partitions — records it had not processed,
    taken over. Returns (snapshot, partitions taken over, quiet ms, session ms) or None.

    Quiet ms is how long the gone member's partitions saw nothing (no reassignment, no commit) before
    the takeover. A crash sends no goodbye: the coordinator waits ``session.timeout.ms`` since the last
    heartbeat, so a crashed member's partitions stay quiet for most of it. A clean ``close()`` commits and
    leaves at once: its partitions move within a moment.
    """
    everything = set(range(PARTITIONS))
    history = _snapshots(records, group, topic)
    commits = [r.value for r in records if isinstance(r.value, OffsetCommit) and r.value.topic == topic]
    for i, before in enumerate(history):
        held = {m: ps for m, ps in before.owned.items() if ps}
        if len(held) < 2:
            continue
        for j in range(i + 1, len(history)):
            after = history[j]
            owned = after.owned
            if not owned or not set(owned) & set(held):
                break  # the group emptied or started over: nobody took over
            gone = set(held) - set(owned)
            if not gone or set().union(*owned.values()) != everything:
                continue
            orphans = set().union(*(held[m] for m in gone))
            at_takeover = {c.partition: c.offset for c in commits if c.commit_timestamp < after.timestamp}
            later = [c for c in commits if c.partition in orphans and c.commit_timestamp >= after.timestamp
                     and c.offset > at_takeover.get(c.partition, 0)]
            if later:
                # classic: the gone member's last generation was recorded just before; new protocol: its
                # departure is a record of its own, and the survivors' new assignments follow
                left = next(k for k in range(i + 1, j + 1) if not gone & set(history[k].owned))
                left_at = history[left].timestamp
                last_commits = [c.commit_timestamp for c in commits
                                if c.partition in orphans and c.commit_timestamp < left_at]
                quiet_ms = left_at - max([history[left - 1].timestamp, *last_commits])
                session_ms = max(before.session_ms[m] for m in gone)
                return after, sorted({c.partition for c in later}), quiet_ms, session_ms
    return None


@task_check("Task 3 · survive a crash")
def task3(lab) -> str:
    topic, group = lab.topic("events"), lab.group("resilient")
    require_topic(topic, "run the set-up cell at the top of the lab first.")
    require_local("the group's history in __consumer_offsets")
    records = read_offsets_topic(group)
    if not any(isinstance(r.value, (GroupMetadata, MemberAssignment)) for r in records):
        raise NotYet(f"the coordinator has no record of group {group}.",
                     "start at least 2 members with group.id=lab.group('resilient'), one of them able to "
                     "crash (a Group member added with process=True).")
    takeover = _takeover(records, group, topic)
    if takeover is None:
        raise NotYet(f"group {group} never lost a member whose unfinished partitions the others "
                     "then took over and processed.",
                     "crash one member (group.crash(member)) while its partitions still have unread events "
                     "— make each event cost some work, e.g. Group(..., work_ms=100) — and let the others finish.")
    _require_finished(group, topic, "let the survivors read every event before you close them.")
    after, partitions, quiet_ms, session_ms = takeover
    if quiet_ms < 0.75 * session_ms:  # a crash: the session less a heartbeat or two; close(): 1-2 s
        raise NotYet(f"a member left and the others took over its partitions {partitions}, but they "
                     f"moved {quiet_ms / 1000:.1f} s after its last sign of life — sooner than a crash allows "
                     f"(session timeout {session_ms} ms): it left cleanly, with close() and a goodbye to the group.",
                     "crash it instead: a member added with group.add(process=True), then group.crash(member).")
    return (f"a member dropped out ({after.label}); the {len(after.owned)} survivor(s) took over partitions "
            f"{partitions}, carried on where it had committed, and the group committed every event.")
