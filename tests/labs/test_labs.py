"""Labs: student copies are generated from the solutions and up to date, and a student copy run as
is (nothing solved) gets "not yet" from every check instead of crashing."""

import re
from pathlib import Path

import nbformat
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


NOTEBOOKS = sorted((REPO_ROOT / "labs").glob("*/*.ipynb"))
NBGRADER_KEYS = {"grade", "grade_id", "locked", "schema_version", "solution", "points"}  # nbgrader's schema 3 allows
GRADE_ID = re.compile(r"[a-zA-Z0-9_\-]+")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(REPO_ROOT / "labs")) for p in NOTEBOOKS])
def test_every_cell_carries_valid_nbgrader_metadata_with_unique_grade_ids(path: Path):
    """What nbgrader's validator (schema version 3) demands, and what the labs promise: an answer cell is a solution,
    each task's check cell is graded with points, everything else is locked."""
    cells = nbformat.read(path, as_version=4).cells
    metas = [cell.metadata.get("nbgrader") for cell in cells]
    assert all(metas), [i for i, meta in enumerate(metas) if not meta]
    for cell, meta in zip(cells, metas):
        assert set(meta) <= NBGRADER_KEYS and {"grade", "locked", "solution", "schema_version"} <= set(meta), meta
        assert meta["schema_version"] == 3 and GRADE_ID.fullmatch(meta["grade_id"]), meta
        assert ("points" in meta) == meta["grade"] and meta.get("points", 1) > 0, meta
        assert not (cell.cell_type == "markdown" and (meta["grade"] or meta["solution"])), meta  # read-only text
        check = re.search(r"\bchecks\.task(\d+)\(", cell.source)
        assert meta["grade"] == bool(check) and meta["locked"] == (not meta["solution"]), (meta, cell.source)
        if check:
            assert meta["grade_id"] == f"task{check.group(1)}-check"
        if "### BEGIN SOLUTION" in cell.source or "Your code here" in cell.source:
            assert meta["solution"] and meta["grade_id"].split("-")[1] == "answer", meta
    ids = [meta["grade_id"] for meta in metas]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    checks = [meta["grade_id"] for meta in metas if meta["grade"]]
    assert checks == [f"task{n}-check" for n in range(1, len(checks) + 1)]


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
