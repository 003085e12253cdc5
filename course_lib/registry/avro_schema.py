"""Avro schemas as the registry needs them: checked, canonical text, and a resolved type graph.

The registry must answer "is this the same schema?" (same id) and "can this reader read that
writer?" (compatibility). The first needs one stable text per schema — whitespace, key order and
``{"type": "int"}`` versus ``"int"`` must not make two schemas differ. The second needs named types
resolved to objects, so a recursive record or a second use of an enum is the same node.

``fastavro.parse_schema`` is the validity check (unknown types, bad names); defaults are checked
here as the Avro specification says (a union's default matches its first branch).
"""

import json
from dataclasses import dataclass, field

import fastavro
from fastavro.schema import SchemaParseException, UnknownType

__all__ = ["AvroType", "InvalidAvroSchema", "parse_avro"]

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "error", "enum", "fixed"}

# The key order of each kind of type in the canonical text; other keys follow in their given order.
KEY_ORDER = {
    "record": ("type", "name", "namespace", "doc", "fields"),
    "enum": ("type", "name", "namespace", "doc", "symbols", "default"),
    "fixed": ("type", "name", "namespace", "doc", "size"),
    "array": ("type", "items"),
    "map": ("type", "values"),
}
FIELD_KEY_ORDER = ("name", "type", "doc", "default", "order", "aliases")


class InvalidAvroSchema(ValueError):
    """The text is not a valid Avro schema; ``str()`` says why (course machinery)."""


@dataclass(eq=False)
class AvroType:
    """One node of a resolved schema: a named type appears once, however often it is used (course machinery)."""
    kind: str  # a primitive name, or record / enum / fixed / array / map / union
    fullname: str | None = None
    aliases: set[str] = field(default_factory=set)  # full names this named type also answers to
    fields: list["AvroField"] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    enum_default: str | None = None
    size: int | None = None
    items: "AvroType | None" = None  # array items or map values
    branches: list["AvroType"] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        """The unqualified name (Avro's Java checker compares these, not the namespaces)."""
        return self.fullname.rsplit(".", 1)[-1] if self.fullname else None

    def describe(self) -> str:
        if self.fullname:
            return f"{self.kind} {self.fullname}"
        if self.kind == "union":
            return "union [" + ", ".join(b.describe() for b in self.branches) + "]"
        return self.kind


@dataclass(eq=False)
class AvroField:
    name: str
    type: AvroType
    has_default: bool
    default: object = None
    aliases: set[str] = field(default_factory=set)


def _fullname(name: str, namespace: str | None) -> str:
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


class _Resolver:
    """Turns schema JSON into ``AvroType`` nodes and its canonical JSON, in one walk."""

    def __init__(self):
        self.named: dict[str, AvroType] = {}

    def resolve(self, schema, namespace: str | None):
        """(AvroType, canonical JSON value) for ``schema`` inside ``namespace``."""
        if isinstance(schema, str):
            return self._reference(schema, namespace)
        if isinstance(schema, list):
            nodes, canon = [], []
            for branch in schema:
                node, text = self.resolve(branch, namespace)
                nodes.append(node)
                canon.append(text)
            return AvroType("union", branches=nodes), canon
        if not isinstance(schema, dict) or "type" not in schema:
            raise InvalidAvroSchema(f"{json.dumps(schema)[:80]} is not an Avro type (expected a name, a list or an "
                                    f"object with \"type\")")
        kind = schema["type"]
        if isinstance(kind, (dict, list)):  # {"type": {"type": "int"}} — a wrapped type
            return self.resolve(kind, namespace)
        if kind in PRIMITIVES:
            extra = {k: v for k, v in schema.items() if k != "type"}
            return AvroType(kind), ({"type": kind, **extra} if extra else kind)
        if kind == "array":
            node, canon = self.resolve(schema["items"], namespace)
            return AvroType("array", items=node), self._ordered(schema, "array", {"items": canon})
        if kind == "map":
            node, canon = self.resolve(schema["values"], namespace)
            return AvroType("map", items=node), self._ordered(schema, "map", {"values": canon})
        if kind in NAMED:
            return self._named(schema, namespace)
        return self._reference(kind, namespace)

    def _reference(self, name: str, namespace: str | None):
        if name in PRIMITIVES:
            return AvroType(name), name
        for candidate in (_fullname(name, namespace), name):
            if candidate in self.named:
                return self.named[candidate], candidate
        raise InvalidAvroSchema(f"unknown type {name!r}")

    def _named(self, schema: dict, namespace: str | None):
        kind = "record" if schema["type"] == "error" else schema["type"]
        fullname = _fullname(schema["name"], schema.get("namespace", namespace))
        own_namespace = fullname.rsplit(".", 1)[0] if "." in fullname else None
        node = AvroType(kind, fullname=fullname,
                        aliases={_fullname(a, own_namespace) for a in schema.get("aliases", [])})
        self.named[fullname] = node
        if kind == "enum":
            node.symbols = list(schema["symbols"])
            node.enum_default = schema.get("default")
            return node, self._ordered(schema, "enum", {})
        if kind == "fixed":
            node.size = schema["size"]
            return node, self._ordered(schema, "fixed", {})
        fields = []
        for spec in schema["fields"]:
            field_type, field_canon = self.resolve(spec["type"], own_namespace)
            node.fields.append(AvroField(spec["name"], field_type, "default" in spec, spec.get("default"),
                                         set(spec.get("aliases", []))))
            if "default" in spec:
                _check_default(field_type, spec["default"], f"field {spec['name']!r} of {fullname}")
            fields.append(_order_keys({**spec, "type": field_canon}, FIELD_KEY_ORDER))
        return node, self._ordered(schema, "record", {"fields": fields})

    @staticmethod
    def _ordered(schema: dict, kind: str, replaced: dict) -> dict:
        return _order_keys({**schema, **replaced}, KEY_ORDER[kind])


def _order_keys(obj: dict, first: tuple[str, ...]) -> dict:
    ordered = {key: obj[key] for key in first if key in obj}
    ordered.update((key, value) for key, value in obj.items() if key not in ordered)
    return ordered


def _check_default(node: AvroType, value, where: str) -> None:
    """Raise ``InvalidAvroSchema`` when ``value`` is not a valid default for ``node`` (Avro spec)."""
    if not _default_fits(node, value):
        raise InvalidAvroSchema(f"invalid default {json.dumps(value)} for {where} of type {node.describe()}"
                                + (" (a union's default must match its first branch)" if node.kind == "union" else ""))


def _default_fits(node: AvroType, value) -> bool:
    kind = node.kind
    if kind == "union":
        return bool(node.branches) and _default_fits(node.branches[0], value)
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("int", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("bytes", "string", "fixed"):
        return isinstance(value, str)
    if kind == "enum":
        return value in node.symbols
    if kind == "array":
        return isinstance(value, list) and all(_default_fits(node.items, v) for v in value)
    if kind == "map":
        return isinstance(value, dict) and all(_default_fits(node.items, v) for v in value.values())
    if kind == "record":
        return isinstance(value, dict) and all(
            (f.name in value and _default_fits(f.type, value[f.name])) or (f.name not in value and f.has_default)
            for f in node.fields)
    return False


@dataclass(frozen=True)
class ParsedAvro:
    canonical: str
    root: AvroType


def parse_avro(text: str) -> ParsedAvro:
    """Check an Avro schema and return its canonical text and resolved type graph (course machinery)."""
    try:
        schema = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise InvalidAvroSchema(f"the schema is not JSON ({exc})") from None
    try:
        fastavro.parse_schema(schema, _write_hint=False)
    except (SchemaParseException, UnknownType, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidAvroSchema(f"{type(exc).__name__}: {exc}") from None
    try:
        root, canonical = _Resolver().resolve(schema, None)
    except (KeyError, TypeError) as exc:
        raise InvalidAvroSchema(f"missing or malformed attribute {exc}") from None
    return ParsedAvro(json.dumps(canonical, separators=(",", ":"), ensure_ascii=False), root)
