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
from .profile import active_profile  # noqa: E402
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


def _register_local_only_magic() -> None:
    """In IPython, ``%%local_only <what it does>`` atop a cell runs the cell on the course's own cluster and, on a
    class's shared cluster (``course_lib.profile``), skips it with one sentence: a lesson's parts that need this
    machine's brokers (their files, their processes) stay in the lesson without stopping it there."""
    try:
        ip = get_ipython()  # noqa: F821 — defined only inside IPython
    except NameError:
        return

    def local_only(line: str, cell: str) -> None:
        profile = active_profile()
        if profile is None:
            ran = ip.run_cell(cell, store_history=False)  # shows the cell's output, and its error's traceback
            if not ran.success:  # the cell fails too, in one sentence: the traceback is not shown twice
                raise CourseError("This cell stopped at the error shown above.") from (ran.error_in_exec
                                                                                     or ran.error_before_exec)
            return
        print(f"Skipped on the shared cluster of {profile.source}: this cell {line.strip() or 'needs this machine'}"
              ", which needs the course's own cluster on this machine.")

    ip.register_magic_function(local_only, magic_kind="cell")


_register_local_only_magic()
