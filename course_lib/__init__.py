"""course_lib — the helpers behind the hands-on Kafka course.

Notebooks start with ``cluster = course_lib.connect()``; everything else is imported from the
module that teaches it (``course_lib.clients.admin``, ``course_lib.clients.produce`` ...).
"""

import sys

# jsonschema (imported by plotly's notebook renderer via nbformat, and by confluent-kafka's JSON serdes)
# imports the optional rfc3987_syntax for its "iri" format, which compiles a grammar at import:
# 5-8 s before a lesson's first view or JSON schema appears. Nothing in the course checks that format.
sys.modules.setdefault("rfc3987_syntax", None)

from .errors import CourseError  # noqa: E402 - after the line above
from .session import clean_up, connect  # noqa: E402

__all__ = ["CourseError", "clean_up", "connect"]


def _show_course_errors_briefly() -> None:
    """In IPython, show a CourseError as its one sentence instead of a traceback — still as the cell's error, so
    Jupyter marks the cell failed and a notebook test (nbval) stops at it."""
    try:
        ip = get_ipython()  # noqa: F821 — defined only inside IPython
    except NameError:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        shell._showtraceback(etype, value, [f"CourseError: {value}"])  # the error message, one line long
        return None

    ip.set_custom_exc((CourseError,), handler)


_show_course_errors_briefly()
