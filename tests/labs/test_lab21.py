"""Lab 21's checks on the real course cluster: the solution's functions pass; each plausible wrong answer — a queue
left at latest, without a dead-letter topic, with one not created or not created for dead letters, set up on the
wrong group or with a classic consumer's key; a consumer group of workers, a worker that returns at once, one that
ignores stop, one that never acknowledges, one that raises; a poison job released, escaping, or accepted — is
rejected with the reason; the untouched student copy is told "not yet"; and the checks leave no topic behind."""

import threading

import pytest
from confluent_kafka import AcknowledgeType, Consumer, KafkaException, ShareConsumer
from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewTopic, ResourceType
from untouched import assert_told_not_yet  # tests/labs/untouched.py

from course_lib.clients.admin import list_topics
from course_lib.connection import client_config
from course_lib.labs import Lab
from course_lib.labs import lab21 as checks
from course_lib.labs.lab21 import PoisonJob
from course_lib.paths import REPO_ROOT
from course_lib.waiting import poll_until

DLQ_FLAG = {"errors.deadletterqueue.group.enable": "true"}


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("21")
    checks.prepare(lab)
    return lab


# -- task 1 -----------------------------------------------------------------------------------------------------

def queue_opener(settings=None, create=True, topic_config=DLQ_FLAG, group=None):
    """An ``open_queue`` like the solution's, with one of a learner's plausible slips: other group ``settings``
    (``{dead_letters}`` stands for the topic's name), no topic, a topic without the flag, another ``group``."""
    def open_queue(admin_config, group_id, dead_letters):
        admin = AdminClient(admin_config)
        if create:
            admin.create_topics([NewTopic(dead_letters, 1, config=topic_config)])[dead_letters].result()
        wanted = settings or {"share.auto.offset.reset": "earliest",
                              "errors.deadletterqueue.topic.name": "{dead_letters}"}
        entries = [ConfigEntry(key, value.format(dead_letters=dead_letters),
                               incremental_operation=AlterConfigOpType.SET) for key, value in wanted.items()]
        resource = ConfigResource(ResourceType.GROUP, group or group_id, incremental_configs=entries)
        for future in admin.incremental_alter_configs([resource]).values():
            future.result()
    return open_queue


def test_task1_accepts_the_solution(lab):
    verdict = checks.task1(lab, queue_opener())
    assert verdict, verdict
    assert "all 4 jobs" in verdict.message and "Offset rejected by client." in verdict.message


@pytest.fixture
def no_group_configs_left(cluster):
    """Delete what a wrong answer set on the group it should not have touched ("workers")."""
    yield
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    entries = [ConfigEntry(key, "", incremental_operation=AlterConfigOpType.DELETE)
               for key in ("share.auto.offset.reset", "errors.deadletterqueue.topic.name")]
    for future in admin.incremental_alter_configs(
            [ConfigResource(ResourceType.GROUP, "workers", incremental_configs=entries)]).values():
        future.result()


@pytest.mark.parametrize("wrong, why", [
    (lambda admin_config, group_id, dead_letters: None, ("share.auto.offset.reset=latest (Kafka's default)",)),
    (queue_opener({"share.auto.offset.reset": "earliest"}, create=False), ("no dead-letter topic",)),
    (queue_opener(create=False), ("there is no such topic",)),
    (queue_opener(topic_config={}), ("errors.deadletterqueue.group.enable=false",)),
    (queue_opener({"auto.offset.reset": "earliest", "errors.deadletterqueue.topic.name": "{dead_letters}"}),
     ("INVALID_CONFIG: Unknown group config name: auto.offset.reset",)),
    (queue_opener({"share.auto.offset.reset": "latest", "errors.deadletterqueue.topic.name": "{dead_letters}"}),
     ("share.auto.offset.reset=latest:", "reads none of the 4 jobs")),
    (lambda admin_config, group_id, dead_letters: (_ for _ in ()).throw(NotImplementedError), ("not written yet",)),
], ids=["nothing", "no dead letters", "topic not created", "topic without the flag", "auto.offset.reset", "latest",
        "not written"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and all(part in verdict.message for part in why), verdict


def test_task1_rejects_the_wrong_group(lab, no_group_configs_left):
    verdict = checks.task1(lab, queue_opener(group="workers"))
    assert not verdict and "share.auto.offset.reset=latest (Kafka's default)" in verdict.message, verdict


def test_task1_says_which_key_a_share_group_takes(lab):
    verdict = checks.task1(lab, queue_opener({"auto.offset.reset": "earliest"}))
    assert not verdict and "share.auto.offset.reset" in verdict.hint, verdict


# -- the workers, as a learner writes them ----------------------------------------------------------------------

def implicit_worker(consumer_config, topic, handle, stop):
    """Task 2's solution: implicit acknowledgement."""
    with ShareConsumer(consumer_config) as consumer:
        consumer.subscribe([topic])
        while not stop.is_set():
            for message in consumer.poll(1.0):
                if message.error() is None:
                    handle(message.value())


def explicit_worker(on_poison=AcknowledgeType.REJECT, catch=PoisonJob):
    """Task 3's solution (``on_poison`` None: the poison job is never acknowledged)."""
    def work(consumer_config, topic, handle, stop):
        with ShareConsumer({**consumer_config, "share.acknowledgement.mode": "explicit"}) as consumer:
            consumer.subscribe([topic])
            while not stop.is_set():
                for message in consumer.poll(1.0):
                    if message.error() is not None:
                        continue
                    try:
                        handle(message.value())
                    except catch:
                        if on_poison is not None:
                            consumer.acknowledge(message, on_poison)
                    else:
                        consumer.acknowledge(message, AcknowledgeType.ACCEPT)
    return work


def classic_worker(consumer_config, topic, handle, stop):
    """A consumer group's member: lesson 05's loop."""
    consumer = Consumer({**consumer_config, "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    try:
        while not stop.is_set():
            message = consumer.poll(1.0)
            if message is not None and message.error() is None:
                handle(message.value())
    finally:
        consumer.close()


def one_poll_worker(consumer_config, topic, handle, stop):
    """Polls once and returns: no loop."""
    with ShareConsumer(consumer_config) as consumer:
        consumer.subscribe([topic])
        for message in consumer.poll(1.0):
            handle(message.value())


def never_acknowledging_worker(consumer_config, topic, handle, stop):
    """Explicit mode, but no acknowledge()."""
    with ShareConsumer({**consumer_config, "share.acknowledgement.mode": "explicit"}) as consumer:
        consumer.subscribe([topic])
        while not stop.is_set():
            for message in consumer.poll(1.0):
                handle(message.value())


def message_handing_worker(consumer_config, topic, handle, stop):
    """Hands handle() the message, not its value."""
    with ShareConsumer(consumer_config) as consumer:
        consumer.subscribe([topic])
        while not stop.is_set():
            for message in consumer.poll(1.0):
                handle(message)


def swallowing_worker(consumer_config, topic, handle, stop):
    """Implicit mode, the poison job's error caught and the loop kept going: the next poll accepts the job."""
    with ShareConsumer(consumer_config) as consumer:
        consumer.subscribe([topic])
        while not stop.is_set():
            for message in consumer.poll(1.0):
                try:
                    handle(message.value())
                except Exception as error:
                    print(f"job failed: {error}")


# -- task 2 -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("work", [implicit_worker, explicit_worker()], ids=["implicit", "explicit"])
def test_task2_accepts_a_share_consumer(lab, work):
    verdict = checks.task2(lab, work)
    assert verdict, verdict
    assert "up to" in verdict.message and "times as fast as one worker" in verdict.message


@pytest.mark.parametrize("wrong, why", [
    (classic_worker, ("each partition goes to one member", "at most 2 jobs at once")),
    (one_poll_worker, ("returned before stop was set",)),
    (never_acknowledging_worker, ("IllegalStateException", "not been acknowledged")),
    (message_handing_worker, ("your work raised TypeError", "message.value()")),
    (lambda consumer_config, topic, handle, stop: (_ for _ in ()).throw(NotImplementedError), ("not written yet",)),
], ids=["consumer group", "returns at once", "never acknowledges", "raises", "not written"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and all(part in verdict.message for part in why), verdict


def test_task2_rejects_a_worker_that_ignores_stop(lab, cluster):
    released, groups, workers = threading.Event(), set(), []

    def ignores_stop(consumer_config, topic, handle, stop):
        groups.add(consumer_config["group.id"])
        workers.append(threading.current_thread())
        with ShareConsumer(consumer_config) as consumer:
            consumer.subscribe([topic])
            while not released.is_set():  # `while True`, as far as the check can tell: stop is never looked at
                for message in consumer.poll(1.0):
                    handle(message.value())

    try:
        verdict = checks.task2(lab, ignores_stop)
    finally:
        released.set()
    assert not verdict and "still running 15 s after stop was set" in verdict.message, verdict
    for worker in workers:  # they close; their group is empty then, and can go (the check could not delete it)
        worker.join(30)
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    poll_until(lambda: [future.result() for future in admin.delete_consumer_groups(
        list(groups), request_timeout=10).values()], "the workers' share group to be deleted", timeout=60,
        done=lambda _deleted: True, retry_on=(KafkaException,))


# -- task 3 -----------------------------------------------------------------------------------------------------

def test_task3_accepts_the_solution(lab):
    verdict = checks.task3(lab, explicit_worker())
    assert verdict, verdict
    assert "attempted once" in verdict.message and "Offset rejected by client." in verdict.message


@pytest.mark.parametrize("wrong, why", [
    (explicit_worker(on_poison=AcknowledgeType.RELEASE),
     ("attempted 5 times", "Offset delivery count exceeded the threshold.")),
    (implicit_worker, ("PoisonJob escaped from your work", "one after another")),
    (swallowing_worker, ("attempted once and is not in", "acknowledged it as done")),
    (explicit_worker(on_poison=None), ("IllegalStateException",)),
    (explicit_worker(catch=ValueError), ("PoisonJob escaped from your work",)),
], ids=["released", "escapes", "accepted", "never acknowledged", "caught the wrong error"])
def test_task3_rejects(lab, wrong, why):
    verdict = checks.task3(lab, wrong)
    assert not verdict and all(part in verdict.message for part in why), verdict


# -- the rest ---------------------------------------------------------------------------------------------------

def test_the_checks_leave_no_topic_behind(lab):
    assert not [topic for topic in list_topics() if "lab21-" in topic and lab.run_id in topic]


def test_the_untouched_student_copy_is_told_not_yet(lab):
    assert_told_not_yet(REPO_ROOT / "labs" / "21_share_groups" / "student.ipynb")
