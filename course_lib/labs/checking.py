"""What lab checks share: one way to say "done" or "not yet", and a check never raises.

A check is written as ``@task_check("Task 1 · ...")`` over a function that raises ``NotYet(message, hint)``
when the work is not done and returns the success message when it is; the decorator turns both into a
``Verdict`` named after the task, so the name is written once. A learner runs a check cell whatever state the
cluster is in — before doing the task, halfway, with a broker down — so the decorator also turns any error of
the cluster or the schema registry into a not-yet verdict that says what went wrong: a check cell always
displays a verdict instead of a traceback. Checks ask whether a topic exists before reading it: the course
cluster auto-creates topics, and a check must never create what the learner was asked to create.
"""

import functools

import httpx
from confluent_kafka import KafkaException
from confluent_kafka.schema_registry.error import SchemaRegistryError

from ..clients.admin import list_topics
from ..connection import reason
from ..errors import CourseError
from ..profile import active_profile
from .verdict import Verdict

__all__ = ["NotYet", "LocalOnly", "task_check", "topic_exists", "require_topic", "require_local", "answer_of",
           "error_said"]

_CHECK_STATUS = "check the cluster and the registry with `python -m course_lib status`, then run the check again."


class NotYet(Exception):
    """Raised from any depth of a check when the learner's work is not done; ``task_check`` makes it the verdict.

    Course machinery.
    """

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


class LocalOnly(Exception):
    """Raised by ``require_local`` on a class's shared cluster; ``task_check`` makes it a skipped verdict.

    Course machinery.
    """


def require_local(what: str) -> None:
    """Skip the check on a class's shared cluster (``course_lib.profile``): checking the task needs ``what``, which
    only the course's own cluster on this machine gives (course machinery)."""
    if active_profile() is not None:
        raise LocalOnly(f"checking it needs {what}, which only the course's own cluster on this machine gives; "
                        "the task itself runs here, so do it and watch what happens.")


def task_check(task: str, cluster_only: bool = False):
    """Decorate ``check(lab, *args) -> str`` (the success message) into a check that returns the task's ``Verdict``:
    passed with that message, or not yet when it raises ``NotYet`` or the cluster fails.

    ``cluster_only=True`` says the check needs nothing but the lab's names and what Kafka clients can read of the
    cluster — no learner's function or answer, no broker's process or file, no state of the learner's kernel, no
    clock that runs out — so ``python -m course_lib.labs grade`` can run it again for a student later, from anywhere.
    Course machinery.
    """
    def decorate(check):
        @functools.wraps(check)
        def guarded(*args, **kwargs) -> Verdict:
            try:
                message = check(*args, **kwargs)
            except NotYet as not_yet:
                return Verdict(task, False, not_yet.message, not_yet.hint)
            except LocalOnly as local_only:
                return Verdict(task, False, str(local_only), skipped=True)
            except (CourseError, KafkaException) as exc:
                return Verdict(task, False, f"the cluster could not be read ({exc}).", _CHECK_STATUS)
            except (SchemaRegistryError, httpx.HTTPError) as exc:
                return Verdict(task, False, f"the schema registry could not be read ({exc}).", _CHECK_STATUS)
            if not isinstance(message, str):  # a check that falls off its end must not pass
                raise TypeError(f"{check.__qualname__} must return its success message or raise NotYet, "
                                f"not return {message!r}.")
            return Verdict(task, True, message)
        guarded.__annotations__ = {**check.__annotations__, "return": Verdict}
        guarded.task, guarded.cluster_only = task, cluster_only
        return guarded
    return decorate


def topic_exists(topic: str) -> bool:
    """Whether ``topic`` exists — asked without naming it, so the broker does not auto-create it (course machinery)."""
    return topic in list_topics()


def require_topic(topic: str, hint: str) -> None:
    """Raise ``NotYet`` ("there is no topic ... yet", with ``hint``) for a topic the learner has not created yet.

    Course machinery.
    """
    if not topic_exists(topic):
        raise NotYet(f"there is no topic {topic} yet.", hint)


def answer_of(function, *args):
    """What the learner's ``function(*args)`` returns; an error in it becomes a not-yet verdict that names it — one
    readable line, never swallowed (course machinery: labs 16 and 17 call the learner's functions)."""
    try:
        return function(*args)
    except NotImplementedError:
        raise NotYet("your function is not written yet.", "replace `raise NotImplementedError` with your code.") from None
    except Exception as error:  # noqa: BLE001 — the learner's code: one line, not a traceback
        raise NotYet(f"your function raised {error_said(error)}",
                     "call it in a cell of its own to see the full traceback.") from None


def error_said(error: BaseException) -> str:
    """An exception in one readable line: its type and message — for a client's error, the Kafka error's name and
    text (``KafkaException INVALID_CONFIG: Unknown group config name: ...``) rather than the ``KafkaError{...}`` repr
    (course machinery: ``answer_of``, and lab 21's checks for the learner's workers)."""
    kafka_error = error.args[0] if isinstance(error, KafkaException) and error.args else None
    if hasattr(kafka_error, "name"):
        return f"{type(error).__name__} {kafka_error.name()}: {reason(error)}"
    return f"{type(error).__name__}: {error}"
