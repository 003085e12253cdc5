"""Does every document valid under one JSON Schema stay valid under another? Content-model rules.

JSON Schema has no reader/writer resolution: compatibility means the new schema accepts what the
old one accepted (backward) or the reverse (forward). We compare an *original* and an *update*
and list each difference; a difference either widens what is accepted (compatible) or narrows it.

The rule learners meet first is the content model of an object:
- open (``additionalProperties`` absent or true): any extra property was already allowed, with any
  value — so adding a typed property to an open model narrows it (incompatible), and removing one
  is fine;
- closed (``additionalProperties: false``): adding an optional property is fine, removing one is
  not (old data that has it would now be rejected);
- partially open (``additionalProperties`` is a schema, or ``patternProperties``): a property added
  or removed is fine when that schema covers it.
A property becoming required narrows (unless it has a default); constraints (``maxLength``,
``minimum``, ``enum``, ``maxItems`` …) may widen but not narrow; ``integer`` may become ``number``;
``anyOf``/``oneOf`` may gain branches. These are the verdicts of Confluent's registry (its default,
strict policy), which names each difference as we do.
"""

import re

from .json_model import JsonSchemaModel, Node

__all__ = ["differences", "update_problems", "COMPATIBLE"]

COMPATIBLE = frozenset({
    "ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED", "SCHEMA_REMOVED", "TYPE_EXTENDED",
    "MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED", "MIN_LENGTH_REMOVED", "PATTERN_REMOVED",
    "MAXIMUM_INCREASED", "MAXIMUM_REMOVED", "MINIMUM_DECREASED", "MINIMUM_REMOVED",
    "EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MINIMUM_DECREASED",
    "EXCLUSIVE_MINIMUM_REMOVED", "MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED",
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED",
    "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED", "MIN_PROPERTIES_DECREASED", "MIN_PROPERTIES_REMOVED",
    "ADDITIONAL_PROPERTIES_ADDED", "ADDITIONAL_PROPERTIES_EXTENDED",
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "MAX_ITEMS_INCREASED", "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED", "UNIQUE_ITEMS_REMOVED",
    "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED",
    "ENUM_ARRAY_EXTENDED", "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "SUM_TYPE_EXTENDED",
    "NOT_TYPE_NARROWED",
})

def differences(original_model: JsonSchemaModel, update_model: JsonSchemaModel) -> list[tuple[str, str]]:
    """Every (difference, path) from the original schema to the update (course machinery)."""
    found: list[tuple[str, str]] = []
    _Diff(found, set()).compare(Node(original_model, original_model.document),
                                Node(update_model, update_model.document), "#")
    return found


def update_problems(original: JsonSchemaModel, update: JsonSchemaModel) -> list[str]:
    """Why the update rejects documents the original accepted (empty: it accepts them all) (course machinery)."""
    return [f"{name} at {path}" for name, path in differences(original, update) if name not in COMPATIBLE]


class _Diff:
    def __init__(self, found: list, stack: set):
        self.found = found
        self.stack = stack  # pairs of raw schemas being compared: a $ref cycle counts as compatible

    def add(self, name: str, path: str):
        self.found.append((name, path))

    def sub(self) -> "_Diff":
        return _Diff([], self.stack)

    def compatible(self) -> bool:
        return all(name in COMPATIBLE for name, _ in self.found)

    def compare(self, o: Node | None, u: Node | None, path: str):
        if o is None and u is None:
            return
        if o is None:
            return self.add("SCHEMA_ADDED", path)
        if u is None:
            return self.add("SCHEMA_REMOVED", path)
        key = (id(o.raw), id(u.raw))
        if key in self.stack and isinstance(o.raw, dict):
            return
        self.stack.add(key)
        try:
            self._compare(o, u, path)
        finally:
            self.stack.discard(key)

    def _compare(self, o: Node, u: Node, path: str):
        if o.kind != "combined" and u.kind == "combined":
            if len(u.parts) == 1 and self._try(o, u.parts[0], path):
                return
            if u.criterion in ("anyOf", "oneOf") and len(u.parts) > 1:
                for part in u.parts:
                    if self._try(o, part, path):
                        return self.add("SUM_TYPE_EXTENDED", path)
        elif o.kind == "combined" and u.kind != "combined":
            if len(o.parts) == 1 and self._try(o.parts[0], u, path):
                return
            if o.criterion == "allOf" and len(o.parts) > 1:
                for part in o.parts:
                    if self._try(part, u, path):
                        return self.add("PRODUCT_TYPE_NARROWED", path)
        if o.kind != u.kind:
            if o.kind == "false" or u.kind == "empty":
                return
            return self.add("TYPE_CHANGED", path)
        for keyword, name in (("$id", "ID_CHANGED"), ("title", "TITLE_CHANGED"),
                              ("description", "DESCRIPTION_CHANGED"), ("default", "DEFAULT_CHANGED")):
            if o.get(keyword) != u.get(keyword):
                self.add(name, path)
        getattr(self, f"_{o.kind}", lambda *_: None)(o, u, path)

    def _try(self, o: Node, u: Node, path: str) -> bool:
        """Compare in a sub-context; keep its differences only if they are all compatible."""
        sub = self.sub()
        sub.compare(o, u, path)
        if sub.compatible():
            self.found += sub.found
            return True
        return False

    # -- per kind ---------------------------------------------------------------------------
    def _limits(self, o: Node, u: Node, path: str, keyword: str, name: str):
        a, b = o.get(keyword), u.get(keyword)
        if a == b or isinstance(a, bool) or isinstance(b, bool):
            return
        if a is None:
            return self.add(f"{name}_ADDED", f"{path}/{keyword}")
        if b is None:
            return self.add(f"{name}_REMOVED", f"{path}/{keyword}")
        self.add(f"{name}_{'INCREASED' if b > a else 'DECREASED'}", f"{path}/{keyword}")

    def _string(self, o, u, path):
        self._limits(o, u, path, "maxLength", "MAX_LENGTH")
        self._limits(o, u, path, "minLength", "MIN_LENGTH")
        a, b = o.get("pattern"), u.get("pattern")
        if a != b:
            self.add("PATTERN_ADDED" if a is None else "PATTERN_REMOVED" if b is None else "PATTERN_CHANGED",
                     f"{path}/pattern")

    def _number(self, o, u, path):
        self._limits(o, u, path, "maximum", "MAXIMUM")
        self._limits(o, u, path, "minimum", "MINIMUM")
        self._limits(o, u, path, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM")
        self._limits(o, u, path, "exclusiveMinimum", "EXCLUSIVE_MINIMUM")
        a, b = o.get("multipleOf"), u.get("multipleOf")
        if a != b:
            if a is None:
                self.add("MULTIPLE_OF_ADDED", f"{path}/multipleOf")
            elif b is None:
                self.add("MULTIPLE_OF_REMOVED", f"{path}/multipleOf")
            elif a and (b / a).is_integer():
                self.add("MULTIPLE_OF_EXPANDED", f"{path}/multipleOf")
            elif b and (a / b).is_integer():
                self.add("MULTIPLE_OF_REDUCED", f"{path}/multipleOf")
            else:
                self.add("MULTIPLE_OF_CHANGED", f"{path}/multipleOf")
        if o.integer != u.integer:
            self.add("TYPE_EXTENDED" if o.integer else "TYPE_NARROWED", path)

    def _enum(self, o, u, path):
        a, b = o.parts, u.parts
        if a != b:
            if all(v in b for v in a):
                self.add("ENUM_ARRAY_EXTENDED", f"{path}/enum")
            elif all(v in a for v in b):
                self.add("ENUM_ARRAY_NARROWED", f"{path}/enum")
            else:
                self.add("ENUM_ARRAY_CHANGED", f"{path}/enum")

    def _const(self, o, u, path):
        if o.parts != u.parts:
            self.add("ENUM_ARRAY_CHANGED", f"{path}/const")

    def _not(self, o, u, path):
        # not A → not B accepts more when B is narrower than A: compare in reverse.
        sub = self.sub()
        sub.compare(u.child(u.parts), o.child(o.parts), f"{path}/not")
        if sub.compatible():
            if sub.found:
                self.add("NOT_TYPE_NARROWED", f"{path}/not")
        else:
            self.add("NOT_TYPE_EXTENDED", f"{path}/not")

    def _combined(self, o, u, path):
        if o.criterion != u.criterion:
            if (u.criterion == "anyOf" or (len(o.parts) == 1 and len(u.parts) == 1)
                    or (len(o.parts) == 1 and u.criterion == "oneOf")
                    or (len(u.parts) == 1 and o.criterion == "allOf")):
                self.add("COMBINED_TYPE_EXTENDED", path)
            else:
                return self.add("COMBINED_TYPE_CHANGED", path)
        if len(o.parts) < len(u.parts):
            self.add("PRODUCT_TYPE_EXTENDED" if u.criterion == "allOf" else "SUM_TYPE_EXTENDED", path)
        elif len(o.parts) > len(u.parts):
            self.add("SUM_TYPE_NARROWED" if o.criterion in ("anyOf", "oneOf") else "PRODUCT_TYPE_NARROWED", path)
        edges = {}
        for i, a in enumerate(o.parts):
            for j, b in enumerate(u.parts):
                sub = self.sub()
                sub.compare(a, b, f"{path}/{o.criterion}/{i}")
                if sub.compatible():
                    edges[i, j] = sub.found
        matching = _max_matching(len(o.parts), edges)
        for pair in matching.items():
            self.found += edges[pair]
        if len(matching) < min(len(o.parts), len(u.parts)):
            self.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED", path)

    def _object(self, o, u, path):
        o_props, u_props = o.get("properties", {}), u.get("properties", {})
        o_req, u_req = set(o.get("required", [])), set(u.get("required", []))
        for name in o_props:
            if name in u_props:
                if name in o_req and name not in u_req:
                    self.add("REQUIRED_ATTRIBUTE_REMOVED", f"{path}/required/{name}")
                elif name not in o_req and name in u_req:
                    self.add("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" if "default" in _dict(u_props[name])
                             else "REQUIRED_ATTRIBUTE_ADDED", f"{path}/required/{name}")
        for name in list(o_props) + [n for n in u_props if n not in o_props]:
            where = f"{path}/properties/{name}"
            if name not in u_props:
                self._property_removed(o.child(o_props[name]), u, name, where)
            elif name not in o_props:
                self._property_added(o, u, u.child(u_props[name]), name, u_req, where)
            else:
                self.compare(o.child(o_props[name]), u.child(u_props[name]), where)
        self._additional(o, u, path, "additionalProperties", "ADDITIONAL_PROPERTIES")
        self._limits(o, u, path, "maxProperties", "MAX_PROPERTIES")
        self._limits(o, u, path, "minProperties", "MIN_PROPERTIES")

    def _property_removed(self, removed: Node, u: Node, name: str, where: str):
        if _is_open(u):
            return self.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", where)
        covering = _partial_schema(u, name)
        if covering is not None:
            ok = self._try(removed, u.child(covering), where)
            return self.add("PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if ok
                            else "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", where)
        self.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" if removed.kind == "false"
                 else "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", where)

    def _property_added(self, o: Node, u: Node, added: Node, name: str, u_req: set, where: str):
        has_default = "default" in _dict(added.raw)
        if _is_open(o):
            if added.kind == "empty":
                return self.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", where)
            if name in u_req:
                return self.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL" if has_default
                                else "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", where)
            return self.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", where)
        covering = _partial_schema(o, name)
        if covering is not None:
            ok = self._try(o.child(covering), added, where)
            self.add("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if ok
                     else "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", where)
        if name in u_req:
            self.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" if has_default
                     else "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", where)
        else:
            self.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", where)

    def _additional(self, o, u, path, keyword, name):
        a, b = o.get(keyword, True), u.get(keyword, True)
        where = f"{path}/{keyword}"
        if (a is not False) != (b is not False):
            return self.add(f"{name}_ADDED" if b is not False else f"{name}_REMOVED", where)
        a_schema = a if isinstance(a, dict) and a else None
        b_schema = b if isinstance(b, dict) and b else None
        if a_schema is None and b_schema is not None:
            self.add(f"{name}_NARROWED", where)
        elif b_schema is None and a_schema is not None:
            self.add(f"{name}_EXTENDED", where)
        elif a_schema is not None:
            self.compare(o.child(a_schema), u.child(b_schema), where)

    def _array(self, o, u, path):
        a, b = o.get("items"), u.get("items")
        if isinstance(a, list) or isinstance(b, list):
            self._tuple_items(o, u, path, a if isinstance(a, list) else [], b if isinstance(b, list) else [])
        else:
            self.compare(o.child(a) if a is not None else None, u.child(b) if b is not None else None,
                         f"{path}/items")
        self._additional(o, u, path, "additionalItems", "ADDITIONAL_ITEMS")
        self._limits(o, u, path, "maxItems", "MAX_ITEMS")
        self._limits(o, u, path, "minItems", "MIN_ITEMS")
        if bool(o.get("uniqueItems")) != bool(u.get("uniqueItems")):
            self.add("UNIQUE_ITEMS_REMOVED" if o.get("uniqueItems") else "UNIQUE_ITEMS_ADDED", f"{path}/uniqueItems")

    def _tuple_items(self, o, u, path, a: list, b: list):
        for i in range(max(len(a), len(b))):
            where = f"{path}/items/{i}"
            if i < len(a) and i < len(b):
                self.compare(o.child(a[i]), u.child(b[i]), where)
            elif i < len(a):  # an item position removed from the update
                extra = u.get("additionalItems", True)
                if extra is True or extra == {}:
                    self.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", where)
                elif isinstance(extra, dict):
                    ok = self._try(o.child(a[i]), u.child(extra), where)
                    self.add("ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if ok
                             else "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", where)
                else:
                    self.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", where)
            else:  # an item position added by the update
                extra = o.get("additionalItems", True)
                if extra is True or extra == {}:
                    self.add("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" if b[i] in (True, {})
                             else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", where)
                elif isinstance(extra, dict):
                    ok = self._try(o.child(extra), u.child(b[i]), where)
                    self.add("ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" if ok
                             else "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", where)
                else:
                    self.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", where)


def _dict(raw) -> dict:
    return raw if isinstance(raw, dict) else {}


def _is_open(node: Node) -> bool:
    extra = node.get("additionalProperties", True)
    return (extra is True or extra == {}) and not node.get("patternProperties")


def _partial_schema(node: Node, name: str):
    """The schema that covers an undeclared property ``name`` in a partially open model, if any."""
    for pattern, schema in (node.get("patternProperties") or {}).items():
        if re.search(pattern, name):
            return schema
    extra = node.get("additionalProperties", True)
    return extra if isinstance(extra, dict) and extra else None


def _max_matching(left: int, edges: dict) -> dict:
    """A maximum bipartite matching {i: j} over compatible (original, update) subschema pairs."""
    match_right: dict[int, int] = {}

    def augment(i, seen):
        for (a, j) in edges:
            if a == i and j not in seen:
                seen.add(j)
                if j not in match_right or augment(match_right[j], seen):
                    match_right[j] = i
                    return True
        return False

    for i in range(left):
        augment(i, set())
    return {i: j for j, i in match_right.items()}
