"""The one exception type the course raises on purpose.

A ``CourseError`` carries a single sentence that says what is wrong and what to do about it.
The CLI prints just that sentence, and in a notebook ``course_lib`` installs a handler that shows
it without a traceback, so a learner never has to read forty lines of librdkafka or Java.
"""

import sys
from typing import Callable

__all__ = ["CourseError", "exit_status"]


class CourseError(RuntimeError):
    """Something the learner can fix; ``str(error)`` says how (lesson 03)."""


def exit_status(command: Callable[[], object]) -> int:
    """Run a command-line tool's ``command()``: 0, or 1 with its ``CourseError`` as one sentence, 130 on Ctrl-C.

    Course machinery (``python -m course_lib``, ``python -m book``).
    """
    try:
        command()
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
