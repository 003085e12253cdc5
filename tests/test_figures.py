"""The lessons' figures: up to date with figures/make_figures.py, plain SVG, and each one used by a lesson."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from course_lib.paths import REPO_ROOT

FIGURES = REPO_ROOT / "figures"
SVGS = sorted(FIGURES.glob("*.svg"))
SVG_NS = "{http://www.w3.org/2000/svg}"
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb")) + sorted((REPO_ROOT / "labs").glob("*/*.ipynb"))
FIGURE_LINK = re.compile(r"\]\(\.\./figures/([^)\s]+\.svg)\)")


def markdown_links():
    """{notebook name: figure file names its markdown cells link to as ../figures/NAME.svg}."""
    links = {}
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
        links[str(path.relative_to(REPO_ROOT))] = set(FIGURE_LINK.findall(text))
    return links


def test_there_are_figures():
    assert len(SVGS) >= 24, [p.name for p in SVGS]


def test_the_svgs_are_what_the_generator_draws(tmp_path):
    """Every committed SVG is byte for byte what the script writes now, and nothing else is in figures/."""
    subprocess.run([sys.executable, str(FIGURES / "make_figures.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    fresh = {p.name: p.read_bytes() for p in tmp_path.glob("*.svg")}
    committed = {p.name: p.read_bytes() for p in SVGS}
    assert sorted(committed) == sorted(fresh), "an SVG in figures/ that the script does not draw, or one missing"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale: {stale}; run python figures/make_figures.py"


def test_check_mode_names_a_stale_figure(tmp_path):
    subprocess.run([sys.executable, str(FIGURES / "make_figures.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    (tmp_path / "rebalance.svg").write_text("<svg/>")
    check = subprocess.run([sys.executable, str(FIGURES / "make_figures.py"), "--check", "--out", str(tmp_path)],
                           capture_output=True, text=True)
    assert check.returncode == 1 and "rebalance.svg" in check.stdout and "wire_format" not in check.stdout


@pytest.mark.parametrize("path", SVGS, ids=[p.name for p in SVGS])
def test_plain_svg_that_renders_without_a_kernel(path):
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{SVG_NS}svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert width <= 900, "at most ~900 px wide, to fit a notebook"
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "use", "a", "style"}, tags
    assert not any("href" in name for element in root.iter() for name in element.attrib), "no links or references"
    assert not any(name.startswith("on") for element in root.iter() for name in element.attrib), "no event handlers"
    first = root[1] if root[0].tag == f"{SVG_NS}title" else root[0]
    assert first.tag == f"{SVG_NS}rect" and first.get("fill") == "#ffffff" and first.get("width") == str(width), \
        "a white background first, so the figure reads on a dark theme too"
    families = {element.get("font-family") for element in root.iter(f"{SVG_NS}text")}
    assert families <= {"sans-serif", "monospace"}, families


def test_every_figure_opens_a_lesson():
    used = set().union(*markdown_links().values())
    unused = [p.name for p in SVGS if p.name not in used]
    assert not unused, f"no notebook shows {unused}"


def test_every_lesson_opens_with_a_figure():
    """Issue 19: each lesson's first cell — its title and introduction — shows its figure."""
    without = []
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        if first["cell_type"] != "markdown" or not FIGURE_LINK.search("".join(first["source"])):
            without.append(path.name)
    assert not without, f"these lessons do not open with a figure: {without}"


def test_every_linked_figure_exists():
    missing = {notebook: sorted(name for name in names if not (FIGURES / name).exists())
               for notebook, names in markdown_links().items()}
    missing = {notebook: names for notebook, names in missing.items() if names}
    assert not missing, missing
