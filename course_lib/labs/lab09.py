"""Checks for lab 09 (schema registry and Avro): they ask the registry and read the topic's raw bytes, never raise.

Task 1 wants an Avro schema for ``<payments topic>-value`` with the fields of ``PAYMENT_FIELDS``. Task 2 wants
the ``PAYMENTS`` records on the topic, each framed as magic byte 0 + the id of a version of that subject + Avro.
Task 3 wants a version 2 that adds a field so that old and new consumers can both read (BACKWARD and FORWARD
compatible, asked of the registry on a scratch subject), with records of both versions on the topic.
"""

import json
import uuid

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from ..profile import namespaced
from ..registry import registry_config
from ..registry.wire import raw_values, split_frame
from .checking import NotYet, require_topic, task_check

__all__ = ["PAYMENT_FIELDS", "PAYMENTS", "payment", "subject", "task1", "task2", "task3"]

PAYMENT_FIELDS = {"id": "long", "account": "string", "amount_cents": "long"}
PAYMENTS = 5


def payment(i: int) -> dict:
    """Task 2's i-th payment: ids 0 … 4, three accounts, amounts 100, 200 … cents."""
    return {"id": i, "account": f"acct-{i % 3}", "amount_cents": 100 * (i + 1)}


def subject(lab) -> str:
    """The subject of the payments topic's values (TopicNameStrategy)."""
    return f"{lab.topic('payments')}-value"


def _registry() -> SchemaRegistryClient:
    return SchemaRegistryClient(registry_config())


def _versions(registry, name: str) -> list[int]:
    try:
        return registry.get_versions(name)
    except SchemaRegistryError as error:
        if error.http_status_code == 404:
            return []
        raise


def _fields(schema_str: str) -> dict:
    """``{field name: type}`` of an Avro record schema (``{}`` if it is not one)."""
    parsed = json.loads(schema_str)
    if not isinstance(parsed, dict) or parsed.get("type") != "record":
        return {}
    return {f["name"]: f["type"] for f in parsed.get("fields", [])}


@task_check("Task 1 · register a schema")
def task1(lab) -> str:
    wanted = subject(lab)
    registry = _registry()
    if not _versions(registry, wanted):
        raise NotYet(f"the registry has no subject {wanted}.",
                     "registry.register_schema(checks.subject(lab), Schema(your_schema_text, 'AVRO')).")
    first = registry.get_version(wanted, 1)
    if first.schema.schema_type not in (None, "AVRO"):
        raise NotYet(f"version 1 of {wanted} is a {first.schema.schema_type} schema, not Avro.",
                     "pass 'AVRO' as the schema type.")
    fields = _fields(first.schema.schema_str)
    if not fields:
        raise NotYet(f"version 1 of {wanted} is not an Avro record: {first.schema.schema_str}",
                     'an Avro record schema looks like {"type": "record", "name": "Payment", "fields": [...]}.')
    if fields != PAYMENT_FIELDS:
        raise NotYet(f"version 1 of {wanted} has the fields {fields}, not {PAYMENT_FIELDS}.",
                     "names and types must match exactly; start again with a new Lab('09') if you registered "
                     "a wrong version 1.")
    return f"{wanted} version 1 (schema id {first.schema_id}) has the payment fields."


@task_check("Task 2 · produce Avro records")
def task2(lab) -> str:
    topic, wanted = lab.topic("payments"), subject(lab)
    require_topic(topic, "create it, then produce the payments with an AvroSerializer.")
    values = raw_values(topic)
    if not values:
        raise NotYet(f"{topic} holds no record yet.", "produce the payments, then flush().")
    registry = _registry()
    ids = {registry.get_version(wanted, v).schema_id for v in _versions(registry, wanted)}
    for offset, value in enumerate(values):
        if value is None or len(value) < 6 or value[0] != 0:
            raise NotYet(f"record {offset} of {topic} does not start with the magic byte 0: "
                         f"{(value or b'')[:12]!r}", "serialize each value with AvroSerializer(...)(payment, "
                         "SerializationContext(topic, MessageField.VALUE)) — not json.dumps or str.")
        frame = split_frame(value)
        if frame.schema_id not in ids:
            raise NotYet(f"record {offset} names schema id {frame.schema_id}, which is no version "
                         f"of {wanted} (its ids: {sorted(ids)}).",
                         "serialize with the schema registered in task 1, for this topic's value.")
    context = SerializationContext(topic, MessageField.VALUE)
    decode = AvroDeserializer(registry)
    decoded = [decode(value, context) for value in values]
    found = [{k: order.get(k) for k in PAYMENT_FIELDS} for order in decoded]
    missing = [i for i in range(PAYMENTS) if payment(i) not in found]
    if missing:
        raise NotYet(f"{len(missing)} of the {PAYMENTS} payments are not on {topic} "
                     f"(e.g. {payment(missing[0])}).", "produce checks.payment(i) for i in range(checks.PAYMENTS).")
    return (f"{len(values)} records on {topic}, each framed 0 + schema id "
            f"{sorted({split_frame(v).schema_id for v in values})} + Avro, all {PAYMENTS} payments decoded.")


def _verdict_between(registry, old: str, new: str, level: str) -> bool:
    """Whether ``new`` may follow ``old`` under ``level``, asked of the registry on a throw-away subject."""
    scratch = namespaced(f"lab09-check-{uuid.uuid4().hex[:8]}-value")
    try:
        registry.set_compatibility(scratch, level)
        registry.register_schema(scratch, Schema(old, "AVRO"))
        return registry.test_compatibility(scratch, Schema(new, "AVRO"))
    finally:
        try:
            registry.delete_subject(scratch)
            registry.delete_subject(scratch, permanent=True)
        except SchemaRegistryError:
            pass


@task_check("Task 3 · evolve for old and new consumers")
def task3(lab) -> str:
    topic, wanted = lab.topic("payments"), subject(lab)
    registry = _registry()
    versions = _versions(registry, wanted)
    if not versions:
        raise NotYet(f"the registry has no subject {wanted} yet.", "do tasks 1 and 2 first.")
    if len(versions) < 2:
        raise NotYet(f"{wanted} has {len(versions)} version(s); version 2 is not registered yet.",
                     "register a second schema under the same subject.")
    previous, latest = (registry.get_version(wanted, v) for v in versions[-2:])
    added = set(_fields(latest.schema.schema_str)) - set(_fields(previous.schema.schema_str))
    if not added:
        raise NotYet(f"version {latest.version} of {wanted} adds no field to version "
                     f"{previous.version}.", "add one field to the record's fields.")
    old, new = previous.schema.schema_str, latest.schema.schema_str
    if not _verdict_between(registry, old, new, "BACKWARD"):
        raise NotYet(f"consumers on version {latest.version} cannot read records written with "
                     f"version {previous.version}: the registry says it is not BACKWARD compatible "
                     f"(added {sorted(added)}).", "give every new field a default.")
    if not _verdict_between(registry, old, new, "FORWARD"):
        raise NotYet(f"consumers still on version {previous.version} cannot read records written "
                     f"with version {latest.version}: not FORWARD compatible.",
                     "only add fields; keep every old field and its type.")
    require_topic(topic, "do task 2 first.")
    ids = {split_frame(v).schema_id for v in raw_values(topic) if v and len(v) > 5 and v[0] == 0}
    lacking = [f"version {r.version} (id {r.schema_id})" for r in (previous, latest) if r.schema_id not in ids]
    if lacking:
        raise NotYet(f"{topic} holds no record written with {' or '.join(lacking)}.",
                     "produce at least one record with a serializer for each of the two versions.")
    return (f"version {latest.version} adds {sorted(added)}; the registry finds it backward and "
            f"forward compatible, and {topic} holds records of both versions.")
