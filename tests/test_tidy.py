"""``tidy`` on the real cluster: it lists, then deletes, leftover topics and empty groups — never Kafka's
topics, the registry's ``_schemas``, a ``_…`` topic or a group with a live member.

The cluster is shared with every other test (and, run by a learner, with their lessons), so the real
deletion is limited to this test's own prefix, and the assertions are about this test's own names.
"""

import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from course_lib.clients.admin import admin_client, ask_coordinator, create_topic, delete_topic, list_topics
from course_lib.connection import client_config
from course_lib.tidy import listed_groups, tidy
from course_lib.waiting import poll_until


def line_for(report: str, kind: str, name: str) -> str:
    [line] = [line for line in report.splitlines() if re.match(rf"{kind}\s+{re.escape(name)}\s", line)]
    return line


def group_ids(cluster) -> set[str]:
    admin = admin_client(cluster)  # alive until the future resolves
    return {g.group_id for g in listed_groups(admin)}


@pytest.fixture
def leftovers(cluster, unique):
    """Two topics (1 and 2 partitions), a ``_…`` topic, an empty group and a group with a live member."""
    prefix = unique("tidy")
    names = SimpleNamespace(prefix=prefix, one=f"{prefix}-one", two=f"{prefix}-two", underscored=f"_{prefix}",
                            empty=f"{prefix}-empty", live=f"{prefix}-live")
    create_topic(names.one, partitions=1, cluster=cluster)
    create_topic(names.two, partitions=2, cluster=cluster)
    create_topic(names.underscored, partitions=1, cluster=cluster)
    committer = Consumer(client_config(cluster.bootstrap_servers, group_id=names.empty))
    ask_coordinator(lambda: committer.commit(offsets=[TopicPartition(names.one, 0, 0)], asynchronous=False),
                    f"a commit of group {names.empty}")  # a group with no member
    committer.close()
    member = Consumer(client_config(cluster.bootstrap_servers, group_id=names.live))
    member.subscribe([names.two])
    poll_until(lambda: member.poll(0.5) or member.assignment(), "the live member to get its partitions",
               timeout=30, done=lambda _: bool(member.assignment()))
    yield names
    member.close()
    delete_topic(names.underscored, cluster=cluster)  # the module's clean-up never deletes "_" topics


def test_a_dry_run_lists_everything_and_deletes_nothing(cluster, leftovers):
    run = subprocess.run([sys.executable, "-m", "course_lib", "tidy", "--dry-run"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    report = run.stdout
    assert line_for(report, "topic", leftovers.one).endswith(" 1 partition  would delete")
    assert line_for(report, "topic", leftovers.two).endswith(" 2 partitions  would delete")
    assert line_for(report, "group", leftovers.empty).endswith("empty  would delete")
    assert "kept: it has live members" in line_for(report, "group", leftovers.live)
    for kept in (leftovers.underscored, "__consumer_offsets", "_schemas"):
        assert "kept: Kafka's or the course's own" in line_for(report, "topic", kept)
    assert re.search(r"^Would delete \d+ topics? \(\d+ partitions?\) and \d+ groups?; kept: ", report.splitlines()[-1])

    assert {leftovers.one, leftovers.two} <= set(list_topics(cluster))
    assert {leftovers.empty, leftovers.live} <= group_ids(cluster)


def test_tidy_deletes_the_topics_and_the_empty_group_and_keeps_the_rest(cluster, leftovers):
    report = tidy(cluster, prefixes=(leftovers.prefix, leftovers.underscored))

    assert line_for(report, "topic", leftovers.one).endswith("  deleted")
    assert line_for(report, "group", leftovers.empty).endswith("  deleted")
    assert "kept: it has live members" in line_for(report, "group", leftovers.live)
    assert report.splitlines()[-1].startswith("Deleted 2 topics (3 partitions) and 1 group; kept: 1 topic ")

    # the broker asked may learn of the deletion a moment later
    topics = poll_until(lambda: set(list_topics(cluster, internal=True)), "every broker to forget the deleted topics",
                        timeout=15, done=lambda names: not {leftovers.one, leftovers.two} & names)
    assert {leftovers.underscored, "__consumer_offsets", "_schemas"} <= topics
    groups = group_ids(cluster)
    assert leftovers.empty not in groups
    assert leftovers.live in groups


def test_with_the_cluster_down_it_says_how_to_start_it(tmp_path):
    run = subprocess.run([sys.executable, "-m", "course_lib", "tidy"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COURSE_HOME": str(tmp_path)})
    assert run.returncode == 1
    assert "not running; start it with `python -m course_lib up`" in run.stderr


class ListingAdmin:
    """A fake AdminClient whose first ``failing`` listings carry one broker's ``error``: a coordinator still loading
    its ``__consumer_offsets`` partitions after a restart (its groups missing), or a broker that is down."""

    def __init__(self, failing: int, error: int):
        self.failing, self.error, self.asked = failing, error, 0

    def list_consumer_groups(self, request_timeout):
        self.asked += 1
        if self.asked <= self.failing:
            groups, errors = ["a"], [KafkaException(KafkaError(self.error))]
        else:
            groups, errors = ["a", "b"], []
        listing = SimpleNamespace(valid=[SimpleNamespace(group_id=g) for g in groups], errors=errors)
        return SimpleNamespace(result=lambda: listing)


def test_a_listing_from_a_loading_coordinator_is_asked_again():
    admin = ListingAdmin(failing=2, error=KafkaError.COORDINATOR_LOAD_IN_PROGRESS)
    assert [g.group_id for g in listed_groups(admin)] == ["a", "b"]
    assert admin.asked == 3


def test_a_broker_that_is_down_is_left_out_at_once():
    admin = ListingAdmin(failing=10**6, error=KafkaError._TRANSPORT)
    assert [g.group_id for g in listed_groups(admin)] == ["a"]
    assert admin.asked == 1


def test_a_coordinator_loading_for_good_is_left_out_after_the_wait():
    admin = ListingAdmin(failing=10**6, error=KafkaError.COORDINATOR_LOAD_IN_PROGRESS)
    assert [g.group_id for g in listed_groups(admin, loading_wait=1)] == ["a"]
    assert 2 <= admin.asked <= 4
