"""The registry's state lives in Kafka: restarting the registry or a broker changes no id or version."""

import json

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from course_lib.clients.admin import partition_leader
from course_lib.errors import CourseError
from course_lib.registry import registry_url
from course_lib.waiting import poll_until


def _schema(name: str, *extra_fields) -> Schema:
    fields = [{"name": "id", "type": "long"}, *extra_fields]
    return Schema(json.dumps({"type": "record", "name": name, "fields": fields}))


def _register_some(client, unique) -> tuple[dict, str]:
    """Two subjects, three versions; returns {(subject, version): id} and a subject with its own level."""
    a, b = unique("keep-a") + "-value", unique("keep-b") + "-value"
    tag = a.split("-")[2]
    client.set_compatibility(b, "FULL")
    client.register_schema(a, _schema(f"A{tag}"))
    client.register_schema(a, _schema(f"A{tag}", {"name": "x", "type": "int", "default": 0}))
    client.register_schema(b, _schema(f"B{tag}"))
    return _snapshot(client, [a, b]), b


def _snapshot(client, subjects) -> dict:
    return {(s, v): client.get_version(s, v).schema_id for s in subjects for v in client.get_versions(s)}


def test_registry_restart_keeps_ids_versions_and_config(cluster, registry, unique):
    before, configured = _register_some(SchemaRegistryClient({"url": registry_url()}), unique)
    old_pid = registry.status().pid
    registry.stop()
    assert not registry.status().alive
    registry.start(cluster)
    assert registry.status().alive and registry.status().pid != old_pid
    fresh = SchemaRegistryClient({"url": registry_url()})
    assert _snapshot(fresh, sorted({s for s, _ in before})) == before
    assert fresh.get_compatibility(configured) == "FULL"
    new_id = fresh.register_schema(unique("after") + "-value", _schema("After" + unique("x").split("-")[1]))
    assert new_id > max(before.values())  # ids are never handed out twice


def _schemas_leader(cluster) -> int:
    """The leader of ``_schemas``, asked again while it has none (an election after an earlier test's restart)."""
    return poll_until(lambda: partition_leader("_schemas", 0, cluster), "_schemas to have a leader", 30, every=0.5,
                      retry_on=(CourseError,))


@pytest.mark.last
def test_broker_restart_keeps_ids_and_versions(cluster, unique):
    client = SchemaRegistryClient({"url": registry_url()})
    before, _ = _register_some(client, unique)
    leader = _schemas_leader(cluster)
    cluster.stop_broker(leader)
    during = unique("during") + "-value"  # writes go on with 2 of 3 replicas (min.insync.replicas=2)
    during_id = client.register_schema(during, _schema("During" + unique("x").split("-")[1]))
    cluster.start_broker(leader, timeout=180)
    fresh = SchemaRegistryClient({"url": registry_url()})
    assert _snapshot(fresh, sorted({s for s, _ in before})) == before
    assert fresh.get_latest_version(during).schema_id == during_id
