"""JSON Schema documents reduced to what compatibility compares: kinds, facets, resolved ``$ref``s.

A schema node is one of: empty (accepts everything: ``true`` or ``{}``), false, a type (object,
array, string, number — ``integer`` is a number that must be whole — boolean, null), enum, const,
not, or a combination (allOf / anyOf / oneOf). A node with several keyword groups (a ``type`` and an
``enum``, or a list of types) becomes a combination, as JSON Schema validates it.
"""

__all__ = ["JsonSchemaModel", "Node"]

OBJECT_KEYS = {"properties", "required", "additionalProperties", "patternProperties", "minProperties",
               "maxProperties", "dependencies"}
ARRAY_KEYS = {"items", "additionalItems", "minItems", "maxItems", "uniqueItems"}
STRING_KEYS = {"minLength", "maxLength", "pattern", "format"}
NUMBER_KEYS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
COMBINERS = ("allOf", "anyOf", "oneOf")


class JsonSchemaModel:
    """A JSON Schema document with its local ``$ref``s resolvable (``#/definitions/x``, ``#/$defs/x``).

    Course machinery.
    """

    def __init__(self, document):
        self.document = document

    def resolve(self, node):
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            ref = node["$ref"]
            if ref in seen:
                return {}
            seen.add(ref)
            target = self.document
            for part in filter(None, ref[1:].split("/")):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target[int(part)] if isinstance(target, list) else target.get(part, {})
            node = target
        return node


class Node:
    """One schema reduced to a kind: empty (accepts all), false, a type, enum, const, not, combined.

    Course machinery.
    """

    def __init__(self, model: JsonSchemaModel, raw):
        self.model = model
        raw = model.resolve(raw)
        self.raw = raw
        self.kind, self.parts, self.criterion = self._classify(raw)

    def _classify(self, raw):
        if raw is True or raw == {}:
            return "empty", [], None
        if raw is False:
            return "false", [], None
        if not isinstance(raw, dict):
            return "empty", [], None
        facets = []
        for combiner in COMBINERS:
            if combiner in raw:
                facets.append(("combined", raw[combiner], combiner))
        if "not" in raw:
            facets.append(("not", raw["not"], None))
        if "enum" in raw:
            facets.append(("enum", raw["enum"], None))
        if "const" in raw:
            facets.append(("const", raw["const"], None))
        types = raw.get("type")
        typed = {k: v for k, v in raw.items() if k not in ("allOf", "anyOf", "oneOf", "not", "enum", "const")}
        if isinstance(types, list):
            if len(types) == 1:
                facets.append(("typed", {**typed, "type": types[0]}, None))
            else:
                facets.append(("combined", [{**typed, "type": t} for t in types], "anyOf"))
        elif isinstance(types, str):
            facets.append(("typed", typed, None))
        else:
            for name, keys in (("object", OBJECT_KEYS), ("array", ARRAY_KEYS), ("string", STRING_KEYS),
                               ("number", NUMBER_KEYS)):
                if keys & raw.keys():
                    facets.append(("typed", {**typed, "type": name}, None))
        if not facets:
            return "empty", [], None
        if len(facets) > 1:  # several keyword groups: the document must satisfy them all
            return "combined", [self._facet_node(f) for f in facets], "allOf"
        kind, value, criterion = facets[0]
        if kind == "combined":
            return "combined", [Node(self.model, s) for s in value], criterion
        if kind == "typed":
            type_name = value["type"]
            return ("number" if type_name == "integer" else type_name), [], None
        return kind, value, None

    def _facet_node(self, facet):
        kind, value, criterion = facet
        node = object.__new__(Node)
        node.model, node.raw = self.model, value if kind == "typed" else {}
        if kind == "combined":
            node.kind, node.parts, node.criterion = "combined", [Node(self.model, s) for s in value], criterion
        elif kind == "typed":
            node.kind, node.parts, node.criterion = Node(self.model, value).kind, [], None
        else:
            node.kind, node.parts, node.criterion = kind, value, None
        return node

    @property
    def integer(self) -> bool:
        return self.kind == "number" and self.raw.get("type") == "integer"

    def get(self, key, default=None):
        return self.raw.get(key, default) if isinstance(self.raw, dict) else default

    def child(self, raw) -> "Node":
        return Node(self.model, raw)
