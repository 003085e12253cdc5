"""``course_lib.log.offsets_topic`` decodes what the coordinator really wrote, as Kafka's own decoder does."""

import json
import re
import struct
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from course_lib.clients.admin import ask_coordinator, create_topic, describe_topic, topic_id, watermarks
from course_lib.connection import client_config
from course_lib.toolchain.kafka_tools import run_tool
from course_lib.log.offsets_topic import (OFFSETS_TOPIC, GroupMetadata, MemberAssignment, OffsetCommit, decode,
                                      java_string_hash, latest_commits, partition_for, read_offsets_topic,
                                      stored_commits)
from course_lib.clients.produce import produce
from course_lib.waiting import poll_until


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">h", len(raw)) + raw


def test_java_string_hash_matches_java():
    # values of "...".hashCode() in Java
    assert java_string_hash("") == 0
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("polygenelubricants") == -2147483648  # Integer.MIN_VALUE: Utils.abs makes it 0
    assert partition_for("polygenelubricants", 10) == 0
    assert java_string_hash("é") == 233


def test_non_flexible_versions_and_tombstones_decode():
    key = struct.pack(">h", 1) + _string("billing") + _string("orders") + struct.pack(">i", 2)
    v3 = struct.pack(">hqi", 3, 42, 7) + _string("note") + struct.pack(">q", 1700000000000)
    kind, group, value = decode(key, v3)
    assert (kind, group) == ("OffsetCommit", "billing")
    assert value == OffsetCommit("billing", "orders", 2, 42, 7, "note", 1700000000000)
    v1 = struct.pack(">hq", 1, 9) + _string("") + struct.pack(">qq", 1700000000000, 1700000100000)
    assert decode(key, v1)[2].offset == 9 and decode(key, v1)[2].leader_epoch == -1
    assert decode(key, None) == ("OffsetCommit", "billing", None)


def test_a_new_protocol_members_assignment_and_its_departure_decode():
    """ConsumerGroupCurrentMemberAssignment (type 8): flexible from version 0, topics named by their 16-byte id."""
    key = struct.pack(">h", 8) + _string("workers") + _string("member-a")
    topic_id = bytes(range(16))
    partitions = bytes([3]) + struct.pack(">ii", 4, 1) + bytes([0])  # compact array of 2 ints, no tagged fields
    value = (struct.pack(">hiib", 0, 7, 6, 0) + bytes([2]) + topic_id + partitions  # one topic
             + bytes([1]) + bytes([0]))  # no partitions pending revocation, no tagged fields
    kind, group, assignment = decode(key, value)
    assert (kind, group) == ("ConsumerGroupCurrentMemberAssignment", "workers")
    assert assignment == MemberAssignment("workers", "member-a", 7, (("AAECAwQFBgcICQoLDA0ODw", 1),
                                                                    ("AAECAwQFBgcICQoLDA0ODw", 4)))
    assert decode(key, None)[2].gone  # the member left: its record's tombstone


def test_truncated_bytes_are_an_error_not_garbage():
    key = struct.pack(">h", 1) + _string("billing") + _string("orders") + struct.pack(">i", 2)
    with pytest.raises(ValueError, match="truncated"):
        decode(key, struct.pack(">hq", 3, 42))


@pytest.fixture(scope="module")
def committed(cluster):
    """A real group that consumed a topic and committed, once with an explicit offset and metadata."""
    topic = f"offsets-topic-{time.time_ns() % 10**8}"
    create_topic(topic, partitions=3)
    produce(topic, [(f"user-{i % 5}", f"event {i}") for i in range(30)])
    group = f"offsets-group-{time.time_ns() % 10**8}"
    consumer = Consumer(client_config(cluster.bootstrap_servers, group_id=group, client_id="decoder-test",
                                      auto_offset_reset="earliest", enable_auto_commit=False))
    consumer.subscribe([topic])
    seen = 0

    def records_read() -> int:
        nonlocal seen
        seen += sum(1 for m in consumer.consume(30, timeout=0.5) if m.error() is None)
        return seen
    poll_until(records_read, f"the consumer to read all 30 records of {topic}", 60, every=0, done=lambda n: n >= 30)
    assignment = sorted(tp.partition for tp in consumer.assignment())
    ask_coordinator(lambda: consumer.commit(asynchronous=False), f"a commit of group {group}")
    ask_coordinator(lambda: consumer.commit(offsets=[TopicPartition(topic, 1, 4, "replay-from-here")],
                                            asynchronous=False), f"a commit of group {group}")
    consumer.close()
    assert seen == 30
    return topic, group, assignment


def test_commits_are_decoded_from_the_groups_partition(cluster, committed):
    topic, group, _ = committed
    records = read_offsets_topic(group)
    assert records and {r.partition for r in records} == {partition_for(group)}
    commits = [r.value for r in records if isinstance(r.value, OffsetCommit)]
    ends = {p: high for p, (low, high) in watermarks(topic).items()}
    assert {(c.partition, c.offset) for c in commits if c.metadata == ""} == set(ends.items())
    explicit = commits[-1]
    assert (explicit.topic, explicit.partition, explicit.offset, explicit.metadata) == (topic, 1, 4, "replay-from-here")
    assert explicit.leader_epoch == -1 and abs(explicit.commit_timestamp / 1000 - time.time()) < 300
    assert explicit.topic_id == topic_id(topic)  # both in Kafka's URL-safe base64
    assert latest_commits(group)[(topic, 1)].offset == 4


def test_group_metadata_shows_the_member_and_its_assignment(committed):
    topic, group, assignment = committed
    generations = [r.value for r in read_offsets_topic(group) if isinstance(r.value, GroupMetadata)]
    joined = [g for g in generations if g.members]
    assert joined and isinstance(joined[-1], GroupMetadata)
    member = joined[-1].members[0]
    assert member.client_id == "decoder-test" and member.subscription == (topic,)
    assert [p for t, p in member.assignment] == assignment == [0, 1, 2]
    assert joined[-1].protocol in ("range", "roundrobin") and joined[-1].leader == member.member_id
    assert generations[-1].members == ()  # close() left the group: the coordinator stored it empty


def test_the_only_reader_with_no_group_reads_all_partitions(committed):
    _, group, _ = committed
    everything = read_offsets_topic()
    assert {r.group for r in everything} >= {group}
    assert [r for r in everything if r.group == group] == read_offsets_topic(group)


def test_decoding_agrees_with_kafkas_dump_log_segments(cluster, committed):
    _, group, _ = committed
    partition = partition_for(group)
    leader = describe_topic(OFFSETS_TOPIC).partitions[partition].leader
    segments = sorted((cluster.node(leader).data_dir / f"{OFFSETS_TOPIC}-{partition}").glob("*.log"))
    dump = run_tool("kafka-dump-log", "--offsets-decoder", "--print-data-log",
                    "--files", ",".join(map(str, segments)), timeout=180).stdout
    theirs = []
    for line in dump.splitlines():
        match = re.search(r"key: (\{.*\}) payload: (\{.*\}|null)$", line)
        # records of groups on the new protocol (KIP-848) that share the partition name theirs "groupId"
        if match and json.loads(match.group(1))["data"].get("group") == group:
            key, payload = json.loads(match.group(1)), json.loads(match.group(2))
            if key["type"] == "1" and payload:
                data = payload["data"]
                theirs.append((key["data"]["partition"], data["offset"], data["leaderEpoch"],
                               data["metadata"].rstrip("\x00"), data["commitTimestamp"], data.get("topicId")))
    ours = [(c.partition, c.offset, c.leader_epoch, c.metadata, c.commit_timestamp, c.topic_id)
            for c in (r.value for r in read_offsets_topic(group)) if isinstance(c, OffsetCommit)]
    assert theirs and ours[:len(theirs)] == theirs


def test_an_open_transaction_does_not_hide_later_commits(cluster, unique):
    """A transactional producer that never finishes (a crashed processor) leaves its offsets open on the
    group's partition; a commit of another group on that partition must still be read."""
    count = len(describe_topic(OFFSETS_TOPIC).partitions)
    stuck = unique("stuck-group")
    other = next(g for g in (f"{stuck}-{i}" for i in range(10_000)) if partition_for(g, count) == partition_for(stuck, count))
    topic = unique("open-txn")
    create_topic(topic, partitions=1)
    produce(topic, ["a", "b"])
    producer = Producer(client_config(cluster.bootstrap_servers, transactional_id=unique("stuck-txn")))
    producer.init_transactions(30)
    producer.begin_transaction()
    stuck_consumer = Consumer(client_config(cluster.bootstrap_servers, group_id=stuck))
    producer.send_offsets_to_transaction([TopicPartition(topic, 0, 1)], stuck_consumer.consumer_group_metadata(), 30)
    try:
        committer = Consumer(client_config(cluster.bootstrap_servers, group_id=other, enable_auto_commit=False))
        ask_coordinator(lambda: committer.commit(offsets=[TopicPartition(topic, 0, 2)], asynchronous=False),
                        f"a commit of group {other}")
        committer.close()
        commits = [r.value for r in read_offsets_topic(other) if isinstance(r.value, OffsetCommit)]
        assert [(c.topic, c.offset) for c in commits] == [(topic, 2)]
    finally:
        producer.abort_transaction(30)
        stuck_consumer.close()


def test_stored_commits_tell_a_transactional_commit_from_a_plain_one(cluster, unique):
    """The batch header says how a commit got there: commit() writes a plain batch, send_offsets_to_transaction a
    transactional one (what lab 07's and lab 13's checks look for)."""
    topic, group = unique("stored-commits"), unique("stored-commits-group")
    create_topic(topic, partitions=1)
    produce(topic, ["a", "b", "c"])
    plain = Consumer({"bootstrap.servers": cluster.bootstrap_servers, "group.id": group, "enable.auto.commit": False})
    ask_coordinator(lambda: plain.commit(offsets=[TopicPartition(topic, 0, 1)], asynchronous=False),
                    f"a commit of group {group}")
    producer = Producer({"bootstrap.servers": cluster.bootstrap_servers, "transactional.id": unique("stored-tx")})
    producer.init_transactions(30)
    producer.begin_transaction()
    producer.send_offsets_to_transaction([TopicPartition(topic, 0, 3)], plain.consumer_group_metadata(), 30)
    producer.commit_transaction(30)
    plain.close()
    stored = poll_until(lambda: stored_commits(group), f"both of {group}'s commits on its coordinator's disk", 30,
                        done=lambda seen: len(seen) == 2)
    assert [(s.commit.offset, s.transactional) for s in stored] == [(1, False), (3, True)]
