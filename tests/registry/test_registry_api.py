"""The REST API as confluent-kafka's client and curl see it: shapes, versions, deletes, error codes."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from confluent_kafka.schema_registry import ConfigCompatibilityLevel, Schema, SchemaRegistryClient, ServerConfig
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


def json_schema(*keys):
    """The same JSON Schema with its top-level keys in the order given."""
    document = {"type": "object", "properties": {"id": {"type": "integer"}}, "title": "Order"}
    return Schema(json.dumps({k: document[k] for k in keys}), "JSON")


def test_normalize_true_registration_ignores_key_order(client, unique):
    plain, normalized = unique("plain") + "-value", unique("normal") + "-value"
    client.register_schema(plain, json_schema("type", "properties", "title"))
    client.register_schema(plain, json_schema("title", "properties", "type"))
    assert client.get_versions(plain) == [1, 2]  # without normalize, key order makes a new version
    first = client.register_schema(normalized, json_schema("type", "properties", "title"), normalize_schemas=True)
    again = client.register_schema(normalized, json_schema("title", "properties", "type"), normalize_schemas=True)
    assert again == first and client.get_versions(normalized) == [1]


def test_permanent_delete_of_one_version(client, unique):
    subject, name = unique("drop") + "-value", unique("Drop").replace("-", "_")  # a record only this test has
    client.register_schema(subject, avro({"name": "id", "type": "int"}, name=name))
    second = client.register_schema_full_response(subject, avro({"name": "id", "type": "long"}, name=name))
    assert error_of(lambda: client.delete_version(subject, 2, permanent=True)) == (404, 40407)
    assert client.delete_version(subject, 2) == 2
    assert error_of(lambda: client.delete_version(subject, 2)) == (404, 40406)
    assert client.get_versions(subject, deleted=True) == [1, 2]
    assert client.delete_version(subject, 2, permanent=True) == 2
    assert client.get_versions(subject, deleted=True) == [1]
    assert error_of(lambda: client.get_version(subject, 2, deleted=True)) == (404, 40402)
    assert httpx.get(f"{registry_url()}/schemas/ids/{second.schema_id}").json()["error_code"] == 40403


def test_compatibility_against_one_version_and_against_all(client, unique):
    subject = unique("compat") + "-value"
    client.set_compatibility(subject, "BACKWARD")
    client.register_schema(subject, V1)
    client.register_schema(subject, V2)
    v3 = avro({"name": "id", "type": "int"}, {"name": "email", "type": "string"})  # reads v2's data, not v1's
    assert client.test_compatibility(subject, v3, version=2) is True
    assert client.test_compatibility(subject, v3, version=1) is False
    assert client.test_compatibility_all_versions(subject, v3) is True  # BACKWARD: against the latest only
    client.set_compatibility(subject, "BACKWARD_TRANSITIVE")
    assert client.test_compatibility_all_versions(subject, v3) is False
    answer = httpx.post(f"{registry_url()}/compatibility/subjects/{subject}/versions?verbose=true",
                        json={"schema": v3.schema_str, "schemaType": "AVRO"}).json()
    assert answer["is_compatible"] is False and any("email" in m for m in answer["messages"]), answer
    assert error_of(lambda: client.test_compatibility(subject, v3, version=7)) == (404, 40402)


def test_subject_config_without_compatibility(client, unique):
    subject = unique("normcfg") + "-value"
    url = f"{registry_url()}/config/{subject}"
    put = httpx.put(url, json={"normalize": True, "compatibilityGroup": "app.major", "nonsense": 1})
    assert put.status_code == 200 and put.json() == {"normalize": True, "compatibilityGroup": "app.major"}
    assert httpx.get(url).json() == {"normalize": True, "compatibilityGroup": "app.major"}
    assert client.get_config(subject).compatibility_group == "app.major"
    first = client.register_schema(subject, json_schema("type", "properties", "title"))
    assert client.register_schema(subject, json_schema("properties", "title", "type")) == first  # normalized
    assert client.get_versions(subject) == [1]
    answer = client.set_config(subject, ServerConfig(compatibility_level=ConfigCompatibilityLevel.FULL))
    assert answer == {"compatibility": "FULL", "normalize": True, "compatibilityGroup": "app.major"}
    assert client.get_compatibility(subject) == "FULL"
    assert httpx.put(url, json={"compatibilityGroup": None}).json() == {"compatibility": "FULL", "normalize": True}
    assert httpx.put(url, json={"compatibility": "SOMETIMES"}).json()["error_code"] == 42203
    assert httpx.get(url).json() == {"compatibilityLevel": "FULL", "normalize": True}
    assert client.delete_config(subject).compatibility_level == ConfigCompatibilityLevel.FULL
    assert error_of(lambda: client.delete_config(subject)) == (404, 40401)
    global_level = client.get_compatibility()
    assert httpx.get(f"{url}?defaultToGlobal=true").json()["compatibilityLevel"] == global_level


def test_global_config_put_and_delete(client, unique):
    subject, url = unique("global") + "-value", f"{registry_url()}/config"
    with_note = avro({"name": "id", "type": "int"}, {"name": "note", "type": "string"})
    client.register_schema(subject, with_note)
    without_note = avro({"name": "id", "type": "int"})  # BACKWARD yes, FORWARD no
    before = httpx.get(url).json()
    try:
        answer = client.set_config(None, ServerConfig(compatibility=ConfigCompatibilityLevel.FULL_TRANSITIVE))
        assert answer["compatibility"] == "FULL_TRANSITIVE"
        assert client.get_compatibility() == "FULL_TRANSITIVE"
        assert client.get_config().compatibility_level == ConfigCompatibilityLevel.FULL_TRANSITIVE
        assert error_of(lambda: client.register_schema(subject, without_note)) == (409, 40901)
        put = httpx.put(url, json={"normalize": True}).json()
        assert put == {"compatibility": "FULL_TRANSITIVE", "normalize": True}
        assert httpx.put(url, json={"compatibility": "bad"}).json()["error_code"] == 42203
        assert httpx.get(url).json() == {"compatibilityLevel": "FULL_TRANSITIVE", "normalize": True}
        assert client.delete_config().compatibility_level == ConfigCompatibilityLevel.FULL_TRANSITIVE
        assert httpx.get(url).json() == {"compatibilityLevel": "BACKWARD"}  # the default
        assert client.register_schema_full_response(subject, without_note).version == 2
    finally:  # the global config as it was, for the other tests
        client.delete_config()
        if before != {"compatibilityLevel": "BACKWARD"}:
            httpx.put(url, json={"compatibility": before.pop("compatibilityLevel"), **before})


def test_schema_by_guid(client, unique):
    schema = avro({"name": "id", "type": "int"}, name=unique("Guid").replace("-", "_"))
    registered = client.register_schema_full_response(unique("guid") + "-value", schema)
    assert registered.guid
    url = f"{registry_url()}/schemas/guids/{registered.guid}"
    answer = httpx.get(url).json()
    assert answer["guid"] == registered.guid and answer["schemaType"] == "AVRO"
    assert json.loads(answer["schema"]) == json.loads(schema.schema_str)
    fresh = SchemaRegistryClient({"url": registry_url()})  # empty caches: it must ask the registry
    assert json.loads(fresh.get_schema_by_guid(registered.guid).schema_str) == json.loads(schema.schema_str)
    assert error_of(lambda: fresh.get_schema_by_guid("00000000-0000-0000-0000-000000000000")) == (404, 40403)


def test_latest_with_metadata_errors(client, unique):
    subject = unique("meta") + "-value"
    assert error_of(lambda: client.get_latest_with_metadata(subject, {"owner": "shop"})) == (404, 40401)
    client.register_schema(subject, V1)
    assert error_of(lambda: client.get_latest_with_metadata(subject, {"owner": "shop"})) == (404, 40403)


def test_mode_get_put_delete(client, unique):
    subject = unique("mode") + "-value"
    assert client.update_mode(subject, "READWRITE") == "READWRITE"
    assert client.get_mode(subject) == "READWRITE"
    assert client.delete_mode(subject) == "READWRITE"
    assert error_of(lambda: client.update_mode(subject, "READONLY")) == (422, 42204)
