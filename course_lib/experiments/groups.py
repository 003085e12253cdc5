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
"""

import atexit
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException

from ..clients.admin import admin_client, describe_topic
from ..connection import client_config, reason
from ..clients.consume import fresh_group_id
from ..errors import CourseError
from ..session import cluster_or_course
from ..waiting import poll_until

__all__ = ["Member", "Group", "ConsumerRun", "ThroughputRow", "measure_throughput"]

# Quick enough for a lesson: the broker's smallest allowed session (group.min.session.timeout.ms = 6 s).
TEACHING_CONFIG = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 1000, "auto.offset.reset": "earliest",
                   "auto.commit.interval.ms": 1000}
# The new protocol (KIP-848) moves these to the broker; the client must not set them.
BROKER_SIDE_IN_NEW_PROTOCOL = ("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy")


def _incremental(config: dict) -> bool:
    """Cooperative rebalancing hands out partitions as increments, eager as a whole new assignment."""
    return (config.get("group.protocol") == "consumer"
            or "cooperative" in str(config.get("partition.assignment.strategy", "")))


class _PollLoop:
    """The consumer loop one member runs, in a thread or a child process; reports through ``emit``."""

    def __init__(self, config: dict, topics: list[str], emit, stop: threading.Event, hold: threading.Event,
                 work_ms: float):
        self.config, self.topics, self.emit = config, topics, emit
        self.stop, self.hold, self.work_ms = stop, hold, work_ms
        self.paused = False

    def _on_assign(self, consumer, partitions):
        if _incremental(self.config):
            consumer.incremental_assign(partitions)
        else:
            consumer.assign(partitions)
        if self.hold.is_set() and partitions:
            consumer.pause(partitions)  # joined, but hold back until release() so all start together
            self.paused = True
        elif partitions:  # librdkafka keeps a partition's pause flag across rebalances: one paused while held,
            consumer.resume(partitions)  # then revoked, would otherwise never be fetched when it comes back
        self.emit("assigned", [(tp.topic, tp.partition) for tp in consumer.assignment()])

    def _on_revoke(self, consumer, partitions):
        if _incremental(self.config):
            consumer.incremental_unassign(partitions)
        else:
            consumer.unassign()
        try:
            left = consumer.assignment()
        except KafkaException:  # close() revokes as it destroys the handle: nothing is left then
            left = []
        self.emit("assigned", [(tp.topic, tp.partition) for tp in left])

    def run(self) -> None:
        with Consumer(self.config) as consumer:  # its close() commits, then LeaveGroup: a rebalance
            consumer.subscribe(self.topics, on_assign=self._on_assign, on_revoke=self._on_revoke,
                               on_lost=self._on_revoke)
            while not self.stop.is_set():
                if self.paused and not self.hold.is_set():
                    consumer.resume(consumer.assignment())
                    self.paused = False
                batch = []
                for message in consumer.consume(100, timeout=0.1):
                    if message.error() is not None:
                        if message.error().fatal():
                            raise KafkaException(message.error())
                        continue
                    if self.work_ms:  # pretend each record costs some I/O (a database write, an HTTP call)
                        time.sleep(self.work_ms / 1000)
                    key = message.key()
                    batch.append((message.topic(), message.partition(), message.offset(),
                                  key.decode(errors="replace") if key is not None else None))
                if batch:
                    self.emit("consumed", batch)


@dataclass(frozen=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: str | None
    at: float  # time.monotonic() when the member got it


class Member:
    """One consumer of a ``Group``; its state is updated from the background, read it any time."""

    def __init__(self, name: str, process: bool):
        self.name = name  # also its client.id, as the broker shows it
        self.process = process
        self.state = "starting"  # starting, running, stopped, crashed, failed
        self.assignment: tuple[tuple[str, int], ...] = ()
        self.history: list[tuple[float, tuple[tuple[str, int], ...]]] = []  # (when, assignment) per change
        self.consumed: list[Consumed] = []
        self.error: str | None = None
        self._lock = threading.Lock()

    def _event(self, kind: str, data) -> None:
        now = time.monotonic()
        with self._lock:
            if kind == "assigned":
                self.assignment = tuple(sorted(tuple(tp) for tp in data))
                self.history.append((now, self.assignment))
                if self.state == "starting":
                    self.state = "running"
            elif kind == "consumed":
                self.consumed.extend(Consumed(t, p, o, k, now) for t, p, o, k in data)
            elif kind == "failed":
                self.error, self.state = data, "failed"

    @property
    def count(self) -> int:
        return len(self.consumed)

    @property
    def partitions_read(self) -> set[tuple[str, int]]:
        return {(c.topic, c.partition) for c in self.consumed}

    @property
    def alive(self) -> bool:
        return self.state in ("starting", "running")

    def __repr__(self) -> str:
        parts = ", ".join(f"{t}[{p}]" for t, p in self.assignment) or "nothing"
        return f"<Member {self.name} {self.state}: assigned {parts}; consumed {self.count}>"


class _ThreadMember(Member):
    def __init__(self, name: str, config: dict, topics: list[str], hold: threading.Event, work_ms: float):
        super().__init__(name, process=False)
        self._stop = threading.Event()
        self._loop = _PollLoop(config, topics, self._event, self._stop, hold, work_ms)
        self._thread = threading.Thread(target=self._run, name=f"course-member-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._loop.run()
        except Exception as exc:  # reported to the notebook by Group.wait_* instead of dying silently
            self._event("failed", f"{type(exc).__name__}: {exc}")

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._thread.join(timeout)
        if self.state != "failed":
            self.state = "stopped"

    def crash(self) -> None:
        raise CourseError(f"Member {self.name} runs in a thread and cannot crash; add it with "
                          f"group.add(process=True) to be able to crash it.")


class _ProcessMember(Member):
    """A member in its own Python process, so that SIGKILL is a real crash (no close, no LeaveGroup)."""

    def __init__(self, name: str, config: dict, topics: list[str], hold: threading.Event, work_ms: float):
        super().__init__(name, process=True)
        self._hold = hold
        spec = json.dumps({"config": config, "topics": topics, "work_ms": work_ms, "hold": hold.is_set()})
        self._child = subprocess.Popen([sys.executable, "-m", "course_lib.experiments.groups", spec], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self._reader = threading.Thread(target=self._read, name=f"course-member-{name}-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._child.stdout:
            try:
                kind, data = json.loads(line)
            except ValueError:  # a line cut short by SIGKILL
                continue
            self._event(kind, data)

    def _tell(self, command: str) -> None:
        try:
            self._child.stdin.write(command + "\n")
            self._child.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def release(self) -> None:
        self._tell("release")

    def stop(self, timeout: float) -> None:
        self._tell("stop")
        try:
            self._child.wait(timeout)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()
        self._reader.join(timeout)
        if self.state not in ("failed", "crashed"):
            self.state = "stopped"

    def crash(self) -> None:
        self._child.send_signal(signal.SIGKILL)
        self._child.wait()
        self._reader.join(5)
        self.state = "crashed"


_LIVE_GROUPS: "weakref.WeakSet[Group]" = weakref.WeakSet()


class Group:
    """A consumer group of background members on ``topics``.

    ``config`` (``_`` for ``.``) goes to every member on top of ``TEACHING_CONFIG``, e.g.
    ``partition_assignment_strategy="roundrobin"`` or ``group_protocol="consumer"``. ``work_ms``
    makes each record cost that much time, as real processing would. Use it in a ``with`` block.
    """

    def __init__(self, topics: list[str] | str, group_id: str | None = None, cluster=None, work_ms: float = 0,
                 **config):
        self.topics = [topics] if isinstance(topics, str) else list(topics)
        self.group_id = group_id or fresh_group_id("group")
        self.cluster = cluster_or_course(cluster)
        self.work_ms = work_ms
        overrides = {key.replace("_", "."): value for key, value in config.items()}
        base = dict(TEACHING_CONFIG)
        if overrides.get("group.protocol") == "consumer":
            for key in BROKER_SIDE_IN_NEW_PROTOCOL:
                base.pop(key, None)
        self.config = {**base, **overrides}
        self.members: list[Member] = []
        self._numbers = itertools.count(1)
        self._hold = threading.Event()
        self._admin = admin_client(self.cluster)
        self.partitions = {(topic, p.partition) for topic in self.topics
                           for p in describe_topic(topic, self.cluster).partitions}
        _LIVE_GROUPS.add(self)

    # -- members -----------------------------------------------------------------------------
    def add(self, process: bool = False) -> Member:
        """Start one more member (``process=True``: in a child process, so it can ``crash``)."""
        name = f"{self.group_id}-{next(self._numbers)}"
        config = client_config(self.cluster.bootstrap_servers, group_id=self.group_id, client_id=name)
        config.update(self.config)
        kind = _ProcessMember if process else _ThreadMember
        if process:
            config = {k: v for k, v in config.items() if k not in ("logger", "error_cb")}
        member = kind(name, config, self.topics, self._hold, self.work_ms)
        self.members.append(member)
        return member

    def start(self, count: int, hold: bool = False, process: bool = False) -> list[Member]:
        """Start ``count`` members; ``hold=True``: they join but consume nothing until ``release()``."""
        if hold:
            self._hold.set()
        return [self.add(process) for _ in range(count)]

    def release(self) -> None:
        """Let held members start consuming, all at the same moment."""
        self._hold.clear()
        for member in self.members:
            if isinstance(member, _ProcessMember):
                member.release()

    @property
    def running(self) -> list[Member]:
        return [m for m in self.members if m.alive]

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

    def close(self, timeout: float = 20) -> None:
        """Stop every member that still runs and wait for it (safe to call twice)."""
        self._hold.clear()
        for member in self.running:
            if isinstance(member, _ThreadMember):
                member._stop.set()  # let the threads close together, then join each
        for member in self.running:
            member.stop(timeout)
        _LIVE_GROUPS.discard(self)

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
            return self._admin.describe_consumer_groups([self.group_id])[self.group_id].result(timeout=30)
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
        """True when the broker has a stable group of exactly the running members, each holding what it was given."""
        running = {m.name: m for m in self.running}
        if not running or any(m.state == "starting" for m in running.values()):
            return False
        try:
            description = self._admin.describe_consumer_groups(
                [self.group_id], request_timeout=5)[self.group_id].result(timeout=10)
        except (KafkaException, TimeoutError):
            return False
        if description.state.name != "STABLE" or len(description.members) != len(running):
            return False
        for member in description.members:
            mine = running.get(member.client_id)
            given = tuple(sorted((tp.topic, tp.partition) for tp in member.assignment.topic_partitions))
            if mine is None or mine.assignment != given:
                return False
        owned = [tp for m in running.values() for tp in m.assignment]
        return len(owned) == len(set(owned)) and set(owned) == self.partitions

    def wait_settled(self, timeout: float = 60) -> float:
        """Wait until the group is ``settled()``; returns the seconds it took."""
        return self.wait_until(self.settled, timeout, "the group to settle on an assignment")

    def wait_consumed(self, count: int, timeout: float = 60) -> float:
        """Wait until the members consumed ``count`` records between them; returns the seconds it took."""
        return self.wait_until(lambda: len(self.consumed) >= count, timeout, f"the members to consume {count} records")

    def __repr__(self) -> str:
        return f"<Group {self.group_id!r} on {self.topics}: {len(self.running)} running of {len(self.members)}>"


@atexit.register
def _close_all_groups() -> None:
    for group in list(_LIVE_GROUPS):
        group.close(timeout=5)


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

    @property
    def records_per_s(self) -> float:
        """Lesson 05's name for ``records_per_second``."""
        return self.records_per_second


ThroughputRow = ConsumerRun  # lesson 05's name for the same result


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


def _child_main(spec_text: str) -> None:
    """A process member: run the poll loop, report events as JSON lines, obey ``release``/``stop`` on stdin."""
    spec = json.loads(spec_text)
    stop, hold = threading.Event(), threading.Event()
    if spec["hold"]:
        hold.set()
    write_lock = threading.Lock()

    def emit(kind, data):
        with write_lock:
            sys.stdout.write(json.dumps([kind, data]) + "\n")
            sys.stdout.flush()

    def commands():
        for line in sys.stdin:
            if line.strip() == "release":
                hold.clear()
            elif line.strip() == "stop":
                break
        stop.set()  # "stop", or the parent went away (EOF)

    threading.Thread(target=commands, daemon=True).start()
    try:
        _PollLoop(spec["config"], spec["topics"], emit, stop, hold, spec["work_ms"]).run()
    except Exception as exc:
        emit("failed", f"{type(exc).__name__}: {exc}")
    os._exit(0)


if __name__ == "__main__":
    _child_main(sys.argv[1])
