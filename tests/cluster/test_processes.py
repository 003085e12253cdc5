"""``ManagedProcess.wait_until_answers``: the start-up wait the registry and ZooKeeper share (no cluster needed)."""

import sys
import time

import pytest

from course_lib.cluster.processes import ManagedProcess
from course_lib.errors import CourseError


@pytest.fixture
def server(tmp_path):
    """A ManagedProcess for a throw-away Python "server", stopped after the test."""
    process = ManagedProcess("test server", tmp_path / "server.pid", f"--marker {tmp_path}", tmp_path / "server.log")
    yield process
    process.kill()


def _start(process, code: str):
    process.start([sys.executable, "-c", code, "--marker", str(process.pid_file.parent)])


def _tail(process):
    return lambda: process.log_file.read_text().strip()


def test_returns_once_the_process_answers(server, tmp_path):
    ready = tmp_path / "ready"
    _start(server, f"import pathlib, time; time.sleep(0.6); pathlib.Path({str(ready)!r}).touch(); time.sleep(30)")
    started = time.monotonic()
    server.wait_until_answers(ready.exists, 10, server.log_file, _tail(server), "never answered")
    assert 0.5 < time.monotonic() - started < 10 and server.alive


def test_a_process_that_dies_is_one_sentence_with_the_end_of_its_log(server):
    _start(server, "import sys; print('port 8081 is taken', flush=True); sys.exit(1)")
    with pytest.raises(CourseError, match=r"^Test server stopped during start-up; the end of its log \(.*server\.log\) "
                                          r"says:\nport 8081 is taken$"):
        server.wait_until_answers(lambda: False, 10, server.log_file, _tail(server), "never answered")


def test_a_silent_process_raises_the_given_sentence_after_the_timeout(server):
    _start(server, "import time; time.sleep(30)")
    started = time.monotonic()
    with pytest.raises(CourseError, match="^never answered$"):
        server.wait_until_answers(lambda: False, 0.5, server.log_file, _tail(server), "never answered")
    assert time.monotonic() - started >= 0.5 and server.alive
