"""What a lab check answers: passed or not, in one friendly sentence, with a hint when not."""

import re
from dataclasses import dataclass
from html import escape

__all__ = ["Verdict", "task_number"]

_NUMBERED = re.compile(r"Task (\d+)\b")


def task_number(name: str) -> str | None:
    """"3" for a task named "Task 3 · ...", None for a name without a number (course machinery: the recorded
    verdicts' keys and the labs' nbgrader metadata)."""
    match = _NUMBERED.match(name)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Verdict:
    """One check's answer: the task, passed or not, a message and maybe a hint; prints as one line. A *skipped*
    verdict is a task this cluster cannot check (a local-only one, on a class's shared cluster).

    Course machinery.
    """
    task: str
    passed: bool
    message: str
    hint: str | None = None
    skipped: bool = False

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"✔ {self.task}: {self.message}"
        if self.skipped:
            return f"– {self.task} — skipped: {self.message}"
        return f"✘ {self.task} — not yet: {self.message}" + (f" Hint: {self.hint}" if self.hint else "")

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#6e7781" if self.skipped else "#b35900"
        return f'<div style="font-size:1.1em;color:{colour};font-weight:600">{escape(str(self))}</div>'
