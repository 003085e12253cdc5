"""``wait_until_group_empty``: the wait a tool such as ``kafka-consumer-groups --reset-offsets`` needs; and
``ask_coordinator``, which asks a group's coordinator again while it loads."""

import threading
import time

import pytest
from confluent_kafka import KafkaError, KafkaException

from course_lib.clients.admin import ask_coordinator, committed_offsets, create_topic, wait_until_group_empty
from course_lib.clients.consume import consumer, fresh_group_id
from course_lib.errors import CourseError
from course_lib.toolchain.kafka_tools import run_tool
from course_lib.clients.produce import produce
from course_lib.waiting import poll_until


def joined_member(topic: str, group: str):
    """A consumer of ``group`` that has joined it and read ``topic``."""
    member = consumer(group, enable_auto_commit=False)
    member.subscribe([topic])

    def assignment_after_a_poll():
        member.poll(0.5)
        return member.assignment()
    poll_until(assignment_after_a_poll, f"the consumer to join {group} and get {topic}'s partition", 30, every=0)
    return member


def test_waits_for_the_last_member_to_leave_then_the_reset_tool_accepts_the_group(cluster, unique):
    topic, group = unique("group-state"), fresh_group_id("group-state")
    create_topic(topic, partitions=1)
    produce(topic, [f"event {i}" for i in range(5)])
    member = joined_member(topic, group)
    leaving = threading.Timer(2, member.close)
    leaving.start()
    started = time.monotonic()
    wait_until_group_empty(group, timeout=30)
    assert time.monotonic() - started >= 1.5, "it waited while the member was still in the group"
    run_tool("kafka-consumer-groups", "--bootstrap-server", cluster.bootstrap_servers, "--group", group,
             "--topic", topic, "--reset-offsets", "--to-offset", 3, "--execute")
    assert committed_offsets(group, topic) == {0: 3}, "the tool reset the group (it refuses one with members)"
    leaving.join()


def test_a_group_that_keeps_its_member_is_one_sentence_naming_it(cluster, unique):
    topic, group = unique("group-state"), fresh_group_id("group-state")
    create_topic(topic, partitions=1)
    member = joined_member(topic, group)
    try:
        with pytest.raises(CourseError, match=rf"^Waited 2 s for group '{group}' to have no members "
                                          rf"\(its state, members\); last seen: \('[A-Z_]+', 1\)\. close\(\)"):
            wait_until_group_empty(group, timeout=2)
    finally:
        member.close()


def test_a_group_that_never_existed_is_already_empty(cluster):
    started = time.monotonic()
    wait_until_group_empty(fresh_group_id("never-used"), timeout=5)
    assert time.monotonic() - started < 5


def test_ask_coordinator_asks_again_while_the_coordinator_loads_and_raises_anything_else_at_once():
    """A broker that just restarted answers COORDINATOR_LOAD_IN_PROGRESS for its groups for a few seconds."""
    answers = [KafkaError.COORDINATOR_LOAD_IN_PROGRESS, KafkaError.NOT_COORDINATOR, "answer"]

    def ask():
        answer = answers.pop(0)
        if answer != "answer":
            raise KafkaException(KafkaError(answer))
        return answer
    assert ask_coordinator(ask, "a test answer", timeout=10) == "answer" and not answers
    answers = [KafkaError.GROUP_AUTHORIZATION_FAILED, "answer"]
    with pytest.raises(KafkaException):
        ask_coordinator(ask, "a test answer", timeout=10)
    assert answers == ["answer"], "asked once: the error is not the coordinator's loading"
