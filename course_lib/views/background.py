"""Consumers that run in the kernel's background, so a demo can grow and shrink a group with buttons.

A ``BackgroundGroup`` is the course's one group runner (``clients.background.GroupRunner``, the same
thread members lesson 05's ``Group`` uses) with the dashboard's settings: each consumer is a thread with
its own ``Consumer`` that polls until told to stop and then ``close()``s — leaving the group at once, so
the rebalance shows immediately instead of after ``session.timeout.ms``. All of them are closed when their
``BackgroundGroup`` is closed, when the cell that made it runs again, and at the latest when the
interpreter (the notebook kernel) exits.
"""

from ..clients.background import GroupRunner
from . import lifecycle

__all__ = ["BackgroundGroup"]

# Committed offsets move visibly (every second); a removed consumer's partitions move at once (it leaves),
# a vanished one's after 10 s; a new group reads the topic from its start.
DASHBOARD_CONFIG = {"auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000, "session.timeout.ms": 10000}


class BackgroundGroup(GroupRunner):
    """A consumer group of background consumers: ``add()`` one, ``remove()`` one, ``close()`` all.

    ``rate`` (records/s per consumer) slows the consumers down so lag builds up; None = full speed.
    Offsets are auto-committed every second, so the group view's committed offsets move visibly.
    """

    def __init__(self, cluster, group_id: str, topics: list[str] | str, rate: float | None = None):
        super().__init__(cluster.bootstrap_servers, group_id, topics, dict(DASHBOARD_CONFIG),
                         name="{group_id}-consumer-{number}", rate=rate, keep=False)
        lifecycle.register(self)

    @property
    def client_ids(self) -> list[str]:
        return [m.name for m in self.running]

    def __len__(self) -> int:
        return len(self.running)

    def add(self) -> str:
        """Start one more consumer in the group; returns its client id."""
        return self._start_member().name

    def remove(self, timeout: float = 10) -> str | None:
        """Stop the newest consumer (it leaves the group cleanly); returns its client id, None if none."""
        with self._members_lock:
            running = self.running
            if not running:
                return None
            member = running[-1]
            member._stop.set()  # no longer running: a second remove() picks the one before it
        member.stop(timeout)
        return member.name

    def close(self, timeout: float = 10) -> None:
        """Stop every consumer of this group."""
        super().close(timeout)

    def __repr__(self) -> str:
        return f"<BackgroundGroup {self.group_id!r} on {self.topics}: {len(self)} consumers>"
