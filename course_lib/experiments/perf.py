"""Measure what producer and consumer settings do to throughput and latency (introduced in lesson 12).

``measure_producer`` times one producer sending ``records`` records: throughput from the first
``produce`` to the last delivery report, and each record's latency from ``produce`` to its delivery
report — the same definition Kafka's own ``ProducerPerformance`` uses, so ``producer_performance``
(which runs that Java tool from the course's jars) can be compared on the same cluster.
``measure_consumers`` times a consumer group (lesson 05's ``groups.Group``) reading a topic.

Numbers from one laptop are noisy and small; what matters is how they move when one setting changes.
"""

import random
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from functools import partial
from statistics import mean

from confluent_kafka import KafkaException, Producer

from ..clients.admin import create_topic
from ..log.batches import data_batches
from ..connection import client_config, reason
from ..errors import CourseError
from .groups import ConsumerRun, Group
from ..session import cluster_or_course
from ..profile import namespaced

__all__ = ["ProducerRun", "ConsumerRun", "payloads", "measure_producer", "sweep_producer", "measure_consumers",
           "consumer_scaling", "producer_performance", "parse_producer_performance", "runs_table",
           "throughput_latency_figure"]

MB = 1024 * 1024


@dataclass(frozen=True)
class ProducerRun:
    """One measured producer run."""
    label: str
    records: int
    record_size: int
    seconds: float              # first send to last acknowledgement
    latency_ms: dict            # avg, p50, p95, p99, max: send() to delivery report
    tool: str = "course_lib"    # or "ProducerPerformance"
    settings: dict = field(default_factory=dict)
    batches: int | None = None        # record batches the broker stored (when counted on disk)
    bytes_on_disk: int | None = None  # their size in the log, after compression

    @property
    def records_per_batch(self) -> float | None:
        return self.records / self.batches if self.batches else None

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.records_per_second * self.record_size / MB


def payloads(count: int, size: int, seed: int = 12) -> list[bytes]:
    """``count`` JSON click events of exactly ``size`` bytes that compress the way real events do
    (repeated field names, small vocabularies, some random ids) — unlike random bytes, or one repeated string."""
    if size < 16:
        raise CourseError(f"record_size={size} is too small for a test record; use 16 bytes or more.")
    rng = random.Random(seed)
    pages = ["/", "/products", "/products/42", "/cart", "/checkout", "/search?q=kafka", "/help"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)", "curl/8.5.0"]
    words = ["red", "blue", "sale", "new", "mobile", "desktop", "promo", "kafka", "stream", "cart", "gift", "fast"]
    out = []
    for i in range(count):
        event = (f'{{"event":{i},"user":"user-{rng.randrange(5000)}","session":"{rng.getrandbits(48):012x}",'
                 f'"page":"{rng.choice(pages)}","action":"{rng.choice(["view", "click", "scroll", "buy"])}",'
                 f'"ms":{rng.randrange(10, 900)},"agent":"{rng.choice(agents)}","tags":"')
        while len(event) < size:
            event += rng.choice(words) + " "
        out.append(event.encode()[:size])
    return out


def _percentiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"avg": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"avg": mean(ordered), "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


def measure_producer(topic: str, records: int = 5000, record_size: int = 200, label: str | None = None,
                     rate: float | None = None, cluster=None, timeout: float = 120, **config) -> ProducerRun:
    """Send ``records`` records of ``record_size`` bytes to ``topic`` and time them.

    ``rate=None`` sends as fast as the producer accepts (maximum throughput); a ``rate`` in records per
    second sends at that pace instead, which shows the latency a setting adds under a light load.
    ``config`` are producer settings (``_`` stands for ``.``), e.g. ``linger_ms=20``.
    """
    settings = {key.replace("_", "."): value for key, value in config.items()}
    try:
        producer = Producer(client_config(cluster_or_course(cluster).bootstrap_servers, **settings))
    except KafkaException as exc:
        raise CourseError(f"Not a valid producer setting ({reason(exc)}); check the names and values "
                          "in the Kafka/librdkafka configuration reference.") from None
    producer.list_topics(topic, timeout=10)  # metadata before the clock starts
    values = payloads(records, record_size)
    sent_at = [0.0] * records
    latencies: list[float] = []
    errors: list[str] = []
    done_at = [0.0]

    def delivered(index, error, message):
        now = time.perf_counter()
        if error is not None:
            errors.append(error.str())
        latencies.append((now - sent_at[index]) * 1000)
        done_at[0] = now

    start = time.perf_counter()
    for index, value in enumerate(values):
        if rate:
            pause = start + index / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)  # pacing the load, not waiting for readiness
        while True:
            sent_at[index] = time.perf_counter()
            try:
                producer.produce(topic, value=value, on_delivery=partial(delivered, index))
                break
            except BufferError:  # the local queue is full: serve delivery reports, then retry
                producer.poll(0.01)
        producer.poll(0)
    left = producer.flush(timeout)
    if left or errors:
        raise CourseError(f"{left + len(errors)} of {records} records to {topic!r} were not acknowledged "
                          f"({errors[0] if errors else 'still queued'}); check `python -m course_lib status`.")
    return ProducerRun(label or _label(settings), records, record_size, done_at[0] - start,
                       _percentiles(latencies), settings=settings)


def _label(settings: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items()) or "defaults"


def sweep_producer(setting: str, values, records: int = 5000, record_size: int = 200, cluster=None,
                   rate: float | None = None, prefix: str = "perf", **base) -> list[ProducerRun]:
    """One ``measure_producer`` run per value of one ``setting`` (e.g. ``"linger.ms"``), the rest ``base``.

    Each run writes to a fresh one-partition topic, so the batches it made can be counted on disk.
    """
    runs = []
    for value in values:
        topic = f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', f'{setting}-{value}'.lower())}-{uuid.uuid4().hex[:6]}"
        create_topic(topic, partitions=1, cluster=cluster)
        config = {**{k.replace("_", "."): v for k, v in base.items()}, setting: value}
        run = measure_producer(topic, records, record_size, label=f"{setting}={value}", rate=rate,
                               cluster=cluster, **config)
        stored = data_batches(topic, cluster)
        runs.append(replace(run, batches=len(stored), bytes_on_disk=sum(b.size for b in stored)))
    return runs


def measure_consumers(topic: str, consumers: int, expected: int, cluster=None, timeout: float = 60,
                      label: str | None = None) -> ConsumerRun:
    """Read ``expected`` records of ``topic`` with a new group of ``consumers`` consumers (one thread each,
    a ``groups.Group``) and time it from the first record received to the last."""
    if consumers < 1:
        raise CourseError("A consumer group needs at least one consumer; pass consumers=1 or more.")
    with Group(topic, group_id=namespaced(f"perf-{uuid.uuid4().hex[:8]}"), cluster=cluster, enable_auto_commit=False,
               fetch_wait_max_ms=50) as group:
        group.start(consumers)
        try:
            group.wait_consumed(expected, timeout)
        except CourseError:
            group._failed()  # a member that failed says why
            read = len(group.consumed)
            raise CourseError(f"The group read {read} of {expected} records of {topic!r} within {timeout:.0f} s; "
                              "produce them first, or give it more time.") from None
        consumed = group.consumed  # what it read until then: records arriving later do not count
        partitions = len(group.partitions)
    first, last = min(c.at for c in consumed), max(c.at for c in consumed)
    return ConsumerRun(label or f"{partitions} partitions, {consumers} consumers", partitions, consumers,
                       len(consumed), last - first)


def consumer_scaling(partition_counts=(1, 2, 4), records: int = 20000, record_size: int = 200,
                     cluster=None, prefix: str = "perf-scaling") -> list[ConsumerRun]:
    """For each partition count: a fresh topic filled with ``records`` records, read by a group with one
    consumer per partition."""
    runs = []
    for count in partition_counts:
        topic = f"{prefix}-{count}p-{uuid.uuid4().hex[:6]}"
        create_topic(topic, partitions=count, cluster=cluster)
        measure_producer(topic, records, record_size, cluster=cluster, linger_ms=20)
        runs.append(measure_consumers(topic, consumers=count, expected=records, cluster=cluster))
    return runs


# -- Kafka's own ProducerPerformance -------------------------------------------------------------

_SUMMARY = re.compile(
    r"(?P<records>\d+) records sent, (?P<rps>[\d.]+) records/sec \((?P<mbps>[\d.]+) MB/sec\), "
    r"(?P<avg>[\d.]+) ms avg latency, (?P<max>[\d.]+) ms max latency, (?P<p50>\d+) ms 50th, "
    r"(?P<p95>\d+) ms 95th, (?P<p99>\d+) ms 99th, (?P<p999>\d+) ms 99.9th")


def parse_producer_performance(output: str) -> dict:
    """The final summary line of ProducerPerformance as numbers (it also prints a line every 5 s)."""
    matches = list(_SUMMARY.finditer(output))
    if not matches:
        raise CourseError("ProducerPerformance printed no summary line (… records sent, … ms 99.9th); "
                          "run it again and read its output.")
    found = matches[-1]
    return {"records": int(found["records"]), "records_per_second": float(found["rps"]),
            "mb_per_second": float(found["mbps"]),
            "latency_ms": {"avg": float(found["avg"]), "p50": float(found["p50"]), "p95": float(found["p95"]),
                           "p99": float(found["p99"]), "max": float(found["max"])}}


def producer_performance(topic: str, records: int = 5000, record_size: int = 200, throughput: int = -1,
                         cluster=None, timeout: float = 180, **config) -> ProducerRun:
    """Run Kafka's ``ProducerPerformance`` (``kafka-producer-perf-test``) on the course cluster.

    ``config`` are Java producer settings (``_`` stands for ``.``), e.g. ``acks="all", linger_ms=5``;
    ``throughput=-1`` means as fast as possible. The JVM's start-up is not part of the measured time.
    """
    from ..toolchain.kafka_tools import run_tool
    settings = {key.replace("_", "."): value for key, value in config.items()}
    args = ["--topic", topic, "--num-records", records, "--record-size", record_size, "--throughput", throughput,
            "--bootstrap-server", cluster_or_course(cluster).bootstrap_servers]
    for key, value in settings.items():
        args += ["--command-property", f"{key}={value}"]
    summary = parse_producer_performance(run_tool("kafka-producer-perf-test", *args, timeout=timeout).stdout)
    seconds = summary["records"] / summary["records_per_second"] if summary["records_per_second"] else 0.0
    return ProducerRun("ProducerPerformance (Java)", summary["records"], record_size, seconds,
                       summary["latency_ms"], tool="ProducerPerformance", settings=settings)


# -- showing results -----------------------------------------------------------------------------

def runs_table(runs):
    """Producer or consumer runs as a pandas DataFrame, one row per run."""
    import pandas as pd
    rows = []
    for run in runs:
        row = {"run": run.label, "records": run.records, "seconds": round(run.seconds, 3),
               "records/s": round(run.records_per_second)}
        if isinstance(run, ProducerRun):
            row.update({"MB/s": round(run.mb_per_second, 2), "tool": run.tool,
                        **{f"{k} ms": round(v, 1) for k, v in run.latency_ms.items()}})
            if run.batches is not None:
                row.update({"batches": run.batches, "records/batch": round(run.records_per_batch, 1),
                            "KB on disk": round(run.bytes_on_disk / 1024, 1)})
        else:
            row.update({"partitions": run.partitions, "consumers": run.consumers})
        rows.append(row)
    return pd.DataFrame(rows).set_index("run")


def throughput_latency_figure(runs: list[ProducerRun], title: str):
    """Two bar charts side by side: records/s (higher is better) and p50/p99 latency (lower is better)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    labels = [run.label for run in runs]
    figure = make_subplots(rows=1, cols=2, subplot_titles=("throughput (records/s)", "latency (ms)"))
    figure.add_trace(go.Bar(x=labels, y=[run.records_per_second for run in runs], name="records/s",
                            marker_color="#0072B2"), row=1, col=1)
    figure.add_trace(go.Bar(x=labels, y=[run.latency_ms["p50"] for run in runs], name="p50 latency",
                            marker_color="#009E73"), row=1, col=2)
    figure.add_trace(go.Bar(x=labels, y=[run.latency_ms["p99"] for run in runs], name="p99 latency",
                            marker_color="#E69F00"), row=1, col=2)
    figure.update_layout(title=title, template="plotly_white", height=420, width=980, barmode="group",
                         font=dict(size=16), legend=dict(orientation="h", y=-0.25))
    return figure
