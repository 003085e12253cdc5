"""Three pages of the built book in headless Chromium (issue 19): screenshots in ``test-artifacts/book/``.

Lesson 01 shows its figure, lesson 02 its partitioner view drawn from the saved widget state, lesson 12 its plotly
charts; all from the book's own files (no CDN), served by ``book.serve`` as ``make book-serve`` does.
"""

import threading

import pytest
from playwright.sync_api import sync_playwright

from book.build import book_home
from book.serve import book_server
from course_lib.paths import REPO_ROOT
from tests.views.jupyterlab_session import CHROMIUM_ARGS, ensure_chromium

ARTIFACTS = REPO_ROOT / "test-artifacts" / "book"


@pytest.fixture(scope="module")
def browse():
    """``browse(path)`` → a Playwright page showing the book's ``path``."""
    html = book_home() / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"No book in {html}: `make book` builds one (CI: `python -m book build` after the lanes).")
    server = book_server(html, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        failed = []
        page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and failed.append(request.url))

        def show(path: str):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}", wait_until="load")
            return page
        yield show
        browser.close()
        assert not failed, f"the book asked for what it does not have: {failed[:3]}"
    server.shutdown()
    server.server_close()


def test_lesson_01_opens_with_its_figure(browse):
    page = browse("notebooks/01_first_message.html")
    figure = page.locator("img[src$='produce_path.svg']")
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "01_first_message.png")


def test_lesson_02_draws_its_view_from_the_saved_widget_state(browse):
    page = browse("notebooks/02_topics_and_partitions.html")
    view = page.locator(".widget-vbox").first
    view.wait_for(timeout=30_000)
    view.scroll_into_view_if_needed()
    assert "partition" in view.inner_text()
    page.screenshot(path=ARTIFACTS / "02_topics_and_partitions.png")


def test_lesson_12_draws_its_plotly_charts(browse):
    page = browse("notebooks/12_performance.html")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    assert page.locator(".js-plotly-plot .main-svg").count() > 0
    page.screenshot(path=ARTIFACTS / "12_performance.png")
