"""Read and decode ``__consumer_offsets``, the internal topic where group coordinators keep their state
(introduced in lesson 04; lesson 05 reads the group's membership from it).

A commit is not magic: the coordinator of a group appends an ordinary record to partition
``abs(java_hash(group)) % offsets.topic.num.partitions`` of this compacted topic. Keys and values are
Kafka's own binary messages, each starting with an int16 version — which since Kafka 4.0 is also the
record *type* (``group-coordinator/.../message/*.json`` and ``CoordinatorRecordType`` in the Kafka
source): 0 and 1 are offset commits, 2 is a classic group's metadata, 3 and above are the records of
the new consumer protocol (KIP-848), share and streams groups, which we name — and of which we decode
the one lab 05 needs, a member's current assignment (type 8).

Encodings (Kafka protocol guide, "Protocol Primitive Types"): big-endian integers; a non-flexible
message has int16-length strings and int32-length byte arrays and arrays; a *flexible* version
(``OffsetCommitValue`` v4+, ``GroupMetadataValue`` v4+) has "compact" unsigned-varint lengths
(length + 1, 0 meaning null) and ends each structure with a tagged-fields section.
"""

import base64
import struct
import time
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, TopicPartition

from ..clients.admin import ask_watermarks, describe_topic, partition_leader
from ..connection import client_config
from ..errors import CourseError
from ..profile import namespaced
from .segments import read_batches, segment_files
from ..session import cluster_or_course

__all__ = ["OFFSETS_TOPIC", "RECORD_TYPES", "OffsetCommit", "GroupMember", "GroupMetadata", "MemberAssignment",
           "CoordinatorRecord",
           "java_string_hash", "partition_for", "decode", "read_offsets_topic", "latest_commits",
           "StoredCommit", "stored_commits"]

OFFSETS_TOPIC = "__consumer_offsets"

# CoordinatorRecordType ids of Kafka 4.4 (the key's leading int16).
RECORD_TYPES = {
    0: "OffsetCommit", 1: "OffsetCommit", 2: "GroupMetadata",
    3: "ConsumerGroupMetadata", 4: "ConsumerGroupPartitionMetadata", 5: "ConsumerGroupMemberMetadata",
    6: "ConsumerGroupTargetAssignmentMetadata", 7: "ConsumerGroupTargetAssignmentMember",
    8: "ConsumerGroupCurrentMemberAssignment", 9: "ShareGroupPartitionMetadata", 10: "ShareGroupMemberMetadata",
    11: "ShareGroupMetadata", 12: "ShareGroupTargetAssignmentMetadata", 13: "ShareGroupTargetAssignmentMember",
    14: "ShareGroupCurrentMemberAssignment", 15: "ShareGroupStatePartitionMetadata",
    16: "ConsumerGroupRegularExpression", 17: "StreamsGroupMetadata", 18: "StreamsGroupTopology",
    19: "StreamsGroupMemberMetadata", 20: "StreamsGroupTargetAssignmentMetadata",
    21: "StreamsGroupTargetAssignmentMember", 22: "StreamsGroupCurrentMemberAssignment",
}
MEMBER_ASSIGNMENT = 8  # ConsumerGroupCurrentMemberAssignment: the one new-protocol record decoded here


@dataclass(frozen=True)
class OffsetCommit:
    """Where ``group`` will resume on ``topic``/``partition``: the next offset to read, not the last one read."""
    group: str
    topic: str
    partition: int
    offset: int
    leader_epoch: int          # -1 when the client did not say (a commit of an explicit offset)
    metadata: str
    commit_timestamp: int      # ms since the epoch, set by the coordinator
    topic_id: str | None = None  # a tagged field of value version 4 (Kafka 4.x): the topic's id, base64


@dataclass(frozen=True)
class GroupMember:
    """One member of a classic group as stored: ids, timeouts, subscription and assignment (course machinery)."""
    member_id: str
    group_instance_id: str | None
    client_id: str
    client_host: str
    session_timeout_ms: int
    rebalance_timeout_ms: int
    subscription: tuple[str, ...]                  # topics the member asked for
    assignment: tuple[tuple[str, int], ...]       # (topic, partition) the leader gave it


@dataclass(frozen=True)
class GroupMetadata:
    """A classic group after a rebalance: its generation, the chosen assignor, and who got what."""
    group: str
    protocol_type: str          # "consumer" for consumer groups
    generation: int
    protocol: str | None        # the assignment strategy the members agreed on ("range", "cooperative-sticky" ...)
    leader: str | None          # the member that computed the assignment
    state_timestamp: int
    members: tuple[GroupMember, ...]


@dataclass(frozen=True)
class MemberAssignment:
    """A member of a new-protocol group (KIP-848, ``group.protocol=consumer``) and the partitions it holds now,
    as the coordinator computed them (``ConsumerGroupCurrentMemberAssignment``). Topics are named by id.
    ``epoch == -1``: the member is gone (the record's tombstone).

    Course machinery.
    """
    group: str
    member_id: str
    epoch: int
    partitions: tuple[tuple[str, int], ...]   # (topic id, partition)

    @property
    def gone(self) -> bool:
        return self.epoch == -1


@dataclass(frozen=True)
class CoordinatorRecord:
    """One record of ``__consumer_offsets``: where it sits, what kind it is and, decoded, what it says.

    ``value`` is an ``OffsetCommit``, a ``GroupMetadata`` or a ``MemberAssignment``, ``None`` for a tombstone
    (the commit or group was deleted), or the raw bytes for record types this module only names.
    """
    partition: int
    offset: int
    timestamp: int
    kind: str
    group: str
    value: "OffsetCommit | GroupMetadata | MemberAssignment | bytes | None"


class _Reader:
    """A cursor over Kafka's primitive types."""

    def __init__(self, data: bytes, flexible: bool = False):
        self.data, self.pos, self.flexible = data, 0, flexible

    def _take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise ValueError(f"truncated: wanted {size} bytes at {self.pos} of {len(self.data)}")
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def int8(self) -> int:
        return struct.unpack(">b", self._take(1))[0]

    def int16(self) -> int:
        return struct.unpack(">h", self._take(2))[0]

    def uuid(self) -> str:
        return _uuid_text(self._take(16))

    def int32(self) -> int:
        return struct.unpack(">i", self._take(4))[0]

    def int64(self) -> int:
        return struct.unpack(">q", self._take(8))[0]

    def uvarint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self._take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    def _length(self, wide: bool) -> int:
        if self.flexible:
            return self.uvarint() - 1  # compact: length + 1, 0 = null
        return self.int32() if wide else self.int16()

    def string(self) -> str | None:
        size = self._length(wide=False)
        return None if size < 0 else self._take(size).decode("utf-8")

    def bytes(self) -> bytes | None:
        size = self._length(wide=True)
        return None if size < 0 else self._take(size)

    def array(self, read_item) -> list:
        size = self._length(wide=True)
        return [] if size < 0 else [read_item() for _ in range(size)]

    def tagged_fields(self) -> dict[int, bytes]:
        """The tagged-fields section that ends each structure of a flexible version (tag → raw bytes)."""
        if not self.flexible:
            return {}
        fields = {}
        for _ in range(self.uvarint()):
            tag = self.uvarint()
            fields[tag] = self._take(self.uvarint())
        return fields


def java_string_hash(text: str) -> int:
    """Java's ``String.hashCode()``: ``s[0]*31^(n-1) + ... + s[n-1]`` over UTF-16 code units, as an int32.

    Course machinery.
    """
    value = 0
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[i:i + 2], "big")) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def partition_for(group: str, partitions: int | None = None, cluster=None) -> int:
    """The ``__consumer_offsets`` partition that holds ``group``'s commits; its leader is the group's coordinator.

    Kafka's rule: ``Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`` (``Utils.abs`` maps
    ``Integer.MIN_VALUE`` to 0). ``partitions`` defaults to the topic's real partition count.
    """
    if partitions is None:
        partitions = len(describe_topic(OFFSETS_TOPIC, cluster).partitions)
    code = java_string_hash(group)
    return (0 if code == -(1 << 31) else abs(code)) % partitions


def _uuid_text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _offset_commit_value(key: dict, data: bytes) -> OffsetCommit:
    version = struct.unpack(">h", data[:2])[0]
    reader = _Reader(data[2:], flexible=version >= 4)
    offset = reader.int64()
    leader_epoch = reader.int32() if version >= 3 else -1
    metadata = reader.string() or ""
    commit_timestamp = reader.int64()
    if version == 1:
        reader.int64()  # expireTimestamp, only in version 1
    tags = reader.tagged_fields()
    topic_id = _uuid_text(tags[0]) if len(tags.get(0, b"")) == 16 else None
    # librdkafka sends commit metadata as a C string, so it may carry a trailing NUL
    return OffsetCommit(key["group"], key["topic"], key["partition"], offset, leader_epoch,
                        metadata.rstrip("\x00"), commit_timestamp, topic_id)


def _consumer_assignment(data: bytes | None) -> tuple[tuple[str, int], ...]:
    """``ConsumerProtocolAssignment`` (non-flexible): version, [topic, [partition]], user data."""
    if not data:
        return ()
    reader = _Reader(data)
    reader.int16()
    pairs = reader.array(lambda: (reader.string(), reader.array(reader.int32)))
    return tuple(sorted((topic, p) for topic, parts in pairs for p in parts))


def _consumer_subscription(data: bytes | None) -> tuple[str, ...]:
    """``ConsumerProtocolSubscription``: only its topics (user data, owned partitions and rack follow)."""
    if not data:
        return ()
    reader = _Reader(data)
    reader.int16()
    return tuple(reader.array(reader.string))


def _group_metadata_value(group: str, data: bytes) -> GroupMetadata:
    version = struct.unpack(">h", data[:2])[0]
    reader = _Reader(data[2:], flexible=version >= 4)
    protocol_type = reader.string() or ""
    generation = reader.int32()
    protocol = reader.string()
    leader = reader.string()
    state_timestamp = reader.int64() if version >= 2 else -1
    is_consumer = protocol_type == "consumer"

    def member() -> GroupMember:
        member_id = reader.string()
        instance_id = reader.string() if version >= 3 else None
        client_id, client_host = reader.string(), reader.string()
        rebalance_timeout = reader.int32() if version >= 1 else -1
        session_timeout = reader.int32()
        subscription, assignment = reader.bytes(), reader.bytes()
        reader.tagged_fields()
        return GroupMember(member_id, instance_id, client_id, client_host, session_timeout, rebalance_timeout,
                           _consumer_subscription(subscription) if is_consumer else (),
                           _consumer_assignment(assignment) if is_consumer else ())

    members = tuple(reader.array(member))
    reader.tagged_fields()
    return GroupMetadata(group, protocol_type, generation, protocol, leader, state_timestamp, members)


def _key(data: bytes) -> tuple[int, dict]:
    reader = _Reader(data)
    record_type = reader.int16()
    fields = {"group": reader.string()}  # every group record's key starts with the group id
    if record_type in (0, 1):
        fields["topic"] = reader.string()
        fields["partition"] = reader.int32()
    if record_type == MEMBER_ASSIGNMENT:
        fields["member"] = reader.string()
    return record_type, fields


def _member_assignment_value(key: dict, data: bytes) -> MemberAssignment:
    """``ConsumerGroupCurrentMemberAssignmentValue`` (flexible from version 0): epochs, state, then the
    assigned and the pending-revocation partitions as [topic id, [partition]]."""
    reader = _Reader(data[2:], flexible=True)
    epoch = reader.int32()
    reader.int32()  # previous member epoch
    reader.int8()   # member state

    def topic_partitions() -> list[tuple[str, int]]:
        topic_id = reader.uuid()
        partitions = reader.array(reader.int32)
        reader.tagged_fields()
        return [(topic_id, p) for p in partitions]

    assigned = [tp for group in reader.array(topic_partitions) for tp in group]
    return MemberAssignment(key["group"], key["member"], epoch, tuple(sorted(assigned)))


def decode(key: bytes, value: bytes | None) -> tuple[str, str, "OffsetCommit | GroupMetadata | MemberAssignment | bytes | None"]:
    """``(kind, group, decoded value)`` of one ``__consumer_offsets`` record (see ``CoordinatorRecord``).

    Course machinery.
    """
    record_type, fields = _key(key)
    kind = RECORD_TYPES.get(record_type, f"type {record_type}")
    if record_type == MEMBER_ASSIGNMENT:
        gone = MemberAssignment(fields["group"], fields["member"], -1, ())
        return kind, fields["group"], gone if value is None else _member_assignment_value(fields, value)
    if value is None:
        return kind, fields["group"], None
    if record_type in (0, 1):
        return kind, fields["group"], _offset_commit_value(fields, value)
    if record_type == 2:
        return kind, fields["group"], _group_metadata_value(fields["group"], value)
    return kind, fields["group"], value


def read_offsets_topic(group: str | None = None, cluster=None, timeout: float = 20) -> list[CoordinatorRecord]:
    """Every record of ``__consumer_offsets`` (of ``group``'s partition only, if given), oldest first.

    Reads with ``assign`` and no commits, up to each partition's end as it was when called.
    """
    bootstrap = cluster_or_course(cluster).bootstrap_servers
    try:
        count = len(describe_topic(OFFSETS_TOPIC, cluster).partitions)
    except CourseError:
        return []  # no group has committed yet, so Kafka has not created the topic
    wanted = [partition_for(group, count)] if group is not None else list(range(count))
    # read_uncommitted: a transaction left open on this partition (a crashed transactional producer's
    # offsets) would stop a read_committed reader at the last stable offset, before later commits.
    reader = Consumer(client_config(bootstrap, group_id=namespaced("course-offsets-reader"), enable_auto_commit=False,
                                    enable_partition_eof=True, isolation_level="read_uncommitted"))
    records: list[CoordinatorRecord] = []
    try:
        ends = ask_watermarks(reader, OFFSETS_TOPIC, wanted)
        pending = {p for p, (low, high) in ends.items() if high > low}
        reader.assign([TopicPartition(OFFSETS_TOPIC, p, ends[p][0]) for p in pending])
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            message = reader.poll(0.5)
            if message is None:
                continue
            partition = message.partition()
            if message.error() is not None:
                if message.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard(partition)
                continue
            if message.key() is not None:
                try:
                    kind, owner, value = decode(message.key(), message.value())
                except (ValueError, UnicodeDecodeError):
                    kind, owner, value = "undecodable", "", message.value()
                if group is None or owner == group:
                    records.append(CoordinatorRecord(partition, message.offset(), message.timestamp()[1],
                                                     kind, owner, value))
            if message.offset() + 1 >= ends[partition][1]:
                pending.discard(partition)
        if pending:
            raise CourseError(f"Reading {OFFSETS_TOPIC} did not reach the end of partitions {sorted(pending)} "
                              f"within {timeout:.0f} s; check the cluster with `python -m course_lib status`.")
    finally:
        reader.close()
    return sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset))


def latest_commits(group: str, cluster=None) -> dict[tuple[str, int], OffsetCommit]:
    """``{(topic, partition): the group's last commit}`` — what the group resumes from, read from the log.

    Course machinery.
    """
    latest: dict[tuple[str, int], OffsetCommit] = {}
    for record in read_offsets_topic(group, cluster):
        if isinstance(record.value, OffsetCommit):
            latest[(record.value.topic, record.value.partition)] = record.value
    return latest


@dataclass(frozen=True)
class StoredCommit:
    """An offset commit as the coordinator's log holds it, with how it got there: ``transactional`` when a
    producer sent it with ``send_offsets_to_transaction`` (TxnOffsetCommit), not when a consumer called ``commit()``.

    Course machinery.
    """
    commit: OffsetCommit
    transactional: bool


def stored_commits(group: str, cluster=None) -> list[StoredCommit]:
    """``group``'s offset commits read from the segment files of its coordinator (the leader of its partition
    of ``__consumer_offsets``), oldest first. A consumer cannot see how a commit was made; the batch header can.
    Introduced for lab 07's and lab 13's checks.

    Course machinery.
    """
    cluster = cluster_or_course(cluster)
    partition = partition_for(group, cluster=cluster)
    leader = cluster.node(partition_leader(OFFSETS_TOPIC, partition, cluster))
    stored = []
    for segment in segment_files(leader, OFFSETS_TOPIC, partition, suffixes=("log",)):
        for batch in read_batches(segment.path, check_crc=False):
            if batch.is_control:
                continue
            for record in batch.records:
                if record.key is None or record.value is None or struct.unpack(">h", record.key[:2])[0] not in (0, 1):
                    continue
                kind, owner, value = decode(record.key, record.value)
                if owner == group:
                    stored.append(StoredCommit(value, batch.is_transactional))
    return stored
