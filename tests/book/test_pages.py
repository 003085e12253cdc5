"""The built book (issue 19): a page for every lesson and lab solution, with its figures and its outputs.

CI builds the book from the notebooks its lanes executed (``python -m book build``) and runs these right after;
where no book has been built they fail and say how to build one (``conftest.html``).
"""

import json
import re
from pathlib import Path

import pytest

from book.build import book_home, chapters
from course_lib.paths import REPO_ROOT

LESSONS, LABS = chapters()
CELL = '<div class="cell docutils container'


def figures_in(notebook: Path) -> set[str]:
    """The SVG figures the notebook's Markdown shows (``../figures/NAME.svg``)."""
    cells = json.loads((REPO_ROOT / notebook).read_text())["cells"]
    return {name for cell in cells if cell["cell_type"] == "markdown"
            for name in re.findall(r"figures/([\w-]+\.svg)", "".join(cell["source"]))}


def page_cells(page: str) -> list[str]:
    """The HTML of each code cell on a MyST-NB page, in order."""
    return page.split(CELL)[1:]


@pytest.mark.parametrize("notebook", LESSONS + LABS, ids=str)
def test_every_chapter_has_a_page_with_its_figures_and_outputs(html, notebook):
    page_file = html / notebook.with_suffix(".html")
    assert page_file.is_file(), f"{notebook} has no page in the book"
    page = page_file.read_text()
    for figure in figures_in(notebook):
        assert f"_images/{figure}" in page and (html / "_images" / figure).is_file(), f"{figure} missing"
    executed = json.loads((book_home() / "executed" / notebook).read_text())
    code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
    shown = ["cell_output" in cell for cell in page_cells(page)]
    assert len(shown) == len(code), f"{len(code)} code cells in {notebook}, {len(shown)} on its page"
    for number, (cell, has_output) in enumerate(zip(code, shown)):
        if re.search(r"^print\(", "".join(cell["source"]), re.MULTILINE):  # prints whatever happens
            assert cell.get("outputs"), f"{notebook}'s code cell {number} prints, but its run kept no output"
            assert has_output, f"{notebook}'s code cell {number} printed, but its page shows no output"


def test_the_front_page_is_the_readme_then_the_chapters_in_course_order(html):
    front = (html / "index.html").read_text()
    title = (REPO_ROOT / "README.md").read_text().splitlines()[0].lstrip("# ").split(" — ")[0]
    assert title in front
    links = re.findall(r'href="((?:notebooks|labs)/[^"#]+)\.html"', front)
    ordered = list(dict.fromkeys(links))
    assert ordered == [str(p.with_suffix("")) for p in LESSONS + LABS]
