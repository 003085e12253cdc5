"""The registry as a service of the cluster: in ``status``, started once, clear errors."""

import socket

import pytest

from course_lib.clients.admin import alter_topic_config, create_topic, delete_topic, topic_config
from course_lib.errors import CourseError
from course_lib.cluster.registry_service import RegistryService
from course_lib.registry.kafka_log import SchemasTopic, TopicProblem
from course_lib.waiting import poll_until


def test_status_row_and_idempotent_start(cluster, registry):
    [row] = [r for r in cluster.status() if r.node_id == "registry"]
    assert row.alive and row.role == "schema registry" and row.port == registry.port
    pid = row.pid
    registry.start(cluster)  # already running: a no-op
    assert registry.status().pid == pid
    assert "registry" in cluster.status_table()


def test_taken_port_is_named_with_its_setting(cluster, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        service = RegistryService(tmp_path, port=port)
        with pytest.raises(CourseError) as info:
            service.start(cluster)
    message = str(info.value)
    assert str(port) in message and "COURSE_REGISTRY_PORT" in message and "process" in message
    assert not service.status().alive


def test_schemas_topic_must_be_compacted(cluster, unique):
    """Another topic stands in for ``_schemas``: the running registry's own is left alone."""
    created, existing = unique("schemas-new"), unique("schemas-old")
    try:
        SchemasTopic(cluster.bootstrap_servers, print, topic=created).ensure_topic()
        assert topic_config(created, cluster)["cleanup.policy"] == "compact"
        create_topic(existing, partitions=1, config={"cleanup.policy": "delete"}, cluster=cluster)
        with pytest.raises(TopicProblem) as info:
            SchemasTopic(cluster.bootstrap_servers, print, topic=existing).ensure_topic()
        message = str(info.value)
        assert "cleanup.policy=delete" in message and "cleanup_policy='compact'" in message
        alter_topic_config(existing, cluster, cleanup_policy="compact")
        # now accepted — once the broker the registry asks has applied the change too
        poll_until(lambda: SchemasTopic(cluster.bootstrap_servers, print, topic=existing).ensure_topic() or True,
                   "the registry to accept the compacted topic", 10, retry_on=(TopicProblem,))
    finally:
        for name in (created, existing):
            delete_topic(name, cluster)
