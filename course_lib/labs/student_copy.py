"""Make a lab's student notebook from its solution notebook (one source of truth, as nbgrader does).

In ``solution.ipynb`` code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError("Your code here")`` (indented like the solution) in ``student.ipynb``, and
``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` is removed. Outputs are never kept. Both notebooks carry
nbgrader's cell metadata (``course_lib.labs.cell_metadata``), set here so every lab gets it the same way.

    python -m course_lib.labs generate          # rewrite every labs/*/student.ipynb (and solutions' metadata)
    python -m course_lib.labs generate --check  # exit 1 if any of them is stale (CI)
"""

import re
from pathlib import Path

import nbformat

from ..paths import REPO_ROOT
from .cell_metadata import with_nbgrader_metadata

__all__ = ["student_source", "student_notebook", "generate"]

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
HIDDEN_BEGIN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$")
HIDDEN_END = re.compile(r"^\s*### END HIDDEN TESTS\s*$")


def student_source(source: str) -> str:
    """The student version of one code cell's source (course machinery)."""
    out, skipping = [], None
    for line in source.splitlines():
        if skipping is None and (match := BEGIN.match(line)):
            out.append(f'{match.group(1)}raise NotImplementedError("Your code here")')
            skipping = END
        elif skipping is None and HIDDEN_BEGIN.match(line):
            skipping = HIDDEN_END
        elif skipping is not None:
            if skipping.match(line):
                skipping = None
        else:
            out.append(line)
    if skipping is not None:
        raise ValueError(f"unclosed region in cell:\n{source}")
    return "\n".join(out)


def student_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student copy: solutions stubbed, hidden tests (and cells left empty by them) removed (course machinery)."""
    student = nbformat.from_dict(solution)
    kept = []
    for cell in student.cells:
        if cell.cell_type == "code":
            had_code = bool(cell.source.strip())
            cell.source = student_source(cell.source)
            cell.outputs = []
            cell.execution_count = None
            if had_code and not cell.source.strip():
                continue
        kept.append(cell)
    student.cells = kept
    return student


def generate(check: bool = False, labs_dir: Path = REPO_ROOT / "labs") -> list[Path]:
    """Write (or, with ``check``, compare) every ``student.ipynb`` and the nbgrader metadata of every
    ``solution.ipynb``; return the stale ones (course machinery)."""
    stale = []
    for solution_path in sorted(labs_dir.glob("*/solution.ipynb")):
        solution = with_nbgrader_metadata(nbformat.read(solution_path, as_version=4))
        for path, notebook in ((solution_path, solution),
                               (solution_path.with_name("student.ipynb"), student_notebook(solution))):
            text = nbformat.writes(notebook) + "\n"
            if not path.exists() or path.read_text() != text:
                stale.append(path)
                if not check:
                    path.write_text(text)
    return stale
