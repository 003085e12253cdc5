"""Which partition a keyed record goes to — the same arithmetic the producers do, in plain Python.

Lesson 02 (topics and partitions) uses these to predict where a record lands *before* producing it,
and to show why a Python producer and a Java producer disagree out of the box:

* Java clients hash the key with **murmur2** (Kafka's ``Utils.murmur2``: 4-byte little-endian
  blocks, seed ``0x9747b28c``) and take ``(hash & 0x7fffffff) % partitions``.
* librdkafka (confluent-kafka) defaults to ``consistent_random``: **CRC32** of the key
  (``zlib.crc32``) modulo the partition count. Set ``partitioner='murmur2_random'`` to match Java.

A NULL key (and, under ``consistent_random``, an empty key) has no fixed partition: the producer
uses its *sticky* partition, a random one kept for ``sticky.partitioning.linger.ms``.
``partition_for`` returns ``None`` for those.
"""

import zlib

from ..errors import CourseError

__all__ = ["PARTITIONERS", "murmur2", "crc32", "partition_for", "key_bytes"]

PARTITIONERS = ("murmur2", "murmur2_random", "consistent", "consistent_random")

_MASK32 = 0xFFFFFFFF
_SEED = 0x9747B28C
_M = 0x5BD1E995
_R = 24


def key_bytes(key: bytes | str | None) -> bytes | None:
    """The bytes a producer sends for ``key``: ``str`` as UTF-8 (as the string serializer does) (course machinery)."""
    if key is None or isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode("utf-8")
    raise CourseError(f"A record key must be bytes, str or None, not {type(key).__name__}; "
                      f"serialize it first (e.g. str(key).encode()).")


def murmur2(key: bytes | str) -> int:
    """Kafka's murmur2 hash of ``key`` as an unsigned 32-bit number (Java's int, read unsigned) (course machinery)."""
    data = key_bytes(key) or b""
    length = len(data)
    h = (_SEED ^ length) & _MASK32
    whole = length - length % 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * _M) & _MASK32
        k ^= k >> _R
        k = (k * _M) & _MASK32
        h = (h * _M) & _MASK32
        h ^= k
    tail = data[whole:]
    if tail:
        for shift, byte in reversed(list(enumerate(tail))):
            h ^= byte << (8 * shift)
        h = (h * _M) & _MASK32
    h ^= h >> 13
    h = (h * _M) & _MASK32
    h ^= h >> 15
    return h


def crc32(key: bytes | str) -> int:
    """librdkafka's CRC32 of ``key`` (standard CRC-32, equal to ``zlib.crc32``), unsigned (course machinery)."""
    return zlib.crc32(key_bytes(key) or b"") & _MASK32


def partition_for(key: bytes | str | None, partitions: int, partitioner: str = "consistent_random") -> int | None:
    """The partition a producer with ``partitioner`` picks for ``key``; ``None`` = sticky (no fixed one) (lesson 02).

    ``murmur2_random`` is what Java producers do; ``consistent_random`` is the librdkafka default.
    """
    if partitioner not in PARTITIONERS:
        raise CourseError(f"Unknown partitioner {partitioner!r}; use one of {', '.join(PARTITIONERS)}.")
    if not isinstance(partitions, int) or partitions < 1:
        raise CourseError(f"A topic has at least one partition, so partitions={partitions!r} cannot be right; "
                          f"pass the topic's partition count.")
    data = key_bytes(key)
    if data is None or (data == b"" and partitioner == "consistent_random"):
        return None
    if partitioner.startswith("murmur2"):
        return (murmur2(data) & 0x7FFFFFFF) % partitions
    return crc32(data) % partitions
