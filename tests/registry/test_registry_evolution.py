"""Schema evolution verdicts per compatibility level, asked of the running registry.

Each row: an old schema, a new one, and whether the new one is BACKWARD compatible (new readers
read old data) and FORWARD compatible (old readers read new data). FULL must be both, NONE always
passes; the registry computes every level itself, so each wrong verdict fails its row. The Avro rows
follow the Avro specification's schema resolution; the JSON Schema rows the content-model rules
of Confluent's registry (strict policy).
"""

import json

import pytest
from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry.error import SchemaRegistryError


def rec(*fields, name="Order", **extra):
    return {"type": "record", "name": name, "fields": list(fields), **extra}


def f(name, type_, **extra):
    return {"name": name, "type": type_, **extra}


def enum(symbols, **extra):
    return {"type": "enum", "name": "Status", "symbols": symbols, **extra}


ID = f("id", "long")

AVRO_CASES = [
    # name, old, new, backward, forward
    ("add field with default", rec(ID), rec(ID, f("note", "string", default="")), True, True),
    ("add field without default", rec(ID), rec(ID, f("note", "string")), False, True),
    ("remove field that had a default", rec(ID, f("note", "string", default="")), rec(ID), True, True),
    ("remove field without default", rec(ID, f("note", "string")), rec(ID), True, False),
    ("rename field with alias", rec(ID, f("customer", "string")),
     rec(ID, f("buyer", "string", aliases=["customer"])), True, False),
    ("rename field without alias", rec(ID, f("customer", "string")), rec(ID, f("buyer", "string")), False, False),
    ("promote int to long", rec(f("qty", "int")), rec(f("qty", "long")), True, False),
    ("demote long to int", rec(f("qty", "long")), rec(f("qty", "int")), False, True),
    ("promote int to float", rec(f("qty", "int")), rec(f("qty", "float")), True, False),
    ("promote long to double", rec(f("qty", "long")), rec(f("qty", "double")), True, False),
    ("promote float to double", rec(f("price", "float")), rec(f("price", "double")), True, False),
    ("string to bytes", rec(f("code", "string")), rec(f("code", "bytes")), True, True),
    ("int to string", rec(f("qty", "int")), rec(f("qty", "string")), False, False),
    ("enum gains a symbol", rec(f("s", enum(["NEW", "PAID"]))), rec(f("s", enum(["NEW", "PAID", "SENT"]))),
     True, False),
    ("enum gains a symbol, readers have a default", rec(f("s", enum(["NEW", "PAID"], default="NEW"))),
     rec(f("s", enum(["NEW", "PAID", "SENT"], default="NEW"))), True, True),
    ("enum loses a symbol", rec(f("s", enum(["NEW", "PAID", "SENT"]))), rec(f("s", enum(["NEW", "PAID"]))),
     False, True),
    ("field becomes nullable union", rec(f("note", "string")), rec(f("note", ["null", "string"], default=None)),
     True, False),
    ("nullable union narrows to its type", rec(f("note", ["null", "string"], default=None)),
     rec(f("note", "string")), False, True),
    ("union gains a branch", rec(f("v", ["null", "string"], default=None)),
     rec(f("v", ["null", "string", "long"], default=None)), True, False),
    ("add optional field (null default)", rec(ID), rec(ID, f("coupon", ["null", "string"], default=None)),
     True, True),
    ("rename record without alias", rec(ID), rec(ID, name="Purchase"), False, False),
    ("rename record with alias", rec(ID), rec(ID, name="Purchase", aliases=["Order"]), True, False),
    ("namespace changes only", rec(ID, namespace="shop.v1"), rec(ID, namespace="shop.v2"), True, True),
    ("fixed size changes", rec(f("h", {"type": "fixed", "name": "Hash", "size": 16})),
     rec(f("h", {"type": "fixed", "name": "Hash", "size": 32})), False, False),
    ("array items promoted", rec(f("xs", {"type": "array", "items": "int"})),
     rec(f("xs", {"type": "array", "items": "long"})), True, False),
    ("map values promoted", rec(f("m", {"type": "map", "values": "float"})),
     rec(f("m", {"type": "map", "values": "double"})), True, False),
    ("default value changes", rec(ID, f("n", "int", default=1)), rec(ID, f("n", "int", default=2)), True, True),
    ("nested record gains field with default", rec(f("a", rec(f("city", "string"), name="Address"))),
     rec(f("a", rec(f("city", "string"), f("zip", "string", default=""), name="Address"))), True, True),
    ("nested record gains field without default", rec(f("a", rec(f("city", "string"), name="Address"))),
     rec(f("a", rec(f("city", "string"), f("zip", "string"), name="Address"))), False, True),
]


def obj(props, **extra):
    return {"type": "object", "properties": props, **extra}


S, I, N = {"type": "string"}, {"type": "integer"}, {"type": "number"}

JSON_CASES = [
    ("open model gains a typed property", obj({"a": S}), obj({"a": S, "b": I}), False, True),
    ("open model loses a property", obj({"a": S, "b": I}), obj({"a": S}), True, False),
    ("open model gains an untyped property", obj({"a": S}), obj({"a": S, "b": {}}), True, True),
    ("closed model gains an optional property", obj({"a": S}, additionalProperties=False),
     obj({"a": S, "b": I}, additionalProperties=False), True, False),
    ("closed model loses a property", obj({"a": S, "b": I}, additionalProperties=False),
     obj({"a": S}, additionalProperties=False), False, True),
    ("closed model gains a required property", obj({"a": S}, additionalProperties=False),
     obj({"a": S, "b": I}, required=["b"], additionalProperties=False), False, False),
    ("property becomes required", obj({"a": S, "b": I}), obj({"a": S, "b": I}, required=["b"]), False, True),
    ("integer widens to number", obj({"n": I}), obj({"n": N}), True, False),
    ("maxLength grows", obj({"a": {"type": "string", "maxLength": 10}}),
     obj({"a": {"type": "string", "maxLength": 20}}), True, False),
    ("enum gains a value", obj({"s": {"enum": ["NEW", "PAID"]}}), obj({"s": {"enum": ["NEW", "PAID", "SENT"]}}),
     True, False),
    ("string becomes string-or-null", obj({"a": S}), obj({"a": {"type": ["string", "null"]}}), True, False),
    ("partially open model gains a covered property", obj({"a": S}, additionalProperties=S),
     obj({"a": S, "b": S}, additionalProperties=S), True, True),
    ("partially open model gains an uncovered property", obj({"a": S}, additionalProperties=S),
     obj({"a": S, "b": I}, additionalProperties=S), False, False),
    ("minimum added", obj({"n": I}), obj({"n": {"type": "integer", "minimum": 0}}), False, True),
    ("type changes string to integer", obj({"a": S}), obj({"a": I}), False, False),
    ("closed model opens", obj({"a": S}, additionalProperties=False), obj({"a": S}), True, False),
]

CASES = [("AVRO", *case) for case in AVRO_CASES] + [("JSON", *case) for case in JSON_CASES]


@pytest.mark.parametrize("schema_type,name,old,new,backward,forward", CASES, ids=[c[1] for c in CASES])
def test_verdict_per_level(client, unique, schema_type, name, old, new, backward, forward):
    subject = unique("evolve") + "-value"
    client.set_compatibility(subject, "NONE")
    client.register_schema(subject, Schema(json.dumps(old), schema_type))
    expected = {"NONE": True, "BACKWARD": backward, "FORWARD": forward, "FULL": backward and forward}
    verdicts = {}
    for level in expected:
        client.set_compatibility(subject, level)
        verdicts[level] = client.test_compatibility(subject, Schema(json.dumps(new), schema_type))
    assert verdicts == expected


# v1 → v2 → v3 where v3 is compatible with v2 but not with v1: only the _TRANSITIVE levels see it.
TRANSITIVE = {
    "BACKWARD": [rec(ID), rec(ID, f("c", "int", default=0)), rec(ID, f("c", "int"))],
    "FORWARD": [rec(ID, f("b", "int")), rec(ID, f("b", "int", default=0)), rec(ID)],
    # each step adds or drops a field with a default; v3's c is a string where v1's was an int
    "FULL": [rec(ID, f("c", "int", default=0)), rec(ID), rec(ID, f("c", "string", default=""))],
}


@pytest.mark.parametrize("level", ["BACKWARD", "FORWARD", "FULL"])
def test_transitive_levels_check_every_earlier_version(client, unique, level):
    v1, v2, v3 = (Schema(json.dumps(s)) for s in TRANSITIVE[level])
    for variant, accepted in ((level, True), (f"{level}_TRANSITIVE", False)):
        subject = unique("transitive") + "-value"
        client.set_compatibility(subject, variant)
        client.register_schema(subject, v1)
        client.register_schema(subject, v2)
        assert client.test_compatibility(subject, v3, version=2) is True
        assert client.test_compatibility_all_versions(subject, v3) is accepted
        if accepted:
            assert client.register_schema_full_response(subject, v3).version == 3
        else:
            with pytest.raises(SchemaRegistryError) as info:
                client.register_schema(subject, v3)
            assert info.value.http_status_code == 409
