"""``python -m course_lib.labs``: make the student copies, and grade a class (README, "Labs").

    python -m course_lib.labs generate [--check]
    python -m course_lib.labs grade (--roster roster.csv | --namespace alice. ...) [--labs 01,04] --out DIR [--secure]

``grade`` runs as the class's admin: the profile ``COURSE_PROFILE`` (or the ``COURSE_KAFKA_*`` variables) names,
without a namespace — or, with ``--secure``, the admin of the course's secured cluster (lesson 20). Every failure
the instructor can fix is one sentence, exit status 1.
"""

import argparse
import csv
import os
import re
from pathlib import Path

from confluent_kafka import KafkaException

from ..clients.admin import list_topics
from ..connection import reason
from ..errors import CourseError
from ..paths import REPO_ROOT
from ..profile import ENVIRONMENT_PREFIX, PROFILE_SETTING, active_profile
from .grade_table import summary, write_csv, write_html
from .grading import grade_student, lab_tasks
from .student_copy import generate

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_lib.labs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    make = commands.add_parser("generate", help="write every lab's student copy from its solution")
    make.add_argument("--check", action="store_true", help="fail if a student copy is out of date")
    grade = commands.add_parser("grade", help="grade every student's labs on the class's shared cluster")
    who = grade.add_mutually_exclusive_group(required=True)
    who.add_argument("--roster", type=Path, help="a CSV file with a 'namespace' (or a 'student') column")
    who.add_argument("--namespace", action="append", help="a student's namespace, e.g. alice. (repeatable)")
    grade.add_argument("--labs", help="comma-separated lab numbers, e.g. 01,04 (default: every lab)")
    grade.add_argument("--out", type=Path, required=True, help="the folder for grades.csv and grades.html")
    grade.add_argument("--secure", action="store_true", help="the course's secured cluster (lesson 20), as its admin")
    return parser


def _namespaces(roster: Path | None, given: list[str] | None) -> list[str]:
    """The students' namespaces: as given, or the roster's 'namespace' column (else its 'student' column + '.')."""
    if given:
        return given
    try:
        with roster.open(newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    except OSError as error:
        raise CourseError(f"Could not read the roster {roster} ({error.strerror}); pass the path of a CSV file.") from None
    column = next((c for c in ("namespace", "student") if rows and c in rows[0]), None)
    if column is None:
        raise CourseError(f"The roster {roster} has no 'namespace' or 'student' column; add a header line naming one.")
    names = [row[column].strip() for row in rows if (row[column] or "").strip()]
    return [name if column == "namespace" or name.endswith(".") else f"{name}." for name in names]


def _labs(text: str | None) -> list[str]:
    """The lab numbers asked for (checked), or every lab that has a solution notebook."""
    if text is None:
        return sorted(path.parent.name[:2] for path in (REPO_ROOT / "labs").glob("*/solution.ipynb"))
    numbers = [part.strip() for part in text.split(",") if part.strip()]
    if not numbers or not all(re.fullmatch(r"\d\d", n) for n in numbers):
        raise CourseError(f"--labs {text!r} is not a list of two-digit lab numbers; write e.g. --labs 01,04.")
    for number in numbers:
        lab_tasks(number)  # one sentence for a lab that does not exist
    return numbers


def _as_admin(secure: bool) -> None:
    """Make the admin's connection this process's profile: the secured cluster's admin (``--secure``), or the
    profile already set, which must have no namespace."""
    if secure:
        from ..cluster.secure import SecureCluster
        os.environ.pop(PROFILE_SETTING, None)
        os.environ.pop("COURSE_NAMESPACE", None)
        for key in [k for k in os.environ if k.startswith(ENVIRONMENT_PREFIX)]:
            del os.environ[key]
        for key, value in SecureCluster().client_config("admin").items():
            os.environ[ENVIRONMENT_PREFIX + key.upper().replace(".", "_")] = str(value)
    profile = active_profile()
    if profile is None:
        raise CourseError("grade reads a class's shared cluster as its admin: set COURSE_PROFILE to the admin's "
                          "profile, or pass --secure for the course's secured cluster.")
    if profile.namespace:
        raise CourseError(f"grade runs as the class's admin, but {profile.source} is the profile of namespace "
                          f"{profile.namespace!r}; point COURSE_PROFILE at the admin's profile.")


def grade(namespaces: list[str], labs: list[str], out: Path) -> str:
    """Grade ``namespaces`` on ``labs``, write ``out``/grades.csv and grades.html, and return the summary line
    (course machinery)."""
    topics = list_topics()
    grades = [g for namespace in namespaces for g in grade_student(namespace, labs, topics)]
    out.mkdir(parents=True, exist_ok=True)
    write_csv(grades, out / "grades.csv")
    write_html(grades, out / "grades.html")
    return f"{summary(grades)} Wrote {out / 'grades.csv'} and {out / 'grades.html'}."


def main(argv: list[str] | None = None) -> int:
    """Run one command line (course machinery)."""
    args = _parser().parse_args(argv)
    if args.command == "generate":
        stale = generate(check=args.check)
        for path in stale:
            print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(REPO_ROOT)}")
        if args.check and stale:
            print("Student copies are out of date; run `python -m course_lib.labs generate` and commit them.")
            return 1
        return 0
    try:
        namespaces, labs = _namespaces(args.roster, args.namespace), _labs(args.labs)
        _as_admin(args.secure)
        print(grade(namespaces, labs, args.out))
    except CourseError as error:
        print(error)
        return 1
    except KafkaException as error:
        print(f"The cluster did not answer the grader ({reason(error)}); check it and the admin profile, then grade again.")
        return 1
    return 0
