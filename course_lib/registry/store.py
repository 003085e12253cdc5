"""The registry's state and rules: subjects, versions, global ids and compatibility settings.

State is rebuilt from ``_schemas`` records (Confluent's key and value shapes), so it is never the
source of truth — the topic is. The registry process is the topic's single writer (as Confluent's
leader is): it reads the topic to its end before it answers at all, and every change then goes
through ``_write`` — one at a time (a lock), appending and waiting until our reader has applied the
record. So two concurrent registrations of one schema get one id: the second sees the first's record.
"""

import hashlib
import threading
import uuid
from dataclasses import dataclass

from . import errors
from .schemas import LEVELS, InvalidSchema, ParsedSchema, incompatibilities, parse

__all__ = ["Registry", "SchemaVersion", "DEFAULT_LEVEL", "CONFIG_FIELDS"]

DEFAULT_LEVEL = "BACKWARD"
MAX_VERSION = 2 ** 31 - 1
# A config's fields, as Confluent stores them (its ConfigValue). Only compatibilityLevel and normalize
# change what this registry does; the others are kept and given back, so a client's settings survive.
CONFIG_FIELDS = ("alias", "aliasForDeks", "normalize", "validateFields", "validateNewSchemas", "validateRules",
                 "compatibilityLevel", "compatibilityPolicy", "compatibilityGroup", "defaultMetadata",
                 "overrideMetadata", "defaultRuleSet", "overrideRuleSet")


@dataclass(frozen=True)
class SchemaVersion:
    """One version of one subject, as stored in a SCHEMA record (course machinery)."""
    subject: str
    version: int
    id: int
    schema_type: str
    schema: str  # canonical text
    deleted: bool = False

    @property
    def guid(self) -> str:
        """Confluent's guid: the MD5 of the schema text, as a UUID."""
        return str(uuid.UUID(bytes=hashlib.md5(self.schema.encode()).digest()))

    def record(self) -> tuple[dict, dict]:
        key = {"keytype": "SCHEMA", "subject": self.subject, "version": self.version, "magic": 1}
        value = {"subject": self.subject, "version": self.version, "id": self.id, "schemaType": self.schema_type,
                 "schema": self.schema, "deleted": self.deleted}
        return key, value


def parse_version(spec) -> int | None:
    """A version number from a URL segment; None for ``latest`` / ``-1``; 42202 otherwise."""
    if str(spec).lower() in ("latest", "-1"):
        return None
    try:
        version = int(spec)
    except (TypeError, ValueError):
        raise errors.invalid_version(spec) from None
    if not 1 <= version <= MAX_VERSION:
        raise errors.invalid_version(spec)
    return version


class Registry:
    """Answers every question about schemas from memory and makes every change through the log (course machinery)."""

    def __init__(self, write_timeout: float = 30):
        self.lock = threading.RLock()  # guards the state below (the reader thread writes it)
        self.write_lock = threading.Lock()  # one change at a time: the single writer
        self.write_timeout = write_timeout
        self.log = None  # a SchemasTopic, attached by ``attach``
        self.by_subject: dict[str, dict[int, SchemaVersion]] = {}
        self.configs: dict[str | None, dict] = {}  # subject (None: global) → its config fields
        self.max_id = 0
        self._parsed: dict[tuple[str, str], ParsedSchema] = {}

    def attach(self, log) -> None:
        self.log = log

    # -- applying records (reader thread) ---------------------------------------------------
    def apply(self, key: dict, value: dict | None) -> None:
        keytype = key.get("keytype")
        with self.lock:
            if keytype == "SCHEMA":
                subject, version = key["subject"], key["version"]
                versions = self.by_subject.setdefault(subject, {})
                if value is None:
                    versions.pop(version, None)
                    return
                record = SchemaVersion(subject, version, value["id"], value.get("schemaType") or "AVRO",
                                       value["schema"], bool(value.get("deleted")))
                versions[version] = record
                self.max_id = max(self.max_id, record.id)
            elif keytype == "CONFIG":
                if value is None:
                    self.configs.pop(key.get("subject"), None)
                else:
                    self.configs[key.get("subject")] = _config_fields(value)

    def _write(self, key: dict, value: dict | None, what: str) -> None:
        if not self.log.write(key, value, self.write_timeout):
            raise errors.store_timeout(what)

    # -- parsing -----------------------------------------------------------------------------
    def parse(self, schema_type: str | None, text, normalize: bool = False) -> ParsedSchema:
        try:
            return parse(schema_type, text, normalize)
        except InvalidSchema as exc:
            raise errors.invalid_schema(str(exc)) from None

    def parsed(self, record: SchemaVersion) -> ParsedSchema:
        key = (record.schema_type, record.schema)
        if key not in self._parsed:
            self._parsed[key] = parse(record.schema_type, record.schema)
        return self._parsed[key]

    # -- reading -----------------------------------------------------------------------------
    def _versions(self, subject: str, deleted: bool = False) -> list[SchemaVersion]:
        with self.lock:
            records = sorted(self.by_subject.get(subject, {}).values(), key=lambda r: r.version)
        return [r for r in records if deleted or not r.deleted]

    def subjects(self, deleted: bool = False, deleted_only: bool = False, prefix: str = "") -> list[str]:
        with self.lock:
            names = sorted(self.by_subject)
        result = []
        for name in names:
            if not name.startswith(prefix):
                continue
            live = bool(self._versions(name))
            any_version = bool(self._versions(name, deleted=True))
            if (deleted_only and any_version and not live) or (not deleted_only and (live or (deleted and any_version))):
                result.append(name)
        return result

    def versions(self, subject: str, deleted: bool = False, deleted_only: bool = False) -> list[int]:
        records = self._versions(subject, deleted=deleted or deleted_only)
        if deleted_only:
            records = [r for r in records if r.deleted]
        if not records:
            raise errors.subject_not_found(subject)
        return [r.version for r in records]

    def get_version(self, subject: str, spec, deleted: bool = False) -> SchemaVersion:
        version = parse_version(spec)
        records = self._versions(subject, deleted=deleted)
        if not records:
            raise errors.subject_not_found(subject)
        if version is None:
            return records[-1]
        for record in records:
            if record.version == version:
                return record
        raise errors.version_not_found(version)

    def schema_by_guid(self, guid: str) -> SchemaVersion:
        with self.lock:
            records = [r for versions in self.by_subject.values() for r in versions.values()]
        for record in records:
            if record.guid == guid.lower():
                return record
        raise errors.schema_not_found(guid)

    def by_id(self, schema_id: int) -> list[SchemaVersion]:
        """Every (subject, version) holding schema ``schema_id``, soft-deleted ones included."""
        with self.lock:
            return [r for versions in self.by_subject.values() for r in versions.values() if r.id == schema_id]

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        records = self.by_id(schema_id)
        if not records:
            raise errors.schema_not_found(schema_id)
        return records[0]

    def _id_of(self, parsed: ParsedSchema) -> int | None:
        with self.lock:
            for versions in self.by_subject.values():
                for record in versions.values():
                    if record.schema_type == parsed.schema_type and record.schema == parsed.canonical:
                        return record.id
        return None

    def lookup(self, subject: str, parsed: ParsedSchema, deleted: bool = False) -> SchemaVersion:
        records = self._versions(subject, deleted=deleted)
        if not records:
            raise errors.subject_not_found(subject)
        for record in reversed(records):
            if record.schema_type == parsed.schema_type and record.schema == parsed.canonical:
                return record
        raise errors.schema_not_found()

    def config(self, subject: str | None) -> dict | None:
        """What was set for ``subject`` (None: globally) itself; None if nothing was."""
        with self.lock:
            config = self.configs.get(subject)
        return None if config is None else dict(config)

    def config_in_scope(self, subject: str | None) -> dict:
        """The config that applies to ``subject``: its own fields over the global ones over the default level."""
        with self.lock:
            return {"compatibilityLevel": DEFAULT_LEVEL, **self.configs.get(None, {}),
                    **(self.configs.get(subject, {}) if subject is not None else {})}

    def level(self, subject: str | None) -> str:
        return self.config_in_scope(subject)["compatibilityLevel"]

    def normalizes(self, subject: str) -> bool:
        return self.config_in_scope(subject).get("normalize") is True

    # -- compatibility -----------------------------------------------------------------------
    def check(self, subject: str, parsed: ParsedSchema, against: list[SchemaVersion]) -> list[str]:
        return incompatibilities(self.level(subject), parsed, [self.parsed(r) for r in against])

    def test_compatibility(self, subject: str, parsed: ParsedSchema, spec=None) -> list[str]:
        """Problems of ``parsed`` against version ``spec`` (latest when None/latest; all when ``"all"``)."""
        if spec == "all":
            return self.check(subject, parsed, self._versions(subject))
        version = parse_version(spec if spec is not None else "latest")
        if version is None:
            records = self._versions(subject)
            return self.check(subject, parsed, records[-1:])  # no versions yet: compatible
        return self.check(subject, parsed, [self.get_version(subject, version)])

    # -- changing ----------------------------------------------------------------------------
    def _existing(self, subject: str, parsed: ParsedSchema) -> SchemaVersion | None:
        for record in reversed(self._versions(subject)):
            if record.schema_type == parsed.schema_type and record.schema == parsed.canonical:
                return record
        return None

    def register(self, subject: str, parsed: ParsedSchema) -> SchemaVersion:
        """The subject's version of ``parsed``: the existing one, or a new one if compatible (409 if not)."""
        existing = self._existing(subject, parsed)  # the common case (every producer start): no write
        if existing is not None:
            return existing
        with self.write_lock:
            existing = self._existing(subject, parsed)  # another request may have written it meanwhile
            if existing is not None:
                return existing
            every = self._versions(subject, deleted=True)
            live = [r for r in every if not r.deleted]
            problems = self.check(subject, parsed, live)
            if problems:
                raise errors.incompatible(subject, problems, self.level(subject))
            schema_id = self._id_of(parsed) or self.max_id + 1
            version = max((r.version for r in every), default=0) + 1
            record = SchemaVersion(subject, version, schema_id, parsed.schema_type, parsed.canonical)
            self._write(*record.record(), "Register operation")
            return record

    def delete_version(self, subject: str, spec, permanent: bool = False) -> int:
        """Soft-delete a version, or (``permanent``) remove a soft-deleted one from the log for good."""
        version = parse_version(spec)
        with self.write_lock:
            every = self._versions(subject, deleted=True)
            if not every:
                raise errors.subject_not_found(subject)
            candidates = every if permanent else [r for r in every if not r.deleted]
            if version is None:
                if not candidates:
                    raise errors.subject_not_found(subject)
                record = candidates[-1]
            else:
                record = next((r for r in every if r.version == version), None)
                if record is None:
                    raise errors.version_not_found(version)
            if permanent and not record.deleted:
                raise errors.RestError(404, 40407, f"Subject '{subject}' Version {record.version} was not deleted "
                                                   f"first before being permanently deleted")
            if not permanent and record.deleted:
                raise errors.RestError(404, 40406, f"Subject '{subject}' Version {record.version} was soft deleted. "
                                                   f"Set permanent=true to delete permanently")
            key, value = SchemaVersion(**{**record.__dict__, "deleted": True}).record()
            self._write(key, None if permanent else value, "Delete schema version operation")
            return record.version

    def delete_subject(self, subject: str, permanent: bool = False) -> list[int]:
        with self.write_lock:
            every = self._versions(subject, deleted=True)
            live = [r for r in every if not r.deleted]
            if not every:
                raise errors.subject_not_found(subject)
            if permanent and live:
                raise errors.RestError(404, 40405, f"Subject '{subject}' was not deleted first before being "
                                                   f"permanently deleted")
            if not permanent and not live:
                raise errors.RestError(404, 40404, f"Subject '{subject}' was soft deleted. Set permanent=true to "
                                                   f"delete permanently")
            for record in (every if permanent else live):
                key, value = SchemaVersion(**{**record.__dict__, "deleted": True}).record()
                self._write(key, None if permanent else value, "Delete subject operation")
            if permanent and self.config(subject) is not None:
                self._write(*_config_record(subject, None), "Delete subject operation")
            return [r.version for r in (every if permanent else live)]

    def set_config(self, subject: str | None, changes: dict) -> dict:
        """Merge ``changes`` into the subject's (None: global) config, as Confluent does: a field left out
        keeps its value, a null one is cleared. The level is checked only when given. Returns the result."""
        level = changes.get("compatibilityLevel")
        if level is not None:
            if not isinstance(level, str) or level.upper() not in LEVELS:
                raise errors.invalid_level(level)
            changes = {**changes, "compatibilityLevel": level.upper()}
        with self.write_lock:
            config = _config_fields({**(self.config(subject) or {}), **changes})
            self._write(*_config_record(subject, config), "Update config operation")
        return config

    def delete_config(self, subject: str | None) -> dict:
        """Remove a subject's (or the global) config; returns the config it had (40401 if none, as Confluent)."""
        with self.write_lock:
            old = self.config_in_scope(None) if subject is None else self.config(subject)
            if old is None:
                raise errors.subject_not_found(subject)
            self._write(*_config_record(subject, None), "Delete config operation")
            return old


def _config_fields(value: dict) -> dict:
    return {k: value[k] for k in CONFIG_FIELDS if value.get(k) is not None}


def _config_record(subject: str | None, config: dict | None) -> tuple[dict, dict | None]:
    key = {"keytype": "CONFIG", "subject": subject, "magic": 0}
    return key, config
