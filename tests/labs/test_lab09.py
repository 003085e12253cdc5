"""Lab 09's checks on the real cluster and registry: each rejects wrong states a learner can reach and accepts a right one."""

import json

from confluent_kafka import Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from course_lib.clients.admin import create_topic, list_topics
from course_lib.connection import client_config
from course_lib.labs import Lab
from course_lib.labs import lab09 as checks
from course_lib.registry import registry_url

FIELDS = [{"name": "id", "type": "long"}, {"name": "account", "type": "string"},
          {"name": "amount_cents", "type": "long"}]


def avro(fields) -> str:
    return json.dumps({"type": "record", "name": "Payment", "fields": fields})


V1 = avro(FIELDS)


def _registry():
    return SchemaRegistryClient({"url": registry_url()})


def _send(cluster, topic, values):
    producer = Producer(client_config(cluster.bootstrap_servers))
    for value in values:
        producer.produce(topic, value=value)
    assert producer.flush(30) == 0


def _serialized(lab, schema, payments):
    serializer = AvroSerializer(_registry(), schema, conf={"auto.register.schemas": False})
    context = SerializationContext(lab.topic("payments"), MessageField.VALUE)
    return [serializer(p, context) for p in payments]


def test_task1_wants_an_avro_record_with_the_payment_fields(cluster):
    lab, registry = Lab("09"), _registry()
    verdict = checks.task1(lab)
    assert not verdict and "no subject" in verdict.message
    registry.register_schema(checks.subject(lab), Schema(avro(FIELDS[:2] + [{"name": "amount_cents", "type": "int"}])))
    verdict = checks.task1(lab)
    assert not verdict and "'amount_cents': 'int'" in verdict.message

    lab = Lab("09")
    registry.register_schema(checks.subject(lab), Schema(json.dumps({"type": "object"}), "JSON"))
    verdict = checks.task1(lab)
    assert not verdict and "JSON" in verdict.message

    lab = Lab("09")
    registry.register_schema(checks.subject(lab), Schema(V1, "AVRO"))
    assert checks.task1(lab)
    assert lab.topic("payments") not in list_topics(cluster), "a check must not create the learner's topic"


def test_task2_reads_the_framing_and_the_payments(cluster):
    lab, registry = Lab("09"), _registry()
    topic = lab.topic("payments")
    verdict = checks.task2(lab)
    assert not verdict and "no topic" in verdict.message
    create_topic(topic, partitions=1, cluster=cluster)
    registry.register_schema(checks.subject(lab), Schema(V1, "AVRO"))
    _send(cluster, topic, [json.dumps(checks.payment(0)).encode()])  # plain JSON, no serializer
    verdict = checks.task2(lab)
    assert not verdict and "magic byte" in verdict.message

    lab = Lab("09")
    topic = lab.topic("payments")
    create_topic(topic, partitions=1, cluster=cluster)
    registry.register_schema(checks.subject(lab), Schema(V1, "AVRO"))
    other = Schema(avro(FIELDS + [{"name": "x", "type": "int", "default": 0}]), "AVRO")
    other_id = registry.register_schema(f"lab09-elsewhere-{lab.run_id}-value", other)
    _send(cluster, topic, [b"\x00" + other_id.to_bytes(4, "big") + b"\x00\x00\x00\x00"])  # framed, wrong id
    verdict = checks.task2(lab)
    assert not verdict and "no version" in verdict.message

    lab = Lab("09")
    topic = lab.topic("payments")
    create_topic(topic, partitions=1, cluster=cluster)
    registry.register_schema(checks.subject(lab), Schema(V1, "AVRO"))
    _send(cluster, topic, _serialized(lab, V1, [checks.payment(i) for i in range(checks.PAYMENTS - 1)]))
    verdict = checks.task2(lab)
    assert not verdict and f"1 of the {checks.PAYMENTS} payments" in verdict.message
    _send(cluster, topic, _serialized(lab, V1, [checks.payment(checks.PAYMENTS - 1)]))
    assert checks.task2(lab)


def test_task3_wants_a_compatible_v2_and_records_of_both_versions(cluster):
    lab, registry = Lab("09"), _registry()
    subject, topic = checks.subject(lab), lab.topic("payments")
    registry.register_schema(subject, Schema(V1, "AVRO"))
    create_topic(topic, partitions=1, cluster=cluster)
    _send(cluster, topic, _serialized(lab, V1, [checks.payment(i) for i in range(checks.PAYMENTS)]))
    verdict = checks.task3(lab)
    assert not verdict and "1 version(s)" in verdict.message

    # a learner who forces a field without a default through with NONE: new consumers cannot read old records
    registry.set_compatibility(subject, "NONE")
    registry.register_schema(subject, Schema(avro(FIELDS + [{"name": "currency", "type": "string"}]), "AVRO"))
    verdict = checks.task3(lab)
    assert not verdict and "BACKWARD" in verdict.message

    lab = Lab("09")
    subject, topic = checks.subject(lab), lab.topic("payments")
    registry.register_schema(subject, Schema(V1, "AVRO"))
    create_topic(topic, partitions=1, cluster=cluster)
    _send(cluster, topic, _serialized(lab, V1, [checks.payment(0)]))
    v2 = avro(FIELDS + [{"name": "currency", "type": "string", "default": "EUR"}])
    registry.register_schema(subject, Schema(v2, "AVRO"))
    verdict = checks.task3(lab)
    assert not verdict and "no record written with version 2" in verdict.message
    _send(cluster, topic, _serialized(lab, v2, [{**checks.payment(9), "currency": "CHF"}]))
    assert checks.task3(lab)
    assert not any(s.startswith("lab09-check-") for s in registry.get_subjects()), "scratch subjects are removed"
