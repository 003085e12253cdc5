"""Lab 02's checks on the real cluster: each rejects wrong states a learner can reach and accepts a right one."""

import json

from course_lib.clients.admin import add_partitions, alter_topic_config, create_topic, list_topics
from course_lib.labs import Lab
from course_lib.labs import lab02 as checks
from course_lib.clients.partitioning import partition_for
from course_lib.clients.produce import produce


def test_task1_wants_six_partitions_three_replicas_and_one_hour(cluster):
    lab = Lab("02")
    topic = lab.topic("clicks")
    verdict = checks.task1(lab)
    assert not verdict and "no topic" in verdict.message
    assert topic not in list_topics(cluster), "a check must not auto-create the learner's topic"
    create_topic(topic, partitions=3, config={"retention.ms": checks.ONE_HOUR_MS}, cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "3 partitions, not 6" in verdict.message and "add_partitions" in verdict.hint
    add_partitions(topic, 6, cluster=cluster)
    assert checks.task1(lab)

    lab = Lab("02")
    create_topic(lab.topic("clicks"), partitions=6, replication_factor=1, config={"retention.ms": checks.ONE_HOUR_MS},
                 cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "1 copies" in verdict.message

    lab = Lab("02")
    create_topic(lab.topic("clicks"), partitions=6, cluster=cluster)  # the broker's default retention (7 days)
    verdict = checks.task1(lab)
    assert not verdict and "retention.ms=604800000" in verdict.message
    alter_topic_config(lab.topic("clicks"), cluster=cluster, retention_ms=checks.ONE_HOUR_MS)
    assert checks.task1(lab)


def test_task2_wants_every_key_where_murmur2_puts_it(cluster):
    assert any(partition_for(k, 4) != partition_for(k, 4, "murmur2_random") for k in checks.ACCOUNTS)
    lab = Lab("02")
    topic = lab.topic("accounts")
    assert not checks.task2(lab)
    create_topic(topic, partitions=checks.ACCOUNT_PARTITIONS, cluster=cluster)
    produce(topic, [(k, "opened") for k in checks.ACCOUNTS[:-1]], cluster=cluster, partitioner="murmur2_random")
    verdict = checks.task2(lab)
    assert not verdict and "account-15" in verdict.message
    produce(topic, [(checks.ACCOUNTS[-1], "opened")], cluster=cluster, partitioner="murmur2_random")
    assert checks.task2(lab)

    lab = Lab("02")  # the confluent-kafka default partitioner (CRC32)
    create_topic(lab.topic("accounts"), partitions=checks.ACCOUNT_PARTITIONS, cluster=cluster)
    produce(lab.topic("accounts"), [(k, "opened") for k in checks.ACCOUNTS], cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "Java puts it" in verdict.message and "murmur2_random" in verdict.hint

    lab = Lab("02")  # right partitioner, wrong partition count
    create_topic(lab.topic("accounts"), partitions=6, cluster=cluster)
    produce(lab.topic("accounts"), [(k, "opened") for k in checks.ACCOUNTS], cluster=cluster,
            partitioner="murmur2_random")
    verdict = checks.task2(lab)
    assert not verdict and "6 partitions, not 4" in verdict.message


def _in_sequence():
    return sorted(checks.incoming(), key=lambda pair: (pair[0], json.loads(pair[1])["seq"]))


def test_task3_wants_each_user_in_one_partition_in_sequence(cluster):
    incoming = checks.incoming()
    assert len(incoming) == checks.EVENTS and incoming != _in_sequence(), "the events arrive shuffled"

    lab = Lab("02")
    assert not checks.task3(lab)
    create_topic(lab.topic("activity"), partitions=1, cluster=cluster)
    produce(lab.topic("activity"), _in_sequence(), cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "at least 3" in verdict.hint

    lab = Lab("02")  # keyed, but in arrival order
    create_topic(lab.topic("activity"), partitions=4, cluster=cluster)
    produce(lab.topic("activity"), incoming, cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "out of sequence" in verdict.message

    lab = Lab("02")  # in order, but without keys, and a partition picked at random for each record
    create_topic(lab.topic("activity"), partitions=4, cluster=cluster)
    unkeyed = [value for _, value in _in_sequence()]
    produce(lab.topic("activity"), unkeyed, cluster=cluster, sticky_partitioning_linger_ms=0)
    verdict = checks.task3(lab)
    assert not verdict and "more than one partition" in verdict.message

    lab = Lab("02")  # in order, without keys, all in one (sticky) partition: right order, no parallelism
    create_topic(lab.topic("activity"), partitions=4, cluster=cluster)
    produce(lab.topic("activity"), [(None, value) for value in unkeyed], cluster=cluster,
            sticky_partitioning_linger_ms=60_000)
    verdict = checks.task3(lab)
    assert not verdict, verdict

    lab = Lab("02")  # one event missing, then sent twice
    create_topic(lab.topic("activity"), partitions=4, cluster=cluster)
    events = _in_sequence()
    produce(lab.topic("activity"), events[:-1], cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "999 events" in verdict.message
    produce(lab.topic("activity"), events[-2:], cluster=cluster)
    assert not checks.task3(lab)

    lab = Lab("02")
    create_topic(lab.topic("activity"), partitions=4, cluster=cluster)
    produce(lab.topic("activity"), _in_sequence(), cluster=cluster, enable_idempotence=True)
    verdict = checks.task3(lab)
    assert verdict, verdict
