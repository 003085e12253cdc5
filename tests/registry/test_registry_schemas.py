"""Schema parsing and compatibility without a cluster: identity, recursion, what is rejected."""

import json

import pytest

from course_lib.registry.schemas import InvalidSchema, incompatibilities, parse

LINKED = {"type": "record", "name": "Node", "namespace": "shop", "fields": [
    {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"], "default": None}]}


def test_same_avro_schema_written_differently_has_one_canonical_text():
    compact = parse("AVRO", json.dumps(LINKED, separators=(",", ":")))
    spaced = parse("AVRO", json.dumps({k: LINKED[k] for k in reversed(list(LINKED))}, indent=4))
    wrapped = parse("AVRO", json.dumps({**LINKED, "fields": [{"name": "value", "type": {"type": "int"}},
                                                             LINKED["fields"][1]]}))
    assert compact.canonical == spaced.canonical == wrapped.canonical


def test_recursive_schemas_are_checked_without_looping():
    wider = json.loads(json.dumps(LINKED))
    wider["fields"][0]["type"] = "long"
    old, new = parse("AVRO", json.dumps(LINKED)), parse("AVRO", json.dumps(wider))
    assert incompatibilities("BACKWARD", new, [old]) == []
    assert incompatibilities("FORWARD", new, [old]) != []
    tree = {"definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}}}},
            "$ref": "#/definitions/n"}
    assert incompatibilities("FULL_TRANSITIVE", parse("JSON", json.dumps(tree)), [parse("JSON", json.dumps(tree))]) == []


@pytest.mark.parametrize("schema_type,text", [
    ("AVRO", "{"),
    ("AVRO", '{"type": "record", "name": "R"}'),
    ("AVRO", '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "integer"}]}'),
    ("AVRO", '{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["null", "int"], "default": 1}]}'),
    ("AVRO", '{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}'),
    ("JSON", '{"type": "objekt"}'),
    ("JSON", "[1, 2]"),
    ("PROTOBUF", "syntax = \"proto3\";"),
    ("AVRO", ""),
])
def test_invalid_schemas_are_rejected(schema_type, text):
    with pytest.raises(InvalidSchema):
        parse(schema_type, text)


def test_different_schema_types_are_never_compatible():
    avro, json_schema = parse("AVRO", '"string"'), parse("JSON", '{"type": "string"}')
    assert incompatibilities("BACKWARD", json_schema, [avro]) == ["Incompatible because of different schema type"]
    assert incompatibilities("NONE", json_schema, [avro]) == []
