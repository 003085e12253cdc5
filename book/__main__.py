"""``python -m book build`` (the HTML from the executed notebooks) and ``python -m book serve`` (on 127.0.0.1)."""

import argparse
import sys
from pathlib import Path

from course_lib.errors import exit_status

from .build import book_home, build
from .serve import serve


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description="Build and show the course as a book.")
    commands = parser.add_subparsers(dest="command", required=True)
    building = commands.add_parser("build", help="build the HTML from the executed notebooks")
    building.add_argument("--executed", type=Path, help="the executed notebooks (default: <course home>/book/executed)")
    serving = commands.add_parser("serve", help="serve the built book on 127.0.0.1")
    serving.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.command == "build":
        return exit_status(lambda: print(f"The book is in {build(args.executed)}; `make book-serve` shows it."))
    return exit_status(lambda: serve(book_home() / "html", args.port))


if __name__ == "__main__":
    sys.exit(main())
