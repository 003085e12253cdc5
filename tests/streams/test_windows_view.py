"""The windows view (lesson 15) on the real cluster: a quixstreams processor counts rides per zone per minute
with ``.current()``; the view's snapshot must show each window's final count, and call a window closed exactly
when the processor's stream time in its partition has passed its end + grace."""

import json
import shutil
import time
import uuid
from collections import Counter

from confluent_kafka import Producer
from quixstreams import Application
from quixstreams.dataframe.windows import Count

from course_lib.clients.admin import create_topic
from course_lib.connection import client_config
from course_lib.paths import course_home
from course_lib.views import windows_view
from course_lib.views.snapshots import WindowCount, WindowsSnapshot
from course_lib.views.windows import render_windows

MINUTE, GRACE = 60_000, 10_000


def test_the_view_shows_committed_counts_and_closes_windows_by_stream_time(cluster, unique):
    rides, counts = unique("rides"), unique("counts")
    create_topic(rides, partitions=2)
    create_topic(counts, partitions=2)
    zero = (int(time.time() * 1000) // MINUTE - 10) * MINUTE
    seconds = {"north": [5, 30, 61, 65, 75], "south": [10, 50, 62]}  # north reaches 75: minute 0 closes (≥ 70)
    producer = Producer(client_config(cluster.bootstrap_servers))
    for zone, times in seconds.items():
        for second in times:
            producer.produce(rides, key=zone, value=json.dumps({"zone": zone}), timestamp=zero + second * 1000,
                             partition=list(seconds).index(zone))
    assert producer.flush(30) == 0
    group = f"{rides}-processor"
    view = windows_view(counts, rides, group, field_name="rides", grace_ms=GRACE, cluster=cluster)
    state = course_home() / "streams" / f"test-{uuid.uuid4().hex[:6]}"
    try:
        app = Application(broker_address=cluster.bootstrap_servers, consumer_group=group,
                          auto_offset_reset="earliest", processing_guarantee="exactly-once", loglevel="ERROR",
                          state_dir=state)
        sdf = app.dataframe(app.topic(rides, value_deserializer="json"))
        sdf = sdf.tumbling_window(MINUTE, grace_ms=GRACE).agg(rides=Count()).current()
        sdf.to_topic(app.topic(counts, value_serializer="json"))
        app.run(count=8, timeout=20)
        deadline = time.monotonic() + 20
        while (snapshot := view.refresh()) is None or snapshot.updates < 8:
            assert time.monotonic() < deadline, snapshot
            time.sleep(0.5)
    finally:
        view.close()
        shutil.rmtree(state, ignore_errors=True)
    found = {(w.key, (w.start - zero) // 1000): (w.count, w.closed) for w in snapshot.windows}
    assert found == {("north", 0): (2, True), ("north", 60): (3, False),
                     ("south", 0): (2, False), ("south", 60): (1, False)}, found
    assert snapshot.error is None and snapshot.admin_calls == 1
    truth = Counter((zone, second // 60 * 60) for zone, times in seconds.items() for second in times)
    assert {key: count for key, (count, _) in found.items()} == dict(truth)


def test_render_marks_each_window_open_or_closed():
    snapshot = WindowsSnapshot("counts", (WindowCount("north", 0, 60_000, 3, True),
                                          WindowCount("north", 60_000, 120_000, 1, False),
                                          WindowCount("south", 60_000, 120_000, 2, False)), {0: 75_000}, 6)
    html = render_windows(snapshot)
    assert html.count('data-state="CLOSED"') == 1 and html.count('data-state="OPEN"') == 2
    assert 'data-window="north@0"' in html and "1 closed · 2 open · 6 updates read" in html
    assert html.count("—") == 1, "south has no window from minute 0"
    assert "No committed window update" in render_windows(WindowsSnapshot("counts", (), {}, 0))
