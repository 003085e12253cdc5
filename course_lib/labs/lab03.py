"""Checks for lab 03 (the log on disk): they read the segment files in the brokers' data dirs, never raise.

Task 1 wants a topic whose log rolled into at least three small segments on every replica. Task 2 wants
the segment and byte position of the batch that holds offset ``TARGET_OFFSET`` (the check finds it
itself by reading the files). Task 3 wants proof that offsets are never reused: a whole segment deleted
from every replica, and a record written afterwards whose value predicted its own offset.
"""

from ..clients.admin import describe_topic, partition_leader, topic_config, watermarks
from ..log.segments import partition_dir, read_batches, replica_dirs, segment_files
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check

__all__ = ["MAX_SEGMENT_BYTES", "MIN_SEGMENTS", "TARGET_OFFSET", "AFTER_DELETE", "segment_limit", "batch_holding",
           "task1", "task2", "task3"]

MAX_SEGMENT_BYTES = 20 * 1024
MIN_SEGMENTS = 3
TARGET_OFFSET = 100
AFTER_DELETE = "after-delete"


def segment_limit(topic: str) -> int:
    """The size at which the topic's segments roll: ``internal.segment.bytes`` if set, else ``segment.bytes``."""
    config = topic_config(topic, only_changed=False)
    return int(config.get("internal.segment.bytes") or config.get("segment.bytes", "1073741824"))


def _logs(path) -> list:
    return segment_files(path, suffixes=("log",))


def _leader_dir(topic: str, partition: int = 0):
    cluster = cluster_or_course()
    return partition_dir(cluster.node(partition_leader(topic, partition, cluster)), topic, partition)


def batch_holding(topic: str, offset: int, partition: int = 0):
    """``(segment base offset, batch)`` of the batch holding ``offset`` in the leader's files, or None."""
    directory = _leader_dir(topic, partition)
    logs = [f for f in _logs(directory) if f.base_offset <= offset]
    if not logs:
        return None
    segment = logs[-1]
    for batch in read_batches(segment.path, check_crc=False):
        if batch.base_offset <= offset <= batch.last_offset:
            return segment.base_offset, batch
    return None


@task_check("Task 1 · small segments")
def task1(lab) -> str:
    topic = lab.topic("segments")
    require_topic(topic, "create it with a topic config that rolls segments at 20 KiB or less.")
    limit = segment_limit(topic)
    if limit > MAX_SEGMENT_BYTES:
        raise NotYet(f"{topic}'s segments roll at {limit} bytes, more than {MAX_SEGMENT_BYTES}.",
                     "segment.bytes cannot go below 1 MiB in Kafka 4; set internal.segment.bytes (as lesson 03 "
                     "does) when you create the topic.")
    info = describe_topic(topic)
    cluster = cluster_or_course()
    for p in info.partitions:
        dirs = replica_dirs(cluster, topic, p.partition)
        absent = sorted(set(p.replicas) - set(dirs))
        if absent:
            raise NotYet(f"partition {p.partition} has no directory on node(s) {absent} yet.",
                         "wait a moment for the replicas, and check the cluster with `python -m course_lib status`.")
        counts = {node_id: len(_logs(path)) for node_id, path in sorted(dirs.items())}
        if min(counts.values()) < MIN_SEGMENTS:
            raise NotYet(f"partition {p.partition} has these numbers of .log segments per node: "
                         f"{counts}; every replica needs at least {MIN_SEGMENTS}.",
                         f"produce more: each segment holds at most {limit} bytes of batches.")
    total = sum(len(_logs(path)) for path in replica_dirs(cluster, topic, 0).values())
    return (f"segments roll at {limit} bytes and every replica holds at least {MIN_SEGMENTS} "
            f"of them ({total} .log files for partition 0 across its replicas).")


@task_check("Task 2 · find an offset")
def task2(lab, answer) -> str:
    topic = lab.topic("segments")
    require_topic(topic, "do task 1 first.")
    if not (isinstance(answer, tuple) and len(answer) == 2 and all(isinstance(x, int) for x in answer)):
        raise NotYet(f"your answer is {answer!r}, not a pair of integers.",
                     "answer (segment base offset, byte position), e.g. (93, 4096).")
    start, end = watermarks(topic)[0]
    if not start <= TARGET_OFFSET < end:
        raise NotYet(f"partition 0 holds offsets {start} to {end - 1}, so offset {TARGET_OFFSET} "
                     "is not in it.", f"produce more than {TARGET_OFFSET + 1} records to partition 0.")
    found = batch_holding(topic, TARGET_OFFSET)
    if found is None:
        raise NotYet(f"the leader's files do not show offset {TARGET_OFFSET} yet.", "run the check again.")
    base, batch = found
    if answer[0] != base:
        raise NotYet(f"offset {TARGET_OFFSET} is not in the segment with base offset {answer[0]}.",
                     "the right segment is the one with the largest base offset (file name) at or below it.")
    if answer[1] != batch.position:
        raise NotYet(f"in segment {base}, byte {answer[1]} is not where the batch holding offset "
                     f"{TARGET_OFFSET} starts.",
                     "an index entry gives a batch at or before the offset: scan batch headers forward from its "
                     "position (skip 12 + batchLength bytes each time) until base ≤ offset ≤ base + lastOffsetDelta.")
    return (f"offset {TARGET_OFFSET} is in segment {base:020d}.log, in the batch at byte "
            f"{batch.position} (offsets {batch.base_offset}–{batch.last_offset}).")


@task_check("Task 3 · offsets are never reused")
def task3(lab) -> str:
    topic = lab.topic("ledger")
    require_topic(topic, "create it with small segments and fill a few of them.")
    start, end = watermarks(topic)[0]
    if start == 0:
        raise NotYet(f"partition 0 of {topic} still starts at offset 0 (it ends at {end}).",
                     "delete records with AdminClient.delete_records([TopicPartition(topic, 0, offset)]).")
    dirs = replica_dirs(cluster_or_course(), topic, 0)
    firsts = {node_id: (_logs(path)[0].base_offset if _logs(path) else None) for node_id, path in sorted(dirs.items())}
    if any(base is None or base == 0 for base in firsts.values()):
        raise NotYet(f"the log starts at offset {start}, but segment 0 is still on disk "
                     f"(first .log base offset per node: {firsts}).",
                     "a segment file goes only when all of it is below the log start offset: cut at the base "
                     "offset of a later segment, then wait for the retention check (every 5 s).")
    directory = _leader_dir(topic)
    records = [r for f in _logs(directory) for r in (rec for b in read_batches(f.path, check_crc=False)
                                                     for rec in b.records) if r.offset >= start]
    after = [r for r in records if r.text("key") == AFTER_DELETE]
    if not after:
        raise NotYet(f"whole segments are gone (log start {start}), but no record with key "
                     f"{AFTER_DELETE!r} was written since.",
                     "predict the next offset, then produce a record with that key and the prediction as value.")
    record = after[0]
    if record.text("value") != str(record.offset):
        raise NotYet(f"the {AFTER_DELETE!r} record is at offset {record.offset}, but its value "
                     f"predicted {record.text('value')!r}.",
                     "the next offset is the log end offset, which equals the high watermark (the second number of "
                     "watermarks()) once the followers have caught up — however many records were deleted.")
    return (f"segments below offset {min(firsts.values())} left every replica, the log starts at "
            f"{start}, and the next record got offset {record.offset}, as predicted: no offset was reused.")
