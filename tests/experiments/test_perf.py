"""Performance helpers: payloads, ProducerPerformance's summary, and real measurements on the cluster."""

import zlib

import pytest

from course_lib import CourseError
from course_lib.clients.admin import create_topic
from course_lib.experiments.perf import (consumer_scaling, measure_producer, parse_producer_performance, payloads,
                             producer_performance, runs_table, sweep_producer, throughput_latency_figure)

# The summary line Kafka 4.4's ProducerPerformance printed on this cluster (after a progress line).
JAVA_OUTPUT = """1362 records sent, 264.1 records/sec (0.03 MB/sec), 5727.7 ms avg latency, 6756.0 ms max latency.
2000 records sent, 55.100973 records/sec (0.01 MB/sec), 6763.33 ms avg latency, 24927.00 ms max latency, 6290 ms 50th, 11862 ms 95th, 11897 ms 99th, 11938 ms 99.9th.
"""


def test_payloads_have_the_exact_size_and_compress_like_events():
    values = payloads(500, 200)
    assert {len(v) for v in values} == {200} and len(set(values)) == 500
    ratio = len(zlib.compress(b"".join(values))) / (500 * 200)
    assert 0.05 < ratio < 0.5, ratio
    with pytest.raises(CourseError):
        payloads(1, 8)


def test_the_summary_line_of_producer_performance_is_parsed():
    summary = parse_producer_performance(JAVA_OUTPUT)
    assert summary["records"] == 2000 and summary["records_per_second"] == pytest.approx(55.100973)
    assert summary["latency_ms"] == {"avg": 6763.33, "p50": 6290, "p95": 11862, "p99": 11897, "max": 24927.0}
    with pytest.raises(CourseError, match="no summary"):
        parse_producer_performance("1362 records sent, 264.1 records/sec (0.03 MB/sec), 5727.7 ms avg latency.")


def test_measure_producer_times_every_record(cluster, unique):
    topic = unique("perf")
    create_topic(topic, partitions=1, cluster=cluster)
    run = measure_producer(topic, 1000, 100, cluster=cluster, linger_ms=10)
    assert run.records == 1000 and run.seconds > 0 and run.records_per_second > 0
    assert 0 < run.latency_ms["p50"] <= run.latency_ms["p99"] <= run.latency_ms["max"]
    assert run.settings == {"linger.ms": 10}
    with pytest.raises(CourseError, match="producer setting"):
        measure_producer(topic, 10, 100, cluster=cluster, linger_ms="soon")


def test_a_sweep_counts_batches_and_bytes_on_disk(cluster):
    runs = sweep_producer("compression.type", ["none", "zstd"], 2000, 200, cluster=cluster, linger_ms=50)
    none, zstd = runs
    assert none.batches >= 1 and none.records_per_batch == 2000 / none.batches
    assert zstd.bytes_on_disk < 0.5 * none.bytes_on_disk
    assert none.bytes_on_disk > 2000 * 200  # uncompressed: every value byte plus record overhead
    tiny = sweep_producer("batch.size", [1000], 500, 200, cluster=cluster)[0]
    assert tiny.batches >= 500 / 5  # 1000 bytes hold at most a few 200-byte records
    assert list(runs_table(runs).index) == ["compression.type=none", "compression.type=zstd"]
    assert len(throughput_latency_figure(runs, "t").data) == 3


def test_consumer_scaling_reads_every_record(cluster):
    runs = consumer_scaling((1, 2), records=2000, record_size=100, cluster=cluster)
    assert [(r.partitions, r.consumers, r.records) for r in runs] == [(1, 1, 2000), (2, 2, 2000)]
    assert all(r.records_per_second > 0 for r in runs)


def test_kafkas_producer_performance_runs_from_the_jars(cluster, unique):
    topic = unique("perf-java")
    create_topic(topic, partitions=1, cluster=cluster)
    run = producer_performance(topic, 2000, 100, cluster=cluster, acks="all", linger_ms=5)
    assert run.tool == "ProducerPerformance" and run.records == 2000 and run.records_per_second > 0
    assert run.settings == {"acks": "all", "linger.ms": 5}
    with pytest.raises(CourseError, match="ProducerPerformance|kafka-producer-perf-test"):
        producer_performance(topic, 10, 100, cluster=cluster, acks="sometimes")
