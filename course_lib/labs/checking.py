"""What lab checks share: a check never raises, and a missing topic is a friendly "not yet".

A learner runs a check cell whatever state the cluster is in — before doing the task, halfway, with a
broker down. Checks ask whether a topic exists before reading it: the course cluster auto-creates topics,
and a check must never create what the learner was asked to create. ``@never_raises("Task 1 · ...")``
turns any error of the cluster or the schema registry into a not-yet verdict that says what went wrong, so a check cell
always displays a verdict instead of a traceback.
"""

import functools

import httpx
from confluent_kafka import KafkaException
from confluent_kafka.schema_registry.error import SchemaRegistryError

from ..admin import list_topics
from ..errors import CourseError
from .verdict import Verdict

__all__ = ["NotYet", "never_raises", "topic_exists", "missing_topic", "require_topic"]

_CHECK_STATUS = "check the cluster and the registry with `python -m course_lib status`, then run the check again."


class NotYet(Exception):
    """Raised from any depth of a check when the learner's work is not done; ``never_raises`` makes it the verdict.

    It spares helpers the ``(result, verdict-or-None)`` return shape, and the trap that a failing
    ``Verdict`` is falsy.
    """

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def never_raises(task: str):
    """Decorate ``check(lab, *args) -> Verdict`` so that ``NotYet`` or a cluster error becomes a not-yet verdict."""
    def decorate(check):
        @functools.wraps(check)
        def guarded(*args, **kwargs) -> Verdict:
            try:
                return check(*args, **kwargs)
            except NotYet as not_yet:
                return Verdict(task, False, not_yet.message, not_yet.hint)
            except (CourseError, KafkaException) as exc:
                return Verdict(task, False, f"the cluster could not be read ({exc}).", _CHECK_STATUS)
            except (SchemaRegistryError, httpx.HTTPError) as exc:
                return Verdict(task, False, f"the schema registry could not be read ({exc}).", _CHECK_STATUS)
        return guarded
    return decorate


def topic_exists(topic: str) -> bool:
    """Whether ``topic`` exists — asked without naming it, so the broker does not auto-create it."""
    return topic in list_topics()


def missing_topic(task: str, topic: str, hint: str) -> Verdict:
    """The not-yet verdict for a topic the learner has not created yet."""
    return Verdict(task, False, _no_topic(topic), hint)


def require_topic(topic: str, hint: str) -> None:
    """Raise ``NotYet`` for a topic the learner has not created yet (for helpers deep inside a check)."""
    if not topic_exists(topic):
        raise NotYet(_no_topic(topic), hint)


def _no_topic(topic: str) -> str:
    return f"there is no topic {topic} yet."
