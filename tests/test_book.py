"""The book's machinery (issue 19) without a cluster: what capture saves from a real nbval run, and how the
assembly makes outputs drawable without a kernel. tests/book checks the book CI builds from the lessons."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book import build
from book.serve import book_server
from course_lib.errors import CourseError
from course_lib.paths import REPO_ROOT


def notebook_of(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])


def run_captured(tmp_path: Path, notebook: nbformat.NotebookNode) -> tuple[subprocess.CompletedProcess, Path]:
    """nbval over ``notebook`` with ``-p book.capture``, as the suite's lanes run it; the saved copy's path."""
    (tmp_path / "lesson.ipynb").write_text(nbformat.writes(notebook))
    (tmp_path / "pyproject.toml").write_text("")  # the rootdir: saved paths are relative to it
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "book.capture",
                          "--executed-into", str(tmp_path / "executed"), "--nbval-lax", "--nbval-current-env",
                          "lesson.ipynb"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    return run, tmp_path / "executed" / "lesson.ipynb"


def test_capture_keeps_each_cells_outputs_and_the_widgets_state_as_last_seen(tmp_path):
    run, saved = run_captured(tmp_path, notebook_of(
        "print('hello')", "x = 1", "import ipywidgets\nview = ipywidgets.HTML(value='<b>drawn</b>')\nview",
        "view.value = '<b>redrawn</b>'\nview.close()", "6 * 7"))
    assert run.returncode == 0, run.stdout[-800:]
    cells = nbformat.read(saved, as_version=4).cells
    assert cells[0].outputs[0].text == "hello\n" and cells[1].outputs == []
    view = cells[2].outputs[0].data[build.WIDGET_VIEW]["model_id"]
    state = nbformat.read(saved, as_version=4).metadata.widgets[build.WIDGET_STATE]["state"]
    assert state[view]["state"]["value"] == "<b>drawn</b>"  # closed by the next cell: kept as it was seen last
    assert cells[4].outputs[0].data["text/plain"] == "42" and [c.execution_count for c in cells] == [1, 2, 3, 4, 5]


def test_capture_saves_no_notebook_with_a_failed_cell(tmp_path):
    run, saved = run_captured(tmp_path, notebook_of("print('fine')", "1 / 0", "print('after')"))
    assert run.returncode != 0 and not saved.exists()


def test_a_plotly_figure_becomes_html_that_plotly_js_draws():
    notebook = notebook_of("fig")
    notebook.cells[0].outputs = [nbformat.v4.new_output("display_data", data={
        build.PLOTLY: {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}})]
    build.for_the_page(notebook)
    data = notebook.cells[0].outputs[0].data
    assert build.PLOTLY not in data and "Plotly.newPlot" in data["text/html"]


def test_a_widget_without_saved_state_says_it_was_live():
    notebook = notebook_of("view", "kept")
    notebook.metadata["widgets"] = {build.WIDGET_STATE: {"state": {"kept-id": {}}}}
    for cell, model in zip(notebook.cells, ("closed-id", "kept-id")):
        cell.outputs = [nbformat.v4.new_output("execute_result", data={
            build.WIDGET_VIEW: {"model_id": model}, "text/plain": "VBox(...)"}, execution_count=1)]
    build.for_the_page(notebook)
    closed, kept = (cell.outputs[0].data for cell in notebook.cells)
    assert closed == {"text/plain": build.LIVE_VIEW}
    assert kept[build.WIDGET_VIEW] == {"model_id": "kept-id"}


def test_the_front_page_is_the_readme_intro_then_lessons_and_labs_in_order():
    lessons, labs = build.chapters()
    page = build.front_page(lessons, labs)
    assert page.startswith((REPO_ROOT / "README.md").read_text().splitlines()[0]) and "\n## " not in page
    listed = [line for line in page.splitlines() if line.startswith(("notebooks/", "labs/"))]
    assert listed == [str(p.with_suffix("")) for p in lessons + labs]
    assert listed[0] == "notebooks/00_welcome" and listed[-1].endswith("/solution")


def test_a_missing_executed_notebook_is_one_sentence_naming_it(tmp_path):
    with pytest.raises(CourseError, match=r"have no executed copy .*notebooks/00_welcome.ipynb.*`make book`"):
        build.assemble(tmp_path / "executed", tmp_path / "source")


def test_serving_a_book_not_yet_built_says_how_to_build_it(tmp_path):
    with pytest.raises(CourseError, match="`make book` builds it"):
        book_server(tmp_path, 0)


def test_serving_on_a_taken_port_names_the_process_and_the_setting(tmp_path):
    (tmp_path / "index.html").write_text("<p>book</p>")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CourseError, match=rf"Port {port} \(the book\) is already taken by process {os.getpid()} .*BOOK_PORT="):
            book_server(tmp_path, port)
