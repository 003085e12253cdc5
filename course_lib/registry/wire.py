"""Schema-registry records on the wire, and the registry's verdicts in words (introduced in lesson 09).

A value written by confluent-kafka's ``AvroSerializer`` / ``JSONSerializer`` is *framed*: magic byte 0,
the schema id as 4 big-endian bytes, then the payload (Avro binary, or JSON text). ``split_frame`` takes
such a value apart; ``raw_values`` reads a topic's values as the bytes the broker stores. When the
registry refuses a schema, ``registry_verdict`` turns its ``SchemaRegistryError`` into one sentence, and
``compatibility_problems`` asks the registry why a candidate schema is (in)compatible, without registering it.
"""

import re
import struct
from typing import NamedTuple
from urllib.parse import quote

import httpx

from ..clients.reading import read_all
from ..clients.records import to_bytes
from . import registry_headers, registry_url

__all__ = ["Frame", "split_frame", "raw_values", "registry_verdict", "compatibility_problems"]

MAGIC_BYTE = 0


class Frame(NamedTuple):
    """One framed value: ``magic`` (0), the registry's ``schema_id``, and the serialized ``payload``."""
    magic: int
    schema_id: int
    payload: bytes


def split_frame(value: bytes) -> Frame:
    """Take a serializer's output apart: ``>bI`` (1 signed byte, 4-byte big-endian unsigned int), then payload.

    Raises ``ValueError`` for a value too short to be framed (the deserializers want at least 6 bytes).
    """
    if value is None or len(value) < 5:
        raise ValueError(f"{value!r} is too short for the schema-registry framing (magic byte + 4-byte id)")
    magic, schema_id = struct.unpack(">bI", value[:5])
    return Frame(magic, schema_id, bytes(value[5:]))


def raw_values(topic: str, cluster=None) -> list[bytes]:
    """Every value stored in ``topic`` (by partition and offset) as raw bytes — no deserializer involved."""
    # read_all decodes UTF-8 where it can; a framed value may happen to be valid UTF-8, and encoding it
    # back gives exactly the stored bytes.
    return [to_bytes(record.value) for record in read_all(topic, cluster=cluster)]


def _details(message: str) -> tuple[str, str | None]:
    """(the problems, the compatibility level) out of a 409 message, the course registry's or Confluent's."""
    level = re.search(r"compatibility'?:\s*'([A-Z_]+)'", message)
    # Confluent: details: [{errorType:'…', description:'…', additionalInfo:'…'}, {oldSchemaVersion: 1}, …]
    described = re.findall(r"description:'(.*?)', additionalInfo", message)
    if described:
        return "; ".join(described), level.group(1) if level else None
    # the course registry: details: [PROBLEM at /path: text; …; compatibility: 'BACKWARD']
    start = message.find("details: [")
    details = message[start + len("details: ["):message.rfind("]")] if start >= 0 else message
    details = re.sub(r";?\s*compatibility:\s*'[A-Z_]+'", "", details)
    return details.strip(" ;,"), level.group(1) if level else None


def registry_verdict(error) -> str:
    """One sentence for a ``SchemaRegistryError`` (409 incompatible, 422 invalid, 404 not found ...)."""
    status = getattr(error, "http_status_code", None)
    message = getattr(error, "error_message", None) or str(error)
    if status == 409:
        subject = re.search(r'subject "([^"]+)"', message)
        problems, level = _details(message)
        return (f"Rejected (HTTP 409): the new schema for {subject.group(1) if subject else 'the subject'} is not "
                f"{level or 'compatibility-level'} compatible with what is registered — {problems}.")
    if status == 422:
        return f"Rejected (HTTP 422): the registry cannot use this schema or setting — {message}"
    if status == 404:
        return f"Not found (HTTP 404): {message}"
    return f"The registry answered HTTP {status}: {message}"


def compatibility_problems(subject: str, schema_str: str, schema_type: str = "AVRO",
                           version: str | int = "latest") -> list[str]:
    """Why ``schema_str`` could not be registered under ``subject`` now (``[]``: it could).

    The registry's ``POST /compatibility/subjects/<subject>/versions/<version>?verbose=true``; confluent-kafka's
    ``test_compatibility`` asks the same question but keeps only the yes/no.
    """
    url = f"{registry_url()}/compatibility/subjects/{quote(subject, safe='')}/versions/{version}"
    body = {"schema": schema_str, "schemaType": schema_type}
    answer = httpx.post(url, params={"verbose": "true"}, json=body, headers=registry_headers(), timeout=30)
    answer.raise_for_status()
    result = answer.json()
    return [] if result.get("is_compatible") else list(result.get("messages") or ["incompatible"])
