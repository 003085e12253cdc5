"""The broker metrics view: its words for a dead broker and a controller, and its charts on the real cluster."""

import re

from course_lib.metrics.broker import ACTIVE_CONTROLLER, OFFLINE, UNDER_REPLICATED, Scrape
from course_lib.views.metrics import MetricsView, render_metrics_now


def test_the_line_above_the_charts_names_a_silent_broker_and_counts_from_the_controller():
    html = render_metrics_now([Scrape(1.0, 1, {UNDER_REPLICATED: 0, ACTIVE_CONTROLLER: 1, OFFLINE: 0}),
                               Scrape(1.0, 2, None),
                               Scrape(1.0, 3, {UNDER_REPLICATED: 19, ACTIVE_CONTROLLER: 0, OFFLINE: 0})])
    assert "broker 1 ★: 0 under-replicated" in html
    assert "broker 2: no answer" in html
    assert "broker 3: 19 under-replicated" in html
    assert "offline partitions: 0" in html


def test_records_written_show_up_in_the_records_in_chart(cluster, make_topic, produce):
    topic = make_topic("metrics-view", partitions=3)
    view = MetricsView(cluster, autostart=False)
    try:
        view.refresh()
        produce(topic, 300)
        view.refresh()
        highest = [float(h) for h in re.findall(r'data-highest="([0-9.]+)"', view.charts[0].value)]
        assert len(highest) == 3 and sum(highest) > 0, view.charts[0].value[:300]
        assert all(f"broker {node.node_id}" in view._now.value for node in cluster.nodes)
    finally:
        view.close()
