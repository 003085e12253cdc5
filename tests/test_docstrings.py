"""Every public helper says where the course introduces it (d2l's habit): a lesson, a lab, or course machinery.

Pure: reads the source with ``ast``, imports nothing. A public name is a module-level function or class not
starting with ``_`` (and in ``__all__`` when the module has one); its own docstring or its module's docstring
must mention "lesson", "lab" or "course machinery". The task checks of ``labs/labNN.py`` are left out: their
names say the task already.
"""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"
WHERE = re.compile(r"\blessons?\b|\blabs?\b|course machinery", re.IGNORECASE)
LAB_CHECKS = re.compile(r"labs/lab\d+\.py$")



def public_definitions(tree: ast.Module):
    """The module-level functions and classes a learner or another module may use."""
    exported = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            exported = {ast.literal_eval(e) for e in node.value.elts}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_") \
                and (exported is None or node.name in exported):
            yield node


def unplaced(package: Path = PACKAGE) -> list[str]:
    """``file: name`` for every public helper whose docstrings do not say where the course introduces it."""
    missing = []
    for file in sorted(package.rglob("*.py")):
        relative = file.relative_to(package.parent).as_posix()
        tree = ast.parse(file.read_text())
        module_says = bool(WHERE.search(ast.get_docstring(tree) or ""))
        for node in public_definitions(tree):
            if LAB_CHECKS.search(relative) and node.name.startswith("task"):
                continue
            if not (module_says or WHERE.search(ast.get_docstring(node) or "")):
                missing.append(f"{relative}: {node.name}")
    return missing


def test_every_public_helper_names_the_lesson_that_introduces_it():
    assert unplaced() == [], 'add "(lesson NN)", "(lab NN)" or "(course machinery)" to these docstrings'
