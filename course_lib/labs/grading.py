"""Grading a class on its shared cluster: every student's latest attempt at every lab, task by task (README,
"Grading a class").

A student's attempts are found by their topics' names, ``<namespace>lab<NN>-<name>-<run id>`` (the 8 hex digits
``Lab`` draws), and by the run ids their notebook recorded; the latest is the one whose check the notebook recorded
last (an attempt no check ran in comes after those: a cell that never ran a check proves little). The newest record
of the attempts' topics would be a finer clock, but ListOffsets' max-timestamp (confluent-kafka 2.16) hung on the
secured cluster here. A check marked ``cluster_only`` (``task_check``) needs nothing but those names and the cluster, so the
grader runs it again, as the admin, on that attempt: "re-run by the grader". Every other check needs the student's
code, answers, kernel or machine, so the grader takes the verdict the student's own notebook recorded in
``<namespace>course-verdicts``: "recorded by the student's notebook" — self-reported, since a student can write
that topic.
"""

import importlib
import re
from dataclasses import dataclass

from ..errors import CourseError
from .lab import Lab
from .recorded import recorded_verdicts, task_key

__all__ = ["RERUN", "RECORDED", "Grade", "attempts", "latest_attempt", "lab_tasks", "grade_student"]

RERUN = "re-run by the grader"
RECORDED = "recorded by the student's notebook"


@dataclass(frozen=True)
class Grade:
    """One student's result on one task: done or not yet, the check's sentence, and where it came from."""
    student: str
    lab: str
    task: str
    passed: bool
    sentence: str
    source: str


def attempts(topics: list[str], namespace: str, lab_number: str) -> dict[str, list[str]]:
    """``{run id: [its topics]}`` for the topics of ``namespace``'s attempts at lab ``lab_number`` (course machinery)."""
    pattern = re.compile(rf"{re.escape(namespace)}lab{re.escape(lab_number)}-.+-(?P<run>[0-9a-f]{{8}})")
    found: dict[str, list[str]] = {}
    for topic in topics:
        if match := pattern.fullmatch(topic):
            found.setdefault(match.group("run"), []).append(topic)
    return found


def latest_attempt(times: dict[str, float]) -> str | None:
    """The run id with the newest time (the smallest id among equals, so grading twice gives one answer), or None
    (course machinery)."""
    return min(times, key=lambda run: (-times[run], run)) if times else None


def lab_tasks(lab_number: str) -> list:
    """Lab ``lab_number``'s checks, task 1 first (course machinery)."""
    try:
        module = importlib.import_module(f"course_lib.labs.lab{lab_number}")
    except ModuleNotFoundError:
        raise CourseError(f"There is no lab {lab_number}; name labs by their two digits, e.g. --labs 01,04.") from None
    names = [name for name in module.__all__ if re.fullmatch(r"task\d+", name)]
    return [getattr(module, name) for name in sorted(names, key=lambda name: int(name[4:]))]


def grade_student(namespace: str, lab_numbers: list[str], topics: list[str]) -> list[Grade]:
    """``namespace``'s grade on every task of each lab; ``topics`` are the cluster's (course machinery)."""
    student = namespace.rstrip(".") or "(no namespace)"
    recorded = recorded_verdicts(namespace)
    grades = []
    for number in lab_numbers:
        times = {run: -1.0 for run in attempts(topics, namespace, number)}
        for key, verdict in recorded.items():
            if key.startswith(f"lab{number}/"):
                times[verdict["run_id"]] = max(times.get(verdict["run_id"], -1), verdict["time"])
        run = latest_attempt(times)
        for check in lab_tasks(number):
            if check.cluster_only:
                if run is None:
                    passed, sentence = False, f"no attempt found (no topic {namespace}lab{number}-…)."
                else:
                    verdict = check(Lab(number, run, namespace=namespace))
                    passed, sentence = verdict.passed, verdict.message
                grades.append(Grade(student, number, check.task, passed, sentence, RERUN))
            else:
                mine = recorded.get(task_key(number, check.task))
                sentence = mine["message"] if mine else "the student's notebook has recorded no check of this task."
                grades.append(Grade(student, number, check.task, bool(mine and mine["passed"]), sentence, RECORDED))
    return grades
