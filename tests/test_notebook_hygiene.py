"""Notebooks are stored clean, named by one pattern, and end by checking their claim."""

import json
import re

import nbformat
import pytest

from course_lib.paths import REPO_ROOT

LESSON_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
LAB_DIR = re.compile(r"^\d\d_[a-z0-9_]+$")
LESSONS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
ALL = LESSONS + sorted((REPO_ROOT / "labs").glob("*/*.ipynb"))


def test_there_are_lessons():
    assert LESSONS


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(REPO_ROOT)) for p in ALL])
def test_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = [i for i, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(REPO_ROOT)) for p in ALL])
def test_every_cell_has_an_id(path):
    """nbformat 4.5 wants a cell id on every cell (a missing one is a warning today, an error in a future nbformat)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]  # as stored: nbformat.read would add missing ids
    assert all(cell.get("id") for cell in cells), [i for i, cell in enumerate(cells) if not cell.get("id")]


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(REPO_ROOT)) for p in ALL])
def test_every_code_cell_is_valid_python(path):
    """A syntax error found here costs a second; found by nbval, it costs a cluster run."""
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code" and not cell.source.lstrip().startswith(("%", "!")):
            compile(cell.source, f"{path.name}, cell {number}", "exec")


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lessons_are_named_and_end_by_asserting_their_claim(path):
    assert LESSON_NAME.match(path.name)
    code = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert "assert " in code[-1], "the last code cell should check the lesson's claim against the cluster"
    assert code[-1].rstrip().splitlines()[-1].startswith("print(course_lib.clean_up())"), \
        "a lesson ends by deleting what it created"


def test_labs_are_directories_with_solution_and_student_copies():
    for lab in (REPO_ROOT / "labs").iterdir():
        if lab.is_dir():
            assert LAB_DIR.match(lab.name), lab.name
            assert (lab / "solution.ipynb").exists() and (lab / "student.ipynb").exists(), lab.name


def test_the_readme_links_every_lesson_and_lab():
    readme = (REPO_ROOT / "README.md").read_text()
    missing = [str(path.relative_to(REPO_ROOT)) for path in LESSONS + sorted((REPO_ROOT / "labs").glob("*/student.ipynb"))
               if str(path.relative_to(REPO_ROOT)) not in readme]
    assert not missing, f"add these to the README's table of lessons: {missing}"
