"""``make course`` as a student runs it — the README's first command — then the welcome notebook in Chromium.

The command runs unchanged; the environment only keeps it from opening a browser (``BROWSER=true``) and
gives JupyterLab settings of its own, with autosave off so the committed notebook never gets outputs.
Stopping JupyterLab must leave the cluster running: it outlives JupyterLab, as README.md says.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyterlab_session import CHROMIUM_ARGS, REPO, ensure_chromium

from course_lib.waiting import poll_until

ARTIFACTS = REPO / "test-artifacts" / "views"
WELCOME = REPO / "notebooks" / "00_welcome.ipynb"
CHECKPOINTS = WELCOME.parent / ".ipynb_checkpoints"  # JupyterLab checkpoints a notebook when it opens it
WELCOME_SUCCESS = "✔ three brokers, one active controller, and the message came back exactly as sent"
LAB_SETTINGS = {  # no autosave (outputs would land in the committed notebook), no news toast over the screenshot
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}
NOTEBOOK_STATE = """() => ({
    tab: document.querySelector('.lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel')?.textContent,
    kernel: document.querySelector('#jp-main-statusbar [title^="Change kernel for"]')?.textContent,
    prompts: [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim()),
    errors: [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(output => output.textContent.slice(0, 300)),
    printed: [...document.querySelectorAll('.jp-OutputArea-output')].map(output => output.textContent).join('\\n'),
})"""


def test_make_course_opens_the_welcome_notebook_and_it_runs(cluster, tmp_path):
    committed, had_checkpoints = WELCOME.read_bytes(), CHECKPOINTS.exists()
    log = tmp_path / "make-course.log"
    course = start_make_course(tmp_path, log)
    try:
        url = wait_until("JupyterLab to answer with the welcome notebook", lambda: welcome_url(course, log), 120)
        # Playwright's sync API refuses a thread in which another session (test_browser's) still runs
        with ThreadPoolExecutor(1) as own_thread:
            state = own_thread.submit(run_welcome_notebook_in_chromium, url).result()
    finally:
        stop(course)
        left_on_disk = WELCOME.read_bytes()
        if left_on_disk != committed:
            WELCOME.write_bytes(committed)
        if not had_checkpoints:
            shutil.rmtree(CHECKPOINTS, ignore_errors=True)
    assert state["errors"] == [], f"the welcome notebook showed errors: {state['errors']}"
    assert WELCOME_SUCCESS in state["printed"], f"the welcome notebook's last cell did not succeed: {state['printed']}"
    assert left_on_disk == committed, "JupyterLab saved the welcome notebook (restored to its committed bytes)"
    assert cluster.is_running(), "the cluster stopped with JupyterLab; it should keep running"


def start_make_course(tmp_path: Path, log: Path) -> subprocess.Popen:
    """``make course`` from the repo root in its own process group, stdin closed, output to ``log``."""
    settings = tmp_path / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = dict(os.environ, BROWSER="true", JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"))
    env.pop("PYTEST_CURRENT_TEST", None)  # the kernel should behave as in a learner's JupyterLab
    with open(log, "wb") as output:
        return subprocess.Popen(["make", "course"], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def welcome_url(course: subprocess.Popen, log: Path) -> tuple[str | None, str]:
    """The welcome notebook's URL once JupyterLab serves it; else None and what was last seen.

    JupyterLab prints its URL with the token, and serves the folder of the notebook it was given."""
    output = log.read_text(errors="replace")
    if course.poll() is not None:
        last_lines = " | ".join(output.strip().splitlines()[-3:]) or "no output"
        raise AssertionError(f"make course exited with {course.returncode} before JupyterLab answered; "
                             f"its output ended: {last_lines}")
    printed = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=(\w+)", output)
    if not printed:
        return None, "no URL printed yet"
    server, token = printed.groups()
    try:
        with urllib.request.urlopen(f"{server}/api/contents/{WELCOME.name}?content=0&token={token}",
                                    timeout=5) as reply:
            return f"{server}/lab/tree/{WELCOME.name}?token={token}", f"{server}: {reply.status}"
    except OSError as error:
        return None, f"{server}: {error}"


def run_welcome_notebook_in_chromium(url: str) -> dict:
    """Open ``url`` in headless Chromium, Run ▸ Run All Cells (as the notebook says), return what it showed."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1100})
            page.goto(url)
            wait_until("the welcome notebook's tab with its six code cells and its kernel idle",
                       lambda: loaded(page.evaluate(NOTEBOOK_STATE)), 120)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            state = wait_until("every cell of the welcome notebook to run, or one to fail",
                               lambda: finished(page.evaluate(NOTEBOOK_STATE)), 120)
            page.locator(".jp-CodeCell").last.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "make-course-welcome.png"))
            return state
        finally:
            browser.close()


def loaded(state: dict) -> tuple[dict | None, str]:
    """The status bar says Idle only once the kernel is connected: Run All before that does nothing."""
    done = (state["tab"] == WELCOME.name and len(state["prompts"]) == 6
            and (state["kernel"] or "").endswith("| Idle"))
    return (state if done else None), f"tab {state['tab']!r}, kernel {state['kernel']!r}, prompts {state['prompts']}"


def finished(state: dict) -> tuple[dict | None, str]:
    """Run All stops at a failing cell, leaving the cells after it unnumbered: an error also ends the run."""
    running = any(prompt == "[*]:" for prompt in state["prompts"])
    all_numbered = all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in state["prompts"])
    done = not running and (all_numbered or state["errors"])
    return (state if done else None), f"prompts {state['prompts']}, errors {state['errors']}"


def wait_until(awaited: str, probe, timeout: float):
    """``probe() -> (result, seen)``: the course's ``poll_until`` on ``result``; a timeout shows ``seen``."""
    return poll_until(probe, awaited, timeout, every=0.3, done=lambda outcome: outcome[0])[0]


def make_course_processes(group: int) -> set[int]:
    """make's process group, and the kernels JupyterLab started (they run in sessions of their own)."""
    processes = live_processes()
    members = {pid for pid, (_, pgrp) in processes.items() if pgrp == group}
    return members | {pid for pid, (parent, _) in processes.items() if parent in members}


def live_processes() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group) of every live process; a zombie has exited, just not been reaped."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:
            continue
        if state != "Z":
            processes[int(stat.parent.name)] = int(parent), int(group)
    return processes


def stop(course: subprocess.Popen) -> None:
    """SIGTERM to make's group, JupyterLab then shuts its kernels down; SIGKILL whatever is left after 60 s."""
    processes = make_course_processes(course.pid)
    with contextlib.suppress(ProcessLookupError):  # make already exited: the test fails on that
        os.killpg(course.pid, signal.SIGTERM)
    try:
        wait_until("make course and its JupyterLab and kernels to exit after SIGTERM",
                   lambda: (not (alive := processes & live_processes().keys()), f"still running: {sorted(alive)}"),
                   60)
    finally:
        for pid in processes & live_processes().keys():
            os.kill(pid, signal.SIGKILL)
        course.wait()
