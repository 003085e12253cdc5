"""On a class's shared cluster a lesson or lab that needs this machine's cluster stops at its first cell, in one
sentence saying why (``connect(local_only=...)``); the class lane runs every other lesson and lab 01-09 there."""

from pathlib import Path

import nbformat
import pytest

from course_lib.errors import CourseError
from course_lib.paths import REPO_ROOT

LOCAL_ONLY = sorted(path for pattern in ("notebooks/*.ipynb", "labs/*/solution.ipynb") for path in REPO_ROOT.glob(pattern)
                    if "connect(local_only=" in path.read_text(encoding="utf-8"))


def test_the_local_only_ones_are_the_ones_that_need_this_machine():
    names = {path.parent.name if path.name == "solution.ipynb" else path.stem for path in LOCAL_ONLY}
    assert {"03_the_log_on_disk", "06_replication_and_fault_tolerance", "08_retention_and_compaction"} <= names


@pytest.mark.parametrize("notebook", LOCAL_ONLY, ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_it_stops_at_its_first_cell_in_one_sentence(notebook: Path, student, monkeypatch):
    cells = [cell.source for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]
    first = next(source for source in cells if "connect(local_only=" in source)
    assert first == cells[0], "the lesson must stop before it does anything"
    monkeypatch.setenv("COURSE_PROFILE", str(student("local-only-reader")))
    with pytest.raises(CourseError) as stopped:
        exec(compile(first, str(notebook), "exec"), {})
    sentence = str(stopped.value)
    assert "needs the course's own cluster on this machine" in sentence and "\n" not in sentence
