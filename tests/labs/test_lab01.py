"""Lab 01's checks on the real cluster: each rejects wrong states a learner can reach and accepts a right one."""

from confluent_kafka import Producer

from course_lib.clients.admin import create_topic, list_topics
from course_lib.connection import client_config
from course_lib.labs import Lab
from course_lib.labs import lab01 as checks
from course_lib.clients.produce import produce, produce_one


def _send(cluster, topic, **fields):
    producer = Producer(client_config(cluster.bootstrap_servers))
    producer.produce(topic, **fields)
    assert producer.flush(30) == 0


def test_task1_wants_the_exact_greeting_and_creates_nothing(cluster):
    lab = Lab("01")
    verdict = checks.task1(lab)
    assert not verdict and "no topic" in verdict.message
    assert lab.topic("greetings") not in list_topics(cluster), "a check must not auto-create the learner's topic"
    create_topic(lab.topic("greetings"), partitions=3, cluster=cluster)
    produce_one(lab.topic("greetings"), "hello kafka", key="learner", cluster=cluster)
    assert not checks.task1(lab)
    produce_one(lab.topic("greetings"), "hello, Kafka", key="learner", cluster=cluster)
    assert checks.task1(lab)


def test_task2_wants_the_header_and_the_midnight_timestamp(cluster):
    lab = Lab("01")
    topic = lab.topic("greetings")
    assert not checks.task2(lab)
    create_topic(topic, partitions=3, cluster=cluster)
    _send(cluster, topic, key=b"history", value=b"x", timestamp=checks.MIDNIGHT)
    verdict = checks.task2(lab)
    assert not verdict and "lang=en" in verdict.message
    _send(cluster, topic, key=b"history", value=b"x", headers=[("lang", b"en")])
    verdict = checks.task2(lab)
    assert not verdict and "timestamp" in verdict.message
    _send(cluster, topic, key=b"history", value=b"x", headers=[("lang", b"en")], timestamp=checks.MIDNIGHT)
    assert checks.task2(lab)


def test_task3_wants_broker_timestamps_and_a_record(cluster):
    lab = Lab("01")
    assert not checks.task3(lab)
    create_topic(lab.topic("audit"), partitions=1, cluster=cluster)  # producer's clock
    produce_one(lab.topic("audit"), "login", cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "CreateTime" in verdict.message

    lab = Lab("01")
    create_topic(lab.topic("audit"), partitions=1, config={"message.timestamp.type": "LogAppendTime"}, cluster=cluster)
    verdict = checks.task3(lab)
    assert not verdict and "no record" in verdict.message
    produce_one(lab.topic("audit"), "login", cluster=cluster)
    assert checks.task3(lab)


def test_task4_counts_every_order_with_its_key(cluster):
    lab = Lab("01")
    topic = lab.topic("orders")
    assert not checks.task4(lab)
    create_topic(topic, partitions=3, cluster=cluster)
    produce(topic, [checks.order(i) for i in range(checks.ORDERS - 1)], cluster=cluster)
    verdict = checks.task4(lab)
    assert not verdict and "1 of 100" in verdict.message and "order-99" in verdict.message
    produce(topic, [("c0", "order-99")], cluster=cluster)  # right value, wrong customer
    assert not checks.task4(lab)
    produce(topic, [checks.order(checks.ORDERS - 1)], cluster=cluster)
    assert checks.task4(lab)
