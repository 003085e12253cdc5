"""The book tests' one fixture: the built book, or a failure saying how to build it (never a skip)."""

from pathlib import Path

import pytest

from book.build import book_home


@pytest.fixture(scope="session")
def html() -> Path:
    """The built book's folder (``<course home>/book/html``)."""
    folder = book_home() / "html"
    if not (folder / "index.html").is_file():
        pytest.fail(f"No book in {folder}: `make book` builds one (CI: `python -m book build` after the lanes).")
    return folder
