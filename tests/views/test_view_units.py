"""Pure parts of the views: rebalance tracking, rates, HTML rendering, refresh-thread lifecycle.

No cluster needed (fakes are fine for pure functions); the real-cluster checks are in
test_snapshots.py and test_browser.py.
"""

import http.server
import json
import socket
import threading

from course_lib.views import lifecycle
from course_lib.views.live import LiveView
from course_lib.views.partitioner import render_partitioner
from course_lib.views.replication import render_replication
from course_lib.views.snapshots import (BrokerState, ClusterLink, ClusterSnapshot, GroupSnapshot, MemberState,
                                        OffsetTotals, PartitionState, cluster_snapshot, rates, registry_snapshot,
                                        track_rebalances)
from course_lib.waiting import poll_until


def group(state, *members, at=0.0):
    return GroupSnapshot(at, "g", state, 1, tuple(MemberState(m, f"client-{m}", "h", parts) for m, parts in members), ())


def test_one_event_per_settled_rebalance():
    a, b = ("a", (("t", 0), ("t", 1))), ("b", ())
    history = track_rebalances((), group("STABLE", a))
    assert [(e.number, e.joined, e.left) for e in history] == [(1, ("client-a",), ())]
    assert track_rebalances(history, group("STABLE", a)) == history                 # nothing changed
    assert track_rebalances(history, group("PREPARING_REBALANCING", a, b)) == history  # not settled yet
    history = track_rebalances(history, group("STABLE", ("a", (("t", 0),)), ("b", (("t", 1),))))
    assert (history[-1].number, history[-1].joined, history[-1].members) == (2, ("client-b",), 2)
    history = track_rebalances(history, group("EMPTY"))
    assert (history[-1].left, history[-1].members) == (("client-a", "client-b"), 0)
    failed = GroupSnapshot(0, "g", "UNKNOWN", None, (), (), error="coordinator down")
    assert track_rebalances(history, failed) == history


def test_rates_ignore_partitions_missing_on_one_side_and_never_go_negative():
    before = OffsetTotals(10.0, "t", {("t", 0): 100, ("t", 1): 50}, {"g": {("t", 0): 90}})
    after = OffsetTotals(12.0, "t", {("t", 0): 140, ("t", 2): 7}, {"g": {("t", 0): 80}})
    point = rates(before, after)
    assert point.produced_per_s == 20.0      # only p0 is known both times
    assert point.consumed_per_s == {"g": 0.0}  # a reset group does not make a negative rate
    assert rates(after, OffsetTotals(13.0, "t", {}, {})).produced_per_s is None


def test_replication_html_marks_roles_dead_brokers_and_health():
    brokers = (BrokerState(1, 9, True, True, True), BrokerState(2, 9, False, True, False),
               BrokerState(3, 9, True, True, False))
    parts = (PartitionState("t", 0, 2, (2, 1, 3), (2, 1, 3)), PartitionState("t", 1, 1, (1, 2, 3), (1, 3)),
             PartitionState("t", 2, None, (2,), ()))
    html = render_replication(ClusterSnapshot(0, brokers, parts, topics=("t",)))
    assert 'data-partition="0" data-leader="2" data-status="leader-down"' in html
    assert 'data-partition="1" data-leader="1" data-status="under-replicated"' in html
    assert 'data-partition="2" data-leader="none" data-status="offline"' in html
    assert 'data-broker="2" data-alive="false"' in html and "controller: broker 1" in html
    assert html.count('data-role="out-of-sync"') == 2 and "broker.session.timeout.ms" in html
    # Issue 17: long badges may wrap between phrases, never inside one, so the table fits a 1400-px JupyterLab.
    for phrase in ("DOWN", "still registered", "leader down —", "election pending", "UNDER-REPLICATED", "(2/3 in sync)",
                   "OFFLINE", "— no leader"):
        assert f'<span style="white-space:nowrap">{phrase}</span>' in html, phrase
    assert brokers[1].label == "DOWN (still registered)" and brokers[0].label_lines == ("up",)


def test_partitioner_html_names_both_partitions():
    html = render_partitioner("kafka", 6)
    assert 'data-partitioner="java">p4<' in html and 'data-partitioner="python">p5<' in html
    assert "disagree" in html


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _FakeCluster:
    """Nothing listens on these ports: a cluster that is entirely down."""
    def __init__(self):
        from types import SimpleNamespace
        self.nodes = [SimpleNamespace(node_id=i, port=_free_port()) for i in (1, 2, 3)]
        self.bootstrap_servers = ",".join(f"localhost:{n.port}" for n in self.nodes)

    def controller_id(self):
        return None


def test_a_dead_cluster_is_a_snapshot_not_an_exception():
    snap = cluster_snapshot(ClusterLink(_FakeCluster(), timeout=0.5), ["orders"])
    assert snap.error and "no broker answered" in snap.error
    assert [b.label for b in snap.brokers] == ["DOWN"] * 3 and snap.controller_id is None


def test_registry_absent_and_present():
    absent = registry_snapshot(f"http://127.0.0.1:{_free_port()}")
    assert not absent.reachable and absent.error.startswith("no schema registry answered")

    class Subjects(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(["payments-value", "orders-value"]).encode()
            self.send_response(200 if self.path == "/subjects" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Subjects)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        present = registry_snapshot(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert present.reachable and present.subjects == ("orders-value", "payments-value")


class Exploding(LiveView):
    def __init__(self):
        self.calls = 0
        super().__init__([], interval=0.05)

    def snapshot(self):
        self.calls += 1
        raise RuntimeError("broker on fire")

    def render(self, snapshot):
        raise AssertionError("never reached")


def test_a_failing_refresh_shows_a_banner_and_the_thread_stops_on_close():
    view = Exploding()
    poll_until(lambda: view.calls, "the failing view to try 3 refreshes", 5, every=0.05, done=lambda calls: calls >= 3)
    poll_until(lambda: view._problem.value, "the view's banner to name the failure", 5, every=0.05,
               done=lambda banner: "broker on fire" in banner)
    view.close()
    view._thread.join(2)
    assert not view._thread.is_alive()


def test_views_of_a_re_run_cell_are_closed(monkeypatch):
    monkeypatch.setattr(lifecycle, "current_cell_id", lambda: "cell-7")
    view = Exploding()
    lifecycle.register(view)
    from types import SimpleNamespace
    lifecycle._before_cell(SimpleNamespace(cell_id="another-cell"))
    assert not view.closed
    lifecycle._before_cell(SimpleNamespace(cell_id="cell-7"))  # the same cell runs again
    assert view.closed
