"""The base of every live view: a widget that re-renders a fresh snapshot every second or so.

The refresh runs in a daemon thread, so the notebook stays usable while the view updates. It stops
when the view is closed (``view.close()``), when its cell is run again, or when the kernel exits.
A refresh never raises into the notebook: a failure shows up as a banner in the view, and the next
refresh tries again.
"""

import threading
import time

import ipywidgets as widgets

from . import lifecycle
from .style import FONT, SMALL_PX, STYLESHEET, banner

__all__ = ["LiveView", "close_widget_tree"]


def close_widget_tree(widget) -> None:
    """Close ``widget`` and every widget inside it (their models in the front end go too) (course machinery)."""
    for child in getattr(widget, "children", ()):
        if isinstance(child, LiveView):
            child.close()
        else:
            close_widget_tree(child)
    widgets.Widget.close(widget)


class LiveView(widgets.VBox):
    """Subclasses implement ``snapshot()`` (cluster → dataclass) and ``render(snapshot)`` (→ widgets).

    Course machinery.
    """

    keeps_history = False  # True: its picture is a history (rates, rebalances), so a dashboard refreshes it even hidden

    def __init__(self, body: list, interval: float = 1.0, autostart: bool = True):
        self._problem = widgets.HTML()
        self._footer = widgets.HTML()
        super().__init__([widgets.HTML(STYLESHEET), self._problem, *body, self._footer])
        self.interval = interval
        self.last_snapshot = None
        self.last_refresh = 0.0  # time.monotonic() of the last refresh
        self._stop = threading.Event()
        self._wake = threading.Event()  # poke(): refresh now instead of at the next tick
        self._lock = threading.Lock()  # one refresh at a time (thread vs. a dashboard or a test)
        self._thread: threading.Thread | None = None
        self.add_class("course-view")
        self.add_class("course-live")  # its footer's data-updated stamps each refresh (the browser test waits on it)
        lifecycle.register(self)
        if autostart:
            self.start()

    # -- what a view provides ---------------------------------------------------------------
    def snapshot(self):
        raise NotImplementedError

    def render(self, snapshot) -> None:
        raise NotImplementedError

    def problem(self, snapshot) -> str | None:
        """A sentence to show above the view (a dead cluster, a missing topic), or None."""
        return getattr(snapshot, "error", None)

    def cost(self, snapshot) -> str:
        """What this refresh cost, for the footer (views promise a bounded number of admin calls)."""
        calls = getattr(snapshot, "admin_calls", 0)
        return f'{calls} admin call{"s" if calls != 1 else ""}'

    # -- refreshing ---------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    def refresh(self):
        """Take one snapshot and render it; returns the snapshot (None if the refresh failed)."""
        with self._lock:
            if self.closed:
                return None
            started = time.monotonic()
            try:
                snapshot = self.snapshot()
                if self.closed:
                    return None
                self.render(snapshot)
                problem = self.problem(snapshot)
            except Exception as exc:  # noqa: BLE001 — a live view must never raise into the notebook
                self._problem.value = banner(f"This view could not refresh ({type(exc).__name__}: {exc}); "
                                             f"it tries again in {self.interval:g} s.", "warn")
                return None
            self._problem.value = banner(problem, "down") if problem else ""
            took = time.monotonic() - started
            self.last_snapshot, self.last_refresh = snapshot, time.monotonic()
            self._footer.value = (f'<div data-updated="{time.time():.3f}" style="{FONT};font-size:{SMALL_PX - 2}px;color:#666">'
                                  f'updated {time.strftime("%H:%M:%S")} · every {self.interval:g} s · '
                                  f'{self.cost(snapshot)} · {took * 1000:.0f} ms</div>')
            return snapshot

    def start(self) -> None:
        """Refresh every ``interval`` seconds in a background thread until ``close()``."""
        if self._thread is None and not self.closed:
            self._thread = threading.Thread(target=self._loop, name=f"course-view-{type(self).__name__}",
                                            daemon=True)
            self._thread.start()

    def poke(self) -> None:
        """Ask the refresh thread to refresh now (safe from any thread; cheap)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self.closed:
            started = time.monotonic()
            self.refresh()
            self._wake.wait(max(self.interval - (time.monotonic() - started), 0.05))
            self._wake.clear()

    def stop(self) -> None:
        """Stop refreshing and release what the view holds; the widget stays on the page."""
        if not self._stop.is_set():
            self._stop.set()
            self._wake.set()
            self.on_close()

    def close(self) -> None:
        """Stop refreshing and remove the widget (and its parts) from the page."""
        self.stop()
        close_widget_tree(self)

    def on_close(self) -> None:
        """Release what the view holds (consumers, producers); called once by ``close()``."""
