"""Build the book (issue 19): the executed notebooks → a Sphinx source tree → static HTML.

``make book`` executes every lesson and lab solution on the course cluster (``book.capture`` keeps their outputs),
then runs ``python -m book build``; CI builds from the notebooks its lanes already executed. Everything lands under
``<course home>/book/``: ``executed/`` (the notebooks with outputs), ``source/`` (what Sphinx reads), ``html/``.
"""

import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import nbformat
import plotly
import plotly.io

from course_lib.errors import CourseError
from course_lib.paths import REPO_ROOT, course_home

from .capture import WIDGET_STATE

PLOTLY = "application/vnd.plotly.v1+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The widgets' renderer for a page without a kernel (ipywidgets 8), fetched once from the npm registry.
HTML_MANAGER = "@jupyter-widgets/html-manager@1.0.14"
LIVE_VIEW = "(A live view: it is drawn from the cluster while the notebook runs; this run closed it before the end.)"


def book_home() -> Path:
    return course_home() / "book"


def chapters() -> tuple[list[Path], list[Path]]:
    """The lessons and the lab solutions, in course order, as paths relative to the repository."""
    lessons = sorted(p.relative_to(REPO_ROOT) for p in REPO_ROOT.glob("notebooks/*.ipynb"))
    labs = sorted(p.relative_to(REPO_ROOT) for p in REPO_ROOT.glob("labs/*/solution.ipynb"))
    return lessons, labs


def build(executed: Path | None = None, html: Path | None = None) -> Path:
    """Assemble the source tree from ``executed`` and run Sphinx into ``html``; returns ``html``."""
    executed = executed or book_home() / "executed"
    html = html or book_home() / "html"
    source = book_home() / "source"
    assemble(executed, source)
    if html.exists():
        shutil.rmtree(html)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c",
               str(REPO_ROOT / "book"), "-D", f"html_static_path={source / '_static'}", str(source), str(html)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        tail = (finished.stderr or finished.stdout).strip().splitlines()[-3:]
        raise CourseError(f"Sphinx could not build the book: {' '.join(tail)}")
    return html


def assemble(executed: Path, source: Path) -> None:
    """Copy the executed notebooks, the figures and a front page into ``source`` (emptied first)."""
    lessons, labs = chapters()
    missing = [str(p) for p in lessons + labs if not (executed / p).is_file()]
    if missing:
        raise CourseError(f"{len(missing)} notebook(s) have no executed copy in {executed} ({', '.join(missing[:3])}"
                          f"{' …' if len(missing) > 3 else ''}): run `make book`, which executes them all first.")
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(REPO_ROOT / "figures", source / "figures", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for path in lessons + labs:
        notebook = nbformat.read(executed / path, as_version=4)
        for_the_page(notebook)
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, source / path)
    (source / "index.md").write_text(front_page(lessons, labs))
    static = source / "_static"
    static.mkdir()
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", static)
    widget_renderer(static / "widgets")


def for_the_page(notebook) -> None:
    """Make ``notebook``'s outputs drawable without a kernel: plotly figures become HTML that plotly.js draws,
    and a widget whose state the run did not keep (closed before the end) says so instead of a blank."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY in data:
                figure = data.pop(PLOTLY)
                data["text/html"] = plotly.io.to_html(figure, include_plotlyjs=False, full_html=False,
                                                      validate=False)
            if WIDGET_VIEW in data and data[WIDGET_VIEW].get("model_id") not in state:
                del data[WIDGET_VIEW]
                data["text/plain"] = LIVE_VIEW


def front_page(lessons: list[Path], labs: list[Path]) -> str:
    """The README's introduction (up to its first section), then the lessons and the labs in order."""
    readme = (REPO_ROOT / "README.md").read_text().splitlines()
    first_section = next((i for i, line in enumerate(readme) if line.startswith("## ")), len(readme))
    intro = "\n".join(readme[:first_section]).rstrip()

    def toctree(caption: str, paths: list[Path]) -> str:
        entries = "\n".join(str(p.with_suffix("")) for p in paths)
        return f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n{entries}\n```\n"
    return f"{intro}\n\n{toctree('Lessons', lessons)}\n{toctree('Labs (solutions)', labs)}"


def widget_renderer(into: Path) -> None:
    """ipywidgets' HTML manager (``embed.js`` and its fonts) into ``into``, from a cached npm package."""
    cache = book_home() / "vendor" / "html-manager"
    if not (cache / "embed.js").is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise CourseError("The book draws the course's views with ipywidgets' HTML manager, which comes from "
                              "the npm registry: install Node.js (with npm) and build again.")
        with tempfile.TemporaryDirectory() as scratch:
            for attempt in range(3):  # the registry is a network away: a hiccup is tried again
                packed = subprocess.run([npm, "pack", HTML_MANAGER, "--silent"], cwd=scratch, capture_output=True,
                                        text=True)
                if packed.returncode == 0:
                    break
                time.sleep(5 * (attempt + 1))
            else:
                raise CourseError(f"npm could not fetch {HTML_MANAGER}: {packed.stderr.strip()[-200:]}")
            with tarfile.open(Path(scratch) / packed.stdout.strip().splitlines()[-1]) as archive:
                archive.extractall(scratch, filter="data")
            if cache.exists():
                shutil.rmtree(cache)
            shutil.copytree(Path(scratch) / "package" / "dist", cache,
                            ignore=shutil.ignore_patterns("*.map", "*amd.js"))
    shutil.copytree(cache, into)
