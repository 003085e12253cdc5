"""Verdicts a student's notebook recorded on a class's shared cluster, for the instructor's table (README, "Grading
a class").

Under a profile with a namespace, every verdict a lab keeps (``lab.record``) is also written to the compacted topic
``<namespace>course-verdicts`` as JSON keyed ``lab<NN>/task<N>``, so the latest check of each task is what stays.
The student's ACLs cover that topic (it is in their namespace) — which also means the student can write anything
to it: what it holds is self-reported. On the course's own cluster nothing is written.
"""

import json
import time

from confluent_kafka import KafkaException

from ..clients.admin import create_topic, list_topics
from ..clients.produce import produce_one
from ..clients.reading import read_all
from ..connection import reason
from ..errors import CourseError
from ..tidy import VERDICTS_TOPIC
from .verdict import Verdict, task_number

__all__ = ["record_verdict", "recorded_verdicts", "task_key"]


def task_key(lab_number: str, task: str) -> str:
    """``lab01/task1`` for lab 01's "Task 1 · ..." (the task's whole name when it has no number) (course machinery)."""
    number = task_number(task)
    return f"lab{lab_number}/" + (f"task{number}" if number else task)


def record_verdict(lab, verdict: Verdict) -> None:
    """Write ``verdict`` to ``lab``'s namespace's verdicts topic (created on first use); a failure is said in one
    line and changes nothing else (course machinery: ``Lab.record``)."""
    topic = f"{lab.namespace}{VERDICTS_TOPIC}"
    record = {"lab": lab.number, "task": verdict.task, "run_id": lab.run_id, "passed": verdict.passed,
              "message": verdict.message, "time": time.time()}
    try:
        if topic not in list_topics():
            create_topic(topic, partitions=1, replication_factor=-1, config={"cleanup.policy": "compact"})
        produce_one(topic, json.dumps(record), key=task_key(lab.number, verdict.task))
    except (CourseError, KafkaException) as error:
        print(f"(This verdict was not recorded for your instructor in {topic}: {reason(error)} — run the check "
              "again once the cluster answers.)")


def recorded_verdicts(namespace: str) -> dict[str, dict]:
    """The latest recorded verdict per ``lab<NN>/task<N>`` key in ``namespace``'s verdicts topic ({} when it has
    none); a record that is not a verdict is skipped (course machinery: ``grade``)."""
    topic = f"{namespace}{VERDICTS_TOPIC}"
    if topic not in list_topics():
        return {}
    latest = {}
    for record in read_all(topic):
        try:
            value = json.loads(record.value)
            latest[record.key] = {"passed": value["passed"] is True, "message": str(value["message"]),
                                  "run_id": str(value["run_id"]), "time": float(value["time"])}
        except (TypeError, ValueError, KeyError):
            continue
    return latest
