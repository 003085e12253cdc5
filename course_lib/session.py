"""``connect()``: the first cell of every notebook — attach to the course cluster, starting it if needed.

The cluster outlives notebook kernels, so usually this only checks that it is there. Set
``COURSE_AUTOSTART=0`` (or pass ``autostart=False``) to get a clear error instead of a start.
"""

import os

from .cluster import course_cluster
from .errors import CourseError

__all__ = ["connect"]


def connect(autostart: bool | None = None, quiet: bool = False) :
    """The running course cluster; starts it (and waits until it is ready) when it is not running."""
    if autostart is None:
        autostart = os.environ.get("COURSE_AUTOSTART", "1") not in ("0", "false", "no")
    cluster = course_cluster()
    if not cluster.is_running():
        if not autostart:
            raise CourseError("The course cluster is not running; start it with `python -m course_lib up` "
                              "(or `make course`) and run this cell again.")
    cluster.up(quiet=quiet)
    return cluster
