"""The one exception type the course raises on purpose.

A ``CourseError`` carries a single sentence that says what is wrong and what to do about it.
The CLI prints just that sentence, and in a notebook ``course_lib`` installs a handler that shows
it without a traceback, so a learner never has to read forty lines of librdkafka or Java.
"""

__all__ = ["CourseError"]


class CourseError(RuntimeError):
    """Something the learner can fix; ``str(error)`` says how (lesson 03)."""
