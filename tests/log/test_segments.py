"""course_lib.log.segments reads real segment files exactly as Kafka wrote them (checked against consumers)."""

import shutil

import pytest

from course_lib import CourseError
from course_lib.clients.admin import create_topic, describe_topic
from course_lib.clients.consume import read_partition
from course_lib.log.segments import (crc32c, partition_dir, read_batches, read_offset_index, read_records,
                                 read_time_index, replica_dirs, segment_files, zigzag_varint)
from course_lib.clients.produce import produce


def test_crc32c_matches_published_check_values():
    assert crc32c(b"123456789") == 0xE3069283       # the CRC catalogue's check value for CRC-32C
    assert crc32c(bytes(32)) == 0x8A9136AA          # RFC 3720, B.4: 32 bytes of zeros
    assert crc32c(b"") == 0


@pytest.mark.parametrize("data, value", [(b"\x00", 0), (b"\x01", -1), (b"\x02", 1), (b"\x03", -2),
                                         (b"\xac\x02", 150), (b"\x7f", -64), (b"\x80\x01", 64)])
def test_zigzag_varints(data, value):
    assert zigzag_varint(data + b"rest", 0) == (value, len(data))


def test_a_truncated_varint_is_an_error():
    with pytest.raises(ValueError):
        zigzag_varint(b"\x80\x80", 0)


@pytest.fixture(scope="module")
def keyed_topic(cluster):
    """One partition holding keyed, unkeyed, header-carrying and null-value records, in two batches."""
    topic = f"logfiles-{__import__('uuid').uuid4().hex[:8]}"
    create_topic(topic, partitions=1, cluster=cluster)
    sent = produce(topic, [("user-7", "signed up"), ("user-7", "bought 2 books"), (None, "no key"),
                           ("user-8", None), ("ünïcode", "välue")], headers={"source": "tests", "trace": "t-1"},
                   cluster=cluster)
    sent += produce(topic, [("user-9", "x" * 5000)], cluster=cluster, compression_type="gzip")
    return topic, sent


def _leader_log(cluster, topic):
    leader = describe_topic(topic, cluster).partitions[0].leader
    return segment_files(cluster.node(leader), topic, 0, suffixes=("log",))[0].path


def test_parsed_records_are_what_a_consumer_reads(cluster, keyed_topic):
    topic, sent = keyed_topic
    consumed = read_partition(topic, 0, max_records=len(sent), cluster=cluster)
    on_disk = read_records(_leader_log(cluster, topic))
    assert [(r.offset, r.text("key"), r.text("value"), r.timestamp) for r in on_disk] == \
           [(r.offset, r.key, r.value, r.timestamp) for r in consumed]
    assert [dict((k, v.decode()) for k, v in r.headers) for r in on_disk] == [r.headers for r in consumed]


def test_batch_headers_checksums_and_compression(cluster, keyed_topic):
    topic, sent = keyed_topic
    batches = read_batches(_leader_log(cluster, topic))
    assert [b.base_offset for b in batches] == [0, len(sent) - 1]
    assert all(b.crc_valid and b.magic == 2 for b in batches)
    assert [b.compression for b in batches] == ["none", "gzip"]
    assert batches[0].last_offset == len(sent) - 2 and batches[0].timestamp_type == "CreateTime"
    assert batches[1].position == batches[0].size  # batches sit back to back in the file
    assert batches[0].max_timestamp == max(r.timestamp for r in batches[0].records)


def test_every_replica_holds_the_same_records(cluster, keyed_topic):
    topic, _ = keyed_topic
    dirs = replica_dirs(cluster, topic, 0)
    assert sorted(dirs) == sorted(describe_topic(topic, cluster).partitions[0].replicas)
    logs = {node_id: segment_files(path, suffixes=("log",))[0].path for node_id, path in dirs.items()}
    contents = {node_id: [(r.offset, r.key, r.value) for r in read_records(log)] for node_id, log in logs.items()}
    assert len({tuple(c) for c in contents.values()}) == 1


def test_a_flipped_byte_fails_the_crc(cluster, keyed_topic, tmp_path):
    topic, _ = keyed_topic
    copy = tmp_path / "00000000000000000000.log"
    shutil.copy(_leader_log(cluster, topic), copy)
    data = bytearray(copy.read_bytes())
    position = data.index(b"signed up")
    data[position] ^= 0x20  # "signed up" → "Signed up"
    copy.write_bytes(bytes(data))
    first = read_batches(copy)[0]
    assert not first.crc_valid and first.records[0].value == b"Signed up"


def test_a_rolled_log_has_segments_and_indexes_that_agree(cluster, unique):
    topic = unique("logfiles-roll")
    create_topic(topic, partitions=1, config={"segment.bytes": 1048576, "index.interval.bytes": 4096}, cluster=cluster)
    # 100 kB records, each its own batch (batch.size is smaller): 11 fill the first 1 MiB segment
    produce(topic, (("k", "v" * 100_000) for _ in range(13)), cluster=cluster, batch_size=16384, timeout=120)
    leader = cluster.node(describe_topic(topic, cluster).partitions[0].leader)
    files = segment_files(leader, topic, 0)
    logs = [f for f in files if f.suffix == "log"]
    assert len(logs) >= 2 and {"index", "timeindex"} <= {f.suffix for f in files}
    closed = read_batches(logs[0].path)
    assert closed[0].base_offset == logs[0].base_offset == 0
    assert logs[1].base_offset == closed[-1].last_offset + 1  # the next segment is named after its first offset
    assert logs[0].size == sum(b.size for b in closed) <= 1048576
    index = read_offset_index(logs[0].path.with_suffix(".index"))
    assert index, "a 1 MiB segment with index.interval.bytes=4096 has index entries"
    starts = {b.position: b for b in closed}
    assert all(e.position in starts and starts[e.position].base_offset <= e.offset <= starts[e.position].last_offset
               for e in index)
    times = read_time_index(logs[0].path.with_suffix(".timeindex"))
    assert times and [t.timestamp for t in times] == sorted(t.timestamp for t in times)


def test_clear_errors_for_wrong_paths(cluster, keyed_topic):
    topic, _ = keyed_topic
    with pytest.raises(CourseError, match="no directory"):
        partition_dir(cluster.nodes[0], topic, 7)
    with pytest.raises(CourseError, match="not a .log segment"):
        read_batches(_leader_log(cluster, topic).with_suffix(".index"))
