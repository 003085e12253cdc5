"""``course_lib.waiting.poll_until``: the one wait, with a failure that says what it awaited and saw (no cluster)."""

import time

import pytest

from course_lib.errors import CourseError
from course_lib.waiting import poll_until


def counter():
    """A probe that returns 1, 2, 3, ... on successive calls."""
    calls = iter(range(1, 1000))
    return lambda: next(calls)


def test_a_state_already_there_is_returned_at_once():
    started = time.monotonic()
    assert poll_until(lambda: "ready", "the answer", timeout=5, every=1) == "ready"
    assert time.monotonic() - started < 0.5


def test_it_polls_until_done_and_returns_the_value_it_waited_for():
    probe = counter()
    assert poll_until(probe, "the third call", timeout=5, every=0.01, done=lambda n: n >= 3) == 3
    assert probe() == 4, "no call after the state showed"


def test_a_timeout_names_what_was_awaited_and_the_last_value_seen():
    with pytest.raises(CourseError) as raised:
        poll_until(counter(), "the count to reach a million", timeout=0.3, every=0.05, done=lambda n: n >= 10**6)
    message = str(raised.value)
    assert message.startswith("Waited 0.3 s for the count to reach a million; last seen: ")
    last_seen = int(message.split("last seen: ")[1].rstrip("."))
    assert 3 <= last_seen <= 8, "it kept polling every 0.05 s and reports the last call's value"


def test_a_long_last_value_is_shortened_and_advice_follows():
    with pytest.raises(CourseError, match=r"; last seen: 'x{198}…\. Check the cluster\.$"):
        poll_until(lambda: "x" * 5000, "nothing", timeout=0, done=lambda _: False, advice="Check the cluster.")


def test_an_exception_in_retry_on_means_not_yet_and_is_reported_if_it_never_stops():
    failures = iter([ConnectionError("refused"), ConnectionError("refused")])

    def answers_on_the_third_call():
        error = next(failures, None)
        if error:
            raise error
        return "up"
    assert poll_until(answers_on_the_third_call, "the server", timeout=5, every=0.01, retry_on=(ConnectionError,)) == "up"

    def never_answers():
        raise ConnectionError("connection refused on port 9092")
    with pytest.raises(CourseError, match=r"^Waited 0\.2 s for the broker; last seen: "
                                          r"ConnectionError: connection refused on port 9092\.$"):
        poll_until(never_answers, "the broker", timeout=0.2, every=0.05, retry_on=(ConnectionError,))


def test_other_exceptions_propagate_at_once():
    def broken():
        raise KeyError("leader")
    started = time.monotonic()
    with pytest.raises(KeyError):
        poll_until(broken, "a leader", timeout=5, retry_on=(ConnectionError,))
    assert time.monotonic() - started < 0.5
