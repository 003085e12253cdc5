"""The ``docker compose`` command lines behind the Docker backend, and what their output means.

Everything here is a pure function of its arguments (or runs a command it is handed), so the tests
check the exact argv and the parsing without a Docker engine. ``DockerCluster`` strings them together.
"""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

__all__ = ["ComposeProject", "ContainerState", "QUORUM_STATE_FILE", "active_controller", "check_engine",
           "parse_ps", "run_command"]

# Where a cp-kafka node keeps the KRaft quorum state (log.dirs is /var/lib/kafka/data in the image).
QUORUM_STATE_FILE = "/var/lib/kafka/data/__cluster_metadata-0/quorum-state"

FALLBACK = "or unset COURSE_BACKEND to use the embedded cluster, the course's default"


@dataclass(frozen=True)
class ComposeProject:
    """One compose file run as one compose project, and the argv of every command the course needs (course machinery).

    Global options (``-f``, ``-p``, ``--profile``) go before the subcommand, as ``docker compose`` wants.
    """
    compose_file: Path
    name: str
    profiles: tuple[str, ...] = ()

    def argv(self, *args: str, profiles: tuple[str, ...] | None = None) -> list[str]:
        chosen = self.profiles if profiles is None else profiles
        flags = [part for profile in chosen for part in ("--profile", profile)]
        return ["docker", "compose", "-f", str(self.compose_file), "-p", self.name, *flags, *args]

    def shown(self, argv: list[str]) -> str:
        """``argv`` as a learner would type it in docker/ (``-p`` left out: the file names its project)."""
        chosen_file = [] if self.compose_file.name == "compose.yaml" else ["-f", self.compose_file.name]
        return " ".join(["docker", "compose", *chosen_file, *argv[6:]])

    def up(self) -> list[str]:
        """Create and start every service (of the chosen profiles); compose itself waits for each
        ``depends_on: service_healthy`` before it starts the dependent service."""
        return self.argv("up", "-d")

    def down(self, all_profiles: tuple[str, ...], timeout: int) -> list[str]:
        """Stop and remove the containers (profiled ones too); the data volumes stay."""
        return self.argv("down", "--timeout", str(timeout), profiles=all_profiles)

    def reset(self, all_profiles: tuple[str, ...], timeout: int) -> list[str]:
        """``down`` and delete the volumes: every topic, offset and schema is gone."""
        return self.argv("down", "--volumes", "--remove-orphans", "--timeout", str(timeout), profiles=all_profiles)

    def stop(self, service: str, timeout: int) -> list[str]:
        """SIGTERM (a controlled shutdown), SIGKILL after ``timeout`` seconds."""
        return self.argv("stop", "--timeout", str(timeout), service)

    def kill(self, service: str) -> list[str]:
        """SIGKILL, as in a crash."""
        return self.argv("kill", "-s", "SIGKILL", service)

    def start(self, service: str) -> list[str]:
        """Start one service again without touching the others, and wait until its healthcheck passes.

        ``up`` also recreates a removed container; ``--wait`` matters because other brokers may still
        list a broker killed seconds ago, so only its own health proves the new process answers.
        """
        return self.argv("up", "-d", "--no-deps", "--wait", service)

    def logs(self, service: str, lines: int) -> list[str]:
        return self.argv("logs", "--no-color", "--no-log-prefix", "--tail", str(lines), service)

    def ps(self) -> list[str]:
        return self.argv("ps", "--all", "--format", "json")

    def read_file(self, service: str, path: str) -> list[str]:
        return self.argv("exec", "-T", service, "cat", path)


@dataclass(frozen=True)
class ContainerState:
    """One line of ``docker compose ps``: a service's container and how it is doing (course machinery)."""
    service: str
    state: str   # running, exited, created, restarting, ...
    health: str  # healthy, unhealthy, starting, or "" without a healthcheck

    @property
    def running(self) -> bool:
        return self.state == "running"


def parse_ps(output: str) -> dict[str, ContainerState]:
    """Containers by service from ``ps --format json``: one JSON object a line (Compose ≥ 2.21) or one array.

    Course machinery.
    """
    text = output.strip()
    if not text:
        return {}
    rows = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line.strip()]
    return {row["Service"]: ContainerState(row["Service"], row.get("State", ""), row.get("Health", ""))
            for row in rows}


def active_controller(quorum_states: dict[int, str]) -> int | None:
    """The KRaft leader named by the newest epoch among the nodes' quorum-state files, if that node answered.

    ``quorum_states`` maps a running node's id to its file's text; unreadable texts are skipped.

    Course machinery.
    """
    best = None
    for text in quorum_states.values():
        try:
            state = json.loads(text)
        except ValueError:
            continue
        leader, epoch = state.get("leaderId", -1), state.get("leaderEpoch", -1)
        if leader is not None and leader >= 0 and (best is None or epoch > best[1]):
            best = (leader, epoch)
    if best and best[0] in quorum_states:
        return best[0]
    return None


def run_command(argv: list[str], timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``argv`` and capture its output as text; a missing program becomes a ``CourseError`` (course machinery)."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CourseError(f"The Docker backend needs the `{argv[0]}` command, which is not on your PATH; "
                          f"install Docker Desktop (or Docker Engine with the Compose plugin), {FALLBACK}.") from None


def check_engine(run=run_command) -> None:
    """Raise a one-sentence ``CourseError`` unless the docker CLI, its engine and Compose v2 all answer.

    Course machinery.
    """
    if run(["docker", "version", "--format", "{{.Server.Version}}"], timeout=30).returncode != 0:
        host = os.environ.get("DOCKER_HOST")
        where = f"DOCKER_HOST={host}" if host else "your current Docker context"
        raise CourseError(f"The Docker engine ({where}) is not answering; start Docker Desktop "
                          f"(or the docker service), {FALLBACK}.")
    if run(["docker", "compose", "version", "--short"], timeout=30).returncode != 0:
        raise CourseError(f"`docker compose` (Compose v2) is missing; update Docker Desktop or install "
                          f"the docker-compose-plugin package, {FALLBACK}.")
