"""Lab 14's checks on the real cluster: each runs a learner's plausible wrong answer through its situation (a
member joining, a crash as auto-commit fires, a restart, poison records, a slow record and a hang) and rejects it,
and accepts the right one."""

import time

import pytest
from confluent_kafka import KafkaError, KafkaException

from course_lib.labs import Lab
from course_lib.labs import lab14 as checks

from job_input import batches  # tests/labs/job_input.py


@pytest.fixture
def lab(cluster):
    lab = Lab("14")
    checks.prepare(lab)
    return lab


def _config(lab, cluster, name, **settings) -> dict:
    return {"bootstrap.servers": cluster.bootstrap_servers, "group.id": lab.group(name),
            "auto.offset.reset": "earliest", **settings}


def test_every_check_says_not_yet_before_the_topics_exist(cluster):
    lab = Lab("14")
    config = _config(lab, cluster, "any", **{"enable.auto.commit": False})
    for verdict in (checks.task1(lab, config, commit_on_revoke), checks.task2(lab, copy_then_store, config, {}),
                    checks.task3(lab, lambda n: config), checks.task4(lab, dead_letter_job, config, {}),
                    checks.task5(lab, config)):
        assert not verdict and "no topic" in verdict.message, verdict


# Task 1 · on_revoke

def commit_on_revoke(consumer, partitions):
    try:
        consumer.commit(asynchronous=False)
    except KafkaException as error:
        if error.args[0].code() != KafkaError._NO_OFFSET:
            raise


def does_nothing(consumer, partitions):
    pass


def commits_a_typo(consumer, partitions):
    consumer.comit(asynchronous=False)


def test_task1_wants_a_commit_in_on_revoke(cluster, lab):
    manual = _config(lab, cluster, "revoke", **{"enable.auto.commit": False})
    verdict = checks.task1(lab, manual, does_nothing)
    assert not verdict and "processed twice" in verdict.message, verdict
    verdict = checks.task1(lab, _config(lab, cluster, "revoke"), commit_on_revoke)  # auto-commit left on
    assert not verdict and "enable.auto.commit is on" in verdict.message, verdict
    verdict = checks.task1(lab, manual, commit_on_revoke)
    assert verdict and "none twice" in verdict.message, verdict


def test_task1_reports_a_callback_that_raises_in_one_sentence(cluster, lab):
    verdict = checks.task1(lab, _config(lab, cluster, "revoke", **{"enable.auto.commit": False}), commits_a_typo)
    assert not verdict and "your on_revoke raised AttributeError" in verdict.message, verdict


# Task 2 · auto-commit with offsets stored after processing

def copy_then_store(consumer, producer, orders, copies):
    for batch in batches(consumer, orders):
        for message in batch:
            producer.produce(copies, value=message.value())
        producer.flush(30)
        for message in batch:
            consumer.store_offsets(message=message)
    consumer.close()


def store_then_copy(consumer, producer, orders, copies):
    for batch in batches(consumer, orders):
        for message in batch:
            consumer.store_offsets(message=message)
            producer.produce(copies, value=message.value())
        producer.flush(30)
    consumer.close()


def store_without_flush(consumer, producer, orders, copies):
    for batch in batches(consumer, orders):
        for message in batch:
            producer.produce(copies, value=message.value())
            consumer.store_offsets(message=message)
    producer.flush(30)
    consumer.close()


def copy_with_default_store(consumer, producer, orders, copies):
    for batch in batches(consumer, orders):
        for message in batch:
            producer.produce(copies, value=message.value())
        producer.flush(30)
    consumer.close()


def test_task2_crashes_the_job_and_wants_offsets_stored_after_the_copies(cluster, lab):
    manual_store = _config(lab, cluster, "copier", **{"enable.auto.offset.store": False})
    producer = {"bootstrap.servers": cluster.bootstrap_servers}
    verdict = checks.task2(lab, copy_with_default_store, _config(lab, cluster, "copier"), producer)
    assert not verdict and "never reached the output" in verdict.message, verdict
    for wrong in (store_then_copy, store_without_flush):
        verdict = checks.task2(lab, wrong, manual_store, producer)
        assert not verdict and "never reached the output" in verdict.message, (wrong.__name__, verdict)
    verdict = checks.task2(lab, copy_then_store, {**manual_store, "enable.auto.commit": False}, producer)
    assert not verdict and "does not auto-commit" in verdict.message, verdict
    verdict = checks.task2(lab, copy_then_store, manual_store, producer)
    assert verdict and "crashed your job at order" in verdict.message, verdict


# Task 3 · static membership

def test_task3_wants_a_stable_instance_id_per_member(cluster, lab):
    def dynamic(number):
        return _config(lab, cluster, "members")

    def one_id_for_all(number):
        return {**dynamic(number), "group.instance.id": "worker"}

    def new_id_each_start(number):
        return {**dynamic(number), "group.instance.id": f"worker-{number}-{time.monotonic_ns()}"}

    def static(number):
        return {**dynamic(number), "group.instance.id": f"{lab.group('members')}-{number}", "session.timeout.ms": 10000}

    verdict = checks.task3(lab, dynamic)
    assert not verdict and "the group rebalanced" in verdict.message, verdict
    verdict = checks.task3(lab, one_id_for_all)
    assert not verdict and "fence each other" in verdict.message, verdict
    verdict = checks.task3(lab, new_id_each_start)
    assert not verdict and "the group rebalanced" in verdict.message, verdict
    verdict = checks.task3(lab, static)
    assert verdict and "no other member was assigned again" in verdict.message, verdict


# Task 4 · dead letters

def _handle_all(consumer, producer, payments, handle):
    consumer.subscribe([payments])
    last_seen = time.monotonic()
    while time.monotonic() - last_seen < 5:
        message = consumer.poll(1.0)
        if message is None or message.error():
            continue
        last_seen = time.monotonic()
        handle(message)
        producer.flush(30)
        consumer.commit(message=message, asynchronous=False)
    consumer.close()


def dead_letter_job(consumer, producer, payments, fees, dead_letters):
    def handle(message):
        try:
            producer.produce(fees, value=checks.fee(message.value()))
        except (ValueError, KeyError) as error:
            producer.produce(dead_letters, value=message.value(), headers=[("error", str(error).encode())])
    _handle_all(consumer, producer, payments, handle)


def stops_at_poison(consumer, producer, payments, fees, dead_letters):
    _handle_all(consumer, producer, payments, lambda m: producer.produce(fees, value=checks.fee(m.value())))


def skips_poison(consumer, producer, payments, fees, dead_letters):
    def handle(message):
        try:
            producer.produce(fees, value=checks.fee(message.value()))
        except (ValueError, KeyError):
            pass
    _handle_all(consumer, producer, payments, handle)


def dead_letters_without_reason(consumer, producer, payments, fees, dead_letters):
    def handle(message):
        try:
            producer.produce(fees, value=checks.fee(message.value()))
        except (ValueError, KeyError):
            producer.produce(dead_letters, value=message.value())
    _handle_all(consumer, producer, payments, handle)


def test_task4_wants_poison_records_dead_lettered_and_the_loop_going_on(cluster, lab):
    configs = (_config(lab, cluster, "fees", **{"enable.auto.commit": False}),
               {"bootstrap.servers": cluster.bootstrap_servers})
    verdict = checks.task4(lab, stops_at_poison, *configs)
    assert not verdict and "a poison record stopped your loop" in verdict.message, verdict
    verdict = checks.task4(lab, skips_poison, *configs)
    assert not verdict and "dead_letters holds 0 records" in verdict.message, verdict
    verdict = checks.task4(lab, dead_letters_without_reason, *configs)
    assert not verdict and "carry no 'error' header" in verdict.message, verdict
    verdict = checks.task4(lab, dead_letter_job, *configs)
    assert verdict and "27 fees written" in verdict.message, verdict


# Task 5 · max.poll.interval.ms

def test_task5_wants_a_poll_interval_between_the_slowest_record_and_the_deadline(cluster, lab):
    verdict = checks.task5(lab, _config(lab, cluster, "slow"))  # the default: 5 minutes
    assert not verdict and "still in its group" in verdict.message, verdict
    verdict = checks.task5(lab, _config(lab, cluster, "slow", **{"max.poll.interval.ms": 6000,
                                                                 "session.timeout.ms": 6000}))
    assert not verdict and "no longer in its group" in verdict.message, verdict
    verdict = checks.task5(lab, _config(lab, cluster, "slow", **{"max.poll.interval.ms": 12000}))  # session 45 s
    assert not verdict and "could not be built" in verdict.message, verdict
    verdict = checks.task5(lab, _config(lab, cluster, "slow", **{"max.poll.interval.ms": 12000,
                                                                 "session.timeout.ms": 10000}))
    assert verdict and "left its group" in verdict.message, verdict
