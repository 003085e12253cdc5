"""Label the bytes of one record batch and one record in a ``.log`` file (introduced in lesson 03).

``course_lib.log.segments`` turns a segment into batches and records; this module shows *where* each field
sits: ``batch_header_bytes`` lists the 61-byte batch header field by field, ``record_bytes`` one record's
varint-encoded fields, each as (byte position in the file, hex bytes, field, decoded value, meaning).
Only uncompressed batches (``compression.type=none``) can be labelled byte for byte.
"""

from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from .segments import BATCH_HEADER, RecordBatch, zigzag_varint

__all__ = ["ByteField", "batch_header_bytes", "record_bytes", "fields_table"]


@dataclass(frozen=True)
class ByteField:
    """Some bytes of a ``.log`` file: where they sit, which field they hold, its value and meaning.

    Returned by ``batch_header_bytes`` (lesson 03).
    """
    position: int  # byte position in the .log file
    raw: bytes
    field: str
    value: object
    meaning: str

    @property
    def hex(self) -> str:
        shown = self.raw[:12].hex(" ")
        return shown + (" …" if len(self.raw) > 12 else "")


# name, struct size, meaning — in the order of BATCH_HEADER (">qiibIhiqqqhii")
_HEADER = [
    ("baseOffset", 8, "offset of the batch's first record"),
    ("batchLength", 4, "bytes that follow this field"),
    ("partitionLeaderEpoch", 4, "leader epoch when the leader appended it"),
    ("magic", 1, "record format version (2 since Kafka 0.11)"),
    ("crc", 4, "CRC-32C of everything from attributes to the end"),
    ("attributes", 2, "bits: compression, timestamp type, transactional, control"),
    ("lastOffsetDelta", 4, "last record's offset minus baseOffset"),
    ("baseTimestamp", 8, "first record's timestamp (ms)"),
    ("maxTimestamp", 8, "largest timestamp in the batch (ms)"),
    ("producerId", 8, "idempotent/transactional producer id (-1: none)"),
    ("producerEpoch", 2, "that producer's epoch (-1: none)"),
    ("baseSequence", 4, "sequence number of the first record (-1: none)"),
    ("recordCount", 4, "records in the batch"),
]


def _data(path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CourseError(f"{path} does not exist (any more); list the partition's files again with "
                          "course_lib.log.segments.segment_files().") from None


def batch_header_bytes(path, batch: RecordBatch) -> list[ByteField]:
    """The 61 header bytes of ``batch`` (from ``read_batches(path)``), field by field."""
    data = _data(path)
    values = BATCH_HEADER.unpack_from(data, batch.position)
    fields, pos = [], batch.position
    for (name, size, meaning), value in zip(_HEADER, values):
        fields.append(ByteField(pos, data[pos:pos + size], name, value, meaning))
        pos += size
    return fields


def record_bytes(path, batch: RecordBatch, index: int = 0) -> list[ByteField]:
    """The bytes of record number ``index`` of an uncompressed ``batch``, field by field."""
    if batch.compression != "none":
        raise CourseError(f"This batch is {batch.compression}-compressed, so its records are not stored byte for "
                          "byte; produce with compression.type=none to label them.")
    if not 0 <= index < len(batch.records):
        raise CourseError(f"The batch holds {len(batch.records)} records; pick an index from 0 to "
                          f"{len(batch.records) - 1}.")
    data = _data(path)
    pos = batch.position + BATCH_HEADER.size
    for _ in range(index):  # skip the records before it: each starts with its length
        length, pos = zigzag_varint(data, pos)
        pos += length
    fields = []

    def varint(name, meaning):
        nonlocal pos
        start = pos
        value, pos = zigzag_varint(data, pos)
        fields.append(ByteField(start, data[start:pos], name, value, meaning))
        return value

    def blob(name, size, meaning):
        nonlocal pos
        raw = data[pos:pos + max(size, 0)]
        shown = raw.decode(errors="replace") if size >= 0 else None
        fields.append(ByteField(pos, raw, name, shown, meaning))
        pos += max(size, 0)

    varint("length", "bytes of the record after this varint")
    fields.append(ByteField(pos, data[pos:pos + 1], "attributes", data[pos], "unused, always 0"))
    pos += 1
    varint("timestampDelta", f"timestamp − baseTimestamp ({batch.base_timestamp})")
    varint("offsetDelta", f"offset − baseOffset ({batch.base_offset})")
    key_length = varint("keyLength", "-1 means no key (null)")
    blob("key", key_length, "the key's bytes")
    value_length = varint("valueLength", "-1 means no value (a tombstone)")
    blob("value", value_length, "the value's bytes")
    for h in range(varint("headerCount", "number of headers")):
        blob(f"header[{h}].name", varint(f"header[{h}].nameLength", "bytes of the header's name"), "header name")
        blob(f"header[{h}].value", varint(f"header[{h}].valueLength", "-1 means null"), "header value")
    return fields


def fields_table(fields: list[ByteField]):
    """A pandas DataFrame of labelled bytes, for display in a notebook."""
    import pandas as pd
    return pd.DataFrame([{"file position": f.position, "bytes (hex)": f.hex, "field": f.field, "value": f.value,
                          "meaning": f.meaning} for f in fields]).set_index("file position")
