"""A real JupyterLab server and a headless Chromium driving it — for the browser tests and the benchmark.

Chromium is Debian's ``chromium`` package (``/usr/bin/chromium``), driven through Playwright's
Python API; Playwright never downloads a browser here. The server binds 127.0.0.1 with a token and
passes our environment (the COURSE_* variables) to its kernels, so notebooks see the test cluster.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat

from course_lib.waiting import poll_until

__all__ = ["CHROMIUM", "LabSession", "ensure_chromium", "write_notebook"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]


def ensure_chromium() -> str:
    """The Chromium binary; installs Debian's ``chromium`` when missing and we are root, else raises."""
    if not Path(CHROMIUM).exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False, capture_output=True)
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package "
                           f"(`apt-get install -y chromium`) to run the browser tests.")
    return CHROMIUM


def write_notebook(path: Path, cells: list[str]) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabSession:
    """``with LabSession(root, artifacts) as lab: page = lab.open("check.ipynb"); lab.run_all(page)``."""

    def __init__(self, root: Path, artifacts: Path, start_timeout: float = 300):
        self.root, self.artifacts = Path(root), Path(artifacts)
        self.start_timeout = start_timeout
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.server: subprocess.Popen | None = None
        self._playwright = self.browser = None

    # -- server ---------------------------------------------------------------------------------
    def _settings_dir(self) -> Path:
        """User settings that switch off the 'Jupyter news?' toast, which would cover screenshots."""
        settings = self.root / ".lab-settings"
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        return settings

    def start_server(self) -> None:
        argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
                f"--port={self.port}", f"--ServerApp.token={self.token}", "--LabApp.expose_app_in_browser=True",
                f"--ServerApp.root_dir={self.root}", f"--LabApp.user_settings_dir={self._settings_dir()}",
                f"--LabApp.workspaces_dir={self.root / '.lab-workspaces'}"]
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.root / ".jupyter-config"))
        env.pop("PYTEST_CURRENT_TEST", None)  # the kernel should behave as in a learner's JupyterLab
        log = open(self.root / "jupyterlab.log", "ab")
        self.server = subprocess.Popen(argv, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

        def status() -> int:
            if self.server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start; see {self.root / 'jupyterlab.log'}")
            with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5) as reply:
                return reply.status
        poll_until(status, f"JupyterLab to answer at {self.url}/api/status", self.start_timeout, every=0.5,
                   done=lambda code: code == 200, retry_on=(OSError,))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop_server(self) -> None:
        """Graceful shutdown (the server shuts its kernels down first), SIGKILL after 60 s."""
        if self.server is None or self.server.poll() is not None:
            return
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(60)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait(10)

    # -- browser --------------------------------------------------------------------------------
    def start_browser(self) -> None:
        from playwright.sync_api import sync_playwright
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS,
                                                        headless=True)

    def open(self, notebook: str, timeout: float = 300, width: int = 1600):
        """A page showing ``notebook`` (relative to root) with JupyterLab loaded and the kernel idle.

        ``width``: the browser window's, in px (1400 is a projector's laptop with JupyterLab's file browser open).
        """
        page = self.browser.new_page(viewport={"width": width, "height": 1100})
        page.set_default_timeout(timeout * 1000)
        # A workspace of its own: the default one would reopen every earlier notebook, whose hidden
        # views then match the same selectors.
        workspace = Path(notebook).stem
        page.goto(f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}")
        page.wait_for_selector(".jp-Notebook")
        page.wait_for_function("() => window.jupyterapp !== undefined")
        page.wait_for_function("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return k && k.status === 'idle';
        }""")
        return page

    def run_all(self, page) -> None:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    def screenshot(self, page, name: str) -> Path:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / name
        page.screenshot(path=str(path), full_page=True)
        return path

    # -- context --------------------------------------------------------------------------------
    def __enter__(self) -> "LabSession":
        try:
            self.start_server()
            self.start_browser()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.browser is not None:
            self.browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self.stop_server()
