"""The lab framework's ``task_check``: a message passes, ``NotYet`` or a cluster error is not yet, a bug still raises;
``answer_of`` says an error in the learner's function in one readable line."""

import httpx
import pytest
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.schema_registry.error import SchemaRegistryError

from course_lib.errors import CourseError
from course_lib.labs import Lab, Verdict
from course_lib.labs.checking import NotYet, answer_of, require_local, task_check


def _failing_check(error: Exception):
    @task_check("Task 9 · guarded")
    def check(lab):
        raise error
    return check


@pytest.mark.parametrize("error, source", [
    (CourseError("no broker is running"), "the cluster"),
    (KafkaException(KafkaError(KafkaError._TRANSPORT)), "the cluster"),
    (SchemaRegistryError(503, 50301, "registry is starting"), "the schema registry"),
    (httpx.ConnectError("connection refused"), "the schema registry"),
])
def test_a_cluster_or_registry_error_becomes_a_not_yet_verdict(error, source):
    verdict = _failing_check(error)(lab=None)
    assert not verdict and verdict.task == "Task 9 · guarded"
    assert verdict.message.startswith(f"{source} could not be read") and "course_lib status" in verdict.hint


def test_a_bug_in_the_check_itself_is_not_hidden():
    with pytest.raises(ZeroDivisionError):
        _failing_check(ZeroDivisionError())(lab=None)


def test_the_returned_message_is_a_passed_verdict_named_after_the_task():
    @task_check("Task 9 · guarded")
    def check(lab):
        return f"{lab} is done."
    verdict = check("the topic")
    assert verdict and (verdict.task, verdict.message) == ("Task 9 · guarded", "the topic is done.")


def test_a_check_that_returns_no_message_raises_instead_of_passing():
    @task_check("Task 9 · guarded")
    def check(lab):
        if lab == "finished":
            return "all done."
    with pytest.raises(TypeError, match="must return its success message or raise NotYet, not return None"):
        check("halfway")


def test_not_yet_raised_deep_inside_a_check_becomes_its_verdict():
    def helper():
        raise NotYet("broker 2 is still down.", "start it again.")

    @task_check("Task 9 · guarded")
    def check(lab):
        helper()
        return "unreachable"
    verdict = check(lab=None)
    assert not verdict and (verdict.task, verdict.message, verdict.hint) == \
        ("Task 9 · guarded", "broker 2 is still down.", "start it again.")


def test_a_local_only_check_runs_on_the_own_cluster_and_is_skipped_on_a_shared_one(monkeypatch):
    @task_check("Task 9 · local")
    def check(lab):
        require_local("the brokers' segment files")
        return "read the files."

    for name in ("COURSE_PROFILE", "COURSE_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    assert check(lab=None).passed
    monkeypatch.setenv("COURSE_KAFKA_BOOTSTRAP_SERVERS", "kafka.example.org:9092")
    lab = Lab("99")
    skipped = lab.record(check(lab))
    assert not skipped and skipped.skipped and "segment files" in skipped.message and str(skipped).startswith("–")
    assert lab.all_passed() and "0 of 1 tasks done, 1 skipped" in lab.summary()
    lab.record(Verdict("Task 10 · other", False, "not done."))
    assert not lab.all_passed()


def test_a_client_error_in_the_learners_function_is_said_in_one_readable_line():
    def open_queue():
        raise KafkaException(KafkaError(KafkaError.INVALID_CONFIG, "Unknown group config name: auto.offset.reset"))
    with pytest.raises(NotYet) as raised:
        answer_of(open_queue)
    assert raised.value.message == ("your function raised KafkaException INVALID_CONFIG: Unknown group config name: "
                                    "auto.offset.reset")
