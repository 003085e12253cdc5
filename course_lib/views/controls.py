"""Instructor controls: stop, kill and restart brokers, produce a burst, grow and shrink a group.

A live demo then needs no terminal: put ``instructor_controls("orders", "demo-group")`` next to a
replication or group view and press buttons. Each action runs in one worker thread (restarting a
broker takes several seconds) and reports what it did; the buttons never raise into the notebook.
The consumers run in the kernel's background and are closed with the widget or at kernel exit.
"""

import concurrent.futures
import time

import ipywidgets as widgets
from confluent_kafka import Producer

from ..cluster import course_cluster
from ..connection import client_config
from ..errors import CourseError
from .background import BackgroundGroup
from .live import LiveView
from .snapshots import ClusterLink, ClusterSnapshot, cluster_snapshot
from .style import BODY_PX, FONT, badge, esc, title

__all__ = ["InstructorControls", "instructor_controls"]


def _button(text: str, style: str, action) -> widgets.Button:
    button = widgets.Button(description=text, button_style=style,  # as wide as its label, at least 150 px
                            layout=widgets.Layout(width="auto", min_width="150px", height="44px", padding="0 18px",
                                                  flex="0 0 auto"))  # never shrunk to an ellipsis
    button.style.font_size = "20px"
    button.style.font_weight = "bold"
    button.on_click(lambda _b: action())
    return button


class InstructorControls(LiveView):
    """Buttons for broker failures, a produce burst and a background consumer group (course machinery).

    One refresh = 1 admin call (Metadata) + a TCP probe per broker, to show each broker's state.
    """

    def __init__(self, topic: str, group_id: str, cluster=None, burst: int = 1000,
                 consumer_rate: float | None = None, interval: float = 1.0, autostart: bool = True):
        self.cluster = cluster or course_cluster()
        self.topic, self.group_id = topic, group_id
        self.link = ClusterLink(self.cluster)
        self.group = BackgroundGroup(self.cluster, group_id, topic, rate=consumer_rate)
        self._producer: Producer | None = None
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="course-controls")
        self._log: list[str] = []
        self._states = {node.node_id: widgets.HTML() for node in self.cluster.nodes}
        broker_rows = [widgets.HBox([self._states[n.node_id],
                                     _button("Stop", "warning", lambda n=n.node_id: self._run(f"stop broker {n}", self._stop, n)),
                                     _button("Kill", "danger", lambda n=n.node_id: self._run(f"kill broker {n}", self._kill, n)),
                                     _button("Start", "success", lambda n=n.node_id: self._run(f"start broker {n}", self._start, n))])
                       for n in self.cluster.nodes]
        self.burst = widgets.BoundedIntText(value=burst, min=1, max=1_000_000, layout=widgets.Layout(width="160px"))
        produce = widgets.HBox([_button("Produce", "primary", lambda: self._run("produce", self._produce)), self.burst,
                                widgets.HTML(f'<span style="{FONT};font-size:{BODY_PX}px;line-height:44px">'
                                             f'records to <b>{esc(topic)}</b></span>')])
        self._group_state = widgets.HTML()
        consumers = widgets.HBox([_button("Add consumer", "primary", lambda: self._run("add consumer", self._add)),
                                  _button("Remove one", "", lambda: self._run("remove consumer", self._remove)),
                                  self._group_state])
        self._activity = widgets.HTML()
        body = [widgets.HTML(title("Instructor controls")), *broker_rows, produce, consumers, self._activity]
        super().__init__(body, interval=interval, autostart=autostart)
        self._show_group()

    # -- live part ------------------------------------------------------------------------------
    def snapshot(self) -> ClusterSnapshot:
        return cluster_snapshot(self.link, ())

    def render(self, snapshot: ClusterSnapshot) -> None:
        for broker in snapshot.brokers:
            kind = "up" if broker.alive and broker.registered else "down" if not broker.alive else "warn"
            star = " ★ controller" if broker.controller else ""
            self._states[broker.node_id].value = (
                f'<div data-broker="{broker.node_id}" style="{FONT};font-size:{BODY_PX + 2}px;width:420px;line-height:44px">'
                f'Broker {broker.node_id} {badge(broker.label + star, kind)}</div>')

    def _show_group(self) -> None:
        names = ", ".join(self.group.client_ids) or "none"
        self._group_state.value = (f'<span style="{FONT};font-size:{BODY_PX}px;line-height:44px">group '
                                   f'<b>{esc(self.group_id)}</b>: {len(self.group)} consumer(s) ({esc(names)})</span>')

    # -- actions ---------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self._log = ([f"{time.strftime('%H:%M:%S')}  {text}"] + self._log)[:6]
        self._activity.value = (f'<div style="{FONT};font-size:{BODY_PX - 2}px;margin-top:8px">'
                                + "".join(f"<div>{esc(line)}</div>" for line in self._log) + "</div>")

    def _run(self, what: str, action, *args) -> None:
        if self.closed:
            return
        self._say(f"{what} …")

        def job():
            started = time.monotonic()
            try:
                result = action(*args)
            except CourseError as exc:
                self._say(f"{what}: {exc}")
            except Exception as exc:  # noqa: BLE001 — a button must never raise into the notebook
                self._say(f"{what} failed: {type(exc).__name__}: {exc}")
            else:
                self._say(f"{what}: {result} ({time.monotonic() - started:.1f} s)")
            self._show_group()
        self._worker.submit(job)

    def _stop(self, node_id: int) -> str:
        self.cluster.stop_broker(node_id)
        return "stopped gracefully (leaderships handed over first)"

    def _kill(self, node_id: int) -> str:
        self.cluster.kill_broker(node_id)
        return "killed (SIGKILL): leaders move after broker.session.timeout.ms"

    def _start(self, node_id: int) -> str:
        self.cluster.start_broker(node_id)
        return "running and registered again"

    def _produce(self) -> str:
        if self._producer is None:
            self._producer = Producer(client_config(self.cluster.bootstrap_servers, linger_ms=20))
        count, failed = self.burst.value, []
        for i in range(count):
            self._producer.produce(self.topic, key=f"key-{i % 100}", value=f"burst record {i}",
                                   on_delivery=lambda err, _msg: err and failed.append(err))
            self._producer.poll(0)
        left = self._producer.flush(15)
        if failed or left:
            return f"{count - len(failed) - left} of {count} records written ({left} still queued)"
        return f"{count} records written"

    def _add(self) -> str:
        return f"{self.group.add()} joined"

    def _remove(self) -> str:
        name = self.group.remove()
        return f"{name} left the group" if name else "no consumer to remove"

    def on_close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        self.group.close()
        if self._producer is not None:
            self._producer.flush(2)


def instructor_controls(topic: str, group_id: str, cluster=None, burst: int = 1000,
                        consumer_rate: float | None = None) -> InstructorControls:
    """Buttons to stop/kill/start brokers, produce ``burst`` records and add/remove consumers of ``group_id``.

    Course machinery.
    """
    return InstructorControls(topic, group_id, cluster, burst, consumer_rate)
