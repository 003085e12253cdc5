"""confluent-kafka's own serializers against our registry, through real topics of the real cluster."""

import json
import struct

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, header_schema_id_serializer
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from course_lib.connection import client_config
from course_lib.registry import registry_url

ORDER_AVRO = json.dumps({
    "type": "record", "name": "Order", "namespace": "shop",
    "fields": [{"name": "id", "type": "long"}, {"name": "item", "type": "string"},
               {"name": "note", "type": ["null", "string"], "default": None}],
})
ORDER_JSON = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
    "properties": {"id": {"type": "integer"}, "item": {"type": "string"}}, "required": ["id", "item"],
})


def _produce(cluster, topic, values: list[bytes]) -> None:
    producer = Producer(client_config(cluster.bootstrap_servers, acks="all"))
    for value in values:
        producer.produce(topic, value=value)
    assert producer.flush(30) == 0


def _consume(cluster, topic, count: int, unique, headers: bool = False) -> list:
    consumer = Consumer(client_config(cluster.bootstrap_servers, group_id=unique("serdes"),
                                      auto_offset_reset="earliest"))
    consumer.subscribe([topic])
    values = []
    try:
        for _ in range(180):  # joining the group and the first fetch can take long on a busy 2-core machine
            msg = consumer.poll(1)
            if msg is not None and not msg.error():
                values.append((msg.value(), msg.headers()) if headers else msg.value())
            if len(values) == count:
                break
    finally:
        consumer.close()
    return values


def _round_trip(cluster, client, unique, serializer, deserializer, records):
    topic = unique("orders")
    context = SerializationContext(topic, MessageField.VALUE)
    _produce(cluster, topic, [serializer(r, context) for r in records])
    raw = _consume(cluster, topic, len(records), unique)
    assert len(raw) == len(records)
    schema_id = client.get_latest_version(f"{topic}-value").schema_id
    for value in raw:  # Confluent framing: magic byte 0, then the schema id as 4 big-endian bytes
        assert value[0] == 0
        assert struct.unpack(">I", value[1:5])[0] == schema_id
    decoded = [deserializer(value, context) for value in raw]
    # The topic is auto-created with 3 partitions and the records have no key, so they may land in
    # different partitions: their order holds only within each one. Compare them in id order.
    return sorted(decoded, key=lambda record: record["id"]), schema_id


def test_avro_round_trip(cluster, client, unique):
    records = [{"id": i, "item": f"book-{i}", "note": None if i % 2 else "gift"} for i in range(5)]
    decoded, schema_id = _round_trip(cluster, client, unique, AvroSerializer(client, ORDER_AVRO),
                                     AvroDeserializer(client), records)
    assert decoded == records
    assert schema_id >= 1


def test_json_round_trip(cluster, client, unique):
    records = [{"id": i, "item": f"pen-{i}"} for i in range(5)]
    decoded, schema_id = _round_trip(cluster, client, unique, JSONSerializer(ORDER_JSON, client),
                                     JSONDeserializer(ORDER_JSON, schema_registry_client=client), records)
    assert decoded == records
    assert client.get_schema(schema_id).schema_type == "JSON"


def test_same_schema_on_two_topics_has_one_id(cluster, client, unique):
    first, second = unique("a"), unique("b")
    serializer = AvroSerializer(client, ORDER_AVRO)
    one = serializer({"id": 1, "item": "x"}, SerializationContext(first, MessageField.VALUE))
    two = AvroSerializer(client, ORDER_AVRO)({"id": 1, "item": "x"}, SerializationContext(second, MessageField.VALUE))
    assert one[:5] == two[:5]
    schema_id = struct.unpack(">I", one[1:5])[0]
    assert {f"{first}-value", f"{second}-value"} <= set(client.get_subjects_by_schema_id(schema_id))


def test_schema_guid_in_a_header(cluster, client, unique):
    """A producer with ``header_schema_id_serializer`` sends the schema's guid, not its id: the consumer's
    deserializer then asks the registry for ``/schemas/guids/{guid}``."""
    topic, record = unique("guids"), {"id": 7, "item": "lamp", "note": None}
    serializer = AvroSerializer(client, ORDER_AVRO, conf={"schema.id.serializer": header_schema_id_serializer})
    headers = []
    value = serializer(record, SerializationContext(topic, MessageField.VALUE, headers))
    producer = Producer(client_config(cluster.bootstrap_servers, acks="all"))
    producer.produce(topic, value=value, headers=headers)
    assert producer.flush(30) == 0
    [(raw, received)] = _consume(cluster, topic, 1, unique, headers=True)
    assert raw[0] != 0 and [k for k, _ in received] == ["__value_schema_id"]  # no id in the payload
    fresh = SchemaRegistryClient({"url": registry_url()})  # its cache cannot know the guid
    context = SerializationContext(topic, MessageField.VALUE, received)
    assert AvroDeserializer(fresh)(raw, context) == record
