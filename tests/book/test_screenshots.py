"""Three pages of the built book in headless Chromium (issue 19): screenshots in ``test-artifacts/book/``.

Lesson 01 shows its figure, lesson 02 its partitioner view drawn from the saved widget state, lesson 12 its plotly
charts; all from the book's own files (no CDN), served by ``book.serve`` as ``make book-serve`` does.
"""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from book.serve import book_server
from course_lib.paths import REPO_ROOT
from tests.views.jupyterlab_session import CHROMIUM_ARGS, ensure_chromium

ARTIFACTS = REPO_ROOT / "test-artifacts" / "book"


@pytest.fixture(scope="module")
def look_at(html):
    """``look_at(path, selector)`` → the first match on the book's page ``path``, waited for and scrolled into view;
    the page's screenshot is saved as ``test-artifacts/book/<page>.png``."""
    server = book_server(html, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        failed = []
        page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and failed.append(request.url))

        def look(path: str, selector: str):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}", wait_until="load")
            found = page.locator(selector).first
            found.wait_for(timeout=30_000)
            found.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / f"{Path(path).stem}.png")
            return found
        yield look
        browser.close()
        assert not failed, f"the book asked for what it does not have: {failed[:3]}"
    server.shutdown()
    server.server_close()


def test_lesson_01_opens_with_its_figure(look_at):
    figure = look_at("notebooks/01_first_message.html", "img[src$='produce_path.svg']")
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")


def test_lesson_02_draws_its_view_from_the_saved_widget_state(look_at):
    view = look_at("notebooks/02_topics_and_partitions.html", ".widget-vbox")
    assert "partition" in view.inner_text()


def test_lesson_12_draws_its_plotly_charts(look_at):
    chart = look_at("notebooks/12_performance.html", ".js-plotly-plot")
    assert chart.locator(".main-svg").count() > 0
