"""Can a reader with one Avro schema decode data written with another? The spec's resolution rules.

Lesson 09 teaches these through rejected registrations, so the rules here are the Avro
specification's "Schema Resolution" (the same that Avro's Java ``SchemaCompatibility`` and so
Confluent's registry apply):

- a reader field missing in the writer needs a default; a writer field the reader lacks is skipped;
  fields match by name or by one of the reader field's aliases;
- promotions: int → long, float, double; long → float, double; float → double; string ↔ bytes;
- named types match by unqualified name or a reader alias, fixed sizes must be equal;
- an enum reader must know every writer symbol, unless it has a ``default`` symbol;
- a writer union: every branch must be readable; a reader union: some branch must read the writer.

The result is a list of problems (empty = compatible), each saying where and why.
"""

from .avro_schema import AvroType

__all__ = ["reader_problems"]

PROMOTIONS = {
    "long": {"int"},
    "float": {"int", "long"},
    "double": {"int", "long", "float"},
    "bytes": {"string"},
    "string": {"bytes"},
}


def reader_problems(reader: AvroType, writer: AvroType) -> list[str]:
    """Why ``reader`` cannot read data written with ``writer`` (an empty list: it can) (course machinery)."""
    return _Checker().check(reader, writer, "/")


class _Checker:
    def __init__(self):
        self.in_progress: set[tuple[int, int]] = set()  # pairs being checked: recursion is assumed fine

    def check(self, reader: AvroType, writer: AvroType, path: str) -> list[str]:
        key = (id(reader), id(writer))
        if key in self.in_progress:
            return []
        self.in_progress.add(key)
        try:
            return self._check(reader, writer, path)
        finally:
            self.in_progress.discard(key)

    def _check(self, reader: AvroType, writer: AvroType, path: str) -> list[str]:
        if writer.kind == "union":
            if reader.kind == "union":
                problems = []
                for i, branch in enumerate(writer.branches):
                    problems += self._union_reads(reader, branch, f"{path}{i}/")
                return problems
            problems = []
            for i, branch in enumerate(writer.branches):
                problems += self.check(reader, branch, f"{path}{i}/")
            return problems
        if reader.kind == "union":
            return self._union_reads(reader, writer, path)
        if reader.kind != writer.kind:
            if writer.kind in PROMOTIONS.get(reader.kind, ()):
                return []
            return [f"TYPE_MISMATCH at {path}: the reader's {reader.describe()} cannot read the writer's "
                    f"{writer.describe()}"]
        if reader.kind in ("record", "enum", "fixed") and not _names_match(reader, writer):
            return [f"NAME_MISMATCH at {path}: the reader's {reader.fullname} is not the writer's {writer.fullname} "
                    f"(add an alias to match it)"]
        if reader.kind == "record":
            return self._record(reader, writer, path)
        if reader.kind == "enum":
            missing = [s for s in writer.symbols if s not in reader.symbols]
            if missing and not (reader.enum_default and reader.enum_default in reader.symbols):
                return [f"MISSING_ENUM_SYMBOLS at {path}symbols: the reader's {reader.fullname} lacks "
                        f"{', '.join(missing)} and has no default symbol"]
            return []
        if reader.kind == "fixed" and reader.size != writer.size:
            return [f"FIXED_SIZE_MISMATCH at {path}size: the reader expects {reader.size} bytes, the writer wrote "
                    f"{writer.size}"]
        if reader.kind == "array":
            return self.check(reader.items, writer.items, f"{path}items/")
        if reader.kind == "map":
            return self.check(reader.items, writer.items, f"{path}values/")
        return []

    def _union_reads(self, reader: AvroType, writer: AvroType, path: str) -> list[str]:
        for branch in reader.branches:
            if not self.check(branch, writer, path):
                return []
        return [f"MISSING_UNION_BRANCH at {path}: the reader's {reader.describe()} has no branch for the "
                f"writer's {writer.describe()}"]

    def _record(self, reader: AvroType, writer: AvroType, path: str) -> list[str]:
        by_name = {f.name: f for f in writer.fields}
        problems = []
        for i, reader_field in enumerate(reader.fields):
            writer_field = by_name.get(reader_field.name) or next(
                (by_name[a] for a in sorted(reader_field.aliases) if a in by_name), None)
            field_path = f"{path}fields/{i}/"
            if writer_field is None:
                if not reader_field.has_default:
                    problems.append(f"READER_FIELD_MISSING_DEFAULT_VALUE at {field_path}: field "
                                    f"{reader_field.name!r} is new to the reader and has no default")
            else:
                problems += self.check(reader_field.type, writer_field.type, f"{field_path}type/")
        return problems


def _names_match(reader: AvroType, writer: AvroType) -> bool:
    return reader.name == writer.name or writer.fullname in reader.aliases
