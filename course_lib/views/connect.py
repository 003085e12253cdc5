"""The Connect tab: the worker's connectors and the state of each task — a failed one with its error.

The worker runs only from lesson 17 on; before that, or after `connect down`, the view says so. It polls every
2 s: a connector's state changes when a task starts, fails or is restarted.
"""

import ipywidgets as widgets

from .live import LiveView
from .snapshots import ConnectSnapshot, connect_snapshot
from .style import BODY_PX, FONT, badge, esc, muted, title

__all__ = ["ConnectView", "connect_view", "render_connect"]

TD = f"padding:6px 14px;border-bottom:1px solid #ddd;font-size:{BODY_PX}px;text-align:left;vertical-align:top"
KINDS = {"RUNNING": "up", "FAILED": "down", "PAUSED": "warn", "UNASSIGNED": "warn", "RESTARTING": "warn"}


def _state(state: str) -> str:
    return badge(state, KINDS.get(state, "info"))


def render_connect(snapshot: ConnectSnapshot) -> str:
    """The view's HTML for one snapshot: a row per connector, its tasks' states and errors (course machinery)."""
    if not snapshot.reachable:
        return title("Kafka Connect") + muted(
            f"No Connect worker is running at {esc(snapshot.url)} — lesson 17 starts one "
            "(<code>python -m course_lib connect up</code>).")
    if not snapshot.connectors:
        return title("Kafka Connect") + muted(f"The worker at {esc(snapshot.url)} runs no connector yet.")
    rows = []
    for connector in snapshot.connectors:
        tasks = "<br>".join(
            f'<span data-task="{task.task_id}" data-state="{esc(task.state)}">task {task.task_id} {_state(task.state)}'
            + (f' <span style="color:#a33">{esc(task.error)}</span>' if task.error else "") + "</span>"
            for task in connector.tasks) or muted("no task yet")
        rows.append(f'<tr data-connector="{esc(connector.name)}" data-state="{esc(connector.state)}">'
                    f'<td style="{TD}">{esc(connector.name)}</td><td style="{TD}">{esc(connector.kind)}</td>'
                    f'<td style="{TD}">{_state(connector.state)}</td><td style="{TD}">{tasks}</td></tr>')
    head = "".join(f'<th style="{TD};border-bottom:2px solid #333">{h}</th>'
                   for h in ("connector", "kind", "state", "tasks"))
    failed = sum(task.state == "FAILED" for c in snapshot.connectors for task in c.tasks)
    return (title(f"Kafka Connect — {len(snapshot.connectors)} connector(s)"
                  + (f", {failed} failed task(s)" if failed else ""))
            + f'<table data-view="connect" style="{FONT};border-collapse:collapse"><thead><tr>{head}</tr></thead>'
            + f'<tbody>{"".join(rows)}</tbody></table>'
            + muted(f"from GET {esc(snapshot.url)}/connectors?expand=status"))


class ConnectView(LiveView):
    """Connectors of the course's Connect worker. One refresh = 1 HTTP GET, no Kafka admin call.

    Returned by ``connect_view`` (lesson 17).
    """

    def __init__(self, url: str | None = None, interval: float = 2.0, autostart: bool = True):
        self.url = url
        self._html = widgets.HTML()
        super().__init__([self._html], interval=interval, autostart=autostart)

    def snapshot(self) -> ConnectSnapshot:
        return connect_snapshot(self.url)

    def problem(self, snapshot) -> None:
        return None  # a worker that is not running is a normal state, said in the view itself

    def cost(self, snapshot) -> str:
        return "1 HTTP request"

    def render(self, snapshot: ConnectSnapshot) -> None:
        self._html.value = render_connect(snapshot)


def connect_view(url: str | None = None) -> ConnectView:
    """Show the Connect worker's connectors and their tasks' states, live (lesson 17)."""
    return ConnectView(url)
