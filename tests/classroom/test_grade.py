"""Grading a class on the secured cluster: one student does lab 01 in her namespace, another does nothing; the grader
(the admin) re-runs the checks that need only the cluster, takes the others from the student's own records, and
its CSV and HTML tables say who is done."""

import csv
import json
import os
import subprocess
import sys

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient

import course_lib
from course_lib.clients.admin import create_topic, list_topics
from course_lib.clients.produce import produce_one
from course_lib.clients.reading import read_all
from course_lib.labs import Lab, Verdict
from course_lib.labs import lab01 as checks
from course_lib.labs.grading import RECORDED, RERUN
from course_lib.paths import REPO_ROOT

DONE_BY, IDLE = "grade-ann", "grade-ben"  # two students: their users, and their namespaces with a "."


def _do_lab_01(cluster) -> Lab:
    """Lab 01's solution, cell by cell, as the student runs it (with the profile's client config)."""
    lab = Lab("01")
    create_topic(lab.topic("greetings"), partitions=3)
    produce_one(lab.topic("greetings"), "hello, Kafka", key="learner")
    lab.record(checks.task1(lab))
    producer = Producer(cluster.client_config())
    producer.produce(lab.topic("greetings"), key=b"history", value=b"written at midnight",
                     headers=[("lang", b"en")], timestamp=checks.MIDNIGHT)
    assert producer.flush(30) == 0
    lab.record(checks.task2(lab))
    create_topic(lab.topic("audit"), partitions=1, config={"message.timestamp.type": "LogAppendTime"})
    produce_one(lab.topic("audit"), "logged in", key="user-7")
    lab.record(checks.task3(lab))
    create_topic(lab.topic("orders"), partitions=3)
    for i in range(checks.ORDERS):
        key, value = checks.order(i)
        producer.produce(lab.topic("orders"), key=key.encode(), value=value.encode())
    assert producer.flush(30) == 0
    lab.record(checks.task4(lab))
    return lab


@pytest.fixture(scope="module")
def class_of_two(secure, student):
    """Two students' profiles; afterwards every topic in their namespaces is deleted (as the admin)."""
    profiles = {name: student(name) for name in (DONE_BY, IDLE)}
    yield profiles
    admin = AdminClient(secure.client_config("admin"))
    mine = [t for t in admin.list_topics(timeout=10).topics if t.startswith((f"{DONE_BY}.", f"{IDLE}."))]
    if mine:
        for future in admin.delete_topics(mine, operation_timeout=30).values():
            future.result()


def _grade(secure, out, *namespaces: str) -> subprocess.CompletedProcess:
    """``python -m course_lib.labs grade --secure`` in a process of its own, as an instructor runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_KAFKA_", "COURSE_PROFILE"))}
    args = [arg for ns in namespaces for arg in ("--namespace", ns)]
    return subprocess.run([sys.executable, "-m", "course_lib.labs", "grade", *args, "--labs", "01", "--out", str(out),
                           "--secure"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_grader_marks_a_students_done_tasks_and_the_others_not_yet(class_of_two, secure, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROFILE", str(class_of_two[DONE_BY]))
    lab = _do_lab_01(course_lib.connect(quiet=True))
    assert lab.all_passed(), lab.summary()
    assert lab.topic("greetings").startswith(f"{DONE_BY}.lab01-greetings-")
    recorded = {r.key: json.loads(r.value) for r in read_all(f"{DONE_BY}.course-verdicts")}
    assert recorded["lab01/task2"]["run_id"] == lab.run_id and recorded["lab01/task2"]["passed"] is True
    monkeypatch.delenv("COURSE_PROFILE")

    done = _grade(secure, tmp_path, f"{DONE_BY}.", f"{IDLE}.")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 student(s): 4 of 8 tasks done (1 of them recorded by the students' notebooks)." in done.stdout
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    table = {(row["student"], row["task"][:6]): row for row in rows}
    assert len(rows) == 8
    for task, source in (("Task 1", RERUN), ("Task 2", RECORDED), ("Task 3", RERUN), ("Task 4", RERUN)):
        assert table[DONE_BY, task]["result"] == "done" and table[DONE_BY, task]["source"] == source, table[DONE_BY, task]
        assert table[IDLE, task]["result"] == "not yet" and table[IDLE, task]["source"] == source, table[IDLE, task]
    assert table[DONE_BY, "Task 2"]["sentence"] == recorded["lab01/task2"]["message"]
    assert table[IDLE, "Task 1"]["sentence"] == f"no attempt found (no topic {IDLE}.lab01-…)."
    page = (tmp_path / "grades.html").read_text(encoding="utf-8")
    assert page.count(">done<") == 3 and page.count(">done†<") == 1 and page.count(">not yet") == 4


def test_the_grader_takes_the_students_record_for_a_check_it_cannot_run(class_of_two, secure, monkeypatch, tmp_path):
    """A verdict in the student's verdicts topic is what the table shows for task 2 — even one that says not yet."""
    monkeypatch.setenv("COURSE_PROFILE", str(class_of_two[IDLE]))
    Lab("01").record(Verdict("Task 2 · back-dated, with a header", False, "the 'history' record has no header lang=en."))
    monkeypatch.delenv("COURSE_PROFILE")
    done = _grade(secure, tmp_path, f"{IDLE}.")
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(r for r in csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")) if r["task"].startswith("Task 2"))
    assert row == {"student": IDLE, "lab": "01", "task": "Task 2 · back-dated, with a header", "result": "not yet",
                   "sentence": "the 'history' record has no header lang=en.", "source": RECORDED}


def test_a_verdict_that_cannot_be_recorded_says_so_in_one_line_and_stays_the_verdict(class_of_two, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", str(class_of_two[DONE_BY]))
    lab = Lab("01", namespace=f"{IDLE}.")  # not this student's namespace: no right to write there
    verdict = Verdict("Task 1 · first greeting", True, "the greeting is stored.")
    assert lab.record(verdict) is verdict and lab.all_passed()
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"(This verdict was not recorded for your instructor in {IDLE}.course-verdicts: ")
    assert "\n" not in said


def test_without_a_namespace_nothing_is_recorded(secure, monkeypatch):
    for key, value in secure.client_config("admin").items():
        monkeypatch.setenv("COURSE_KAFKA_" + key.upper().replace(".", "_"), str(value))
    Lab("01").record(Verdict("Task 1 · first greeting", True, "the greeting is stored."))
    assert "course-verdicts" not in list_topics()
