"""The registry as a cluster service: ``up`` starts it after the brokers, ``down`` stops it first.

It runs as its own detached Python process (pid file + a marker in its command line, like the
brokers), so it outlives the notebook kernel that started it and ``status`` can find it. Its port
is 8081 — the Docker stack's — unless ``COURSE_REGISTRY_PORT`` says otherwise, so a notebook's
``schema.registry.url`` is the same on both stacks.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .base import NodeStatus, Service
from .ports import require_free
from .processes import ManagedProcess
from ..errors import CourseError

__all__ = ["RegistryService", "registry_port"]

PORT_SETTING = "COURSE_REGISTRY_PORT"


def registry_port() -> int:
    """The registry's port: ``$COURSE_REGISTRY_PORT``, else 8081 (course machinery)."""
    raw = os.environ.get(PORT_SETTING, "8081")
    try:
        return int(raw)
    except ValueError:
        raise CourseError(f"{PORT_SETTING}={raw!r} is not a port number; use e.g. {PORT_SETTING}=8081.") from None


class RegistryService(Service):
    """The schema registry process of one cluster, its files under ``<cluster home>/registry`` (course machinery)."""

    name = "registry"

    def __init__(self, home: Path, port: int | None = None):
        self.dir = Path(home) / "registry"
        self.port = port or registry_port()
        self.process = ManagedProcess("schema registry", self.dir / "registry.pid", f"--home {self.dir}",
                                      self.dir / "registry.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answers(self) -> bool:
        """True when the registry answers HTTP (it does so only once it has read ``_schemas``)."""
        try:
            with urllib.request.urlopen(f"{self.url}/config", timeout=2) as response:
                return "compatibilityLevel" in json.loads(response.read())
        except (OSError, ValueError, urllib.error.URLError):
            return False

    def start(self, cluster, timeout: float = 120) -> None:
        """Start the registry unless it runs; return once it answers."""
        if not self.process.alive:
            require_free(self.port, "schema registry", PORT_SETTING)
            argv = [sys.executable, "-m", "course_lib.registry", "--bootstrap", cluster.bootstrap_servers,
                    "--port", str(self.port), "--home", str(self.dir)]
            self.process.start(argv, cwd=self.dir)
        self.process.wait_until_answers(
            self.answers, timeout, self.process.log_file, self._log_tail,
            f"The schema registry did not answer on {self.url} within {timeout:.0f} s; "
            f"look at {self.process.log_file} and run `python -m course_lib up` again.")

    def stop(self, timeout: float = 15) -> None:
        self.process.stop(timeout)

    def status(self) -> NodeStatus:
        pid = self.process.pid
        return NodeStatus("registry", pid, self.port, pid is not None, "schema registry")

    def _log_tail(self, lines: int = 15) -> str:
        return self.process.log(lines) or "(the registry wrote no log)"
