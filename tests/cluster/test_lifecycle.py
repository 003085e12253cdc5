"""``down`` leaves no course JVM running; ``up`` brings the same cluster (same data) back."""

import pytest

from course_lib.clients.admin import list_topics


@pytest.mark.last
def test_down_leaves_no_jvm_and_up_keeps_the_data(cluster, unique, jvms_under):
    topic = unique("survives-restart")
    from course_lib.clients.admin import create_topic
    create_topic(topic, partitions=1)
    assert jvms_under(cluster.home)

    cluster.down()
    assert jvms_under(cluster.home) == []
    assert not any(node.process.alive for node in cluster.nodes)

    cluster.up(quiet=True)
    assert topic in list_topics()
