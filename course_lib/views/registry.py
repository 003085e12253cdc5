"""The schema-registry tab: which subjects the registry knows — or that no registry is running.

The registry is started only by the lessons that need it (09 onwards); before that this view just
says so. It polls every 5 s: subjects change only when someone registers a schema.
"""

import ipywidgets as widgets

from .live import LiveView
from .snapshots import RegistrySnapshot, registry_snapshot
from .style import BODY_PX, FONT, esc, muted, title

__all__ = ["RegistryView", "registry_view", "render_registry"]

TD = f"padding:6px 14px;border-bottom:1px solid #ddd;font-size:{BODY_PX}px;text-align:left"


def render_registry(snapshot: RegistrySnapshot) -> str:
    """The view's HTML for one snapshot: the subjects, or why there are none (course machinery)."""
    if not snapshot.reachable:
        return title("Schema registry") + muted(
            f"No schema registry is running at {esc(snapshot.url)} — lessons 09 and later start one.")
    if not snapshot.subjects:
        return title("Schema registry") + muted(f"The registry at {esc(snapshot.url)} has no subjects yet.")
    rows = "".join(f'<tr data-subject="{esc(s)}"><td style="{TD}">{esc(s)}</td></tr>' for s in snapshot.subjects)
    return (title(f"Schema registry — {len(snapshot.subjects)} subject(s)")
            + f'<table data-view="registry" style="{FONT};border-collapse:collapse"><tbody>{rows}</tbody></table>'
            + muted(f"from GET {esc(snapshot.url)}/subjects"))


class RegistryView(LiveView):
    """Subjects of the course's schema registry. One refresh = 1 HTTP GET, no Kafka admin call.

    Returned by ``registry_view`` (lesson 09).
    """

    def __init__(self, url: str | None = None, interval: float = 5.0, autostart: bool = True):
        self.url = url
        self._html = widgets.HTML()
        super().__init__([self._html], interval=interval, autostart=autostart)

    def snapshot(self) -> RegistrySnapshot:
        return registry_snapshot(self.url)

    def problem(self, snapshot) -> None:
        return None  # an absent registry is a normal state, said in the view itself

    def cost(self, snapshot) -> str:
        return "1 HTTP request"

    def render(self, snapshot: RegistrySnapshot) -> None:
        self._html.value = render_registry(snapshot)


def registry_view(url: str | None = None) -> RegistryView:
    """List the schema registry's subjects, live (lesson 09)."""
    return RegistryView(url)
