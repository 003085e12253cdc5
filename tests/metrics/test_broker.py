"""course_lib.metrics reads the brokers' own counters exactly (checked against what a producer wrote)."""

import time

import pytest

from course_lib import CourseError
from course_lib.clients.admin import create_topic, delete_topic
from course_lib.clients.produce import produce
from course_lib.cluster import KRaftCluster
from course_lib.cluster.ports import listening_addresses
from course_lib.metrics.broker import MESSAGES_IN, UNDER_REPLICATED, Scrape, of_topic, parse_metrics, scrape_broker
from course_lib.metrics.recorder import MetricsRecorder, rate_between
from course_lib.waiting import poll_until


def test_prometheus_text_becomes_keys_as_curl_shows_them():
    text = ("# TYPE kafka_server_brokertopicmetrics_messagesin_total counter\n"
            'kafka_server_brokertopicmetrics_messagesin_total{topic="orders"} 12.0\n'
            "kafka_server_brokertopicmetrics_messagesin_total 15.0\n"
            'kafka_network_requestmetrics_requests_total{version="11",request="Produce"} 3.0\n')
    assert parse_metrics(text) == {'kafka_server_brokertopicmetrics_messagesin_total{topic="orders"}': 12.0,
                                   "kafka_server_brokertopicmetrics_messagesin_total": 15.0,
                                   'kafka_network_requestmetrics_requests_total{request="Produce",version="11"}': 3.0}


def test_a_rate_is_the_growth_per_second_and_a_restart_counts_from_zero():
    key = "kafka_server_brokertopicmetrics_messagesin_total"
    first, second = Scrape(100.0, 1, {key: 50.0}), Scrape(102.0, 1, {key: 250.0})
    restarted = Scrape(104.0, 1, {key: 30.0})
    assert rate_between(first, second, key) == 100.0
    assert rate_between(second, restarted, key) == 15.0
    assert rate_between(second, Scrape(105.0, 1, None), key) is None


def test_every_broker_serves_its_metrics_on_loopback_only(cluster):
    for node in cluster.nodes:
        poll_until(lambda: scrape_broker(cluster, node.node_id).get(UNDER_REPLICATED),
                   f"broker {node.node_id} to serve its count of under-replicated partitions, 0 (every replica back)",
                   timeout=60, done=lambda count: count == 0)
        assert ("127.0.0.1", node.metrics_port) in listening_addresses(node.process.pid)
        assert ("0.0.0.0", node.metrics_port) not in listening_addresses(node.process.pid)


def test_the_leaders_count_every_record_written_once(cluster, unique):
    topic = unique("metrics-count")
    create_topic(topic, partitions=3, replication_factor=3)
    key = of_topic(MESSAGES_IN, topic)
    try:
        with MetricsRecorder(cluster, interval=0.5) as recorder:
            produce(topic, [(str(n), "x" * 50) for n in range(1500)])
        counted = sum(scrape_broker(cluster, node.node_id).get(key) or 0 for node in cluster.nodes)
        assert counted == 1500, "MessagesInPerSec counts what a leader appends, once: followers' copies are not in it"
        grown = 0.0
        for broker, points in recorder.series(key, rate=True).items():
            times = [scrape.at for scrape in recorder.of_broker(broker)]
            grown += sum(rate * (at - before) for (at, rate), before in zip(points, times) if rate is not None)
        assert grown == pytest.approx(1500), "rate × seconds, added up, is what was counted (every broker answered)"
    finally:
        delete_topic(topic)


def test_a_mark_is_seconds_since_the_start(cluster):
    recorder = MetricsRecorder(cluster, interval=0.2).start()
    try:
        time.sleep(0.5)
        assert 0.4 < recorder.mark("change") < 2
    finally:
        recorder.stop()
    assert recorder.marks == {"change": pytest.approx(recorder.marks["change"])}
    assert len(recorder.rounds) >= 3 and all(len(scraped) == 3 for scraped in recorder.rounds)


def test_a_cluster_without_the_exporter_says_so(tmp_path):
    class Plain(KRaftCluster):
        with_metrics = False
    with pytest.raises(CourseError, match="serves no metrics"):
        scrape_broker(Plain(home=tmp_path), 1)
