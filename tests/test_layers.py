"""course_lib's imports run down its layers (README, "For contributors"): no import from a lower layer up, no cycle."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"
# Highest first; a folder or top-level module may import only from the layers below its own.
LAYERS = [["labs", "classroom"], ["capstone", "views", "experiments"], ["log", "registry", "metrics"], ["clients"], ["session"],
          ["cluster"], ["metadata"], ["toolchain"], ["tidy"], ["connection", "waiting", "paths"], ["profile"], ["errors"]]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def imports() -> list[tuple[str, str, str]]:
    """(importing part, imported part, file) for every import between two parts of course_lib."""
    found = []
    for file in PACKAGE.rglob("*.py"):
        parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = parts[:-1]
        for node in ast.walk(ast.parse(file.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package[:len(package) - node.level + 1]
                targets = [base + node.module.split(".")] if node.module else [base + [a.name] for a in node.names]
            elif (node.module or "").startswith("course_lib."):
                targets = [node.module.split(".")]
            else:
                continue
            for target in targets:
                if len(target) > 1 and len(parts) > 1 and target[1] != parts[1]:
                    found.append((parts[1], target[1], str(file.relative_to(PACKAGE.parent))))
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and not p.stem.startswith("__")) or (p / "__init__.py").exists()}
    assert parts - set(RANK) == set(), "add the new folder or module to LAYERS here and to the README's map"


def test_imports_run_down_the_layers():
    upward = [f"{file}: {importer} imports {imported}, which is not below it"
              for importer, imported, file in imports()
              if not importer.startswith("__") and RANK[imported] <= RANK[importer]]  # __init__, __main__: on top
    assert upward == []
