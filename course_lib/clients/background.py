"""Consumers that run in the background: the members of a consumer group, and the runner that starts them.

Every background consumer group of the course is a ``GroupRunner``: lesson 02's
``experiments.placement.ConsumerGroup`` (who reads which partition), lesson 05's ``experiments.groups.Group``
(grow, shrink, crash, watch the assignment), ``experiments.perf.measure_consumers`` (lesson 12) and the
dashboard's ``views.BackgroundGroup`` (Add/Remove consumer buttons). A member is a thread, or a child process
when it must be able to *crash*; it records its assignment (and every change of it) and what it consumed.

A member that stops ``close()``s its consumer: it commits and sends LeaveGroup, so the group rebalances at
once. A process member that is SIGKILLed does not leave: the coordinator waits ``session.timeout.ms``.

This module also holds the package's one exit hook (``close_at_exit``): runners, and the live views
(``views.lifecycle``), still running when the interpreter exits are closed there.
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

from ..connection import client_config
from ..errors import CourseError
from .records import Record, from_message

__all__ = ["Consumed", "Member", "GroupRunner", "close_at_exit", "forget_at_exit"]


def _incremental(config: dict) -> bool:
    """Cooperative rebalancing hands out partitions as increments, eager as a whole new assignment."""
    return (config.get("group.protocol") == "consumer"
            or "cooperative" in str(config.get("partition.assignment.strategy", "")))


class _PollLoop:
    """The consumer loop one member runs, in a thread or a child process; reports through ``emit``."""

    def __init__(self, config: dict, topics: list[str], emit, stop: threading.Event, hold: threading.Event,
                 work_ms: float, rate: float | None = None, records: bool = False):
        self.config, self.topics, self.emit = config, topics, emit
        self.stop, self.hold, self.work_ms, self.rate = stop, hold, work_ms, rate
        self.records = records  # also emit each record whole (a thread member only: a Record is no JSON)
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
                batch, whole = [], []
                # paced: one record at a time, so each is counted (and its offset stored) when it is read
                for message in consumer.consume(1 if self.rate else 100, timeout=0.1):
                    if message.error() is not None:
                        if message.error().fatal():
                            raise KafkaException(message.error())
                        continue
                    if self.work_ms:  # pretend each record costs some I/O (a database write, an HTTP call)
                        time.sleep(self.work_ms / 1000)
                    key = message.key()
                    batch.append((message.topic(), message.partition(), message.offset(),
                                  key.decode(errors="replace") if key is not None else None))
                    if self.records:
                        whole.append(from_message(message))
                if whole:
                    self.emit("records", whole)
                if batch:
                    self.emit("consumed", batch)
                if self.rate and batch:  # a slow consumer, to make lag visible; a stop ends the wait
                    self.stop.wait(1 / self.rate)


@dataclass(frozen=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: str | None
    at: float  # time.monotonic() when the member got it


class Member:
    """One consumer of a ``Group``; its state is updated from the background, read it any time."""

    def __init__(self, name: str, process: bool, keep: bool = True):
        self.name = name  # also its client.id, as the broker shows it
        self.process = process
        self.keep = keep  # False: only count what it consumed (a member that may run for hours)
        self._count = 0
        self.state = "starting"  # starting, running, stopped, crashed, failed
        self.assignment: tuple[tuple[str, int], ...] = ()
        self.history: list[tuple[float, tuple[tuple[str, int], ...]]] = []  # (when, assignment) per change
        self.consumed: list[Consumed] = []
        self.records: list[Record] = []  # whole records, for a runner made with records=True
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
                self._count += len(data)
                if self.keep:
                    self.consumed.extend(Consumed(t, p, o, k, now) for t, p, o, k in data)
            elif kind == "records":
                self.records.extend(data)
            elif kind == "failed":
                self.error, self.state = data, "failed"

    @property
    def count(self) -> int:
        return self._count

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
    def __init__(self, name: str, config: dict, topics: list[str], hold: threading.Event, work_ms: float,
                 rate: float | None = None, keep: bool = True, records: bool = False):
        super().__init__(name, process=False, keep=keep)
        self._stop = threading.Event()
        self._loop = _PollLoop(config, topics, self._event, self._stop, hold, work_ms, rate, records)
        self._thread = threading.Thread(target=self._run, name=f"course-member-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._loop.run()
        except Exception as exc:  # reported to the notebook by Group.wait_* instead of dying silently
            self._event("failed", f"{type(exc).__name__}: {exc}")

    @property
    def alive(self) -> bool:
        return super().alive and not self._stop.is_set()  # told to stop: on its way out of the group

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
        self._child = subprocess.Popen([sys.executable, "-m", "course_lib.clients.background", spec],
                                       stdin=subprocess.PIPE,
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


# -- the one exit hook: whatever still runs when the interpreter exits is closed here ------------------

_AT_EXIT: "weakref.WeakKeyDictionary[object, tuple[str, dict]]" = weakref.WeakKeyDictionary()


def close_at_exit(thing, method: str = "close", **kwargs) -> None:
    """Call ``thing.<method>(**kwargs)`` when the interpreter exits, unless ``thing`` is gone or ``forget``-ten
    before. Groups of every kind and the live views (``views.lifecycle``) all stop through this one hook."""
    _AT_EXIT[thing] = (method, kwargs)


def forget_at_exit(thing) -> None:
    """``thing`` was closed already; nothing to do for it at exit."""
    _AT_EXIT.pop(thing, None)


@atexit.register
def _close_everything_at_exit() -> None:
    for thing, (method, kwargs) in list(_AT_EXIT.items()):
        try:
            getattr(thing, method)(**kwargs)
        except Exception as exc:  # one that fails must not keep the others running
            print(f"course_lib: could not {method} {thing!r} at exit: {type(exc).__name__}: {exc}", file=sys.stderr)


# -- the runner every background consumer group of the course builds on ----------------------------

class GroupRunner:
    """Background members of one consumer group on ``topics``: start one, stop the newest, close them all.

    ``config`` is the full client configuration of every member (``group.id`` and ``client.id`` are added);
    ``name`` makes each member's client id from ``group_id`` and its ``number``. ``work_ms``: each record costs
    that long; ``rate``: at most that many records/s per member (a stop does not wait for it); ``keep=False``:
    members only count their records; ``records=True``: thread members also keep each ``Record`` whole.
    ``Group`` (lesson 05), ``placement.ConsumerGroup`` (lesson 02) and ``views.BackgroundGroup``
    (the dashboard) are this runner with more on top. Members still running at interpreter exit are closed then.
    """

    def __init__(self, bootstrap_servers: str, group_id: str, topics: list[str] | str, config: dict,
                 name: str = "{group_id}-{number}", work_ms: float = 0, rate: float | None = None, keep: bool = True,
                 records: bool = False):
        self.topics = [topics] if isinstance(topics, str) else list(topics)
        self.group_id, self.config = group_id, config
        self.work_ms, self.rate, self.keep, self.records = work_ms, rate, keep, records
        self.members: list[Member] = []
        self._bootstrap, self._name = bootstrap_servers, name
        self._numbers = itertools.count(1)
        self._hold = threading.Event()
        self._members_lock = threading.Lock()

    def _start_member(self, process: bool = False) -> Member:
        """Start one more member, in a thread or (``process=True``) in a child process that can crash."""
        with self._members_lock:
            name = self._name.format(group_id=self.group_id, number=next(self._numbers))
            config = client_config(self._bootstrap, group_id=self.group_id, client_id=name)
            config.update(self.config)
            if process:
                config = {k: v for k, v in config.items() if k not in ("logger", "error_cb")}
                member = _ProcessMember(name, config, self.topics, self._hold, self.work_ms)
            else:
                member = _ThreadMember(name, config, self.topics, self._hold, self.work_ms, self.rate, self.keep,
                                       self.records)
            self.members.append(member)
            close_at_exit(self, timeout=5)  # again after a close(): a runner can be reused
            return member

    def release(self) -> None:
        """Let held members start consuming, all at the same moment."""
        self._hold.clear()
        for member in self.members:
            if isinstance(member, _ProcessMember):
                member.release()

    @property
    def running(self) -> list[Member]:
        return [m for m in self.members if m.alive]

    def close(self, timeout: float = 20) -> None:
        """Stop every member that still runs and wait for it (safe to call twice)."""
        self._hold.clear()
        running = self.running
        for member in running:
            if isinstance(member, _ThreadMember):
                member._stop.set()  # let the threads close together, then join each
        for member in running:
            member.stop(timeout)
        forget_at_exit(self)


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
