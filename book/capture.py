"""Save the notebooks an nbval run executes, outputs and widget state included, for the book (issue 19).

``pytest -p book.capture --executed-into DIR notebooks/... --nbval-lax`` — the run CI and ``make book`` already
make: each cell's outputs, as nbval collected them, go into the cell; after each cell the kernel is asked for its
widgets' state, kept as last seen (so the book draws a view even when the lesson closed it before its end); after
the last cell the notebook is written to DIR under its path in the repository. A notebook with a failed cell is not
written: the book then lacks its page and says so.
"""

import json
from pathlib import Path
from queue import Empty

import nbformat
import pytest

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_STATE_CODE = """\
def _book_widget_state():
    import json
    try:
        import ipywidgets
        return json.dumps(ipywidgets.Widget.get_manager_state(drop_defaults=True))
    except Exception:  # no ipywidgets, or a widget made by a thread meanwhile: no state this time
        return "{}"
print(_book_widget_state())
del _book_widget_state
"""


def pytest_addoption(parser):
    parser.addoption("--executed-into", metavar="DIR", default=None,
                     help="write each notebook nbval ran, with its outputs, under DIR (the book's input)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    item._book_last_cell = nextitem is None or nextitem.parent is not item.parent


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    into = item.config.getoption("--executed-into")
    if not into or not hasattr(item, "test_outputs"):  # not an nbval cell, or nothing to save
        return
    notebook = item.parent
    if outcome.excinfo is not None:
        notebook._book_failed = True
    count = getattr(notebook, "_book_count", 0) + 1
    notebook._book_count = count
    item.cell.outputs = list(item.test_outputs or [])
    item.cell.execution_count = count
    for output in item.cell.outputs:
        if output.get("output_type") == "execute_result":
            output["execution_count"] = count
    if getattr(notebook, "_book_failed", False):
        return
    seen = _widget_state(notebook.kernel)
    if seen.get("state"):
        kept = getattr(notebook, "_book_widgets", None) or {**seen, "state": {}}
        kept["state"].update(seen["state"])
        notebook._book_widgets = kept
    if item._book_last_cell:
        _save(notebook, Path(into), item.config.rootpath)


def _save(notebook, into: Path, root: Path) -> None:
    if getattr(notebook, "_book_widgets", None):
        notebook.nb.metadata["widgets"] = {WIDGET_STATE: notebook._book_widgets}
    target = into / Path(str(notebook.fspath)).resolve().relative_to(root.resolve())
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook.nb, str(target))


def _widget_state(kernel, timeout: float = 30) -> dict:
    """The kernel's ipywidgets manager state (``{}`` if it has none or does not answer)."""
    msg_id = kernel.execute_cell_input(_STATE_CODE, allow_stdin=False)
    printed = []
    try:
        while True:
            msg = kernel.get_message(stream="iopub", timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                printed.append(msg["content"]["text"])
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    except Empty:  # a busy kernel leaves the widgets unsaved, not the notebook
        return {}
    try:
        return json.loads("".join(printed) or "{}")
    except ValueError:
        return {}
