"""course_lib — the helpers behind the hands-on Kafka course.

Notebooks start with ``cluster = course_lib.connect()``; everything else is imported from the
module that teaches it (``course_lib.admin``, ``course_lib.produce`` ...).
"""

from .errors import CourseError
from .session import connect

__all__ = ["CourseError", "connect"]


def _show_course_errors_briefly() -> None:
    """In IPython, print a CourseError as its one sentence instead of a traceback."""
    try:
        ip = get_ipython()  # noqa: F821 — defined only inside IPython
    except NameError:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(f"CourseError: {value}")
        return None

    ip.set_custom_exc((CourseError,), handler)


_show_course_errors_briefly()
