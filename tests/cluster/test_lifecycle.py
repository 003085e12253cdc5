"""``down`` leaves no course JVM running — brokers, nor a Kafka Streams application (lesson 16) — and ``up`` brings
the same cluster (same data) back."""

import pytest

from course_lib.clients.admin import create_topic, list_topics
from course_lib.cluster.streams_app import StreamsApp


@pytest.mark.last
def test_down_leaves_no_jvm_and_up_keeps_the_data(cluster, unique, jvms_under):
    topic = unique("survives-restart")
    create_topic(topic, partitions=1)
    create_topic("streams-plaintext-input", partitions=1)  # WordCount's input: it refuses to start without it
    app = StreamsApp(cluster, {"application.id": unique("lifecycle-wordcount")}).start()
    assert app.alive and jvms_under(app.dir)

    cluster.down()
    assert jvms_under(cluster.home) == []
    assert not any(node.process.alive for node in cluster.nodes) and not app.alive

    cluster.up(quiet=True)
    assert topic in list_topics()
