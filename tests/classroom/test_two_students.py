"""Two students of one class at once (issue 18's proof): each runs lab 01's and lab 04's solution notebooks under
their own profile on the shared (secured) cluster at the same time, nothing collides, and the grader's table says
both are done with every task. A student's client cannot read the other's topics."""

import csv
import os
import subprocess
import sys

import pytest
from confluent_kafka import Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient

from course_lib.paths import REPO_ROOT
from course_lib.profile import read_profile

STUDENTS = ("pair-ada", "pair-bo")
NOTEBOOKS = ("labs/01_first_message/solution.ipynb", "labs/04_consuming_and_offsets/solution.ipynb")


def _environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_KAFKA_") and k != "COURSE_PROFILE"}
    return {**env, **extra}


@pytest.fixture(scope="module")
def runs(secure, student, tmp_path_factory):
    """Both students' runs of the two solutions, started together and waited for (each writing to a file, so neither
    blocks on a full pipe); their topics deleted after."""
    profiles = {name: student(name) for name in STUDENTS}
    logs = {name: tmp_path_factory.mktemp("runs") / f"{name}.log" for name in STUDENTS}
    nbval = ["--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600", "-q", "-p", "no:cacheprovider"]
    running = {}
    for name, profile in profiles.items():
        with logs[name].open("w") as log:
            running[name] = subprocess.Popen([sys.executable, "-m", "pytest", *NOTEBOOKS, *nbval], cwd=REPO_ROOT,
                                             env=_environment(COURSE_PROFILE=str(profile)), stdout=log,
                                             stderr=subprocess.STDOUT)
    outcomes = {name: (run.wait(timeout=900), logs[name].read_text()) for name, run in running.items()}
    yield profiles, outcomes
    with AdminClient(secure.client_config("admin")) as admin:
        theirs = [t for t in admin.list_topics(timeout=10).topics if t.startswith(tuple(f"{s}." for s in STUDENTS))]
        if theirs:
            for future in admin.delete_topics(theirs, operation_timeout=30).values():
                future.result()


def test_both_students_solutions_pass_at_the_same_time(runs):
    _, outcomes = runs
    for name, (code, output) in outcomes.items():
        assert code == 0, f"{name}'s run:\n{output[-3000:]}"


def test_each_students_topics_are_in_their_namespace_only(runs, secure):
    with AdminClient(secure.client_config("admin")) as admin:
        topics = set(admin.list_topics(timeout=10).topics)
    for name in STUDENTS:
        greetings = [t for t in topics if t.startswith(f"{name}.lab01-greetings-")]
        offsets = [t for t in topics if t.startswith(f"{name}.lab04-")]
        assert greetings and offsets, f"{name}'s lab topics: {sorted(t for t in topics if t.startswith(name))}"
    assert not [t for t in topics if t.startswith(("lab01-", "lab04-"))], "a lab topic outside every namespace"


def test_a_student_cannot_read_the_other_students_topic(runs, secure):
    profiles, _ = runs
    with AdminClient(secure.client_config("admin")) as admin:
        theirs = next(t for t in admin.list_topics(timeout=10).topics if t.startswith(f"{STUDENTS[1]}.lab01-greetings-"))
    me = read_profile(profiles[STUDENTS[0]])
    consumer = Consumer({"bootstrap.servers": me.bootstrap_servers, **me.security,
                         "group.id": f"{me.namespace}snoop", "auto.offset.reset": "earliest"})
    try:
        consumer.assign([TopicPartition(theirs, 0)])
        message = consumer.poll(15)
    finally:
        consumer.close()
    assert message is not None and message.error() is not None, "the other student's records were readable"
    assert message.error().code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, message.error()


def test_the_grader_finds_both_students_done(runs, tmp_path):
    grading = subprocess.run([sys.executable, "-m", "course_lib.labs", "grade", "--secure", "--labs", "01,04",
                              "--out", str(tmp_path), *[arg for s in STUDENTS for arg in ("--namespace", f"{s}.")]],
                             cwd=REPO_ROOT, env=_environment(), capture_output=True, text=True, timeout=600)
    assert grading.returncode == 0, grading.stdout + grading.stderr
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    assert {row["student"] for row in rows} == set(STUDENTS)
    assert {row["lab"] for row in rows} == {"01", "04"}
    not_done = [(row["student"], row["lab"], row["task"], row["sentence"]) for row in rows if row["result"] != "done"]
    assert not not_done, not_done
    page = (tmp_path / "grades.html").read_text(encoding="utf-8")
    assert all(name in page for name in STUDENTS) and "not yet" not in page
