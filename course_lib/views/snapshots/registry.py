"""The schema registry's subjects, read over its REST API — or why they cannot be read.

The registry starts with the cluster but is optional (lessons 01–08 never use it), so a missing registry is a
normal state that the dashboard shows, never an error.
"""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from ...errors import CourseError
from ...registry import registry_headers, registry_url

__all__ = ["RegistrySnapshot", "registry_snapshot"]


@dataclass(frozen=True)
class RegistrySnapshot:
    """The registry at one moment: whether it answered, and its subjects (course machinery)."""
    taken_at: float
    url: str
    reachable: bool
    subjects: tuple[str, ...]
    error: str | None = None


def registry_snapshot(url: str | None = None, timeout: float = 0.5) -> RegistrySnapshot:
    """``GET /subjects``: 1 HTTP request, no Kafka admin call (course machinery)."""
    try:
        url = url or registry_url()
    except CourseError as exc:  # a shared cluster's profile without a registry
        return RegistrySnapshot(time.time(), "", False, (), str(exc))
    try:
        request = urllib.request.Request(f"{url}/subjects", headers=registry_headers())
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            subjects = json.loads(reply.read())
    except (OSError, ValueError) as exc:  # URLError, refused, timeout, bad JSON
        reason = getattr(exc, "reason", exc)
        return RegistrySnapshot(time.time(), url, False, (), f"no schema registry answered at {url} ({reason})")
    return RegistrySnapshot(time.time(), url, True, tuple(sorted(subjects)))
