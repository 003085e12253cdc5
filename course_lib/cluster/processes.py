"""Start, find and stop the JVMs the course owns.

Each process gets a pid file. Before signalling a pid we check that its command line still names the
file this course gave it (a node's ``server.properties``), so a recycled pid never kills a stranger.
Processes start in their own session: the cluster outlives the notebook kernel that started it.

Linux shows an empty command line twice in a process's life: for a moment during ``exec`` (right
after ``Popen`` returns) and while it exits (its memory is released before its sockets are closed).
Both count as "still ours, still running" here; otherwise a fresh process would look dead at once,
and a killed broker would look gone while its port is still taken.
"""

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

from ..errors import CourseError

__all__ = ["ManagedProcess"]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        pass
    try:  # systems without /proc (macOS)
        return subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return ""


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) from ``/proc/<pid>/stat``; None without /proc or the process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


def _is_zombie(pid: int) -> bool:
    found = _state_and_parent(pid)
    return found is not None and found[0] in "ZX"


def _threads_exiting(pid: int) -> bool:
    """True while a killed multi-threaded process (a JVM) still tears down threads behind its zombie leader: until
    the last one exits, the process keeps its sockets (a restart would find its port taken)."""
    try:
        return len(os.listdir(f"/proc/{pid}/task")) > 1
    except OSError:
        return False


_LOOKS = 6  # looks at a live process that does not look ours, 50 ms apart, before it counts as not ours


def _exists(pid: int) -> bool:
    """True while ``pid`` names a process (any user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _between_lives(pid: int) -> bool:
    """True for a user process (not a kernel thread) that shows no command line: mid-exec or exiting."""
    found = _state_and_parent(pid)
    return found is not None and found[0] not in "ZX" and pid != 2 and found[1] != 2 and not _cmdline(pid).strip()


class ManagedProcess:
    """One long-running process identified by a pid file and a marker in its command line (course machinery)."""

    def __init__(self, name: str, pid_file: Path, marker: str, log_file: Path):
        self.name = name
        self.pid_file = pid_file
        self.marker = marker  # a string only our process has in its command line
        self.log_file = log_file
        self._signalled: int | None = None  # the pid last signalled: wait_gone follows it to its last thread

    @property
    def pid(self) -> int | None:
        """The pid if the process is running and is ours, else None (and a stale pid file is removed).

        A live process that does not look ours is looked at again for a moment before its pid file goes: in the
        middle of an ``exec`` (PostgreSQL's ``setpriv`` → ``postgres``), /proc showed neither program for an
        instant once in ~30 restarts, and the course lost track of a running server."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        for _ in range(_LOOKS):
            if _is_zombie(pid) or not _exists(pid):
                break
            if self.marker in _cmdline(pid) or _between_lives(pid):
                return pid
            time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return None

    @property
    def alive(self) -> bool:
        return self.pid is not None

    def start(self, argv: list[str], cwd: Path | None = None, env: dict | None = None) -> int:
        """Start ``argv`` detached, its stdout and stderr appended to ``log_file``."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env, start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        self._popen = proc  # keeps the child reaped when we started it from this interpreter
        deadline = time.monotonic() + 5
        while _between_lives(proc.pid) and time.monotonic() < deadline:  # exec still in progress
            time.sleep(0.01)
        return proc.pid

    def signal(self, sig: int) -> int | None:
        """Send ``sig``; the pid it went to, or None if the process was not running."""
        pid = self.pid
        if pid is None:
            return None
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return None
        self._signalled = pid
        return pid

    def wait_gone(self, timeout: float) -> bool:
        """Wait for the process to exit; True if it did within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        first_pid = self.pid or self._signalled
        while time.monotonic() < deadline:
            popen = getattr(self, "_popen", None)
            if popen is not None:
                popen.poll()
            if self.pid is None and not (first_pid and _threads_exiting(first_pid)):
                return True
            time.sleep(0.1)
        return False

    def log(self, lines: int | None = None) -> str:
        """The process's log file (its last ``lines`` lines); "" when it wrote none."""
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:]) if lines else text

    def wait_until_answers(self, answers: Callable[[], bool], timeout: float, log: Path,
                           log_tail: Callable[[], str], silent: str) -> None:
        """Poll ``answers()`` until it is true. If the process dies first, say so with the end of its ``log``;
        if it is still ``silent`` after ``timeout`` seconds, raise that sentence."""
        deadline = time.monotonic() + timeout
        while not answers():
            if not self.alive:
                raise CourseError(f"{self.name[:1].upper()}{self.name[1:]} stopped during start-up; the end of its "
                                  f"log ({log}) says:\n{log_tail()}")
            if time.monotonic() > deadline:
                raise CourseError(silent)
            time.sleep(0.2)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (a graceful shutdown), then SIGKILL if it has not exited within ``timeout``."""
        if self.signal(signal.SIGTERM) and not self.wait_gone(timeout):
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash or a power cut."""
        if self.signal(signal.SIGKILL):
            self.wait_gone(10)
        self.pid_file.unlink(missing_ok=True)
