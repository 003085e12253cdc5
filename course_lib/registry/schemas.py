"""Schema types and compatibility levels: what the registry stores and what it refuses.

``parse`` turns the text a client sends into a ``ParsedSchema`` whose ``canonical`` text decides
identity (the same canonical text under the same type is the same schema, hence the same id).
``incompatibilities`` applies a compatibility level to a new schema and the subject's earlier ones.
"""

import json
from dataclasses import dataclass

from .avro_compat import reader_problems
from .avro_schema import InvalidAvroSchema, parse_avro
from .json_compat import update_problems
from .json_model import JsonSchemaModel

__all__ = ["LEVELS", "SCHEMA_TYPES", "InvalidSchema", "ParsedSchema", "incompatibilities", "parse"]

SCHEMA_TYPES = ("AVRO", "JSON")
LEVELS = ("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE")


class InvalidSchema(ValueError):
    """The schema (or its type) is not valid; ``str()`` is the message sent with error 42201 (course machinery)."""


@dataclass(frozen=True)
class ParsedSchema:
    """A checked schema: its type, canonical text and model (``AvroType`` or ``JsonSchemaModel``) (course machinery)."""
    schema_type: str
    canonical: str
    model: object  # AvroType root, or JsonSchemaModel


def parse(schema_type: str | None, text, normalize: bool = False) -> ParsedSchema:
    """Check ``text`` as a schema of ``schema_type`` (AVRO when None) and give its canonical form (course machinery)."""
    schema_type = (schema_type or "AVRO").upper()
    if schema_type not in SCHEMA_TYPES:
        raise InvalidSchema(f"Invalid schema type {schema_type}; this registry knows {', '.join(SCHEMA_TYPES)}")
    if not isinstance(text, str) or not text.strip():
        raise InvalidSchema("Empty schema")
    if schema_type == "AVRO":
        try:
            parsed = parse_avro(text)
        except InvalidAvroSchema as exc:
            raise InvalidSchema(f"Invalid schema of type AVRO, details: {exc}") from None
        return ParsedSchema("AVRO", parsed.canonical, parsed.root)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidSchema(f"Invalid schema of type JSON, details: the schema is not JSON ({exc})") from None
    if not isinstance(document, (dict, bool)):
        raise InvalidSchema("Invalid schema of type JSON, details: a JSON Schema is an object or a boolean")
    import jsonschema  # imported on first use: it takes seconds (format checkers build parsers at import)
    try:
        jsonschema.validators.validator_for(document, default=jsonschema.Draft7Validator).check_schema(document)
    except jsonschema.exceptions.SchemaError as exc:
        raise InvalidSchema(f"Invalid schema of type JSON, details: {exc.message}") from None
    canonical = json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=normalize)
    return ParsedSchema("JSON", canonical, JsonSchemaModel(document))


def _reads(reader: ParsedSchema, writer: ParsedSchema) -> list[str]:
    """Why data written with ``writer`` cannot be read by ``reader`` (accepted, for JSON Schema)."""
    if reader.schema_type != writer.schema_type:
        return ["Incompatible because of different schema type"]
    if reader.schema_type == "AVRO":
        return reader_problems(reader.model, writer.model)
    return update_problems(writer.model, reader.model)


def incompatibilities(level: str, new: ParsedSchema, previous: list[ParsedSchema]) -> list[str]:
    """Why ``new`` breaks ``level`` against ``previous`` (oldest first); empty when it does not (course machinery).

    BACKWARD: the new schema reads data written with the old (upgrade consumers first).
    FORWARD: the old schemas read data written with the new (upgrade producers first).
    FULL: both. Without _TRANSITIVE only the latest earlier version counts.
    """
    if level == "NONE" or not previous:
        return []
    against = previous if level.endswith("_TRANSITIVE") else previous[-1:]
    problems = []
    for old in reversed(against):
        if level.startswith(("BACKWARD", "FULL")):
            problems += _reads(new, old)
        if level.startswith(("FORWARD", "FULL")):
            problems += _reads(old, new)
    return problems
