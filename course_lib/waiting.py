"""The one way the course waits for something Kafka does on its own schedule.

Brokers learn of a topic moments apart, a group takes seconds to rebalance, the log cleaner runs when it
likes: a single read right after an action can see the old state. So every wait polls a probe until the
expected state shows, and a wait that runs out says what it awaited and what it saw last, which is
what tells a slow cluster from a wrong expectation.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from .errors import CourseError

__all__ = ["poll_until"]

Seen = TypeVar("Seen")
SHOWN_CHARS = 200  # of the last value seen, in the sentence of a wait that ran out


def poll_until(probe: Callable[[], Seen], what: str, timeout: float = 30, every: float = 0.2,
               done: Callable[[Seen], object] = bool, retry_on: tuple[type[BaseException], ...] = (),
               advice: str = "") -> Seen:
    """Call ``probe()`` every ``every`` s until ``done(value)`` holds, and return that value (lesson 03).

    ``what`` names the awaited state in words ("broker 2 to leave every ISR of 'orders'"); an exception
    in ``retry_on`` counts as "not yet", any other propagates. After ``timeout`` s a ``CourseError``:
    "Waited 30 s for <what>; last seen: <value or exception>.", then ``advice`` if given.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except retry_on as error:
            last_seen = f"{type(error).__name__}: {error}"
        else:
            if done(value):
                return value
            last_seen = repr(value)
        left = deadline - time.monotonic()
        if left <= 0:
            if len(last_seen) > SHOWN_CHARS:
                last_seen = last_seen[:SHOWN_CHARS - 1] + "…"
            sentence = f"Waited {timeout:g} s for {what}; last seen: {last_seen}."
            raise CourseError(f"{sentence} {advice}" if advice else sentence)
        time.sleep(min(every, left))
