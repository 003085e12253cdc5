"""Consumer groups you can watch, grow, shrink and crash (introduced in lesson 05).

A ``Group`` runs its members in the background — threads, or child processes when a member must be
able to *crash*. Each member records its assignment (and every change of it) and what it consumed.

Leaving and crashing are different events for Kafka:
- ``stop`` closes the consumer: it commits and sends LeaveGroup, so the group rebalances at once;
- ``crash`` SIGKILLs a process member: no LeaveGroup, no more heartbeats, and the coordinator waits
  ``session.timeout.ms`` before it gives the partitions to someone else. (A thread cannot crash like
  that: librdkafka heartbeats from its own thread even when the application stops polling, and
  after ``max.poll.interval.ms`` without a poll it *leaves* the group itself.)

Every member is stopped and joined when its group is closed — at the end of a ``with`` block, or at
the latest when the interpreter exits — so no dangling member stalls a later rebalance.

The members and their poll loop are ``course_lib.clients.background`` (``GroupRunner``), shared with
lesson 12's ``perf.measure_consumers`` and the dashboard's ``views.BackgroundGroup``.
"""

import time
from dataclasses import dataclass
from typing import NamedTuple

from confluent_kafka import KafkaException

from ..clients.admin import admin_client, ask_coordinator, describe_topic
from ..clients.background import Consumed, GroupRunner, Member
from ..connection import reason
from ..clients.consume import fresh_group_id
from ..errors import CourseError
from ..session import cluster_or_course
from ..waiting import poll_until

__all__ = ["Member", "Consumed", "Group", "ConsumerRun", "measure_throughput"]

# Quick enough for a lesson: the broker's smallest allowed session (group.min.session.timeout.ms = 6 s).
TEACHING_CONFIG = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 1000, "auto.offset.reset": "earliest",
                   "auto.commit.interval.ms": 1000}
# The new protocol (KIP-848) moves these to the broker; the client must not set them.
BROKER_SIDE_IN_NEW_PROTOCOL = ("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy")


class _Settlement(NamedTuple):
    """Whether a group has settled, and what was seen, shown when a wait for it runs out."""
    settled: bool
    seen: str

    def __repr__(self) -> str:
        return self.seen


class Group(GroupRunner):
    """A consumer group of background members on ``topics``.

    ``config`` (``_`` for ``.``) goes to every member on top of ``TEACHING_CONFIG``, e.g.
    ``partition_assignment_strategy="roundrobin"`` or ``group_protocol="consumer"``. ``work_ms``
    makes each record cost that much time, as real processing would. Use it in a ``with`` block.
    """

    def __init__(self, topics: list[str] | str, group_id: str | None = None, cluster=None, work_ms: float = 0,
                 **config):
        self.cluster = cluster_or_course(cluster)
        overrides = {key.replace("_", "."): value for key, value in config.items()}
        base = dict(TEACHING_CONFIG)
        if overrides.get("group.protocol") == "consumer":
            for key in BROKER_SIDE_IN_NEW_PROTOCOL:
                base.pop(key, None)
        super().__init__(self.cluster.bootstrap_servers, group_id or fresh_group_id("group"), topics,
                         {**base, **overrides}, work_ms=work_ms)
        self._admin = admin_client(self.cluster)
        self.partitions = {(topic, p.partition) for topic in self.topics
                           for p in describe_topic(topic, self.cluster).partitions}

    # -- members -----------------------------------------------------------------------------
    def add(self, process: bool = False) -> Member:
        """Start one more member (``process=True``: in a child process, so it can ``crash``)."""
        return self._start_member(process)

    def start(self, count: int, hold: bool = False, process: bool = False) -> list[Member]:
        """Start ``count`` members; ``hold=True``: they join but consume nothing until ``release()``."""
        if hold:
            self._hold.set()
        return [self.add(process) for _ in range(count)]

    def _pick(self, member: Member | None, process_only: bool = False) -> Member:
        candidates = [m for m in self.running if m.process or not process_only]
        if member is None:
            if not candidates:
                raise CourseError(f"Group {self.group_id!r} has no running member to "
                                  f"{'crash (add one with process=True)' if process_only else 'stop'}.")
            return candidates[-1]
        if member not in self.members:
            raise CourseError(f"{member.name} is not a member of group {self.group_id!r}.")
        return member

    def stop(self, member: Member | None = None, timeout: float = 20) -> Member:
        """Close a member (the newest by default): it commits, leaves, and the group rebalances at once."""
        member = self._pick(member)
        member.stop(timeout)
        return member

    def crash(self, member: Member | None = None) -> Member:
        """SIGKILL a process member: the group notices only after ``session.timeout.ms``."""
        member = self._pick(member, process_only=True)
        member.crash()
        return member

    def __enter__(self) -> "Group":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what the members saw, and what the broker says ------------------------------------------
    def assignments(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """``{member name: partitions}`` of the running members, as the members themselves see it."""
        return {m.name: m.assignment for m in self.running}

    @property
    def consumed(self) -> list[Consumed]:
        return [c for m in self.members for c in m.consumed]

    def describe(self):
        """The broker's view of the group: ``ConsumerGroupDescription`` (state, type, assignor, members)."""
        try:
            return ask_coordinator(lambda: self._admin.describe_consumer_groups([self.group_id])[self.group_id].result(
                timeout=30), f"a description of group {self.group_id!r}")
        except (KafkaException, TimeoutError) as exc:
            why = reason(exc) if isinstance(exc, KafkaException) else "no answer within 30 s"
            raise CourseError(f"Could not describe group {self.group_id!r}: {why}.") from None

    def _failed(self) -> None:
        for member in self.members:
            if member.state == "failed":
                raise CourseError(f"Member {member.name} failed ({member.error}); close the group and start again.")

    def wait_until(self, condition, timeout: float = 60, what: str = "the condition") -> float:
        """Poll ``condition()`` until true; return the seconds it took. A failed member ends the wait at once,
        and a wait that runs out shows the members' assignments it saw last."""
        started = time.monotonic()
        poll_until(self._assignments_unless_failed, f"{what} (group {self.group_id!r})", timeout, every=0.25,
                   done=lambda _assignments: condition(), advice="Check `python -m course_lib status`.")
        return time.monotonic() - started

    def _assignments_unless_failed(self) -> dict[str, tuple[tuple[str, int], ...]]:
        self._failed()
        return self.assignments()

    def settled(self) -> bool:
        """True when the broker has a stable group of exactly the running members, each holding what it was given.

        A member that failed raises ``CourseError`` instead."""
        return self._settlement().settled

    def _settlement(self) -> "_Settlement":
        """``settled()`` and, for a wait that runs out, what the broker and the members said last."""
        self._failed()
        running = {m.name: m for m in self.running}
        mine = {name: [p for _, p in m.assignment] for name, m in running.items()}
        if not running or any(m.state == "starting" for m in running.values()):
            return _Settlement(False, f"members starting; they hold {mine}")
        try:
            description = self._admin.describe_consumer_groups(
                [self.group_id], request_timeout=5)[self.group_id].result(timeout=10)
        except (KafkaException, TimeoutError) as exc:
            # The next look comes from a new client: one whose request sticks in flight on a connection (a
            # broker slow under load) fails every describe until socket.timeout.ms (60 s) cuts it (CI run, stop 31).
            self._admin = admin_client(self.cluster)
            why = reason(exc) if isinstance(exc, KafkaException) else "no answer within 10 s"
            return _Settlement(False, f"no description from the broker ({why}); the members hold {mine}")
        given = {m.client_id: tuple(sorted((tp.topic, tp.partition) for tp in m.assignment.topic_partitions))
                 for m in description.members}
        theirs = {name: [p for _, p in partitions] for name, partitions in given.items()}
        seen = f"the broker: {description.state.name}, {theirs}; the members: {mine}"
        if description.state.name != "STABLE" or given.keys() != running.keys():
            return _Settlement(False, seen)
        if any(running[name].assignment != partitions for name, partitions in given.items()):
            return _Settlement(False, seen)
        owned = [tp for m in running.values() for tp in m.assignment]
        return _Settlement(len(owned) == len(set(owned)) and set(owned) == self.partitions, seen)

    def wait_settled(self, timeout: float = 60) -> float:
        """Wait until the group is ``settled()``; returns the seconds it took."""
        started = time.monotonic()
        poll_until(self._settlement, f"group {self.group_id!r} to settle on an assignment", timeout, every=0.25,
                   done=lambda seen: seen.settled, advice="Check `python -m course_lib status`.")
        return time.monotonic() - started

    def wait_consumed(self, count: int, timeout: float = 60) -> float:
        """Wait until the members consumed ``count`` records between them; returns the seconds it took."""
        return self.wait_until(lambda: len(self.consumed) >= count, timeout, f"the members to consume {count} records")

    def __repr__(self) -> str:
        return f"<Group {self.group_id!r} on {self.topics}: {len(self.running)} running of {len(self.members)}>"


@dataclass(frozen=True)
class ConsumerRun:
    """One measured consumer-group run: ``records`` read by ``consumers`` members in ``seconds``."""
    label: str
    partitions: int
    consumers: int
    records: int
    seconds: float
    idle: int = 0  # members that got no partition

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


def measure_throughput(topic: str, counts=(1, 2, 3, 6), work_ms: float = 0, cluster=None,
                       timeout: float = 120, **config) -> list[ConsumerRun]:
    """For each member count: a fresh group joins, settles while held, then reads all of ``topic``; timed.

    The clock runs from ``release()`` to the last record, so joining and rebalancing are not counted.
    """
    cluster = cluster_or_course(cluster)
    from ..clients.admin import watermarks
    total = sum(high - low for low, high in watermarks(topic, cluster).values())
    if total == 0:
        raise CourseError(f"Topic {topic!r} is empty; produce some records first.")
    rows = []
    for count in counts:
        with Group(topic, cluster=cluster, work_ms=work_ms, **config) as group:
            group.start(count, hold=True)
            group.wait_settled(timeout)
            started = time.monotonic()
            group.release()
            group.wait_consumed(total, timeout)
            last = max(c.at for c in group.consumed)
            idle = sum(1 for m in group.running if not m.assignment)
            partitions = len(group.partitions)
        rows.append(ConsumerRun(f"{count} consumers", partitions, count, total, last - started, idle))
    return rows
