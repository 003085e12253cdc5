"""Where the course keeps everything it creates: one gitignored directory.

Default ``.course/`` at the repository root; set ``COURSE_HOME`` to put it elsewhere. Jars, node
configs, log dirs, logs and pid files all live below it, so ``reset`` is one ``rmtree``.
"""

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "course_home"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def course_home() -> Path:
    """The course's data directory (``$COURSE_HOME`` or ``<repo>/.course``) (course machinery)."""
    return Path(os.environ.get("COURSE_HOME") or REPO_ROOT / ".course").resolve()
