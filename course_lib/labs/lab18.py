"""Checks for lab 18 (change data capture). Each check makes a fresh table in the course's PostgreSQL, with rows,
captures it with a Debezium connector, then inserts, updates and deletes rows, and judges the topic against the
table's rows — then deletes the connector, drops its replication slot, publication and table, and the topics:

- task 1: the learner's **connector configuration** must turn the table into a "table topic": keyed by the primary
  key, each value the row itself as plain JSON (no envelope, no schema), a **tombstone** for a deleted row, the
  rows already in the table included, and no other table captured;
- task 2: the learner's **consumer** must read such a topic (written here by a reference connector) from the start
  to its end and return the table it describes: the last row per key, a tombstone removing the key.
"""

import json
import re
import time
import uuid
from collections.abc import Callable

import psycopg
from psycopg.rows import dict_row

from ..clients.admin import create_topic, delete_topic, list_topics
from ..clients.reading import read_all
from ..cluster.connect_worker import ConnectWorker
from ..cluster.postgres import PostgresServer
from ..errors import CourseError
from ..session import cluster_or_course
from .checking import NotYet, answer_of, task_check

__all__ = ["ROWS", "database", "prepare", "task1", "task2", "finish"]

ROWS = [(1, "Ada", "ada@example.com"), (2, "Linus", "linus@example.com"), (3, "Grace", "grace@example.com")]
START_TIMEOUT = 90.0  # a check waits this long for the connector to make its replication slot (a fresh worker)
RUN_TIMEOUT = 60.0  # and this long for its output
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."
# The reference connector of task 2 writes what task 1 asks for (the lab's solution is the learner's to write).
_TABLE_TOPIC = {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector", "plugin.name": "pgoutput",
    "key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
    "transforms": "unwrap", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
    "transforms.unwrap.delete.tombstone.handling.mode": "drop", "transforms.unwrap.predicate": "tombstone",
    "transforms.unwrap.negate": "true", "predicates": "tombstone",
    "predicates.tombstone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
}


def _postgres() -> PostgresServer:
    postgres = PostgresServer(cluster_or_course())
    if not postgres.alive:
        raise NotYet("PostgreSQL is not running.", _SET_UP_FIRST)
    return postgres


def _worker() -> ConnectWorker:
    worker = ConnectWorker(cluster_or_course())
    if not worker.alive:
        raise NotYet("the Connect worker is not running.", _SET_UP_FIRST)
    return worker


def database() -> dict:
    """Where the course's PostgreSQL is, as a Debezium connector's ``database.*`` settings want it."""
    postgres = PostgresServer(cluster_or_course())
    return {"hostname": "127.0.0.1", "port": postgres.port, "user": "postgres", "dbname": "postgres"}


def prepare(lab) -> str:
    """Start PostgreSQL and the Connect worker; drop what an interrupted check of this lab left in the database."""
    postgres = PostgresServer(cluster_or_course()).start()
    postgres.drop_replication("lab18_")
    with psycopg.connect(postgres.dsn, autocommit=True) as db:
        for (table,) in db.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'lab18\\_%'").fetchall():
            db.execute(f"DROP TABLE {table}")
    worker = ConnectWorker(cluster_or_course()).start()
    return f"PostgreSQL on 127.0.0.1:{postgres.port}; Connect worker on {worker.url}"


class _Capture:
    """One check's table (with the lab's rows), its decoy neighbour, and its clean-up."""

    def __init__(self, postgres: PostgresServer):
        run = uuid.uuid4().hex[:8]
        self.postgres = postgres
        self.table, self.decoy, self.slot = f"lab18_customers_{run}", f"lab18_audit_{run}", f"lab18_{run}"
        self.prefix, self.connector = f"lab18-{run}", f"lab18-check-{run}"
        try:
            self.db = psycopg.connect(postgres.dsn, autocommit=True)
            for table in (self.table, self.decoy):
                self.db.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, name text, email text)")
            with self.db.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {self.table} VALUES (%s, %s, %s)", ROWS)
            self.db.execute(f"INSERT INTO {self.decoy} VALUES (1, 'audit', 'kept out of Kafka')")
        except psycopg.Error as error:
            raise NotYet(f"PostgreSQL refused the check's table ({str(error).strip()}).", _SET_UP_FIRST) from None
        # One partition, made before the connector runs (Connect then uses it): the changes arrive in the order
        # they were made, so once row 5 is there, every change before it is too.
        create_topic(self.topic, partitions=1)

    @property
    def topic(self) -> str:
        """Where Debezium writes the table's changes: ``<topic.prefix>.<schema>.<table>``."""
        return f"{self.prefix}.public.{self.table}"

    def rows(self) -> dict:
        with self.db.cursor(row_factory=dict_row) as cursor:
            return {row["id"]: row for row in cursor.execute(f"SELECT * FROM {self.table}")}

    def change(self) -> None:
        """An insert, an update and a delete, each committed on its own; then one more insert, row 5: once its
        record is in the topic, every record of the three before it is too (the connector keeps the log's order)."""
        self.db.execute(f"INSERT INTO {self.table} VALUES (4, 'Edsger', 'edsger@example.com')")
        self.db.execute(f"UPDATE {self.table} SET email = 'ada@lovelace.org' WHERE id = 1")
        self.db.execute(f"DELETE FROM {self.table} WHERE id = 2")
        self.db.execute(f"INSERT INTO {self.table} VALUES (5, 'Barbara', 'barbara@example.com')")

    def start(self, worker: ConnectWorker, config: dict) -> None:
        try:
            worker.rest("PUT", f"/connectors/{self.connector}/config", config)
        except CourseError as error:
            raise NotYet(f"the worker refused your configuration: {error}",
                         "compare the keys with lesson 18's.") from None

    def has_slot(self) -> bool:
        """Whether the connector has made its replication slot: it has started (its snapshot follows)."""
        return bool(self.db.execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", (self.slot,)).fetchall())

    def wait(self, worker: ConnectWorker, done: Callable[[], bool], timeout: float = RUN_TIMEOUT) -> str | None:
        """Wait until ``done()``, the connector or its task fails, or ``timeout`` passes; the failure in one line,
        else None (the caller looks again at what it waited for)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not done():
            if failure := worker.task_failure(self.connector):
                return failure
            time.sleep(1)
        return None

    def close(self, worker: ConnectWorker) -> None:
        for attempt in range(3):
            try:
                worker.rest("DELETE", f"/connectors/{self.connector}")
                break
            except CourseError as error:
                if "404" in str(error):  # a configuration the worker refused made no connector
                    break
                time.sleep(2)
        self.postgres.drop_replication(self.slot)
        for table in (self.table, self.decoy):
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.close()
        for topic in list_topics():
            if topic.startswith(self.prefix):
                delete_topic(topic)


def _records(topic: str) -> list:
    return [(record.key, record.value) for record in read_all(topic)] if topic in list_topics() else []


def _as_table(records: list) -> dict:
    """What a compacted topic keeps, as {id: row}, for records that are already plain rows keyed by {"id": …}."""
    last = {}
    for key, value in records:
        last[json.loads(key)["id"]] = value
    return {id_: json.loads(value) for id_, value in last.items() if value is not None}


@task_check("Task 1 · a CDC connector that writes the table as a topic")
def task1(lab, cdc_config: Callable) -> str:
    """Run the connector ``cdc_config(database, table, prefix, slot)`` returns on a fresh table; after an insert, an
    update and a delete, want the topic to hold the table: plain rows by primary key, a tombstone for the delete."""
    worker, postgres = _worker(), _postgres()
    capture = _Capture(postgres)
    try:
        config = answer_of(cdc_config, database(), f"public.{capture.table}", capture.prefix, capture.slot)
        if not isinstance(config, dict):
            raise NotYet(f"your function returned {type(config).__name__}, not a dict of connector settings.",
                         "return {'connector.class': ..., ...}.")
        config = {key: str(value) for key, value in config.items()}
        for setting in ("slot.name", "publication.name"):
            if config.get(setting) != capture.slot:
                raise NotYet(f"'{setting}' is {config.get(setting)!r}, not the slot name given ({capture.slot!r}).",
                             "name the slot and the publication as told: an abandoned slot keeps PostgreSQL's "
                             "write-ahead log growing, so the check must find yours to drop it.")
        capture.start(worker, config)
        failure = capture.wait(worker, capture.has_slot, START_TIMEOUT)
        started = capture.has_slot()
        if started and not failure:
            capture.change()
            failure = capture.wait(worker, lambda: _has_key(_records(capture.topic), 5))
        records = _records(capture.topic)
        decoy = [t for t in list_topics() if t.startswith(capture.prefix) and capture.decoy in t]
        rows = capture.rows()
    finally:
        capture.close(worker)
    if failure:
        raise NotYet(f"the connector failed: {failure}", "GET /connectors/<name>/status shows the whole trace.")
    if not started:
        raise NotYet(f"the connector made no replication slot within {START_TIMEOUT:.0f} s: it did not start.",
                     "GET /connectors/<name>/status says why; 'plugin.name' is 'pgoutput'.")
    if decoy:
        raise NotYet(f"the connector captured another table too ({decoy[0]}).",
                     "'table.include.list' keeps the capture to the table given.")
    if not records:
        raise NotYet(f"nothing arrived in {capture.topic} within {RUN_TIMEOUT:.0f} s.",
                     "use the prefix given as 'topic.prefix': the topic is <prefix>.public.<table>.")
    try:
        return _judge(records, rows)
    except (ValueError, KeyError, TypeError, AttributeError):  # what the learner's converters wrote is not JSON
        raise NotYet(f"the records are not JSON keyed by the id: the first is {records[0]}.",
                     "'key.converter' and 'value.converter': the JsonConverter, schemas off.") from None


def _judge(records: list, rows: dict) -> str:
    """Task 1's verdict on the topic's ``records`` against the table's ``rows``."""
    key, value = next(((k, v) for k, v in records if v is not None), ("", ""))
    if key.startswith('{"schema"') or value.startswith('{"schema"'):
        raise NotYet(f"each record carries its schema: {value[:60]}…",
                     "'key.converter.schemas.enable' and 'value.converter.schemas.enable': 'false'.")
    if '"before"' in value and '"op"' in value:
        raise NotYet(f"the values are change events, not rows: {value[:70]}…",
                     "Debezium's ExtractNewRecordState SMT turns each event into its row.")
    if not _has_key(records, 3):  # row 3 is never changed: only the snapshot writes it
        raise NotYet(f"the {len(ROWS)} rows already in the table did not arrive (row 3 is missing).",
                     "the connector's initial snapshot reads them ('snapshot.mode', default 'initial').")
    deleted = [v for k, v in records if json.loads(k) == {"id": 2}]
    if deleted and deleted[-1] == "null":
        raise NotYet("the delete of row 2 left no tombstone: its last record's value is the 4 bytes `null` (JSON for "
                     "nothing), not a null value — compaction keeps it, and the row's key for ever.",
                     "Debezium's own tombstone is a real one: keep ExtractNewRecordState off it (a predicate, "
                     "RecordIsTombstone, negated) and let the SMT drop the delete event (lesson 18, section 6).")
    if not deleted or deleted[-1] is not None:
        raise NotYet(f"the delete of row 2 left no tombstone: its last record is {deleted[-1] if deleted else None}, "
                     "so a compacted topic keeps the deleted row for ever.",
                     "keep Debezium's tombstone ('tombstones.on.delete', default true) out of the SMT's reach.")
    if _as_table(records) != rows:
        raise NotYet(f"the topic replayed by key gives {_as_table(records)}; the table holds {rows}.",
                     "one value per change, the row as it is after it.")
    return (f"{len(records)} records: the snapshot, the insert and the update as rows, the delete as a tombstone — "
            f"the topic replays into the table's {len(rows)} rows.")


def _has_key(records: list, id_: int) -> bool:
    """Whether a record keyed by row ``id_`` is among ``records``, whatever the key's format."""
    return any(key and re.search(rf"id\W+{id_}\b", key) for key, _ in records)


@task_check("Task 2 · a consumer that rebuilds the table")
def task2(lab, read_table: Callable) -> str:
    """Call ``read_table(bootstrap_servers, topic)`` on a table topic written by the reference connector after an
    insert, an update and a delete; want the table, {id: row}."""
    worker, postgres = _worker(), _postgres()
    capture = _Capture(postgres)
    try:
        config = {**_TABLE_TOPIC, **{f"database.{k}": str(v) for k, v in database().items()},
                  "topic.prefix": capture.prefix, "table.include.list": f"public.{capture.table}",
                  "slot.name": capture.slot, "publication.name": capture.slot,
                  "publication.autocreate.mode": "filtered"}
        capture.start(worker, config)
        failure = capture.wait(worker, capture.has_slot, START_TIMEOUT)
        capture.change()
        rows = capture.rows()
        failure = failure or capture.wait(worker, lambda: _as_table(_records(capture.topic)) == rows)
        if failure or _as_table(_records(capture.topic)) != rows:
            raise NotYet(f"the lab's own connector {f'failed ({failure})' if failure else 'did not finish in time'}; "
                         "this is not your code.", "run the set-up cell again, then this check.")
        answer = answer_of(read_table, cluster_or_course().bootstrap_servers, capture.topic)
    finally:
        capture.close(worker)
    if not isinstance(answer, dict):
        raise NotYet(f"your function returned {type(answer).__name__}, not a dict {{id: row}}.",
                     "return {1: {'id': 1, 'name': ..., 'email': ...}, ...}.")
    if answer and not all(isinstance(id_, int) for id_ in answer):
        raise NotYet(f"the keys of your table are {list(answer)[:3]}, not the ids.",
                     "a key is JSON like {\"id\": 1}: json.loads it and take its 'id'.")
    if 2 in answer:
        raise NotYet(f"row 2 is in your table ({answer[2]}), but it was deleted: a tombstone (a record whose value is "
                     "None) removes its key.", "msg.value() is None for a tombstone: remove the key.")
    missing = sorted(set(rows) - set(answer))
    if missing:
        raise NotYet(f"rows {missing} are missing from your table ({len(answer)} rows read).",
                     "read from the start ('auto.offset.reset': 'earliest') to the end of the partition "
                     "('enable.partition.eof': True), not until the first empty poll.")
    if answer != rows:
        wrong = next(id_ for id_ in rows if answer.get(id_) != rows[id_])
        raise NotYet(f"row {wrong} is {answer[wrong]}; the table holds {rows[wrong]}.",
                     "keep the last value of each key, parsed from JSON.")
    return f"your consumer rebuilt the table's {len(rows)} rows, without the deleted one."


def finish(lab) -> str:
    """Stop the Connect worker and PostgreSQL."""
    ConnectWorker(cluster_or_course()).stop()
    PostgresServer(cluster_or_course()).stop()
    return "Connect worker and PostgreSQL stopped."
