"""Lab 18's checks on the real cluster, Connect worker and PostgreSQL: each plausible wrong CDC configuration and
each plausible wrong table reader is rejected with the reason, and the right ones pass."""

import json
import uuid

import pytest
from confluent_kafka import Consumer, KafkaError

from course_lib.labs import Lab
from course_lib.labs import lab18 as checks

JSON = "org.apache.kafka.connect.json.JsonConverter"
SKIP_TOMBSTONES = {"transforms.unwrap.delete.tombstone.handling.mode": "drop", "transforms.unwrap.predicate": "stone",
                   "transforms.unwrap.negate": "true", "predicates": "stone",
                   "predicates.stone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"}


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("18")
    checks.prepare(lab)
    yield lab
    checks.finish(lab)


def cdc(**changes):
    def cdc_config(database, table, prefix, slot):
        config = {
            "connector.class": "io.debezium.connector.postgresql.PostgresConnector", "plugin.name": "pgoutput",
            **{f"database.{key}": value for key, value in database.items()},
            "table.include.list": table, "topic.prefix": prefix, "slot.name": slot, "publication.name": slot,
            "key.converter": JSON, "key.converter.schemas.enable": "false",
            "value.converter": JSON, "value.converter.schemas.enable": "false",
            "transforms": "unwrap", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
            **SKIP_TOMBSTONES, **changes}
        return {key: value for key, value in config.items() if value is not None}
    return cdc_config


def reader(on_tombstone="remove", key=lambda raw: json.loads(raw)["id"], reset="earliest"):
    """A table reader like the solution's, with one of a learner's plausible slips."""
    def read_table(bootstrap_servers, topic):
        consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": f"test-lab18-{uuid.uuid4().hex[:8]}",
                             "auto.offset.reset": reset, "enable.partition.eof": True})
        consumer.subscribe([topic])
        table, ended = {}, set()
        try:
            while not consumer.assignment() or len(ended) < len(consumer.assignment()):
                msg = consumer.poll(10)
                assert msg is not None, "no message in 10 s"
                if msg.error() and msg.error().code() == KafkaError._PARTITION_EOF:
                    ended.add(msg.partition())
                    continue
                if msg.value() is None and on_tombstone == "remove":
                    table.pop(key(msg.key()), None)
                elif msg.value() is not None or on_tombstone == "parse":
                    table[key(msg.key())] = json.loads(msg.value())
        finally:
            consumer.close()
        return table
    return read_table


def test_task1_accepts_flat_rows_with_tombstones(lab):
    verdict = checks.task1(lab, cdc())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (cdc(transforms=None), "change events, not rows"),
    (cdc(**{"value.converter.schemas.enable": None, "key.converter.schemas.enable": None}), "carries its schema"),
    (cdc(**{key: None for key in SKIP_TOMBSTONES}), "the 4 bytes `null`"),
    (cdc(**{key: None for key in SKIP_TOMBSTONES if "predicate" in key or "negate" in key}), "no tombstone"),
    (cdc(**{**{key: None for key in SKIP_TOMBSTONES if "predicate" in key or "negate" in key},
            "transforms.unwrap.delete.tombstone.handling.mode": "rewrite"}), "no tombstone"),
    (cdc(**{"table.include.list": None}), "another table"),
    (cdc(**{"snapshot.mode": "no_data"}), "already in the table did not arrive"),
    (cdc(**{"slot.name": None}), "not the slot name given"),
    (cdc(**{"plugin.name": "decoderbufs"}), "connector failed"),
    (lambda database, table, prefix, slot: None, "not a dict"),
], ids=["envelope", "schemas", "JSON null", "tombstone dropped", "delete rewritten", "every table", "no snapshot", "own slot",
        "wrong decoder", "None"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_task2_accepts_a_reader_that_applies_tombstones(lab):
    verdict = checks.task2(lab, reader())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (reader(on_tombstone="skip"), "but it was deleted"),
    (reader(on_tombstone="parse"), "raised TypeError"),
    (reader(key=lambda raw: raw), "not the ids"),
    (reader(reset="latest"), "missing from your table"),
], ids=["tombstones skipped", "json.loads(None)", "raw keys", "from the end"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and why in verdict.message, verdict
