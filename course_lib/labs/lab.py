"""A lab run: unique names for this attempt, and the verdicts of its checks.

Every run of a lab gets its own suffix, so names never collide with an earlier attempt (or with the
solution run by the test suite): ``lab.topic("orders")`` → ``"lab02-orders-3f9a1c2b"``. The checks in
``course_lib/labs/labNN.py`` inspect the cluster under those names, not the learner's variables. On a class's
shared cluster the names start with the student's namespace (``"alice.lab02-orders-3f9a1c2b"``), and every
verdict kept is also recorded there for the instructor (``course_lib.labs.recorded``).
"""

import uuid

from ..profile import active_profile
from .recorded import record_verdict
from .verdict import Verdict

__all__ = ["Lab"]


class Lab:
    """One attempt at lab ``number``; collects the verdict of each check (lab 01)."""

    def __init__(self, number: str, run_id: str | None = None, namespace: str | None = None):
        """``namespace`` (the grader's: it runs as the admin, without one) overrides the active profile's."""
        self.number = number
        self.run_id = run_id or uuid.uuid4().hex[:8]
        if namespace is None:
            profile = active_profile()
            namespace = profile.namespace if profile else ""
        self.namespace = namespace
        self.verdicts: dict[str, Verdict] = {}

    def topic(self, name: str) -> str:
        """This attempt's name for topic ``name``."""
        return f"{self.namespace}lab{self.number}-{name}-{self.run_id}"

    def group(self, name: str) -> str:
        """This attempt's name for consumer group ``name``."""
        return f"{self.namespace}lab{self.number}-{name}-{self.run_id}"

    def record(self, verdict: Verdict) -> Verdict:
        """Keep ``verdict`` (the latest per task) and return it, so a check cell displays it; in a namespace, also
        record it for the instructor's table."""
        self.verdicts[verdict.task] = verdict
        if self.namespace:
            record_verdict(self, verdict)
        return verdict

    def all_passed(self) -> bool:
        """Every task done, or skipped because this cluster cannot check it."""
        return bool(self.verdicts) and all(v.passed or v.skipped for v in self.verdicts.values())

    def summary(self) -> str:
        done = sum(v.passed for v in self.verdicts.values())
        skipped = sum(v.skipped for v in self.verdicts.values())
        lines = [f"Lab {self.number}: {done} of {len(self.verdicts)} tasks done" + (f", {skipped} skipped" if skipped else "")]
        lines += [f"  {verdict}" for verdict in self.verdicts.values()]
        return "\n".join(lines)
