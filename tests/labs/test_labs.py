"""Labs: student copies are generated from the solutions and up to date, and a student copy run as
is (nothing solved) gets "not yet" from every check instead of crashing."""

from pathlib import Path

import pytest
from untouched import assert_told_not_yet  # tests/labs/untouched.py

from course_lib.labs import Lab, Verdict
from course_lib.labs.student_copy import generate, student_source
from course_lib.paths import REPO_ROOT

# Lab 20's starts the secured cluster: tests/labs/test_lab20.py runs it, in the lane of lesson 20. Lab 21's runs in
# tests/labs/test_lab21.py, beside the checks it exercises; lab 23's, which starts the tiered-storage cluster, in
# tests/labs/test_lab23.py.
STUDENT_COPIES = sorted(path for path in (REPO_ROOT / "labs").glob("*/student.ipynb")
                        if not path.parent.name.startswith(("20_", "21_", "23_")))


def test_solution_regions_become_todo_and_hidden_tests_disappear():
    source = "a = 1\nif a:\n    ### BEGIN SOLUTION\n    b = 2\n    ### END SOLUTION\n### BEGIN HIDDEN TESTS\nassert b\n### END HIDDEN TESTS\nprint(a)"
    assert student_source(source) == 'a = 1\nif a:\n    raise NotImplementedError("Your code here")\nprint(a)'


def test_an_unclosed_solution_region_is_an_error():
    with pytest.raises(ValueError, match="unclosed"):
        student_source("### BEGIN SOLUTION\nx = 1")


def test_student_copies_are_up_to_date():
    assert generate(check=True) == [], "run `python -m course_lib.labs generate` and commit the student copies"


def test_a_lab_collects_verdicts_and_names_are_unique_per_attempt():
    first, second = Lab("02"), Lab("02")
    assert first.topic("orders") != second.topic("orders")
    assert not first.all_passed()  # nothing checked yet is not a pass
    first.record(Verdict("Task 1", True, "done"))
    first.record(Verdict("Task 2", False, "the topic has 3 partitions, not 6", "use add_partitions"))
    assert not first.all_passed() and "1 of 2 tasks done" in first.summary()
    first.record(Verdict("Task 2", True, "done"))
    assert first.all_passed()


@pytest.mark.parametrize("path", STUDENT_COPIES, ids=[p.parent.name for p in STUDENT_COPIES])
def test_an_untouched_student_copy_is_told_not_yet(path: Path, cluster):
    assert_told_not_yet(path)
