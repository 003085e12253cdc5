"""``connect()``: the first cell of every notebook — attach to the course cluster, starting it if needed.

The cluster outlives notebook kernels, so usually this only checks that it is there. Set
``COURSE_AUTOSTART=0`` (or pass ``autostart=False``) to get a clear error instead of a start.
"""

import os

from .cluster import course_cluster
from .errors import CourseError
from .tidy import remember_what_exists

__all__ = ["connect"]


def connect(autostart: bool | None = None, quiet: bool = False):
    """The course cluster, ready; started (and waited for) when none of its brokers runs.

    A cluster with *some* brokers down is attached as it is: a lesson that just killed a broker must
    not see a helper bring it back behind its back. ``cluster.up()`` starts the missing ones.
    """
    if autostart is None:
        autostart = os.environ.get("COURSE_AUTOSTART", "1") not in ("0", "false", "no")
    cluster = course_cluster()
    down = [node.node_id for node in cluster.nodes if not node.process.alive]
    if down and len(down) < len(cluster.nodes):
        if not quiet:
            print(f"Attached with broker(s) {', '.join(map(str, down))} down; `cluster.up()` starts them again.")
    elif down and not autostart:
        raise CourseError("The course cluster is not running; start it with `python -m course_lib up` "
                          "(or `make course`) and run this cell again.")
    else:
        cluster.up(quiet=quiet)
    remember_what_exists(cluster)  # what a lesson's clean_up() leaves alone
    return cluster
