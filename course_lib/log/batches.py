"""The record batches of a partition as the leader stored them — headers only, whatever the compression.

A producer sends records in *batches*; the broker appends each batch to the log as it arrived, with
the producer's compression, producer id and sequence number in its header. Counting the batches on
disk shows what ``linger.ms`` and ``batch.size`` did, their size shows what compression did, and a
producer id ≥ 0 shows an idempotent (or transactional) producer wrote them. Only the 61-byte header is
read, so zstd or lz4 batches need no decompressor. Introduced in lesson 07, used again in lesson 12.
"""

from dataclasses import dataclass

from ..clients.admin import describe_topic, partition_leader
from .segments import BATCH_HEADER, LOG_OVERHEAD, batch_attributes, segment_files
from ..session import cluster_or_course

__all__ = ["BatchHeader", "batch_headers", "partition_batches", "data_batches", "records_outside_transactions"]


@dataclass(frozen=True)
class BatchHeader:
    """What a record batch's header says."""
    base_offset: int
    last_offset: int
    records: int
    size: int                 # bytes in the .log file, header included
    compression: str          # none, gzip, snappy, lz4, zstd
    producer_id: int          # -1 unless the producer was idempotent or transactional
    base_sequence: int
    transactional: bool
    control: bool             # a transaction marker, not application records


def batch_headers(path) -> list[BatchHeader]:
    """The headers of every complete batch in one ``.log`` file (course machinery)."""
    try:
        with open(path, "rb") as log:
            data = log.read()
    except FileNotFoundError:
        return []  # deleted by retention or compaction while we looked
    headers, position = [], 0
    while position + BATCH_HEADER.size <= len(data):
        (base_offset, length, _epoch, _magic, _crc, attributes, last_delta, _base_ts, _max_ts,
         producer_id, _producer_epoch, base_sequence, count) = BATCH_HEADER.unpack_from(data, position)
        if length <= 0 or position + LOG_OVERHEAD + length > len(data):
            break  # a batch still being written
        bits = batch_attributes(attributes)
        headers.append(BatchHeader(base_offset, base_offset + last_delta, count, LOG_OVERHEAD + length,
                                   bits.compression, producer_id, base_sequence, bits.transactional, bits.control))
        position += LOG_OVERHEAD + length
    return headers


def partition_batches(topic: str, partition: int = 0, cluster=None) -> list[BatchHeader]:
    """Every batch of one partition, read from its leader's segment files, oldest first."""
    cluster = cluster_or_course(cluster)
    leader = cluster.node(partition_leader(topic, partition, cluster))
    files = segment_files(leader, topic, partition, suffixes=("log",))
    return [header for file in files for header in batch_headers(file.path)]


def data_batches(topic: str, cluster=None) -> list[BatchHeader]:
    """The batches holding application records (no transaction markers) across all partitions of ``topic`` (lab 12)."""
    cluster = cluster_or_course(cluster)
    return [batch for info in describe_topic(topic, cluster).partitions
            for batch in partition_batches(topic, info.partition, cluster) if not batch.control]


def records_outside_transactions(topic: str, cluster=None) -> int:
    """How many records of ``topic`` were written outside any transaction: every reader sees those, whatever a
    transaction decides (labs 07 and 13 want none).

    Course machinery.
    """
    return sum(batch.records for batch in data_batches(topic, cluster) if not batch.transactional)
