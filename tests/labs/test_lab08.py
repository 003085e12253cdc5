"""Lab 08's checks on the real cluster: each rejects a wrong state it can meet and accepts a right one."""

import time

from course_lib.clients.admin import create_topic, watermarks
from course_lib.labs import Lab
from course_lib.labs import lab08 as checks
from course_lib.clients.produce import produce
from course_lib.clients.reading import read_all
from course_lib.log.retention import key_counts
from course_lib.waiting import poll_until

FAST_COMPACTION = {"cleanup.policy": "compact", "segment.ms": 1000, "min.cleanable.dirty.ratio": 0.01,
                   "delete.retention.ms": 2000, "file.delete.delay.ms": 500}


def test_task1_wants_short_retention_that_already_deleted_a_segment(cluster):
    lab = Lab("08")
    assert not checks.task1(lab)
    topic = lab.topic("clicks")
    create_topic(topic, partitions=1, config={"retention.ms": 60_000}, cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "retention.ms 60000" in verdict.message

    lab = Lab("08")
    topic = lab.topic("clicks")
    create_topic(topic, partitions=1, config={"retention.ms": 4000, "segment.ms": 1000, "file.delete.delay.ms": 500},
                 cluster=cluster)
    produce(topic, ["first"], cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "no segment has been deleted yet" in verdict.message
    time.sleep(1.2)  # segment.ms must pass before the next write rolls the segment
    produce(topic, ["second"], cluster=cluster)
    poll_until(lambda: watermarks(topic, cluster)[0][0] > 0, "retention", timeout=60, every=0.5)
    assert checks.task1(lab)


def _roll_and_compact(topic, cluster):
    time.sleep(1.2)  # segment.ms must pass before the next write rolls the segment
    produce(topic, [("marker", "roll")], cluster=cluster)
    poll_until(lambda: all(n == 1 for n in key_counts(read_all(topic, cluster=cluster)).values()), "compaction",
               timeout=90, every=0.5)


def test_task2_wants_a_compacted_topic_with_the_latest_price_once(cluster):
    lab = Lab("08")
    assert not checks.task2(lab)
    topic = lab.topic("prices")
    create_topic(topic, partitions=1, config={**FAST_COMPACTION, "cleanup.policy": "compact,delete"}, cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "without delete" in verdict.hint

    lab = Lab("08")
    topic = lab.topic("prices")
    create_topic(topic, partitions=1, config=FAST_COMPACTION, cluster=cluster)
    produce(topic, checks.PRICE_UPDATES, cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "records per product" in verdict.message  # not compacted yet

    _roll_and_compact(topic, cluster)
    assert checks.task2(lab)

    lab = Lab("08")  # the updates in the wrong order: compaction keeps a price that is not the latest
    topic = lab.topic("prices")
    create_topic(topic, partitions=1, config=FAST_COMPACTION, cluster=cluster)
    produce(topic, list(reversed(checks.PRICE_UPDATES)), cluster=cluster)
    _roll_and_compact(topic, cluster)
    verdict = checks.task2(lab)
    assert not verdict and "last price" in verdict.message


def test_task3_wants_the_retired_product_and_its_tombstone_gone(cluster):
    lab = Lab("08")
    assert not checks.task3(lab)
    topic = lab.topic("prices")
    create_topic(topic, partitions=1, config=FAST_COMPACTION, cluster=cluster)
    produce(topic, checks.PRICE_UPDATES + [(checks.RETIRED, None)], cluster=cluster)
    _roll_and_compact(topic, cluster)
    verdict = checks.task3(lab)
    assert not verdict and "tombstone is still there" in verdict.message

    def retired_gone():
        produce(topic, [("marker", "dirty")], cluster=cluster)
        return checks.RETIRED not in key_counts(read_all(topic, cluster=cluster))

    poll_until(retired_gone, "the tombstone to go", timeout=120, every=1.5)
    assert checks.task3(lab)
