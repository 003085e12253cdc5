"""Consumers that run in the kernel's background, so a demo can grow and shrink a group with buttons.

Each consumer is a thread with its own ``Consumer`` that polls until told to stop and then
``close()``s — leaving the group at once, so the rebalance shows immediately instead of after
``session.timeout.ms``. All of them are closed when their ``BackgroundGroup`` is closed, when the
cell that made it runs again, and at the latest when the interpreter (the notebook kernel) exits.
"""

import itertools
import threading
import time

from confluent_kafka import Consumer

from ..connection import client_config
from . import lifecycle

__all__ = ["BackgroundGroup"]


class _Member(threading.Thread):
    def __init__(self, config: dict, topics: list[str], name: str, rate: float | None):
        super().__init__(name=f"course-consumer-{name}", daemon=True)
        self.config, self.topics, self.client_id, self.rate = config, topics, name, rate
        self.stop_requested = threading.Event()
        self.consumed = 0

    def run(self) -> None:
        with Consumer(self.config) as consumer:  # its close() commits and leaves the group: a rebalance
            consumer.subscribe(self.topics)
            while not self.stop_requested.is_set():
                message = consumer.poll(0.2)
                if message is not None and message.error() is None:
                    self.consumed += 1
                    if self.rate:  # a slow consumer, to make lag visible
                        self.stop_requested.wait(1 / self.rate)


class BackgroundGroup:
    """A consumer group of background consumers: ``add()`` one, ``remove()`` one, ``close()`` all.

    ``rate`` (records/s per consumer) slows the consumers down so lag builds up; None = full speed.
    Offsets are auto-committed every second, so the group view's committed offsets move visibly.
    """

    def __init__(self, cluster, group_id: str, topics: list[str] | str, rate: float | None = None):
        self.group_id = group_id
        self.topics = [topics] if isinstance(topics, str) else list(topics)
        self.rate = rate
        self._bootstrap = cluster.bootstrap_servers
        self._members: list[_Member] = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        lifecycle.register(self)

    @property
    def client_ids(self) -> list[str]:
        return [m.client_id for m in self._members]

    def __len__(self) -> int:
        return len(self._members)

    def add(self) -> str:
        """Start one more consumer in the group; returns its client id."""
        with self._lock:
            name = f"{self.group_id}-consumer-{next(self._numbers)}"
            config = client_config(self._bootstrap, group_id=self.group_id, client_id=name,
                                   auto_offset_reset="earliest", auto_commit_interval_ms=1000,
                                   session_timeout_ms=10000)
            member = _Member(config, self.topics, name, self.rate)
            member.start()
            self._members.append(member)
            return name

    def remove(self, timeout: float = 10) -> str | None:
        """Stop the newest consumer (it leaves the group cleanly); returns its client id, None if none."""
        with self._lock:
            if not self._members:
                return None
            member = self._members.pop()
        member.stop_requested.set()
        member.join(timeout)
        return member.client_id

    def close(self, timeout: float = 10) -> None:
        """Stop every consumer of this group."""
        with self._lock:
            members, self._members = self._members, []
        for member in members:
            member.stop_requested.set()
        deadline = time.monotonic() + timeout
        for member in members:
            member.join(max(deadline - time.monotonic(), 0))

    def __repr__(self) -> str:
        return f"<BackgroundGroup {self.group_id!r} on {self.topics}: {len(self)} consumers>"

