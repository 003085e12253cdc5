"""Lab 12's checks on the real cluster: each rejects what a learner's wrong settings leave on disk and
accepts what the right ones leave."""

from course_lib.clients.admin import create_topic
from course_lib.labs import Lab
from course_lib.labs import lab12 as checks
from course_lib.experiments.perf import payloads
from course_lib.clients.produce import produce
from course_lib.log.batches import data_batches

RECORDS = payloads(checks.RECORDS, checks.RECORD_SIZE)
TUNED_RECORDS = payloads(checks.TUNED_RECORDS, checks.RECORD_SIZE)


def _write(lab, name, records, cluster, **producer_config):
    create_topic(lab.topic(name), partitions=1, cluster=cluster)
    # 2000 one-record batches took over 30 s once, with four lanes on two cores (run AD)
    produce(lab.topic(name), records, cluster=cluster, timeout=120, **producer_config)


def test_task1_wants_one_batch_per_record_one_way_and_few_the_other(cluster):
    lab = Lab("12")
    assert "no topic" in checks.task1(lab).message
    _write(lab, "one-by-one", RECORDS[:100], cluster, linger_ms=0, batch_num_messages=1)
    verdict = checks.task1(lab)
    assert not verdict and "holds 100 records" in verdict.message, verdict  # not all of them

    lab = Lab("12")
    _write(lab, "one-by-one", RECORDS, cluster, linger_ms=100)  # batched: far too few batches for one by one
    verdict = checks.task1(lab)
    assert not verdict and "at least" in verdict.message, verdict

    lab = Lab("12")
    _write(lab, "one-by-one", RECORDS, cluster, linger_ms=0, batch_num_messages=1)
    _write(lab, "batched", RECORDS, cluster, linger_ms=0, batch_num_messages=1)  # "batched" without lingering
    verdict = checks.task1(lab)
    assert not verdict and "at most" in verdict.message, verdict

    lab = Lab("12")
    _write(lab, "one-by-one", RECORDS, cluster, linger_ms=0, batch_num_messages=1)
    _write(lab, "batched", RECORDS, cluster, linger_ms=500)
    assert checks.task1(lab)


def test_task2_wants_compressed_batches(cluster):
    lab = Lab("12")
    _write(lab, "compressed", RECORDS, cluster, linger_ms=100)  # no codec
    verdict = checks.task2(lab)
    assert not verdict and "none" in verdict.message, verdict
    lab = Lab("12")
    _write(lab, "compressed", RECORDS, cluster, linger_ms=100, compression_type="lz4")
    assert checks.task2(lab)


def test_task2_accepts_a_lone_record_librdkafka_left_uncompressed(cluster):
    """librdkafka sends a batch uncompressed when compressing would not shrink it — a one-record batch at the end
    of a lingering producer's run, now and then (a fresh-clone run failed the lab's solution on it once)."""
    lab = Lab("12")
    _write(lab, "compressed", RECORDS[:-1], cluster, linger_ms=100, compression_type="lz4")
    produce(lab.topic("compressed"), RECORDS[-1:], cluster=cluster, compression_type="lz4")  # a batch of its own
    assert [b.compression for b in data_batches(lab.topic("compressed"))][-1] == "none"
    verdict = checks.task2(lab)
    assert verdict and "1 small batch(es) sent uncompressed" in verdict.message, verdict


def test_task3_wants_idempotent_few_and_compressed_batches(cluster):
    lab = Lab("12")
    _write(lab, "tuned", TUNED_RECORDS, cluster, enable_idempotence=False, acks=1, linger_ms=500,
           batch_size=1_000_000, compression_type="zstd")
    verdict = checks.task3(lab)
    assert not verdict and "not idempotent" in verdict.message, verdict
    lab = Lab("12")
    _write(lab, "tuned", TUNED_RECORDS, cluster, enable_idempotence=True, linger_ms=500, batch_size=1_000_000)
    verdict = checks.task3(lab)
    assert not verdict and "of the raw bytes" in verdict.message, verdict  # uncompressed
    lab = Lab("12")
    _write(lab, "tuned", TUNED_RECORDS, cluster, enable_idempotence=True, linger_ms=500, batch_size=1_000_000,
           compression_type="zstd")
    assert checks.task3(lab)
