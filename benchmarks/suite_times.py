"""Where the suite's time goes: per phase, per notebook and the slowest tests and cells.

    .venv/bin/python benchmarks/suite_times.py [test-artifacts]

Reads the JUnit reports `make test` leaves in ``test-artifacts/`` (``tests.xml``, ``lessons-pass1.xml``,
``lessons-pass2.xml``, ``labs-pass1.xml``, ``labs-pass2.xml``, ``labs-tests.xml``: the tests the labs lane runs
after its notebooks, and the ecosystem lane's three) and prints figures, not pass/fail: the time of
each report, each notebook's time in each pass (a lesson's time is what a student waits for, run from the top),
and the 15 slowest tests and cells overall. The lanes run side by side, so the wall time of the suite is the
longest lane, not the sum (``scripts/test.sh`` prints it).
"""

import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

REPORTS = ("tests", "lessons-pass1", "lessons-pass2", "labs-pass1", "labs-pass2", "labs-tests",
           "ecosystem-pass1", "ecosystem-pass2", "ecosystem-tests", "book")


def cases(report: Path) -> list[tuple[str, str, float]]:
    """(where, name, seconds) of every test case in a pytest JUnit report. ``where`` is the test module, or for
    nbval's ``Cell N`` cases the notebook (JUnit's classname has dots for slashes)."""
    found = []
    for case in ElementTree.parse(report).iter("testcase"):
        where, name = case.get("classname", "").replace(".", "/"), case.get("name", "")
        if name.startswith("Cell "):
            where = where.replace("/ipynb", ".ipynb")
        found.append((where, name, float(case.get("time", 0))))
    return found


def main(folder: Path) -> None:
    everything = []
    per_notebook: dict[str, dict[str, float]] = defaultdict(dict)
    print(f"{'report':<16}{'cases':>7}{'seconds':>10}")
    for report in REPORTS:
        path = folder / f"{report}.xml"
        if not path.exists():
            continue
        found = cases(path)
        print(f"{report:<16}{len(found):>7}{sum(s for _, _, s in found):>10.0f}")
        totals: dict[str, float] = defaultdict(float)
        for where, name, seconds in found:
            everything.append((seconds, report, where, name))
            if name.startswith("Cell "):
                totals[where] += seconds
        for notebook, seconds in totals.items():
            per_notebook[notebook][report.split("-")[-1]] = seconds
    if per_notebook:
        print(f"\n{'notebook (as a student runs it, from the top)':<60}{'pass 1 s':>10}{'pass 2 s':>10}")
        for notebook in sorted(per_notebook):
            passes = per_notebook[notebook]
            print(f"{notebook:<60}{passes.get('pass1', 0):>10.0f}{passes.get('pass2', 0):>10.0f}")
    print("\nslowest 15 tests and cells:")
    for seconds, report, where, name in sorted(everything, reverse=True)[:15]:
        print(f"{seconds:8.1f} s  {report:<14} {where} :: {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts"))
