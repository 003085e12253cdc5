"""Lab 03's checks on the real cluster: each rejects wrong states a learner can reach and accepts a right one."""

import pytest
from confluent_kafka import TopicPartition

from course_lib.clients.admin import admin_client, create_topic, describe_topic, list_topics, watermarks
from course_lib.labs import Lab
from course_lib.labs import lab03 as checks
from course_lib.log.segments import read_offset_index, replica_dirs, segment_files
from course_lib.clients.produce import produce, produce_one
from course_lib.waiting import poll_until

SMALL = {"internal.segment.bytes": 16384, "file.delete.delay.ms": 1000}


def _fill(topic, count, cluster):
    produce(topic, [(f"k{i % 5}", f"record {i}: " + "x" * 150) for i in range(count)], cluster=cluster,
            batch_size=4096)


def _delete_below(topic, offset, cluster):
    admin = admin_client(cluster)
    admin.delete_records([TopicPartition(topic, 0, offset)], operation_timeout=30)[TopicPartition(topic, 0, offset)].result()


@pytest.fixture(scope="module")
def rolled(cluster):
    """A lab attempt whose task-1 topic has small segments and enough records."""
    lab = Lab("03")
    create_topic(lab.topic("segments"), partitions=1, config=SMALL, cluster=cluster)
    _fill(lab.topic("segments"), 360, cluster)
    return lab


def test_task1_wants_three_small_segments_on_every_replica_and_creates_nothing(cluster, rolled):
    lab = Lab("03")
    verdict = checks.task1(lab)
    assert not verdict and "no topic" in verdict.message
    assert lab.topic("segments") not in list_topics(cluster), "a check must not auto-create the learner's topic"
    create_topic(lab.topic("segments"), partitions=1, cluster=cluster)  # default 1 GiB segments
    _fill(lab.topic("segments"), 50, cluster)
    verdict = checks.task1(lab)
    assert not verdict and "1073741824" in verdict.message

    lab = Lab("03")
    create_topic(lab.topic("segments"), partitions=1, config=SMALL, cluster=cluster)
    _fill(lab.topic("segments"), 60, cluster)  # about 11 KB: one segment
    verdict = checks.task1(lab)
    assert not verdict and "at least 3" in verdict.message
    assert checks.task1(rolled)


def test_task2_wants_the_segment_and_the_batch_position(cluster, rolled):
    assert not checks.task2(Lab("03"), (0, 0))
    topic = rolled.topic("segments")
    leader = cluster.node(describe_topic(topic, cluster).partitions[0].leader)
    base, batch = checks.batch_holding(topic, checks.TARGET_OFFSET)
    assert base > 0 and batch.base_offset <= checks.TARGET_OFFSET <= batch.last_offset
    verdict = checks.task2(rolled, (0, batch.position))
    assert not verdict and "not in the segment" in verdict.message
    index = read_offset_index(segment_files(leader, topic, 0, suffixes=("index",))[-1].path)
    entry_only = max((e.position for e in index if e.offset <= checks.TARGET_OFFSET), default=0)
    if entry_only != batch.position:  # the index entry alone, without the forward scan
        assert not checks.task2(rolled, (base, entry_only))
    verdict = checks.task2(rolled, (base, batch.position + 1))
    assert not verdict and "is not where" in verdict.message
    assert not checks.task2(rolled, batch.position)
    assert checks.task2(rolled, (base, batch.position))


def test_task3_wants_deleted_segments_and_a_predicted_next_offset(cluster):
    lab = Lab("03")
    topic = lab.topic("ledger")
    assert not checks.task3(lab)
    create_topic(topic, partitions=1, config=SMALL, cluster=cluster)
    _fill(topic, 300, cluster)
    verdict = checks.task3(lab)
    assert not verdict and "starts at offset 0" in verdict.message

    _delete_below(topic, 5, cluster)  # log start moves, but segment 0 still holds offsets 5…
    verdict = checks.task3(lab)
    assert not verdict and "still on disk" in verdict.message

    cut = segment_files(cluster.node(describe_topic(topic, cluster).partitions[0].leader), topic, 0,
                        suffixes=("log",))[1].base_offset
    _delete_below(topic, cut, cluster)
    poll_until(lambda: all(segment_files(p, suffixes=("log",))[0].base_offset > 0
                           for p in replica_dirs(cluster, topic, 0).values()), "segment 0 to go", timeout=60, every=0.5)
    verdict = checks.task3(lab)
    assert not verdict and "after-delete" in verdict.message
    produce_one(topic, "0", key=checks.AFTER_DELETE, cluster=cluster)  # "offsets restart at 0": wrong
    verdict = checks.task3(lab)
    assert not verdict and "predicted '0'" in verdict.message

    lab = Lab("03")
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, config=SMALL, cluster=cluster)
    _fill(topic, 300, cluster)
    leader = cluster.node(describe_topic(topic, cluster).partitions[0].leader)
    _delete_below(topic, segment_files(leader, topic, 0, suffixes=("log",))[1].base_offset, cluster)
    poll_until(lambda: all(segment_files(p, suffixes=("log",))[0].base_offset > 0
                           for p in replica_dirs(cluster, topic, 0).values()), "segment 0 to go", timeout=60, every=0.5)
    produce_one(topic, str(watermarks(topic, cluster)[0][1]), key=checks.AFTER_DELETE, cluster=cluster)
    assert checks.task3(lab)
