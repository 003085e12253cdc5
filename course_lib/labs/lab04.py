"""Checks for lab 04 (consuming and offsets): they read the groups' commits from the cluster, never raise.

``prepare`` writes the orders: 20 per partition, the first ``OLD[p]`` of partition ``p`` stamped a day
ago and the rest now, so task 3 has a clear point in time to replay from (at a different offset in
each partition).
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from confluent_kafka import Producer

from ..clients.admin import committed_offsets, create_topic, watermarks
from ..connection import client_config
from ..clients.consume import read_partition
from ..errors import CourseError
from ..clients.lag import offsets_for_time
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check, topic_exists
from .faults import crash_and_restart, delete_trial, require_at_least_once

__all__ = ["Orders", "OLD", "PER_PARTITION", "PARTITIONS", "AUDIT_PARTITION", "AUDIT_OFFSET", "prepare", "shipped_value",
           "CRASH_AFTER", "task1", "task2", "task3", "task4"]

PARTITIONS = 3
PER_PARTITION = 20
OLD = (12, 7, 15)  # orders per partition written "yesterday"
AUDIT_PARTITION, AUDIT_OFFSET = 2, 10
DAY_MS = 24 * 3600 * 1000
CRASH_AFTER = 25  # orders handed to the first run of task 4's job before the check crashes it
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."


@dataclass(frozen=True)
class Orders:
    """What ``prepare`` wrote: the topic, how many orders, and the cut-off between old and new ones."""
    topic: str
    count: int
    cutoff_ms: int  # the "bad deploy": orders before it are a day old, orders from it on are new


def prepare(lab) -> Orders:
    """Create this attempt's ``orders`` topic with its orders, once (re-running the cell changes nothing)."""
    topic = lab.topic("orders")
    now = int(time.time() * 1000)
    if not topic_exists(topic):
        create_topic(topic, partitions=PARTITIONS)
        producer = Producer(client_config(cluster_or_course().bootstrap_servers))
        for partition in range(PARTITIONS):
            for i in range(PER_PARTITION):
                stamp = now - DAY_MS + i * 1000 if i < OLD[partition] else now + i
                producer.produce(topic, key=f"user-{i % 4}", value=f"order {partition}-{i}",
                                 partition=partition, timestamp=stamp)
        if producer.flush(30):
            raise CourseError(f"Could not write the orders to {topic!r}; check `python -m course_lib status` "
                              "and run the cell again.")
    return Orders(topic, PARTITIONS * PER_PARTITION, _cutoff(topic))


def _cutoff(topic: str) -> int:
    """The timestamp of the first "new" order, read back from the topic (new ones are a day younger)."""
    stamps = [r.timestamp for r in _read(topic)]
    return min(ts for ts in stamps if ts > max(stamps) - DAY_MS // 2)


def shipped_value(order: str) -> str:
    """Task 4's transformation of one order value."""
    return order.upper()


def _read(topic: str) -> list:
    """Every record of ``topic``, partition by partition (assign, no group: nothing is committed)."""
    return [record for p, (low, high) in sorted(watermarks(topic).items()) if high > low
            for record in read_partition(topic, p, low, max_records=high - low, timeout=30)]


@task_check("Task 1 · read everything", cluster_only=True)
def task1(lab) -> str:
    """Group ``billing`` committed the end of every partition: it read everything, lag 0."""
    topic, group = lab.topic("orders"), lab.group("billing")
    require_topic(topic, _SET_UP_FIRST)
    ends = {p: high for p, (low, high) in watermarks(topic).items()}
    committed = committed_offsets(group, topic)
    if not committed:
        raise NotYet(f"group {group} has committed nothing on {topic}.",
                     "consume with group.id=lab.group('billing') and auto.offset.reset=earliest, then close().")
    behind = {p: ends[p] - committed.get(p, 0) for p in ends if committed.get(p) != ends[p]}
    if behind:
        raise NotYet(f"the group is still behind: lag {behind} (partition: records).",
                     "keep polling until you have all 60 records, and close() the consumer so it commits.")
    return f"group {group} committed the end of all {len(ends)} partitions: lag 0."


@task_check("Task 2 · rewind one partition", cluster_only=True)
def task2(lab) -> str:
    """Group ``audit`` has committed exactly ``AUDIT_OFFSET`` on partition ``AUDIT_PARTITION``."""
    topic, group = lab.topic("orders"), lab.group("audit")
    require_topic(topic, _SET_UP_FIRST)
    committed = committed_offsets(group, topic).get(AUDIT_PARTITION)
    if committed is None:
        raise NotYet(f"group {group} has no commit on partition {AUDIT_PARTITION}.",
                     "commit offsets=[TopicPartition(topic, 2, 10)] with a consumer of that group.")
    if committed != AUDIT_OFFSET:
        raise NotYet(f"group {group} would resume partition {AUDIT_PARTITION} at offset "
                     f"{committed}, not {AUDIT_OFFSET}.",
                     "the committed offset is the NEXT record to read: commit 10 itself, not 9 or 11.")
    return f"group {group} will re-read partition {AUDIT_PARTITION} from offset {AUDIT_OFFSET}."


@task_check("Task 3 · replay from a time", cluster_only=True)
def task3(lab) -> str:
    """Group ``reports`` committed, on every partition, the first offset at or after the cutoff."""
    topic, group = lab.topic("orders"), lab.group("reports")
    require_topic(topic, _SET_UP_FIRST)
    wanted = offsets_for_time(topic, _cutoff(topic))
    committed = committed_offsets(group, topic)
    if not committed:
        raise NotYet(f"group {group} has committed nothing on {topic}.",
                     "find the offsets with offsets_for_times(...) and commit them with that group.")
    wrong = {p: committed.get(p) for p in wanted if committed.get(p) != wanted[p]}
    if wrong:
        raise NotYet(f"on partitions {sorted(wrong)} the group would resume at {wrong}, "
                     "which is not the first order at or after the cutoff.",
                     "ask offsets_for_times with TopicPartition(topic, p, orders.cutoff_ms) for every partition.")
    return f"group {group} will reprocess every order since the cutoff ({wanted})."


@task_check("Task 4 · at-least-once copy")
def task4(lab, job: Callable, consumer_config: dict, producer_config: dict) -> str:
    """Run ``job(consumer, producer, orders, shipped)`` on clients built from the two configs, crash it after
    ``CRASH_AFTER`` orders, run it again: every order must have reached the output, and the group the end."""
    orders = lab.topic("orders")
    require_topic(orders, _SET_UP_FIRST)
    trial = crash_and_restart(job, consumer_config, producer_config, orders, lab.topic("shipped"), CRASH_AFTER,
                              crash_at="commit")
    try:
        wanted = Counter(shipped_value(r.value) for r in _read(orders))
        copied = Counter(r.value for r in _read(trial.target))
        extra = require_at_least_once(
            trial, orders, wanted, copied,
            "their offsets were committed before their copies were acknowledged, or they were never read.",
            "enable.auto.commit=False and auto.offset.reset=earliest; per batch: produce, flush() until every copy "
            "is acknowledged, and only then commit(asynchronous=False).",
            "commit (synchronously) after each batch's copies are acknowledged.")
        return (f"all {sum(wanted.values())} orders shipped {trial.story}"
                + (f" ({extra} twice — fine for at-least-once)" if extra else "") + "; the group is at the end.")
    finally:
        delete_trial(trial)
