"""The REST API as confluent-kafka's client and curl see it: shapes, versions, deletes, error codes."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry.error import SchemaRegistryError

from course_lib.registry import registry_url


def avro(*fields, name="User"):
    return Schema(json.dumps({"type": "record", "name": name, "fields": list(fields)}), "AVRO")


def error_of(call) -> tuple[int, int]:
    with pytest.raises(SchemaRegistryError) as info:
        call()
    return info.value.http_status_code, info.value.error_code


V1 = avro({"name": "id", "type": "int"})
V2 = avro({"name": "id", "type": "int"}, {"name": "email", "type": "string", "default": ""})


def test_register_versions_and_lookup(client, unique):
    subject = unique("users") + "-value"
    first = client.register_schema_full_response(subject, V1)
    assert (first.version, first.subject) == (1, subject)
    assert client.register_schema(subject, V1) == first.schema_id  # same schema: same id, no new version
    second = client.register_schema_full_response(subject, V2)
    assert second.version == 2 and second.schema_id != first.schema_id
    assert client.get_versions(subject) == [1, 2]
    latest = client.get_latest_version(subject)
    assert (latest.version, latest.schema_id, latest.schema.schema_type) == (2, second.schema_id, "AVRO")
    assert client.lookup_schema(subject, V1).version == 1
    assert json.loads(client.get_schema(first.schema_id).schema_str) == json.loads(V1.schema_str)
    assert subject in client.get_subjects()
    assert (subject, 2) in [(v.subject, v.version) for v in client.get_schema_versions(second.schema_id)]


def test_whitespace_and_key_order_do_not_make_a_new_schema(client, unique):
    subject = unique("users") + "-value"
    schema_id = client.register_schema(subject, V1)
    reordered = Schema('{ "fields": [ {"type": {"type": "int"}, "name": "id"} ],\n "name": "User", "type": "record" }')
    assert client.register_schema(subject, reordered) == schema_id
    assert client.get_versions(subject) == [1]


def test_concurrent_registrations_of_one_schema_give_one_id(registry, unique):
    schema = avro({"name": "n", "type": "long"}, name=unique("Race").replace("-", "_"))
    subjects = [unique("race") for _ in range(4)]
    body = {"schema": schema.schema_str, "schemaType": "AVRO", "references": []}

    def register(subject):
        return httpx.post(f"{registry_url()}/subjects/{subject}/versions", json=body, timeout=30).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(register, subjects * 2))
    assert len({a["id"] for a in answers}) == 1, answers
    assert {a["version"] for a in answers} == {1}


def test_soft_and_permanent_delete(client, unique):
    subject = unique("gone") + "-value"
    client.register_schema(subject, V1)
    client.register_schema(subject, V2)
    assert error_of(lambda: client.delete_subject(subject, permanent=True)) == (404, 40405)
    assert client.delete_version(subject, 2) == 2
    assert client.get_versions(subject) == [1]
    assert client.delete_subject(subject) == [1]
    assert subject not in client.get_subjects()
    assert subject in client.get_subjects(deleted=True)
    assert error_of(lambda: client.get_versions(subject)) == (404, 40401)
    assert sorted(client.delete_subject(subject, permanent=True)) == [1, 2]
    assert subject not in client.get_subjects(deleted=True)


def test_config_levels(client, unique):
    subject = unique("cfg") + "-value"
    assert client.get_compatibility() in ("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
                                          "FULL", "FULL_TRANSITIVE", "NONE")
    assert error_of(lambda: client.get_compatibility(subject)) == (404, 40408)
    client.set_compatibility(subject, "full_transitive")
    assert client.get_compatibility(subject) == "FULL_TRANSITIVE"
    client.register_schema(subject, V1)
    assert error_of(lambda: client.register_schema(subject, avro({"name": "id", "type": "long"}))) == (409, 40901)
    assert client.test_compatibility(subject, V2) is True
    client.delete_config(subject)
    assert error_of(lambda: client.get_compatibility(subject)) == (404, 40408)


def test_error_codes(client, unique):
    subject = unique("errors") + "-value"
    client.set_compatibility(subject, "BACKWARD")
    client.register_schema(subject, V1)
    assert error_of(lambda: client.get_latest_version(unique("nobody"))) == (404, 40401)
    assert error_of(lambda: client.get_version(subject, 9)) == (404, 40402)
    assert error_of(lambda: client.get_schema(2_000_000_000)) == (404, 40403)
    assert error_of(lambda: client.lookup_schema(subject, V2)) == (404, 40403)
    assert error_of(lambda: client.register_schema(subject, Schema('{"type": "record"}'))) == (422, 42201)
    assert error_of(lambda: client.register_schema(subject, Schema('{"type": "strng"}'))) == (422, 42201)
    bad_default = avro({"name": "id", "type": "int", "default": "zero"})
    assert error_of(lambda: client.register_schema(subject, bad_default)) == (422, 42201)
    assert error_of(lambda: client.register_schema(subject, Schema('{"type": 5}', "JSON"))) == (422, 42201)
    assert error_of(lambda: client.set_compatibility(subject, "SOMETIMES")) == (422, 42203)
    breaking = avro({"name": "id", "type": "string"})
    assert error_of(lambda: client.register_schema(subject, breaking)) == (409, 40901)


def test_raw_http_errors_and_shapes(unique):
    url = registry_url()
    bad_json = httpx.post(f"{url}/subjects/x/versions", content=b"{not json",
                          headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    assert (bad_json.status_code, bad_json.json()["error_code"]) == (400, 400)
    bad_version = httpx.get(f"{url}/subjects/x/versions/first")
    assert (bad_version.status_code, bad_version.json()["error_code"]) == (422, 42202)
    assert httpx.get(f"{url}/config").json()["compatibilityLevel"]
    subject = unique("shape")
    answer = httpx.post(f"{url}/subjects/{subject}/versions", json={"schema": '"string"'}).json()
    assert set(answer) >= {"id", "version", "schema"} and answer["version"] == 1
    assert httpx.get(f"{url}/schemas/ids/{answer['id']}").json()["schema"] == '"string"'
    assert httpx.get(f"{url}/subjects/{subject}/versions/latest/schema").json() == "string"
    assert httpx.get(f"{url}/nowhere").status_code == 404
