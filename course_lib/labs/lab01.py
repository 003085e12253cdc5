"""Checks for lab 01 (first message): they read what the learner's topics really hold, never raise.

Task 1 wants one greeting, task 2 a back-dated record with a header, task 3 a topic whose broker
stamps the time, task 4 a hundred orders of which not one was lost. Tasks 1, 3 and 4 are ``cluster_only``: the
grader runs them again; task 2 is not, since its record counts only for two days after midnight.
"""

import time
from datetime import datetime, timezone

from ..clients.admin import topic_config
from ..clients.reading import read_all
from .checking import NotYet, require_topic, task_check

__all__ = ["DAY_MS", "MIDNIGHT", "ORDERS", "order", "task1", "task2", "task3", "task4"]

DAY_MS = 24 * 3600 * 1000
# Task 2's timestamp: the start of today, UTC, in ms. Not further back: a record older than the topic's
# retention.ms (7 days) is deleted within seconds on the course cluster.
MIDNIGHT = int(datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
ORDERS = 100


def order(i: int) -> tuple[str, str]:
    """Task 4's i-th order as (key, value): ten customers c0 … c9, values order-0 … order-99."""
    return f"c{i % 10}", f"order-{i}"


def _recent_midnight(record) -> bool:
    """A producer's timestamp at 00:00:00.000 UTC today or yesterday (a lab may run across midnight)."""
    age = time.time() * 1000 - record.timestamp
    return record.timestamp_type == "CreateTime" and record.timestamp % DAY_MS == 0 and 0 <= age < 2 * DAY_MS


@task_check("Task 1 · first greeting", cluster_only=True)
def task1(lab) -> str:
    topic = lab.topic("greetings")
    require_topic(topic, "create it with create_topic(lab.topic('greetings')).")
    records = read_all(topic)
    if not any((r.key, r.value) == ("learner", "hello, Kafka") for r in records):
        raise NotYet(f"{topic} holds {len(records)} records, none with key 'learner' and value "
                     "'hello, Kafka'.", "keys and values are compared exactly, comma and capital K included.")
    return "the greeting is stored."


@task_check("Task 2 · back-dated, with a header")
def task2(lab) -> str:
    topic = lab.topic("greetings")
    require_topic(topic, "do task 1 first.")
    history = [r for r in read_all(topic) if r.key == "history"]
    if not history:
        raise NotYet(f"{topic} has no record with key 'history'.",
                     "produce(..., key=b'history', headers=[('lang', b'en')], timestamp=checks.MIDNIGHT).")
    tagged = [r for r in history if r.headers.get("lang") == "en"]
    if not tagged:
        raise NotYet("the 'history' record has no header lang=en.",
                     "headers are a list of (name, bytes) pairs: headers=[('lang', b'en')].")
    if not any(_recent_midnight(r) for r in tagged):
        raise NotYet(f"the 'history' record's timestamp is {tagged[-1].timestamp}, not midnight "
                     f"UTC at the start of today ({MIDNIGHT}).", "pass timestamp=checks.MIDNIGHT to produce().")
    return "a record stamped at midnight, with its header, is stored."


@task_check("Task 3 · the broker's clock", cluster_only=True)
def task3(lab) -> str:
    topic = lab.topic("audit")
    require_topic(topic, "create it with the topic config that makes the broker set timestamps.")
    kind = topic_config(topic, only_changed=False).get("message.timestamp.type")
    if kind != "LogAppendTime":
        raise NotYet(f"{topic} has message.timestamp.type={kind}, so producers set the timestamps.",
                     "recreate it with config={'message.timestamp.type': 'LogAppendTime'}.")
    records = read_all(topic)
    if not records:
        raise NotYet(f"{topic} is configured right but holds no record yet.", "send one to it.")
    return f"{len(records)} record(s) stamped by the broker (LogAppendTime)."


@task_check("Task 4 · lose nothing", cluster_only=True)
def task4(lab) -> str:
    topic = lab.topic("orders")
    require_topic(topic, "create it, then send the orders.")
    stored = {(r.key, r.value) for r in read_all(topic)}
    wanted = {order(i) for i in range(ORDERS)}
    missing = wanted - stored
    if missing:
        example = sorted(missing, key=lambda kv: int(kv[1].split("-")[1]))[0]
        raise NotYet(f"{len(missing)} of {ORDERS} orders are not stored with their key "
                     f"(e.g. {example[1]} with key {example[0]}).",
                     "a producer only queues: call flush() before you stop, and check every delivery report.")
    return f"all {ORDERS} orders are stored, each under its customer's key."
