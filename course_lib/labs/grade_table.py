"""The grader's table in two files: ``grades.csv`` (a row per student and task) and ``grades.html`` (students ×
tasks, done / not yet, the check's sentence as the cell's tooltip) — plain files an instructor opens anywhere."""

import csv
from html import escape
from pathlib import Path

from .grading import RECORDED, Grade

__all__ = ["CSV_HEADER", "write_csv", "write_html", "summary"]

CSV_HEADER = ["student", "lab", "task", "result", "sentence", "source"]


def _result(grade: Grade) -> str:
    return "done" if grade.passed else "not yet"


def write_csv(grades: list[Grade], path: Path) -> Path:
    """``grades`` as CSV, one row per student and task (course machinery)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for g in grades:
            writer.writerow([g.student, g.lab, g.task, _result(g), g.sentence, g.source])
    return path


def write_html(grades: list[Grade], path: Path) -> Path:
    """``grades`` as one HTML table, a row per student and a column per task; hover a cell for its sentence
    (course machinery)."""
    columns = list(dict.fromkeys((g.lab, g.task) for g in grades))
    students = list(dict.fromkeys(g.student for g in grades))
    cells = {(g.student, g.lab, g.task): g for g in grades}
    head = "".join(f"<th>Lab {escape(lab)}<br>{escape(task)}</th>" for lab, task in columns)
    rows = []
    for student in students:
        row = [f"<th>{escape(student)}</th>"]
        for lab, task in columns:
            g = cells.get((student, lab, task))
            if g is None:
                row.append("<td></td>")
                continue
            mark = "†" if g.source == RECORDED else ""
            row.append(f'<td class="{"done" if g.passed else "notyet"}" title="{escape(g.sentence)} ({escape(g.source)})">'
                       f"{_result(g)}{mark}</td>")
        rows.append(f"<tr>{''.join(row)}</tr>")
    path.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Lab grades</title>
<style>
body {{ font-family: sans-serif; }} table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; font-size: 0.9em; }}
td.done {{ background: #dafbe1; color: #1a7f37; }} td.notyet {{ background: #fff1e5; color: #b35900; }}
</style></head><body>
<h1>Lab grades</h1>
<p>{escape(summary(grades))} Hover a cell for the check's sentence. † {escape(RECORDED)}: self-reported, since a
student can write their own verdicts topic; the other cells were re-run by the grader on the cluster.</p>
<table><tr><th>student</th>{head}</tr>
{chr(10).join(rows)}
</table></body></html>
""", encoding="utf-8")
    return path


def summary(grades: list[Grade]) -> str:
    """One line: how many students, tasks done, and how many of those were self-reported (course machinery)."""
    students = len({g.student for g in grades})
    done = [g for g in grades if g.passed]
    recorded = sum(g.source == RECORDED for g in done)
    return (f"{students} student(s): {len(done)} of {len(grades)} tasks done "
            f"({recorded} of them recorded by the students' notebooks).")
