"""Checks for lab 17 (Kafka Connect): the learner writes connector configurations, not code. Each check creates
the connector from the learner's configuration on the course's Connect worker, under a name of its own and on
fresh topics, lets it run, and judges what it did — then deletes it:

- task 1: a FileStream **source** with single message transforms: each line of the lab's file must arrive as a
  JSON object ``{"order": <line>, "shop": "north"}``, schemaless, in order;
- task 2: a FileStream **sink** that must not lose a record: the lab's payments topic holds JSON values and some
  that are not JSON; every valid one must reach the file and every other one the dead-letter topic — a sink that
  fails, or one that drops what it cannot read, is rejected.
"""

import json
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from confluent_kafka import Producer

from ..clients.admin import committed_offsets, create_topic, delete_topic, list_topics, watermarks
from ..clients.reading import read_all
from ..cluster.connect_worker import ConnectWorker
from ..connection import client_config
from ..errors import CourseError
from ..paths import course_home
from ..session import cluster_or_course
from .checking import NotYet, answer_of, require_topic, task_check
from .faults import delete_group

__all__ = ["ORDERS", "PAYMENTS", "SHOP", "prepare", "task1", "task2", "finish"]

ORDERS = ["order-1,12.50", "order-2,7.00", "order-3,30.25", "order-4,3.10", "order-5,99.90"]
SHOP = "north"
PAYMENTS = ['"pay-1"', '"pay-2"', "pay-3 (not JSON)", '"pay-4"', "{broken", '"pay-6"', '"pay-7"', "<pay-8/>"]
RUN_TIMEOUT = 45.0  # a check waits this long for the connector's output
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."


def _files(lab) -> Path:
    return course_home() / "lab17" / lab.run_id


def prepare(lab) -> str:
    """Start the Connect worker, write the lab's orders file and its payments topic (once)."""
    ConnectWorker(cluster_or_course()).start()
    files = _files(lab)
    files.mkdir(parents=True, exist_ok=True)
    (files / "orders.txt").write_text("".join(f"{line}\n" for line in ORDERS))
    payments = lab.topic("payments")
    if payments not in list_topics():
        create_topic(payments, partitions=1)
        producer = Producer(client_config(cluster_or_course().bootstrap_servers))
        for value in PAYMENTS:
            producer.produce(payments, value=value)
        if producer.flush(30):
            raise CourseError("Could not write the lab's payments; check `python -m course_lib status` and run the "
                              "cell again.")
    return (f"Connect worker on {ConnectWorker(cluster_or_course()).url}; {len(ORDERS)} orders in "
            f"{files / 'orders.txt'}; {len(PAYMENTS)} payments in {payments}")


def _worker() -> ConnectWorker:
    worker = ConnectWorker(cluster_or_course())
    if not worker.alive:
        raise NotYet("the Connect worker is not running.", _SET_UP_FIRST)
    return worker


def _config(answer) -> dict:
    if not isinstance(answer, dict):
        raise NotYet(f"your function returned {type(answer).__name__}, not a dict of connector settings.",
                     "return {'connector.class': ..., ...}.")
    return {key: str(value) for key, value in answer.items()}


def _run(worker: ConnectWorker, config: dict, done: Callable[[str], bool]) -> str | None:
    """Create the connector, wait until ``done(its name)`` or its task fails or RUN_TIMEOUT passes; the first line
    of a failed task's trace, else None. The connector is deleted afterwards (in every case)."""
    name = f"lab17-check-{uuid.uuid4().hex[:8]}"
    try:
        worker.rest("PUT", f"/connectors/{name}/config", config)
    except CourseError as error:
        raise NotYet(f"the worker refused your configuration: {error}", "compare the keys with lesson 17's.")
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            if done(name):
                return None
            if failure := worker.task_failure(name):
                return failure
            time.sleep(1)
        return None
    finally:
        worker.rest("DELETE", f"/connectors/{name}")
        delete_group(f"connect-{name}")  # a sink's consumer group


def _values(topic: str) -> list:
    return [record.value for record in read_all(topic)] if topic in list_topics() else []


@task_check("Task 1 · a file source that writes JSON records, reshaped by transforms")
def task1(lab, source_config: Callable) -> str:
    """Run the connector ``source_config(file, topic)`` returns, on a fresh topic; want each line as
    ``{"order": line, "shop": SHOP}``, schemaless, in order."""
    worker = _worker()
    file = _files(lab) / "orders.txt"
    if not file.exists():
        raise NotYet("the lab's orders file is missing.", _SET_UP_FIRST)
    topic = f"{lab.topic('orders')}-{uuid.uuid4().hex[:6]}"
    config = _config(answer_of(source_config, str(file), topic))
    try:
        failure = _run(worker, config, lambda name: len(_values(topic)) >= len(ORDERS))
        values = _values(topic)
    finally:
        if topic in list_topics():
            delete_topic(topic)
    if failure:
        raise NotYet(f"the connector's task failed: {failure}", "GET /connectors/<name>/status shows the whole trace.")
    if not values:
        raise NotYet(f"nothing arrived in the topic within {RUN_TIMEOUT:.0f} s.",
                     "use the file and the topic your function is given ('file', 'topic').")
    first = values[0]
    if isinstance(first, str) and first.startswith('{"schema"'):
        raise NotYet(f"each record carries its schema: {first[:60]}…",
                     "'value.converter.schemas.enable': 'false' (JSON without the envelope).")
    try:
        parsed = [json.loads(value) for value in values]
    except (TypeError, ValueError):
        raise NotYet(f"the values are not JSON: {first!r}.", "'value.converter': the JsonConverter.") from None
    if not all(isinstance(value, dict) for value in parsed):
        raise NotYet(f"each value is the line itself ({parsed[0]!r}), not a record with fields: no transform made it "
                     "one.", "HoistField$Value wraps a value into a field, InsertField$Value adds one.")
    wanted = [{"order": line, "shop": SHOP} for line in ORDERS]
    if parsed[0].keys() != wanted[0].keys():
        raise NotYet(f"a value is {parsed[0]}; the task wants {wanted[0]}.",
                     "the line in a field named 'order' (HoistField$Value), and 'shop': 'north' (InsertField$Value).")
    if parsed != wanted:
        raise NotYet(f"{len(parsed)} values, {parsed[:2]}…; the task wants each of the {len(ORDERS)} lines once, in "
                     "order.", "one task ('tasks.max': 1) reading the file from its start.")
    return f"all {len(ORDERS)} lines arrived as {wanted[0]} and the like."


@task_check("Task 2 · a sink that loses nothing")
def task2(lab, sink_config: Callable) -> str:
    """Run the connector ``sink_config(topic, file, dead_letters)`` returns over the payments topic; want every
    JSON value in the file and every other one in the dead-letter topic."""
    worker = _worker()
    payments = lab.topic("payments")
    require_topic(payments, _SET_UP_FIRST)
    file = _files(lab) / f"payments-{uuid.uuid4().hex[:6]}.txt"
    dead_letters = f"{lab.topic('dead-letters')}-{uuid.uuid4().hex[:6]}"
    valid = [json.loads(value) for value in PAYMENTS if _is_json(value)]
    invalid = [value for value in PAYMENTS if not _is_json(value)]
    config = _config(answer_of(sink_config, payments, str(file), dead_letters))

    def lines() -> list[str]:
        return file.read_text().splitlines() if file.exists() else []

    try:
        failure = _run(worker, config, lambda name: len(lines()) >= len(PAYMENTS) or (
            len(lines()) >= len(valid) and (len(_values(dead_letters)) >= len(invalid) or _read_to_end(name, payments))))
        written, dead = lines(), _settled(lambda: _values(dead_letters), len(invalid))
    finally:
        file.unlink(missing_ok=True)
        if dead_letters in list_topics():
            delete_topic(dead_letters)
    if failure:
        raise NotYet(f"the connector's task failed on a record it could not read: {failure}",
                     "errors.tolerance lets a sink go on past a bad record — and a dead-letter topic keeps it.")
    if any(value in written for value in invalid):
        raise NotYet(f"{[v for v in invalid if v in written]} went into the file: those are not JSON, and the task "
                     "keeps them out of it.", "read the values with the JsonConverter (schemas off).")
    missing = [value for value in valid if str(value) not in written]
    if missing:
        raise NotYet(f"{len(missing)} valid payments did not reach the file (e.g. {missing[0]!r}).",
                     "the sink reads the topic given ('topics'), and writes to the file given ('file').")
    lost = [value for value in invalid if value not in dead]
    if lost:
        raise NotYet(f"{len(lost)} payments are neither in the file nor in {dead_letters}: lost, without a word "
                     f"(e.g. {lost[0]!r}).", "errors.deadletterqueue.topic.name keeps what the sink could not read.")
    return (f"{len(valid)} payments in the file, the {len(invalid)} unreadable ones in the dead-letter topic: "
            "nothing lost.")


def _settled(read: Callable[[], list], wanted: int, seconds: float = 5.0) -> list:
    """``read()`` again for up to ``seconds`` until it has ``wanted`` items: a sink commits its offsets while its
    last dead letters may still be on their way to the topic."""
    deadline = time.monotonic() + seconds
    while len(found := read()) < wanted and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


def _read_to_end(connector: str, topic: str) -> bool:
    """Whether the sink ``connector`` has committed every record of ``topic`` (its group is ``connect-<name>``)."""
    committed = committed_offsets(f"connect-{connector}", topic)
    return bool(committed) and all(committed.get(p, 0) >= high for p, (_, high) in watermarks(topic).items())


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def finish(lab) -> str:
    """Stop the Connect worker (its connectors with it) and delete the lab's files and payments topic."""
    ConnectWorker(cluster_or_course()).stop()
    shutil.rmtree(_files(lab), ignore_errors=True)
    if lab.topic("payments") in list_topics():
        delete_topic(lab.topic("payments"))
    return "Connect worker stopped; the lab's files and topic deleted."
