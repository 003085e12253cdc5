"""Checks for lab 05 (consumer groups): they read the groups' commits and the coordinator's record of each
generation (``__consumer_offsets``), never the learner's variables, and never raise.

``prepare`` writes the events: ``PER_PARTITION`` to each of the ``PARTITIONS`` partitions. Task 1 wants two
groups that each committed the end of every partition; task 2 a group that once had 3 members with 2
partitions each and committed everything; task 3 a group that lost a member part-way — its partitions
taken over by the survivors — and still committed everything.
"""

from dataclasses import dataclass

from confluent_kafka import Producer

from ..admin import committed_offsets, create_topic, watermarks
from ..clients import client_config
from ..errors import CourseError
from ..offsets_topic import GroupMetadata, OffsetCommit, group_history, read_offsets_topic
from ..session import connect
from .checking import NotYet, missing_topic, task_check, topic_exists

__all__ = ["Events", "PARTITIONS", "PER_PARTITION", "prepare", "task1", "task2", "task3"]

PARTITIONS = 6
PER_PARTITION = 10


@dataclass(frozen=True)
class Events:
    topic: str
    count: int


def prepare(lab) -> Events:
    """Create this attempt's ``events`` topic with its events, once (re-running the cell changes nothing)."""
    topic = lab.topic("events")
    if not topic_exists(topic):
        create_topic(topic, partitions=PARTITIONS)
        producer = Producer(client_config(connect(quiet=True).bootstrap_servers))
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


def _owned(generation, topic: str) -> dict[str, set[int]]:
    """``{member id: partitions of topic}`` in one generation of a classic group."""
    return {m.member_id: {p for t, p in m.assignment if t == topic} for m in generation.members}


@task_check("Task 1 · two groups, everything twice")
def task1(lab) -> str:
    topic = lab.topic("events")
    if not topic_exists(topic):
        raise missing_topic(topic, "run the set-up cell at the top of the lab first.")
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
    if not topic_exists(topic):
        raise missing_topic(topic, "run the set-up cell at the top of the lab first.")
    history = group_history(group)
    if not history:
        raise NotYet(f"the coordinator has no record of group {group}.",
                     "start 3 consumers with group.id=lab.group('workers') on the events topic.")
    shared = [g for g in history if len(g.members) == 3
              and sorted(len(ps) for ps in _owned(g, topic).values()) == [2, 2, 2]]
    if not shared:
        largest = max(len(g.members) for g in history)
        raise NotYet(f"group {group} never had 3 members holding 2 partitions each (at most "
                     f"{largest} member{'s' if largest != 1 else ''} at once).",
                     "start all 3 members, then wait until the group has settled before they finish.")
    _require_finished(group, topic, "let the 3 members read every event before you close them.")
    return (f"3 members shared the {PARTITIONS} partitions 2-2-2 (generation "
            f"{shared[-1].generation}) and the group committed every event.")


def _takeover(records, topic: str):
    """The first generation in which a member that held partitions is gone, the survivors hold every
    partition of ``topic``, and then commit further on the gone member's partitions — records it had not
    processed, taken over. Returns (generation, partitions taken over, quiet ms, session ms) or None.

    Quiet ms is how long the gone member's partitions saw nothing (no new generation, no commit) before
    the takeover. A crash sends no LeaveGroup: the coordinator waits ``session.timeout.ms`` since the last
    heartbeat, so a crashed member's partitions stay quiet for most of it. A clean ``close()`` commits and
    leaves at once: its partitions move within a moment.
    """
    everything = set(range(PARTITIONS))
    history = [r for r in records if isinstance(r.value, GroupMetadata)]
    commits = [r.value for r in records if isinstance(r.value, OffsetCommit) and r.value.topic == topic]
    for i, before in enumerate(history):
        held = {m: ps for m, ps in _owned(before.value, topic).items() if ps}
        if len(held) < 2:
            continue
        for j in range(i + 1, len(history)):
            after, just_before = history[j], history[j - 1]
            owned = _owned(after.value, topic)
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
                last_commits = [c.commit_timestamp for c in commits
                                if c.partition in orphans and c.commit_timestamp < after.timestamp]
                last_sign_of_life = max([just_before.timestamp, *last_commits])
                session_ms = max(m.session_timeout_ms for m in before.value.members if m.member_id in gone)
                quiet_ms = after.timestamp - last_sign_of_life
                return after.value, sorted({c.partition for c in later}), quiet_ms, session_ms
    return None


@task_check("Task 3 · survive a crash")
def task3(lab) -> str:
    topic, group = lab.topic("events"), lab.group("resilient")
    if not topic_exists(topic):
        raise missing_topic(topic, "run the set-up cell at the top of the lab first.")
    records = read_offsets_topic(group)
    if not any(isinstance(r.value, GroupMetadata) for r in records):
        raise NotYet(f"the coordinator has no record of group {group}.",
                     "start at least 2 members with group.id=lab.group('resilient'), one of them able to "
                     "crash (a Group member added with process=True).")
    takeover = _takeover(records, topic)
    if takeover is None:
        raise NotYet(f"group {group} never lost a member whose unfinished partitions the others "
                     "then took over and processed.",
                     "crash one member (group.crash(member)) while its partitions still have unread events "
                     "— make each event cost some work, e.g. Group(..., work_ms=100) — and let the others finish.")
    _require_finished(group, topic, "let the survivors read every event before you close them.")
    generation, partitions, quiet_ms, session_ms = takeover
    if quiet_ms < 0.75 * session_ms:  # a crash: the session less a heartbeat or two; close(): 1-2 s
        raise NotYet(f"a member left and the others took over its partitions {partitions}, but they "
                     f"moved {quiet_ms / 1000:.1f} s after its last sign of life — sooner than a crash allows "
                     f"(session.timeout.ms={session_ms}): it left cleanly, with close() and a LeaveGroup.",
                     "crash it instead: a member added with group.add(process=True), then group.crash(member).")
    return (f"a member dropped out (generation {generation.generation}); the "
            f"{len(generation.members)} survivor(s) took over partitions {partitions}, carried on "
            "where it had committed, and the group committed every event.")
