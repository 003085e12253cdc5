"""Checks for lab 12 (performance): they count the batches the broker stored and their bytes, never raise.

Throughput depends on the machine, so the checks look at what the settings leave on disk instead:
how many record batches the producer sent (``linger.ms``, ``batch.size``), how many bytes they take
(``compression.type``) and whether they carry a producer id (the idempotent producer, acks=all).
"""

from ..log.batches import data_batches
from ..experiments.perf import payloads
from ..clients.reading import read_all
from ..waiting import poll_until
from .checking import NotYet, require_topic, task_check

__all__ = ["RECORDS", "RECORD_SIZE", "TUNED_RECORDS", "MIN_UNBATCHED", "MAX_BATCHED", "MAX_COMPRESSED_SHARE",
           "MAX_TUNED_BATCHES", "MAX_TUNED_SHARE", "task1", "task2", "task3"]

RECORDS, RECORD_SIZE = 2000, 200
TUNED_RECORDS = 10_000
MIN_UNBATCHED = 1000       # task 1: one-by-one needs at least this many batches
MAX_BATCHED = 4            # ... batched at most this many
MAX_COMPRESSED_SHARE = 0.5   # task 2: bytes on disk / raw value bytes
MAX_TUNED_BATCHES = 10     # task 3
MAX_TUNED_SHARE = 0.35
READABLE_WITHIN = 15       # s for records written with acks=1 to reach the followers (and the high watermark)


def _stored_batches(topic: str, count: int) -> list:
    """The batches of ``topic`` if it holds exactly ``payloads(count, RECORD_SIZE)``, else ``NotYet``.

    Records written with ``acks=1`` become readable only once the followers have them (the high watermark,
    lesson 03): right after the producer's flush the leader's log can hold more than a consumer gets, so the
    read waits until it gets every record the leader's log holds."""
    what = f"payloads({count}, {RECORD_SIZE})"
    require_topic(topic, f"create it and send {what}.")
    logged = sum(batch.records for batch in data_batches(topic))  # on the leader's disk, readable or not yet
    values: list[bytes] = []

    def readable() -> int:
        values[:] = sorted(r.value.encode() if isinstance(r.value, str) else r.value for r in read_all(topic))
        return len(values)

    poll_until(readable, f"the {logged} records in the leader's log of {topic} to be readable", READABLE_WITHIN,
               every=1, done=lambda readable_count: readable_count >= logged)
    expected = sorted(payloads(count, RECORD_SIZE))
    if values != expected:
        raise NotYet(f"{topic} holds {len(values)} records; it should hold {what}, each once.",
                     "recreate the topic (create_topic(..., recreate=True)) and send them once.")
    return data_batches(topic)


@task_check("Task 1 · batching")
def task1(lab) -> str:
    """The same records one batch per record (≥ MIN_UNBATCHED batches) and in very few (≤ MAX_BATCHED)."""
    one_by_one = _stored_batches(lab.topic("one-by-one"), RECORDS)
    if len(one_by_one) < MIN_UNBATCHED:
        raise NotYet(f"one-by-one holds {len(one_by_one)} batches; at least {MIN_UNBATCHED} wanted.",
                     "no lingering and a batch.size (or batch.num.messages) that fits only one record.")
    batched = _stored_batches(lab.topic("batched"), RECORDS)
    if len(batched) > MAX_BATCHED:
        raise NotYet(f"batched holds {len(batched)} batches; at most {MAX_BATCHED} wanted.",
                     "linger longer (linger.ms) so the producer gathers the records before sending.")
    return f"{RECORDS} records in {len(one_by_one)} batches one way, {len(batched)} the other."


@task_check("Task 2 · compression")
def task2(lab) -> str:
    """The records compressed to at most MAX_COMPRESSED_SHARE of their raw size on disk."""
    batches = _stored_batches(lab.topic("compressed"), RECORDS)
    codecs = {b.compression for b in batches}
    share = sum(b.size for b in batches) / (RECORDS * RECORD_SIZE)
    if codecs == {"none"} or share > MAX_COMPRESSED_SHARE:
        raise NotYet(f"the batches use {sorted(codecs)} and take {share:.0%} of the raw bytes; at most "
                     f"{MAX_COMPRESSED_SHARE:.0%} wanted.",
                     "set compression.type on the producer; bigger batches (linger.ms) compress better.")
    # librdkafka sends a batch uncompressed when compressing would not shrink it: a batch of one small record,
    # which lingering leaves now and then at the end
    plain = sum(b.compression == "none" for b in batches)
    aside = (f" ({plain} small batch(es) sent uncompressed: compressing them would not have shrunk them)"
             if plain else "")
    return f"{'/'.join(sorted(codecs - {'none'}))} batches take {share:.0%} of the raw bytes{aside}."


@task_check("Task 3 · tuned for throughput, safely")
def task3(lab) -> str:
    """TUNED_RECORDS records, idempotent, in ≤ MAX_TUNED_BATCHES batches taking ≤ MAX_TUNED_SHARE of the raw bytes."""
    batches = _stored_batches(lab.topic("tuned"), TUNED_RECORDS)
    share = sum(b.size for b in batches) / (TUNED_RECORDS * RECORD_SIZE)
    problems = []
    if any(b.producer_id < 0 for b in batches):
        problems.append("some batches carry no producer id (not idempotent)")
    if len(batches) > MAX_TUNED_BATCHES:
        problems.append(f"{len(batches)} batches (at most {MAX_TUNED_BATCHES})")
    if share > MAX_TUNED_SHARE:
        problems.append(f"{share:.0%} of the raw bytes (at most {MAX_TUNED_SHARE:.0%})")
    if problems:
        raise NotYet("; ".join(problems) + ".",
                     "combine enable.idempotence, a long enough linger.ms, a big batch.size and a codec.")
    return (f"{TUNED_RECORDS} records, idempotent, in {len(batches)} batches taking "
            f"{share:.0%} of the raw bytes.")
