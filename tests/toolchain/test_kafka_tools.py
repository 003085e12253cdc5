"""course_lib.toolchain.kafka_tools runs Kafka's real command-line tools from the jars and reads their output."""

import pytest
from confluent_kafka import Consumer

from course_lib import CourseError
from course_lib.clients.admin import create_topic, describe_topic
from course_lib.connection import client_config
from course_lib.toolchain.kafka_tools import ToolRefused, dump_log_segments, parse_dump, run_tool, tool_argv
from course_lib.log.segments import read_batches, segment_files
from course_lib.clients.partitioning import partition_for
from course_lib.clients.produce import produce
from course_lib.clients.reading import read_all
from course_lib.waiting import poll_until

SAMPLE = """Dumping /data/t-0/00000000000000000000.log
Log starting offset: 0
baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000000 size: 120 magic: 2 compresscodec: none crc: 123 isvalid: true
| offset: 0 CreateTime: 1700000000000 keySize: 16 valueSize: 3 sequence: -1 headerKeys: [a,b] key: odd payload: key payload: v w
| offset: 1 CreateTime: 1700000000001 keySize: -1 valueSize: 0 sequence: -1 headerKeys: [] payload: 
"""


def test_parse_dump_reads_batches_and_records_even_with_tricky_keys():
    batches, records = parse_dump(SAMPLE)
    assert [(b.base_offset, b.last_offset, b.crc, b.valid) for b in batches] == [(0, 1, 123, True)]
    assert records[0].key == "odd payload: key" and records[0].payload == "v w"
    assert records[0].header_keys == ("a", "b") and records[0].timestamp_type == "CreateTime"
    assert (records[1].key, records[1].payload, records[1].header_keys) == (None, "", ())


def test_unknown_tool_names_are_a_course_error():
    with pytest.raises(CourseError, match="kafka-topics"):
        tool_argv("kafka-topix")


def test_tools_resolve_to_classes_in_the_jars_with_quiet_logging():
    argv = tool_argv("kafka-dump-log", "--help")
    assert argv[-2].endswith("DumpLogSegments") and argv[-1] == "--help"
    assert any(a.startswith("-Dlog4j2.configurationFile=") and a.endswith("tools-log4j2.properties") for a in argv)


def test_topic_command_describes_a_real_topic(cluster, unique):
    topic = unique("tools-describe")
    create_topic(topic, partitions=3, cluster=cluster)
    run = run_tool("kafka-topics", "--bootstrap-server", cluster.bootstrap_servers, "--describe", "--topic", topic)
    assert f"Topic: {topic}" in run.stdout and "PartitionCount: 3" in run.stdout and run.returncode == 0


def test_a_failing_tool_is_one_sentence(cluster):
    with pytest.raises(CourseError, match="failed with exit code"):
        run_tool("kafka-topics", "--bootstrap-server", cluster.bootstrap_servers, "--describe",
                 "--topic", "no-such-topic-anywhere")


def test_dump_log_segments_agrees_with_course_lib_logfiles(cluster, unique):
    topic = unique("tools-dump")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, [("user-7", "hello"), (None, "no key"), ("user-8", "a payload: with colons")],
            headers={"source": "tests"}, cluster=cluster)
    leader = cluster.node(describe_topic(topic, cluster).partitions[0].leader)
    log = segment_files(leader, topic, 0, suffixes=("log",))[0].path
    java_batches, java_records = dump_log_segments(log)
    ours = read_batches(log)
    assert [(b.base_offset, b.last_offset, b.position, b.crc) for b in java_batches] == \
           [(b.base_offset, b.last_offset, b.position, b.crc) for b in ours]
    assert [(r.offset, r.key, r.payload, r.timestamp, r.header_keys) for r in java_records] == \
           [(r.offset, r.text("key"), r.text("value"), r.timestamp, tuple(k for k, _ in r.headers))
            for b in ours for r in b.records]


def test_the_java_console_producer_places_keys_by_murmur2(cluster, unique):
    topic = unique("tools-java-keys")
    create_topic(topic, partitions=6, cluster=cluster)
    keys = [f"user-{i}" for i in range(12)]
    run_tool("kafka-console-producer", "--bootstrap-server", cluster.bootstrap_servers, "--topic", topic,
             "--reader-property", "parse.key=true", "--reader-property", "key.separator=:",
             input="".join(f"{key}:from java\n" for key in keys))
    landed = {r.key: r.partition for r in read_all(topic, cluster=cluster)}
    assert landed == {key: partition_for(key, 6, "murmur2_random") for key in keys}


def test_a_tool_that_prints_error_and_exits_0_is_one_sentence(cluster, unique):
    """kafka-consumer-groups refuses to reset a group with members, prints ``Error: …`` and exits 0."""
    topic, group = unique("tools-refused"), unique("tools-refused-group")
    create_topic(topic, partitions=1, cluster=cluster)
    member = Consumer(client_config(cluster.bootstrap_servers, group_id=group))
    member.subscribe([topic])
    try:
        poll_until(lambda: member.poll(0.2) or member.assignment(), "the member to be assigned its partition",
                   timeout=30, done=lambda _: bool(member.assignment()))
        reset = ("--bootstrap-server", cluster.bootstrap_servers, "--group", group, "--topic", topic,
                 "--reset-offsets", "--to-earliest", "--execute")
        with pytest.raises(ToolRefused, match=r"refused: .*inactive") as refused:
            run_tool("kafka-consumer-groups", *reset)
        assert "\n" not in str(refused.value)
        assert "Error:" in run_tool("kafka-consumer-groups", *reset, check=False).stdout
    finally:
        member.close()


def test_a_tool_that_fails_is_not_a_refusal_worth_retrying(cluster, unique):
    """--shift-by needs a committed offset to shift: without one the tool exits 1, which no retry mends."""
    topic = unique("tools-no-commit")
    create_topic(topic, partitions=1, cluster=cluster)
    with pytest.raises(CourseError, match=r"exit code 1 \(Cannot shift offset .* no current committed offset") as failed:
        run_tool("kafka-consumer-groups", "--bootstrap-server", cluster.bootstrap_servers, "--group",
                 unique("tools-no-commit-group"), "--topic", topic, "--reset-offsets", "--shift-by", -2, "--execute")
    assert not isinstance(failed.value, ToolRefused)
