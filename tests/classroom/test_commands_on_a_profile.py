"""``python -m course_lib`` under a student's profile: ``up`` starts nothing and says which cluster it reached, what
needs the course's own processes says so in one sentence, and ``tidy`` sees only the student's namespace."""

import os
import subprocess
import sys

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from course_lib.paths import REPO_ROOT
from course_lib.waiting import poll_until


def course(profile, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_KAFKA_")}
    return subprocess.run([sys.executable, "-m", "course_lib", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120, env={**env, "COURSE_PROFILE": str(profile)})


def test_up_reaches_the_shared_cluster_and_starts_nothing(student, secure):
    done = course(student("cli-cat"), "up")
    assert done.returncode == 0, done.stderr
    assert "Connected to 3 brokers at " + secure.bootstrap_servers in done.stdout
    assert "namespace cli-cat." in done.stdout


def test_killing_a_broker_of_a_shared_cluster_is_refused_in_one_sentence(student, secure):
    done = course(student("cli-cat"), "kill-broker", "1")
    assert done.returncode == 1
    assert "needs the course's own cluster on this machine" in done.stderr and done.stderr.count("\n") == 1
    assert all(node.process.alive for node in secure.nodes)


def test_tidy_sees_only_the_students_namespace(student, secure):
    profile = student("cli-cat")
    with AdminClient(secure.client_config("admin")) as admin:
        for future in admin.create_topics([NewTopic("cli-cat.leftover", 1, 1), NewTopic("cli-dog.leftover", 1, 1)],
                                          operation_timeout=30).values():
            future.result()
        try:
            done = course(profile, "tidy", "--dry-run")
            assert done.returncode == 0, done.stderr
            assert "cli-cat.leftover" in done.stdout and "cli-dog.leftover" not in done.stdout
            done = course(profile, "tidy")
            assert done.returncode == 0, done.stderr
            topics = poll_until(lambda: admin.list_topics(timeout=10).topics, "the deletion to reach the metadata",
                                30, done=lambda topics: "cli-cat.leftover" not in topics)
            assert "cli-dog.leftover" in topics
        finally:
            for name, future in admin.delete_topics(["cli-dog.leftover", "cli-cat.leftover"],
                                                    operation_timeout=30).items():
                try:
                    future.result()
                except KafkaException as gone:  # tidy deleted the student's
                    assert gone.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART, (name, gone)
