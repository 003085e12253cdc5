"""``python -m course_lib class cleanup``: delete the topics and empty consumer groups in students' namespaces, as
``python -m course_lib tidy`` does on the course's own cluster (``tidy.sweep``, with the instructor's client)."""

from pathlib import Path

from ..errors import CourseError
from ..tidy import sweep
from .admin import Admin
from .roster import check_name, read_roster

__all__ = ["cleanup", "namespaces"]


def namespaces(names: list[str], everyone: bool = False, roster: Path | None = None) -> tuple[str, ...]:
    """The prefixes to clean: ``<student>.`` for each name (a name ending in '.' is a prefix already), or with
    ``everyone`` every namespace of ``roster`` (course machinery)."""
    if everyone:
        if names or roster is None:
            raise CourseError("--all cleans every namespace of a roster: give --roster roster.csv and no student names.")
        return tuple(student.namespace for student in read_roster(roster))
    if not names:
        raise CourseError("Name the students (or namespaces such as 'alice.') whose topics and groups to delete, or "
                          "give --all --roster roster.csv for the whole class.")
    return tuple(f"{check_name(name.removesuffix('.'), 'class cleanup')}." for name in names)


def cleanup(admin: Admin, prefixes: tuple[str, ...], dry_run: bool = False) -> str:
    """Delete (``dry_run``: list) the topics and empty groups whose names start with one of ``prefixes``; ``tidy``'s
    report (course machinery)."""
    with admin.session() as client:
        return sweep(client, dry_run, prefixes)
