"""Lab 06's checks on the real cluster: each rejects wrong states a learner can reach and accepts a right one.

One broker bounce serves tasks 2 and 3 (a restart is slow on a busy machine); it is undone in ``finally``.
"""

from course_lib.clients.admin import create_topic, describe_topic, list_topics
from course_lib.labs import Lab
from course_lib.labs import lab06 as checks
from course_lib.clients.produce import produce
from course_lib.experiments.replication import elect_preferred_leaders, off_preferred_leader, wait_until_in_sync

SAFE = {"min.insync.replicas": 2}


def test_task1_wants_three_replicas_and_min_isr_2_on_the_topic(cluster):
    lab = Lab("06")
    verdict = checks.task1(lab)
    assert not verdict and "no topic" in verdict.message
    assert lab.topic("payments") not in list_topics(cluster), "a check must not auto-create the learner's topic"

    create_topic(lab.topic("payments"), partitions=3, replication_factor=2, config=SAFE, cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "replication factor 2" in verdict.message

    lab = Lab("06")
    create_topic(lab.topic("payments"), partitions=3, replication_factor=3, cluster=cluster)  # broker default only
    verdict = checks.task1(lab)
    assert not verdict and "broker's default" in verdict.message

    lab = Lab("06")
    create_topic(lab.topic("payments"), partitions=3, replication_factor=3, config={"min.insync.replicas": 3},
                 cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "min.insync.replicas=3" in verdict.message

    lab = Lab("06")
    create_topic(lab.topic("payments"), partitions=3, replication_factor=3, config=SAFE, cluster=cluster)
    assert checks.task1(lab)


def test_tasks_2_and_3_want_a_bounce_no_loss_a_healed_isr_and_preferred_leaders(cluster):
    lab = Lab("06")
    payments, stream = lab.topic("payments"), lab.topic("stream")
    assert not checks.task2(lab) and not checks.task3(lab)
    for topic in (payments, stream):
        create_topic(topic, partitions=3, replication_factor=3, config=SAFE, cluster=cluster)

    produce(payments, [checks.payment(i) for i in range(checks.PAYMENTS - 1)], cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "1 of 100" in verdict.message and "pay-99" in verdict.message
    produce(payments, [checks.payment(checks.PAYMENTS - 1)], cluster=cluster)
    verdict = checks.task2(lab)  # everything stored, but every broker stayed up
    assert not verdict and "no broker was restarted" in verdict.message

    produce(stream, [checks.reading(i) for i in range(checks.READINGS) if i != 250], cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "1 of 500" in verdict.message and "250" in verdict.message

    victim = describe_topic(stream, cluster).partitions[0].leader  # p0's leadership has to move
    cluster.kill_broker(victim)
    try:
        verdict = checks.task2(lab)
        assert not verdict and "still down" in verdict.message and str(victim) in verdict.message
        assert not cluster.node(victim).process.alive, "a check must not restart the broker itself"
        produce(stream, [checks.reading(250)], cluster=cluster, timeout=120)  # waits out the failover
    finally:
        cluster.start_broker(victim, timeout=300)
    wait_until_in_sync(payments, cluster, timeout=300)
    wait_until_in_sync(stream, cluster, timeout=300)
    assert checks.task2(lab)

    if off_preferred_leader(describe_topic(stream, cluster)):  # unless Kafka's own rebalance got there first
        verdict = checks.task3(lab)
        assert not verdict and "preferred" in verdict.message
    elect_preferred_leaders(stream, cluster)
    assert checks.task3(lab)
