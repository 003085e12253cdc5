"""The class list: a CSV file with a header, a ``student`` column (the user name) and an optional ``password``."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

__all__ = ["Student", "read_roster", "check_name"]

# No '.': a student's namespace is "<name>.", so no name can be another's namespace plus a bit ("bob" and "bob.x").
NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Student:
    """One row of the roster (course machinery)."""
    name: str
    password: str | None = None  # None: generated (or the one in their profile file, if it exists)

    @property
    def namespace(self) -> str:
        return f"{self.name}."


def check_name(name: str, where: str) -> str:
    """``name`` if it can be a student's user name and namespace, else one sentence naming ``where`` it came from
    (course machinery)."""
    if not NAME.fullmatch(name):
        raise CourseError(f"{where}: the student name {name!r} may hold only letters, digits, '_' and '-' (it becomes "
                          "the user name and the namespace prefix); fix it.")
    return name


def read_roster(path: Path) -> list[Student]:
    """The students of a roster file, in its order (course machinery)."""
    if not path.is_file():
        raise CourseError(f"The roster {path} is not a file; give a CSV file with a header line and a 'student' column.")
    with path.open(newline="") as file:
        reader = csv.DictReader(file)
        header = [column.strip() for column in reader.fieldnames or []]
        rows = list(reader)
    if "student" not in header:
        raise CourseError(f"The roster {path} has no 'student' column in its header line ({', '.join(header) or 'empty'}); "
                          "its first line must name the columns: student[,password].")
    students, seen = [], set()
    for number, row in enumerate(rows, start=2):
        if None in row:  # more fields than the header names
            raise CourseError(f"{path}, line {number} has more fields than the header ({', '.join(header)}); "
                              "remove the extra commas.")
        row = {key.strip(): (value or "").strip() for key, value in row.items()}
        name = check_name(row["student"], f"{path}, line {number}")
        if name in seen:
            raise CourseError(f"{path}, line {number}: the student {name!r} is listed twice; keep one line.")
        seen.add(name)
        students.append(Student(name, row.get("password") or None))
    if not students:
        raise CourseError(f"The roster {path} lists no students; add one line per student under the header.")
    return students
