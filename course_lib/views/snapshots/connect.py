"""The Connect worker's connectors and their tasks, read over its REST API — or why they cannot be read.

The worker is started only by lessons 17 on (``python -m course_lib connect up``), so a worker that does not
answer is a normal state that the dashboard shows, never an error.
"""

import json
import time
import urllib.request
from dataclasses import dataclass

from ...cluster.connect_worker import connect_port, task_error

__all__ = ["TaskState", "ConnectorState", "ConnectSnapshot", "connect_snapshot"]


@dataclass(frozen=True)
class TaskState:
    task_id: int
    state: str  # RUNNING, FAILED, PAUSED, UNASSIGNED …
    error: str | None  # a failed task's stack trace in one line (``task_error``)


@dataclass(frozen=True)
class ConnectorState:
    name: str
    kind: str  # "source" or "sink"
    state: str
    tasks: tuple[TaskState, ...]


@dataclass(frozen=True)
class ConnectSnapshot:
    """The worker at one moment: whether it answered, and its connectors by name (course machinery)."""
    taken_at: float
    url: str
    reachable: bool
    connectors: tuple[ConnectorState, ...]
    error: str | None = None


def connect_snapshot(url: str | None = None, timeout: float = 1.0) -> ConnectSnapshot:
    """``GET /connectors?expand=status``: 1 HTTP request, no Kafka admin call (course machinery)."""
    url = url or f"http://127.0.0.1:{connect_port()}"
    try:
        with urllib.request.urlopen(f"{url}/connectors?expand=status", timeout=timeout) as reply:
            found = json.loads(reply.read())
    except (OSError, ValueError) as exc:  # URLError, refused, timeout, bad JSON
        reason = getattr(exc, "reason", exc)
        return ConnectSnapshot(time.time(), url, False, (), f"no Connect worker answered at {url} ({reason})")
    connectors = []
    for name, expanded in sorted(found.items()):
        status = expanded["status"]
        tasks = tuple(TaskState(task["id"], task["state"], task_error(task.get("trace")))
                      for task in sorted(status.get("tasks", []), key=lambda task: task["id"]))
        connectors.append(ConnectorState(name, status.get("type", "?"), status["connector"]["state"], tasks))
    return ConnectSnapshot(time.time(), url, True, tuple(connectors))
