"""``ManagedProcess``'s waits run on ``poll_until`` and keep their answers (no process is started, no cluster)."""

import time

import pytest

from course_lib.cluster.ports import wait_for_port
from course_lib.cluster.processes import ManagedProcess, StoppedDuringStartUp
from course_lib.errors import CourseError


class Running(ManagedProcess):
    alive = True  # a process that never exits


def process(tmp_path, kind=ManagedProcess):
    return kind("test server", tmp_path / "server.pid", "--marker nowhere", tmp_path / "server.log")


def test_wait_gone_is_true_for_a_process_that_is_not_running(tmp_path):
    assert process(tmp_path).wait_gone(5)


def test_wait_until_answers_returns_once_answered(tmp_path):
    calls = []
    process(tmp_path, Running).wait_until_answers(lambda: calls.append(1) or len(calls) > 2, 5, tmp_path / "log",
                                                  lambda: "", "never answered")
    assert len(calls) == 3


def test_a_stopped_process_is_told_with_its_log(tmp_path):
    with pytest.raises(StoppedDuringStartUp, match=r"^Test server stopped during start-up; .*says:\nport taken$"):
        process(tmp_path).wait_until_answers(lambda: False, 5, tmp_path / "log", lambda: "port taken", "never answered")


def test_a_silent_process_raises_the_callers_sentence(tmp_path):
    started = time.monotonic()
    with pytest.raises(CourseError, match="^never answered$"):
        process(tmp_path, Running).wait_until_answers(lambda: False, 0.3, tmp_path / "log", lambda: "", "never answered")
    assert time.monotonic() - started >= 0.3


def test_wait_for_port_is_false_on_timeout():
    assert wait_for_port(1, 0.3) is False  # nothing listens on port 1
