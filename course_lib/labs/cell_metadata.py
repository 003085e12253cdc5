"""nbgrader's cell metadata on a lab notebook, so an instructor who uses nbgrader can import the labs as they are.

Every cell gets ``{"nbgrader": {...}}`` in nbgrader's schema version 3: a cell with ``### BEGIN SOLUTION`` is an
answer cell (``solution``), a cell calling ``checks.taskN(...)`` is a graded check (``grade``, ``locked``, one
point), everything else is locked. ``grade_id`` says where the cell is — its section (``intro``, ``task1``,
``summary``: the last heading above it) and its kind (``text``, ``code``, ``answer``, ``check``), numbered when a
section has more than one of a kind: ``task1-answer``, ``task1-check``, ``task4-answer-2``. A check cell never
raises, so under nbgrader's autograder its point means "the check ran"; whether the task is done is its verdict,
which ``python -m course_lib.labs grade`` reads.
"""

import re

import nbformat

from .verdict import task_number

__all__ = ["SCHEMA_VERSION", "CHECK", "with_nbgrader_metadata"]

SCHEMA_VERSION = 3
CHECK = re.compile(r"\bchecks\.task(\d+)\(")
HEADING = re.compile(r"^#+\s+(.*)$", re.MULTILINE)


def _section(heading: str, first: bool) -> str:
    """``task3`` for "Task 3 · ...", ``intro`` for the notebook's title, else the heading's first word."""
    if number := task_number(heading):
        return f"task{number}"
    if first:
        return "intro"
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-").split("-")[0] or "part"


def with_nbgrader_metadata(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` with every cell's ``nbgrader`` metadata set from its source and place (course machinery)."""
    section, seen = "intro", {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and (heading := HEADING.search(cell.source)):
            section = _section(heading.group(1), first=index == 0)
        check = CHECK.search(cell.source) if cell.cell_type == "code" else None
        answer = cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source
        kind = "check" if check else "answer" if answer else "text" if cell.cell_type == "markdown" else "code"
        base = f"task{check.group(1)}-check" if check else f"{section}-{kind}"
        seen[base] = seen.get(base, 0) + 1
        meta = {"grade": bool(check), "grade_id": base if seen[base] == 1 else f"{base}-{seen[base]}",
                "locked": not answer, "schema_version": SCHEMA_VERSION, "solution": answer}
        if check:
            meta["points"] = 1
        cell.metadata["nbgrader"] = meta
    return notebook
