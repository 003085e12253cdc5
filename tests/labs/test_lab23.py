"""Lab 23's checks on the real tiered-storage cluster: the solution's functions pass; each plausible wrong answer —
a topic that does not opt in, the disk's limit set as retention.bytes (deleting rather than tiering), a total
retention as small as the local one, no topic at all; a reader at `latest` — is rejected with the reason; the
untouched student copy is told "not yet"; and the checks leave no topic behind."""

import time

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from untouched import assert_told_not_yet  # tests/labs/untouched.py

from course_lib.cluster.tiered import TieredCluster
from course_lib.labs import Lab
from course_lib.labs import lab23 as checks
from course_lib.labs.lab23 import MIB, WEEK_MS
from course_lib.paths import REPO_ROOT

SOLUTION = {"remote.storage.enable": "true", "local.retention.bytes": str(MIB), "retention.ms": str(WEEK_MS),
            "segment.bytes": str(MIB)}


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("23")
    checks.prepare(lab)
    yield lab
    TieredCluster().reset()  # the lab's topics are gone; the cluster's data goes with it


def topic_creator(config: dict | None):
    """A ``create_tiered_topic`` that creates the topic with ``config`` (None: creates nothing)."""
    def create_tiered_topic(admin_config, topic):
        if config is not None:
            admin = AdminClient(admin_config)  # kept until result(): a client collected mid-call cancels it
            admin.create_topics([NewTopic(topic, 1, 1, config=config)])[topic].result()
    return create_tiered_topic


def test_task1_accepts_the_solution(lab):
    verdict = checks.task1(lab, topic_creator(SOLUTION))
    assert verdict, verdict
    assert "still starts at 0" in verdict.message


@pytest.mark.parametrize("config, why", [
    (None, "there is no topic"),
    ({**SOLUTION, "remote.storage.enable": "false"}, "not tiered"),
    ({"retention.bytes": str(MIB), "retention.ms": str(WEEK_MS), "remote.storage.enable": "true",
      "segment.bytes": str(MIB)}, "deleted, not tiered"),
    ({**SOLUTION, "retention.bytes": str(MIB)}, "deleted, not tiered"),
    ({key: value for key, value in SOLUTION.items() if key != "local.retention.bytes"}, "-2 (as retention.bytes)"),
], ids=["no topic", "no remote.storage.enable", "retention.bytes for the disk", "total as small as local",
        "no local retention"])
def test_task1_rejects(lab, config, why):
    """Each answer is refused for its own reason, before the check writes anything."""
    verdict = checks.task1(lab, topic_creator(config))
    assert not verdict and why in verdict.message, verdict


def test_task1_explains_an_admin_client_collected_too_soon(lab):
    def create_tiered_topic(admin_config, topic):
        AdminClient(admin_config).create_topics([NewTopic(topic, 1, 1, config=SOLUTION)])[topic].result()
    verdict = checks.task1(lab, create_tiered_topic)
    assert not verdict and "_DESTROY" in verdict.message and "variable" in verdict.hint, verdict


def read_at_latest(consumer_config, topic):
    """A reader with the client's default auto.offset.reset (latest) that gives up after 5 s."""
    consumer = Consumer(consumer_config)
    consumer.subscribe([topic])
    values, deadline = [], time.monotonic() + 5
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            values.append(message.value())
    consumer.close()
    return values


def test_task2_rejects_a_reader_at_latest(lab):
    verdict = checks.task2(lab, read_at_latest)
    assert not verdict and "started at the end" in verdict.message, verdict


def read_from_start(consumer_config, topic):
    """The solution's reader: partition 0 from OFFSET_BEGINNING up to the high watermark."""
    consumer = Consumer({**consumer_config, "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    _, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    values, deadline = [], time.monotonic() + 30
    while len(values) < high and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            values.append(message.value())
    consumer.close()
    return values


def test_task2_accepts_the_solution_and_the_checks_leave_no_topic(lab):
    verdict = checks.task2(lab, read_from_start)
    assert verdict and "from the remote tier" in verdict.message, verdict
    topics = AdminClient({"bootstrap.servers": TieredCluster().bootstrap_servers}).list_topics(timeout=10).topics
    assert [topic for topic in topics if topic.endswith(lab.run_id) or f"-{lab.run_id}-" in topic] == []


def test_an_untouched_student_copy_is_told_not_yet(lab):
    assert_told_not_yet(REPO_ROOT / "labs/23_tiered_storage/student.ipynb")
