"""``course_lib.clients.partitioning`` against the published test vectors, and against a real producer."""

import zlib

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from course_lib import CourseError
from course_lib.connection import client_config
from course_lib.clients.partitioning import PARTITIONERS, crc32, murmur2, partition_for

# librdkafka src/rdmurmur2.c unittest_murmur2 ("java_murmur2_results"), KAFKA_FACTS.md section 4.
MURMUR2_VECTORS = {
    b"kafka": 0xD067CF64,
    b"giberish123456789": 0x8F552B0C,
    b"1234": 0x9FC97B14,
    b"234": 0xE7C009CA,
    b"34": 0x873930DA,
    b"4": 0x5A4B5CA1,
    b"PreAmbleWillBeRemoved,ThePrePartThatIs": 0x78424F1C,
    b"reAmbleWillBeRemoved,ThePrePartThatIs": 0x4A62B377,
    b"eAmbleWillBeRemoved,ThePrePartThatIs": 0xE0E4E09E,
    b"AmbleWillBeRemoved,ThePrePartThatIs": 0x62B8B43F,
    b"": 0x106E08D9,
}


@pytest.mark.parametrize("key,expected", MURMUR2_VECTORS.items())
def test_murmur2_matches_the_java_client(key, expected):
    assert murmur2(key) == expected


def test_str_keys_hash_as_utf8():
    assert murmur2("kafka") == 0xD067CF64
    assert crc32("ü") == zlib.crc32("ü".encode())


def test_the_same_key_lands_differently_in_java_and_librdkafka():
    """KAFKA_FACTS section 4: with 6 partitions 'kafka' goes to p4 (Java) but p5 (librdkafka default)."""
    assert partition_for("kafka", 6, "murmur2_random") == 4
    assert partition_for("kafka", 6, "consistent_random") == 5


def test_null_and_empty_keys():
    for name in PARTITIONERS:
        assert partition_for(None, 6, name) is None  # sticky partition
    assert partition_for(b"", 6, "consistent_random") is None
    assert partition_for(b"", 6, "consistent") == 0
    assert partition_for(b"", 6, "murmur2") == (0x106E08D9 & 0x7FFFFFFF) % 6


@pytest.mark.parametrize("bad", [dict(partitioner="fnv2"), dict(partitions=0), dict(key=3)])
def test_bad_input_is_one_sentence(bad):
    args = dict(key="k", partitions=3, partitioner="murmur2") | bad
    with pytest.raises(CourseError):
        partition_for(**args)


def test_a_real_producer_agrees(cluster, unique):
    """Produce keyed records with each partitioner to a 6-partition topic; the broker says where they went."""
    topic = unique("partitioner-check")
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    admin.create_topics([NewTopic(topic, 6, 1)], operation_timeout=10)[topic].result()
    keys = [f"customer-{i}" for i in range(40)] + ["kafka", "ü", "a"]
    for name in PARTITIONERS:
        landed = {}
        producer = Producer(client_config(cluster.bootstrap_servers, partitioner=name))
        for key in keys:
            producer.produce(topic, b"v", key=key.encode(),
                             on_delivery=lambda err, msg: landed.__setitem__(msg.key().decode(), msg.partition()))
        producer.flush(15)
        assert landed == {key: partition_for(key, 6, name) for key in keys}, name
