"""Grading a class, the parts without a cluster: finding a student's latest attempt, which checks the grader may run
again, the CSV and HTML tables, and one sentence for bad input."""

import csv
import inspect
from html.parser import HTMLParser

import pytest

from course_lib.labs.commands import main
from course_lib.labs.grade_table import CSV_HEADER, summary, write_csv, write_html
from course_lib.labs.grading import RECORDED, RERUN, Grade, attempts, lab_tasks, latest_attempt
from course_lib.labs.recorded import task_key
from course_lib.paths import REPO_ROOT

LABS = sorted(path.parent.name[:2] for path in (REPO_ROOT / "labs").glob("*/solution.ipynb"))


def test_attempts_are_found_by_the_namespace_lab_and_run_id_in_topic_names():
    topics = ["alice.lab01-greetings-0a1b2c3d", "alice.lab01-orders-0a1b2c3d", "alice.lab01-audit-ffffffff",
              "alice.lab04-orders-0a1b2c3d",  # another lab
              "bob.lab01-greetings-12345678",  # another student
              "alice.bob.lab01-greetings-87654321",  # a namespace that only starts like alice's
              "alice.lab01-greetings-notahexid",  # not a Lab's run id
              "lab01-greetings-0a1b2c3d"]  # the course's own cluster, no namespace
    assert attempts(topics, "alice.", "01") == {"0a1b2c3d": ["alice.lab01-greetings-0a1b2c3d",
                                                             "alice.lab01-orders-0a1b2c3d"],
                                                "ffffffff": ["alice.lab01-audit-ffffffff"]}
    assert attempts(topics, "carol.", "01") == {}


def test_the_latest_attempt_is_the_newest_and_ties_are_decided_the_same_way_each_time():
    assert latest_attempt({"aaaaaaaa": 10.0, "bbbbbbbb": 30.0, "cccccccc": 20.0}) == "bbbbbbbb"
    assert latest_attempt({"bbbbbbbb": -1, "aaaaaaaa": -1}) == "aaaaaaaa"
    assert latest_attempt({}) is None


def test_a_verdict_is_recorded_under_its_lab_and_task_number():
    assert task_key("01", "Task 3 · the broker's clock") == "lab01/task3"
    assert task_key("04", "Task 12 · x") == "lab04/task12"


@pytest.mark.parametrize("number", LABS)
def test_a_check_the_grader_runs_again_needs_nothing_but_the_lab(number):
    """``cluster_only`` promises the check takes only the lab: a check that takes the student's function, answer or
    configs cannot be run by the grader."""
    checks = lab_tasks(number)
    assert checks and all(check.task.startswith(f"Task {i} ") for i, check in enumerate(checks, 1))
    for check in checks:
        if check.cluster_only:
            assert list(inspect.signature(check).parameters) == ["lab"], check.task


def test_lab_01s_task_2_is_not_run_again_its_clock_runs_out():
    assert [check.cluster_only for check in lab_tasks("01")] == [True, False, True, True]


GRADES = [Grade("alice", "01", "Task 1 · first greeting", True, "the greeting is stored.", RERUN),
          Grade("alice", "01", "Task 2 · back-dated", True, 'a <record> "stamped" at midnight.', RECORDED),
          Grade("bob", "01", "Task 1 · first greeting", False, "there is no topic bob.lab01-greetings yet.", RERUN),
          Grade("bob", "01", "Task 2 · back-dated", False, "no check recorded.", RECORDED)]


def test_the_csv_has_a_row_per_student_and_task(tmp_path):
    rows = list(csv.reader(write_csv(GRADES, tmp_path / "grades.csv").open(encoding="utf-8")))
    assert rows[0] == CSV_HEADER
    assert rows[1:] == [["alice", "01", "Task 1 · first greeting", "done", "the greeting is stored.", RERUN],
                        ["alice", "01", "Task 2 · back-dated", "done", 'a <record> "stamped" at midnight.', RECORDED],
                        ["bob", "01", "Task 1 · first greeting", "not yet", "there is no topic bob.lab01-greetings yet.",
                         RERUN],
                        ["bob", "01", "Task 2 · back-dated", "not yet", "no check recorded.", RECORDED]]


class _Table(HTMLParser):
    """The table's rows as [(text, title)] per cell."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ["", dict(attrs).get("title")]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))
            self._cell = None


def test_the_html_page_is_a_student_by_task_table_with_each_sentence_as_a_tooltip(tmp_path):
    table = _Table()
    table.feed(write_html(GRADES, tmp_path / "grades.html").read_text(encoding="utf-8"))
    header, alice, bob = table.rows
    assert [text for text, _ in header] == ["student", "Lab 01Task 1 · first greeting", "Lab 01Task 2 · back-dated"]
    assert alice == [("alice", None), ("done", f"the greeting is stored. ({RERUN})"),
                     ("done†", f'a <record> "stamped" at midnight. ({RECORDED})')]
    assert bob == [("bob", None), ("not yet", f"there is no topic bob.lab01-greetings yet. ({RERUN})"),
                   ("not yet†", f"no check recorded. ({RECORDED})")]


def test_the_summary_counts_students_tasks_and_what_was_self_reported():
    assert summary(GRADES) == "2 student(s): 2 of 4 tasks done (1 of them recorded by the students' notebooks)."


@pytest.mark.parametrize("argv, sentence", [
    (["--namespace", "alice.", "--labs", "1,x"], "--labs '1,x' is not a list of two-digit lab numbers"),
    (["--namespace", "alice.", "--labs", "19"], "There is no lab 19"),
    (["--roster", "/nonexistent/roster.csv"], "Could not read the roster /nonexistent/roster.csv"),
    (["--namespace", "alice."], "grade reads a class's shared cluster as its admin"),
])
def test_bad_input_gets_one_sentence(argv, sentence, tmp_path, monkeypatch, capsys):
    for name in ("COURSE_PROFILE", "COURSE_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    assert main(["grade", *argv, "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith(sentence) and "\n" not in out and "Traceback" not in out


def test_a_students_profile_cannot_grade_the_class(tmp_path, monkeypatch, capsys):
    profile = tmp_path / "alice.properties"
    profile.write_text("bootstrap.servers=localhost:9492\ncourse.namespace=alice.\n")
    monkeypatch.setenv("COURSE_PROFILE", str(profile))
    assert main(["grade", "--namespace", "bob.", "--out", str(tmp_path)]) == 1
    assert "is the profile of namespace 'alice.'; point COURSE_PROFILE at the admin's profile" in capsys.readouterr().out


def test_a_roster_needs_a_namespace_or_student_column(tmp_path, monkeypatch, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("email\nalice@example.org\n")
    assert main(["grade", "--roster", str(roster), "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().out.strip() == (f"The roster {roster} has no 'namespace' or 'student' column; add a "
                                               "header line naming one.")
