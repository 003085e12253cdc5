"""Make a lab's student notebook from its solution notebook (one source of truth, as nbgrader does).

In ``solution.ipynb`` code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError("Your code here")`` (indented like the solution) in ``student.ipynb``, and
``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` is removed. Outputs are never kept.

    python -m course_lib.labs generate          # rewrite every labs/*/student.ipynb
    python -m course_lib.labs generate --check  # exit 1 if any student copy is stale (CI)
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

from ..paths import REPO_ROOT

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
    """Write (or, with ``check``, compare) every ``student.ipynb``; return the stale ones (course machinery)."""
    stale = []
    for solution_path in sorted(labs_dir.glob("*/solution.ipynb")):
        student_path = solution_path.with_name("student.ipynb")
        text = nbformat.writes(student_notebook(nbformat.read(solution_path, as_version=4))) + "\n"
        if not student_path.exists() or student_path.read_text() != text:
            stale.append(student_path)
            if not check:
                student_path.write_text(text)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.labs")
    parser.add_argument("command", choices=["generate"])
    parser.add_argument("--check", action="store_true", help="fail if a student copy is out of date")
    args = parser.parse_args(argv)
    stale = generate(check=args.check)
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(REPO_ROOT)}")
    if args.check and stale:
        print("Student copies are out of date; run `python -m course_lib.labs generate` and commit them.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
