"""``course_lib.clean_up()``, a lesson's last call: it deletes what the kernel created since ``connect()``
and nothing that was there before (such as a lab the learner has not finished)."""

import subprocess
import sys

from confluent_kafka import Consumer, TopicPartition

from course_lib.clients.admin import admin_client, ask_coordinator, create_topic, list_topics
from course_lib.connection import client_config
from course_lib.tidy import listed_groups
from course_lib.waiting import poll_until

A_LESSON = """
import sys
import course_lib
from confluent_kafka import Consumer, TopicPartition
from course_lib.clients.admin import ask_coordinator, create_topic
from course_lib.connection import client_config

cluster = course_lib.connect()
made, group = sys.argv[1], sys.argv[2]
create_topic(made, partitions=2)
committer = Consumer(client_config(cluster.bootstrap_servers, group_id=group))
ask_coordinator(lambda: committer.commit(offsets=[TopicPartition(made, 0, 0)], asynchronous=False), "a commit")
committer.close()
print(course_lib.clean_up())
"""


def group_ids(cluster) -> set[str]:
    admin = admin_client(cluster)
    return {g.group_id for g in listed_groups(admin)}


def test_a_lesson_deletes_what_it_created_and_nothing_older(cluster, unique):
    older_topic, older_group = unique("clean-up-older"), unique("clean-up-older-group")
    made, made_group = unique("clean-up-made"), unique("clean-up-made-group")
    create_topic(older_topic, partitions=1, cluster=cluster)
    committer = Consumer(client_config(cluster.bootstrap_servers, group_id=older_group))
    ask_coordinator(lambda: committer.commit(offsets=[TopicPartition(older_topic, 0, 0)], asynchronous=False),
                    f"a commit of group {older_group}")
    committer.close()

    lesson = subprocess.run([sys.executable, "-c", A_LESSON, made, made_group], capture_output=True, text=True,
                            timeout=120)

    assert lesson.returncode == 0, lesson.stderr[-2000:]
    said = lesson.stdout.strip().splitlines()[-1]
    assert said.startswith("Cleaned up: deleted the ") and "this lesson created" in said, said
    topics = poll_until(lambda: set(list_topics(cluster)), f"every broker to forget {made}", timeout=15,
                        done=lambda names: made not in names)
    groups = group_ids(cluster)
    assert made_group not in groups
    assert older_topic in topics and older_group in groups
