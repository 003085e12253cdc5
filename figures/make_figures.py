"""The course's static figures, one per lesson, drawn as plain SVG by the functions in figures/lessons_*.py.

Edit a figure's function, then run

    python figures/make_figures.py           # rewrite every figures/*.svg
    python figures/make_figures.py --check   # exit 1 naming the SVGs that differ from this script

Standard library only, deterministic (same script, same bytes). The SVGs are plain SVG 1.1 with a white
background, generic font families and no scripts or links, so they render the same on GitHub, in JupyterLab
without a kernel, and on a dark theme. Facts follow Kafka 4.4 in KRaft mode and the lessons' own text.
"""

import argparse
import sys
from pathlib import Path

import lessons_00_09
import lessons_10_14
import lessons_15_19
import lessons_20_23

HERE = Path(__file__).resolve().parent

FIGURES = [*lessons_00_09.FIGURES, *lessons_10_14.FIGURES, *lessons_15_19.FIGURES, *lessons_20_23.FIGURES]


def render_all():
    """{file name: SVG text} for every figure."""
    return {f"{figure.__name__}.svg": figure().svg() for figure in FIGURES}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any SVG is stale")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write to (default: figures/)")
    args = parser.parse_args(argv)
    rendered = render_all()
    if args.check:
        stale = [name for name, text in rendered.items()
                 if not (args.out / name).exists() or (args.out / name).read_bytes() != text.encode()]
        if stale:
            print("stale figures (run python figures/make_figures.py):", ", ".join(stale))
            return 1
        print(f"{len(rendered)} figures up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (args.out / name).write_bytes(text.encode())
    print(f"wrote {len(rendered)} figures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
