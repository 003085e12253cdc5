"""Read Kafka's log files byte by byte (introduced in lesson 03, "The log on disk").

A partition replica is a directory ``<topic>-<partition>`` in a broker's data dir. Its log is cut into
*segments*; each segment is a ``.log`` file of record batches plus an ``.index`` (offset → byte
position) and a ``.timeindex`` (timestamp → offset), all named after the segment's first offset.

This module reads those files with nothing but ``struct``, so a learner can follow every byte:

* ``segment_files`` lists a partition's files with their base offsets and sizes, and ``segments_of``
  turns them into ``Segment`` objects: active, closed, deleted or being compacted;
* ``read_batches`` parses a ``.log`` file: record batches (format v2, "magic 2"), each with its
  header fields, its CRC32C checked, and its records (varint-encoded key, value, headers and
  timestamp/offset deltas);
* ``read_offset_index`` and ``read_time_index`` read the two index files.

Kafka's own ``DumpLogSegments`` (``course_lib.toolchain.kafka_tools.dump_log_segments``) reads the same files;
lesson 03 compares the two.
"""

import gzip
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CourseError

__all__ = ["SegmentFile", "Segment", "LogRecord", "BatchAttributes", "batch_attributes", "RecordBatch", "IndexEntry", "TimeIndexEntry", "partition_dir",
           "replica_dirs", "segment_files", "segments_of", "read_batches", "read_records", "read_offset_index",
           "read_time_index", "crc32c", "zigzag_varint"]

# -- where the files are -------------------------------------------------------------------------

SEGMENT_NAME = re.compile(r"^(\d{20})\.(.+)$")


@dataclass(frozen=True)
class SegmentFile:
    """One file of a segment: ``00000000000000000042.log`` has base offset 42 and suffix ``log``."""
    base_offset: int
    suffix: str  # log, index, timeindex, snapshot, txnindex; with .deleted/.cleaned/.swap while changing
    size: int    # bytes on disk as ``ls`` shows them (an active index is preallocated: 10 MiB of zeros)
    path: Path


def _data_dir(node_or_dir) -> Path:
    return Path(getattr(node_or_dir, "data_dir", node_or_dir))


def partition_dir(node_or_dir, topic: str, partition: int) -> Path:
    """The directory holding one replica of ``topic``/``partition`` on a node (a ``Node`` or its data dir)."""
    path = _data_dir(node_or_dir) / f"{topic}-{partition}"
    if not path.is_dir():
        raise CourseError(f"{_data_dir(node_or_dir)} has no directory {path.name}; this node holds no replica of "
                          f"{topic!r} partition {partition} (see describe_topic), or the topic does not exist.")
    return path


def replica_dirs(cluster, topic: str, partition: int) -> dict[int, Path]:
    """``{node id: directory}`` for every node of ``cluster`` that holds a replica of the partition."""
    found = {node.node_id: node.data_dir / f"{topic}-{partition}" for node in cluster.nodes}
    return {node_id: path for node_id, path in found.items() if path.is_dir()}


def segment_files(node_or_dir, topic: str | None = None, partition: int | None = None,
                  suffixes: tuple[str, ...] | None = None) -> list[SegmentFile]:
    """A partition directory's segment files, by base offset then suffix.

    Pass a partition directory, or a node (or data dir) with ``topic`` and ``partition``.
    ``suffixes=("log",)`` keeps only the ``.log`` files.
    """
    directory = partition_dir(node_or_dir, topic, partition) if topic is not None else Path(node_or_dir)
    files = []
    for path in directory.iterdir():
        match = SEGMENT_NAME.match(path.name)
        if not match or (suffixes and match.group(2) not in suffixes):
            continue
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # deleted by the broker while we looked
            continue
        files.append(SegmentFile(int(match.group(1)), match.group(2), size, path))
    return sorted(files, key=lambda f: (f.base_offset, f.suffix))


# A segment's state, from the suffix of its .log file; the newest .log is the active one.
SEGMENT_STATES = {"log": "closed", "log.deleted": "deleted", "log.cleaned": "compacting", "log.swap": "compacting"}


@dataclass(frozen=True)
class Segment:
    """One segment of a partition replica, as its ``.log`` file shows it."""
    base_offset: int  # the offset of the segment's first record: its file name
    size: int         # bytes of its .log file
    state: str        # "active" (being written), "closed", "deleted" (renamed .deleted, removed after
    #                   file.delete.delay.ms) or "compacting" (.cleaned/.swap: the log cleaner's new copy)
    file: str         # the file's name, e.g. 00000000000000000042.log.deleted


def segments_of(files: Iterable[SegmentFile]) -> list[Segment]:
    """The segments among a partition directory's files (``segment_files``), by base offset, a deleted file
    before a live one with the same base offset. The newest ``.log`` file is the active segment.

    Course machinery.
    """
    found = sorted((Segment(f.base_offset, f.size, SEGMENT_STATES[f.suffix], f.path.name)
                    for f in files if f.suffix in SEGMENT_STATES),
                   key=lambda s: (s.base_offset, s.state != "deleted"))
    closed = [i for i, s in enumerate(found) if s.state == "closed"]
    if closed:
        found[closed[-1]] = replace(found[closed[-1]], state="active")
    return found


# -- CRC32C and varints ------------------------------------------------------------------------------

def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1  # Castagnoli polynomial, reflected
        table.append(crc)
    return table


_CRC32C_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``: the checksum Kafka puts in every record batch header (course machinery)."""
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def zigzag_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a signed varint at ``pos`` (protobuf's zig-zag encoding); return (value, next position).

    Each byte carries 7 bits, lowest group first; a set top bit means "more bytes follow". Zig-zag then
    maps 0, 1, 2, 3 … back to 0, -1, 1, -2 … so small negative numbers (a null key's length, -1) stay short.

    Course machinery.
    """
    shift = raw = 0
    while True:
        if pos >= len(data):
            raise ValueError("varint runs past the end of the data")
        byte = data[pos]
        pos += 1
        raw |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (raw >> 1) ^ -(raw & 1), pos
        shift += 7


# -- record batches ------------------------------------------------------------------------------

# baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32,
# attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
# producerId int64, producerEpoch int16, baseSequence int32, recordCount int32 — 61 bytes, big-endian.
BATCH_HEADER = struct.Struct(">qiibIhiqqqhii")
LOG_OVERHEAD = 12  # baseOffset + batchLength: batchLength counts the bytes after these two fields
CRC_START = 21     # the CRC covers everything from the attributes to the end of the batch
COMPRESSION = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


@dataclass(frozen=True)
class LogRecord:
    """One record as stored: offset and timestamp are the batch's base plus this record's deltas (course machinery)."""
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    offset_delta: int
    timestamp_delta: int
    size: int  # bytes of this record inside the batch (after its length varint)

    def text(self, field: str = "value") -> str | bytes | None:
        """``key`` or ``value`` decoded as UTF-8 (what a string serializer wrote), bytes if it is not text."""
        data = getattr(self, field)
        try:
            return data.decode() if data is not None else None
        except UnicodeDecodeError:
            return data


@dataclass(frozen=True)
class BatchAttributes:
    """What the 16 bits of a batch header's ``attributes`` field say (course machinery)."""
    compression: str      # bits 0–2: none, gzip, snappy, lz4, zstd
    timestamp_type: str   # bit 3: who set the timestamps — the producer (CreateTime) or the broker (LogAppendTime)
    transactional: bool   # bit 4: written inside a transaction
    control: bool         # bit 5: a transaction marker (commit/abort), not application records


def batch_attributes(attributes: int) -> BatchAttributes:
    """Decode a record batch's ``attributes`` field (the one place the course reads those bits) (course machinery)."""
    codec = attributes & 0x07
    return BatchAttributes(COMPRESSION.get(codec, f"unknown({codec})"),
                           "LogAppendTime" if attributes & 0x08 else "CreateTime",
                           bool(attributes & 0x10), bool(attributes & 0x20))


@dataclass(frozen=True)
class RecordBatch:
    """A record batch: the unit a producer sends, the broker appends and a consumer fetches."""
    position: int            # byte position of the batch in the .log file
    base_offset: int
    batch_length: int
    partition_leader_epoch: int
    magic: int
    crc: int
    crc_valid: bool
    attributes: int
    last_offset_delta: int
    base_timestamp: int
    max_timestamp: int
    producer_id: int
    producer_epoch: int
    base_sequence: int
    records: tuple[LogRecord, ...]

    @property
    def last_offset(self) -> int:
        return self.base_offset + self.last_offset_delta

    @property
    def size(self) -> int:
        """Bytes the batch takes in the file."""
        return LOG_OVERHEAD + self.batch_length

    @property
    def compression(self) -> str:
        return batch_attributes(self.attributes).compression

    @property
    def timestamp_type(self) -> str:
        return batch_attributes(self.attributes).timestamp_type

    @property
    def is_transactional(self) -> bool:
        return batch_attributes(self.attributes).transactional

    @property
    def is_control(self) -> bool:
        return batch_attributes(self.attributes).control


def _records_bytes(batch_bytes: bytes, attributes: int) -> bytes:
    body = batch_bytes[BATCH_HEADER.size:]
    codec = batch_attributes(attributes).compression
    if codec == "none":
        return body
    if codec == "gzip":
        return gzip.decompress(body)
    raise CourseError(f"This batch is compressed with {codec}, which course_lib.log.segments "
                      "does not decode; produce with compression.type=none (or gzip), or read it with "
                      "course_lib.toolchain.kafka_tools.dump_log_segments.")


def _parse_record(data: bytes, pos: int, base_offset: int, base_timestamp: int) -> tuple[LogRecord, int]:
    length, pos = zigzag_varint(data, pos)
    end = pos + length
    pos += 1  # record attributes: unused, always 0
    timestamp_delta, pos = zigzag_varint(data, pos)
    offset_delta, pos = zigzag_varint(data, pos)

    def field(pos):
        size, pos = zigzag_varint(data, pos)
        return (None, pos) if size < 0 else (data[pos:pos + size], pos + size)

    key, pos = field(pos)
    value, pos = field(pos)
    count, pos = zigzag_varint(data, pos)
    headers = []
    for _ in range(count):
        name, pos = field(pos)
        header_value, pos = field(pos)
        headers.append((name.decode(), header_value))
    if pos != end:
        raise ValueError(f"record parsed to byte {pos}, but its length says {end}")
    record = LogRecord(base_offset + offset_delta, base_timestamp + timestamp_delta, key, value, tuple(headers),
                       offset_delta, timestamp_delta, length)
    return record, end


def _parse_batch(data: bytes, position: int, check_crc: bool) -> RecordBatch:
    (base_offset, batch_length, leader_epoch, magic, crc, attributes, last_offset_delta, base_timestamp,
     max_timestamp, producer_id, producer_epoch, base_sequence, count) = BATCH_HEADER.unpack_from(data, position)
    if magic != 2:
        raise CourseError(f"The batch at byte {position} has magic {magic}; course_lib.log.segments reads only "
                          "format v2 (magic 2, every Kafka since 0.11) — use dump_log_segments for older data.")
    batch_bytes = data[position:position + LOG_OVERHEAD + batch_length]
    crc_valid = crc32c(batch_bytes[CRC_START:]) == crc if check_crc else True
    records, pos = [], 0
    body = _records_bytes(batch_bytes, attributes)
    for _ in range(count):
        record, pos = _parse_record(body, pos, base_offset, base_timestamp)
        records.append(record)
    return RecordBatch(position, base_offset, batch_length, leader_epoch, magic, crc, crc_valid, attributes,
                       last_offset_delta, base_timestamp, max_timestamp, producer_id, producer_epoch,
                       base_sequence, tuple(records))


def read_batches(path, check_crc: bool = True) -> list[RecordBatch]:
    """Every complete record batch in a ``.log`` file, in file order.

    A batch still being written (the file ends inside it) is left out, as a consumer would not see it
    yet either. ``check_crc=False`` skips the (pure Python, so slowish) checksum on big files.
    """
    path = Path(path)
    if path.suffix != ".log":
        raise CourseError(f"{path.name} is not a .log segment; pass the .log file (read_offset_index and "
                          "read_time_index read the index files).")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(f"{path} does not exist (any more): the broker may have deleted or rolled it; "
                          "list the files again with segment_files().") from None
    batches, position = [], 0
    while position + BATCH_HEADER.size <= len(data):
        batch_length = struct.unpack_from(">i", data, position + 8)[0]
        if batch_length <= 0 or position + LOG_OVERHEAD + batch_length > len(data):
            break
        batches.append(_parse_batch(data, position, check_crc))
        position += LOG_OVERHEAD + batch_length
    return batches


def read_records(path, check_crc: bool = True) -> list[LogRecord]:
    """Every record of a ``.log`` file, batch by batch (course machinery)."""
    return [record for batch in read_batches(path, check_crc) for record in batch.records]


# -- index files -------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexEntry:
    """``.index``: the batch holding ``offset`` starts at byte ``position`` of the ``.log`` file."""
    offset: int
    position: int


@dataclass(frozen=True)
class TimeIndexEntry:
    """``.timeindex``: records with timestamps up to ``timestamp`` are at or before ``offset``."""
    timestamp: int
    offset: int


def _base_offset(path: Path) -> int:
    match = SEGMENT_NAME.match(path.name)
    if not match:
        raise CourseError(f"{path.name} is not named like a segment file (20 digits, then a suffix); "
                          "pick a file from segment_files().")
    return int(match.group(1))


def _entries(path, entry: struct.Struct):
    path = Path(path)
    data = path.read_bytes()
    for pos in range(0, len(data) - entry.size + 1, entry.size):
        fields = entry.unpack_from(data, pos)
        if not any(fields):  # the active segment's index is preallocated with zeros: the rest is unused
            return
        yield fields


def read_offset_index(path) -> list[IndexEntry]:
    """Entries of an ``.index`` file: one per ``index.interval.bytes`` (4 KiB) of log, offsets relative to the base."""
    path = Path(path)
    base = _base_offset(path)
    return [IndexEntry(base + relative, position) for relative, position in _entries(path, struct.Struct(">ii"))]


def read_time_index(path) -> list[TimeIndexEntry]:
    """Entries of a ``.timeindex`` file (timestamp in ms, offset relative to the base in the file)."""
    path = Path(path)
    base = _base_offset(path)
    return [TimeIndexEntry(timestamp, base + relative)
            for timestamp, relative in _entries(path, struct.Struct(">qi"))]
