"""The delivery experiment of lesson 07: what each producer setting loses or duplicates when a broker dies.

Every setting gets its own one-partition topic, all led by the same broker (the *victim*). One
producer per setting sends the numbers 0, 1, 2 … at a steady pace; part-way through, the victim is
killed with SIGKILL, as in a crash. When every producer has finished (or given up), the victim is
restarted and each topic is read back and counted by sequence number:

* **lost** — the producer was told "delivered", yet the number is not in the topic (silent loss);
* **failed** — the producer was told "not delivered" (the application knows, and could resend);
* **duplicated** — the number is stored more than once (a retry of a write that had succeeded).

Running all settings side by side against one kill means they meet exactly the same failure.
Introduced in lesson 07.
"""

import re
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import NewTopic

from ..clients.admin import admin_client, describe_topic
from ..connection import client_config, reason
from ..errors import CourseError
from ..clients.reading import read_all
from ..session import cluster_or_course
from ..waiting import poll_until

__all__ = ["DeliveryOutcome", "tally", "pick_victim", "run_delivery_experiment", "read_sequence_numbers",
           "outcomes_table"]


@dataclass(frozen=True)
class DeliveryOutcome:
    """What happened to one producer setting's stream (all counts are of sequence numbers)."""
    label: str
    settings: dict
    topic: str
    sent: int                    # numbers handed to the producer
    acknowledged: int            # delivery reports saying "delivered"
    failed: int                  # delivery reports carrying an error
    unreported: int              # no delivery report before the producer was closed
    stored: int                  # records found in the topic (duplicates included)
    lost: tuple[int, ...]        # acknowledged, but not in the topic
    duplicated: tuple[int, ...]  # in the topic more than once
    failed_but_stored: int       # reported as failed, yet the broker had stored it
    missing: int                 # numbers not in the topic at all, whatever the producer was told
    acked_while_down: int = 0    # acknowledged after the victim died (it stays down until all are read back)
    errors: dict = field(default_factory=dict)  # error name -> how many delivery reports carried it


def tally(label: str, settings: Mapping, topic: str, sent: int, reports: Mapping[int, str | None],
          stored: list[int], acked_while_down: int = 0) -> DeliveryOutcome:
    """Count one stream: ``reports`` maps each reported number to None (delivered) or an error name;
    ``stored`` lists the numbers read back from the topic, in offset order.

    Course machinery.
    """
    counts = Counter(stored)
    acknowledged = [n for n, error in reports.items() if error is None]
    failed = [n for n, error in reports.items() if error is not None]
    return DeliveryOutcome(
        label=label, settings=dict(settings), topic=topic, sent=sent,
        acknowledged=len(acknowledged), failed=len(failed), unreported=sent - len(reports),
        stored=len(stored),
        lost=tuple(sorted(n for n in acknowledged if n not in counts)),
        duplicated=tuple(sorted(n for n, c in counts.items() if c > 1)),
        failed_but_stored=sum(1 for n in failed if n in counts),
        missing=sum(1 for n in range(sent) if n not in counts),
        acked_while_down=acked_while_down,
        errors=dict(Counter(error for error in reports.values() if error is not None)))


def pick_victim(cluster) -> int:
    """A live broker that is not the active controller: killing it tests the data path, not a controller
    election as well."""
    controller = cluster.controller_id()
    live = [node.node_id for node in cluster.nodes if node.process.alive]
    if len(live) < len(cluster.nodes):
        raise CourseError("A broker is already down; start it again (`python -m course_lib up`) before the "
                          "delivery experiment, so the kill is the only failure.")
    return next((n for n in live if n != controller), live[-1])


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:30] or "stream"


def _create_led_by(topic: str, victim: int, cluster, timeout: float = 30) -> None:
    """A one-partition, three-replica topic whose leader is ``victim`` (the first replica listed)."""
    others = [node.node_id for node in cluster.nodes if node.node_id != victim]
    new = NewTopic(topic, num_partitions=1, replica_assignment=[[victim, *others]])
    admin = admin_client(cluster)  # keep a reference: a collected client cancels its pending requests
    try:
        admin.create_topics([new], operation_timeout=15)[topic].result()
    except KafkaException as exc:
        raise CourseError(f"Could not create {topic!r} for the delivery experiment: {reason(exc)}.") from None
    poll_until(lambda: describe_topic(topic, cluster).partitions[0].leader, f"broker {victim} to lead {topic!r}",
               timeout, done=lambda leader: leader == victim, retry_on=(CourseError,),
               advice="Check `python -m course_lib status` and run the experiment again.")


def read_sequence_numbers(topic: str, cluster=None) -> list[int]:
    """The numbers stored in ``topic``, in offset order (duplicates included) (course machinery)."""
    return [int(record.value) for record in read_all(topic, cluster=cluster)]


def run_delivery_experiment(settings: Mapping[str, Mapping], count: int = 2000, rate: float = 500,
                            kill_at: float = 0.5, victim: int | None = None, cluster=None,
                            flush_timeout: float = 90, restart_timeout: float = 300) -> list[DeliveryOutcome]:
    """Send ``count`` numbers per setting at ``rate`` per second, kill the leader after ``kill_at`` of
    them, restart it, and count every stream. ``settings`` maps a label to producer configs
    (``_`` stands for ``.``), e.g. ``{"acks=1": {"acks": "1"}}``."""
    if not settings:
        raise CourseError("Give the experiment at least one producer setting, e.g. {'acks=1': {'acks': '1'}}.")
    if count < 10 or not 0 < kill_at < 1 or rate <= 0:
        raise CourseError("Use count >= 10, a positive rate and 0 < kill_at < 1 (the fraction sent before the kill).")
    cluster = cluster_or_course(cluster)
    victim = victim if victim is not None else pick_victim(cluster)
    run = uuid.uuid4().hex[:6]
    topics = {label: f"delivery-{_slug(label)}-{run}" for label in settings}
    for label, topic in topics.items():
        _create_led_by(topic, victim, cluster)
    producers = {}
    for label, config in settings.items():
        try:
            producers[label] = Producer(client_config(cluster.bootstrap_servers, **config))
        except KafkaException as exc:
            raise CourseError(f"The setting {label!r} is not a valid producer config: {reason(exc)}.") from None
    for label, producer in producers.items():  # learn the leader before the clock starts
        producer.list_topics(topics[label], timeout=10)

    reports = {label: {} for label in settings}
    report_times = {label: {} for label in settings}

    def on_delivery(label):
        def record(error, message):
            number = int(message.value())
            reports[label][number] = None if error is None else error.name()
            report_times[label][number] = time.monotonic()
        return record

    callbacks = {label: on_delivery(label) for label in settings}

    def send(number: int) -> None:
        value = str(number).encode()
        for label, producer in producers.items():
            while True:
                try:
                    producer.produce(topics[label], value=value, on_delivery=callbacks[label])
                    break
                except BufferError:
                    producer.poll(0.05)
            producer.poll(0)

    send(0)  # the stream starts once every producer has its first record acknowledged (connections are up)

    def first_reports() -> dict[str, bool]:
        for producer in producers.values():
            producer.poll(0.05)
        return {label: 0 in reports[label] for label in settings}
    poll_until(first_reports, "a delivery report for every producer's first record", 60, every=0,
               done=lambda arrived: all(arrived.values()), advice="Check `python -m course_lib status`.")
    kill_index = max(1, int(count * kill_at))
    start = time.monotonic()
    killed_at = None
    try:
        for number in range(1, count):
            if number == kill_index:
                cluster.kill_broker(victim)
                killed_at = time.monotonic()
            send(number)
            pause = start + number / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)  # pacing the stream, not waiting for readiness
        deadline = time.monotonic() + flush_timeout
        for producer in producers.values():
            producer.flush(max(0.0, deadline - time.monotonic()))
        finished_at = time.monotonic()
        stored = {label: read_sequence_numbers(topic, cluster) for label, topic in topics.items()}
    finally:
        if killed_at is not None:  # the two live brokers served the reads; now bring the victim back
            cluster.start_broker(victim, timeout=restart_timeout)
    outcomes = []
    for label, topic in topics.items():
        acked_while_down = sum(1 for n, t in report_times[label].items()
                               if reports[label][n] is None and killed_at <= t <= finished_at)
        outcomes.append(tally(label, settings[label], topic, count, reports[label], stored[label],
                              acked_while_down))
    return outcomes


def outcomes_table(outcomes: list[DeliveryOutcome]):
    """The outcomes as a pandas DataFrame, one row per setting, for a notebook."""
    import pandas as pd
    return pd.DataFrame([{"setting": o.label, "sent": o.sent, "acknowledged": o.acknowledged, "failed": o.failed,
                          "unreported": o.unreported, "stored": o.stored, "lost (acked, not stored)": len(o.lost),
                          "missing": o.missing, "duplicated": len(o.duplicated), "failed but stored": o.failed_but_stored,
                          "acked while broker down": o.acked_while_down}
                         for o in outcomes]).set_index("setting")
