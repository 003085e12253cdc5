"""Kafka Streams' WordCount demo run through course_lib (lesson 16) on the real cluster: it counts, its internal
topics and its consumer group are on the cluster, it stops with no JVM left; a start that cannot work says so in
one sentence with the end of the application's log."""

import struct
import time

import pytest
from confluent_kafka import Consumer, Producer

from course_lib.clients.admin import create_topic, delete_topic, group_state, list_topics
from course_lib.cluster.streams_app import StreamsApp, stop_streams_apps
from course_lib.connection import client_config
from course_lib.errors import CourseError

INPUT, OUTPUT = "streams-plaintext-input", "streams-wordcount-output"  # WordCountDemo's own, fixed names
STORE = "KSTREAM-AGGREGATE-STATE-STORE-0000000003"  # count() without a name: Kafka Streams numbers the store


def latest_counts(bootstrap: str, expected: dict, timeout: float = 60) -> dict:
    consumer = Consumer(client_config(bootstrap, group_id=f"test-reader-{time.monotonic_ns()}",
                                      auto_offset_reset="earliest", enable_auto_commit=False))
    consumer.subscribe([OUTPUT])
    counts, deadline = {}, time.monotonic() + timeout
    try:
        while counts != expected and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                counts[message.key().decode()] = struct.unpack(">q", message.value())[0]  # a Java Long
    finally:
        consumer.close()
    return counts


@pytest.fixture
def word_count_topics(cluster):
    for topic in (INPUT, OUTPUT):
        if topic in list_topics():
            delete_topic(topic)
        create_topic(topic, partitions=2)
    yield
    for topic in (INPUT, OUTPUT):
        delete_topic(topic)


def test_word_count_counts_and_its_internal_topics_and_group_are_on_the_cluster(cluster, unique, jvms_under,
                                                                                 word_count_topics):
    app_id = unique("test-wordcount")
    app = StreamsApp(cluster, {"application.id": app_id, "commit.interval.ms": 500, "session.timeout.ms": 10000})
    try:
        app.start()
        assert app.alive and "to RUNNING" in app.log()
        producer = Producer(client_config(cluster.bootstrap_servers))
        for line in ("the cat sat", "The dog sat down"):
            producer.produce(INPUT, value=line)
        assert producer.flush(30) == 0
        expected = {"the": 2, "cat": 1, "sat": 2, "dog": 1, "down": 1}
        assert latest_counts(cluster.bootstrap_servers, expected) == expected
        topics = set(list_topics())
        assert {f"{app_id}-{STORE}-repartition", f"{app_id}-{STORE}-changelog"} <= topics, sorted(topics)
        assert group_state(app_id) == ("STABLE", 1)
    finally:
        app.stop()
    assert not app.alive and jvms_under(app.dir) == []
    for suffix in ("repartition", "changelog"):
        delete_topic(f"{app_id}-{STORE}-{suffix}")


def test_down_stops_every_streams_app_of_the_cluster(cluster, unique, jvms_under, word_count_topics):
    app = StreamsApp(cluster, {"application.id": unique("test-wordcount")}).start()
    assert stop_streams_apps(cluster.home) == [app.application_id]
    assert not app.alive and jvms_under(app.dir) == []
    assert stop_streams_apps(cluster.home) == []


def test_an_application_that_dies_at_start_gets_one_sentence_with_its_log(cluster, unique):
    app = StreamsApp(cluster, {"application.id": unique("test-missing")}, main_class="org.example.NoSuchApp")
    with pytest.raises(CourseError) as raised:
        app.start(timeout=60)
    message = str(raised.value)
    assert "stopped during start-up" in message and "org.example.NoSuchApp" in message, message
    assert not app.alive


def test_an_application_needs_an_id(cluster):
    with pytest.raises(CourseError, match="application.id"):
        StreamsApp(cluster, {"commit.interval.ms": 500})
