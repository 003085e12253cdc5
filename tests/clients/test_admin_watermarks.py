"""``ask_watermarks`` asks again while a partition's new leader has not caught up (no cluster: a fake consumer)."""

import pytest
from confluent_kafka import KafkaError, KafkaException

from course_lib import CourseError
from course_lib.clients.admin import ask_watermarks


class NewLeaderConsumer:
    """Answers OFFSET_NOT_AVAILABLE ``refusals`` times, as a leader elected a moment ago does, then (0, 5)."""

    def __init__(self, refusals: int):
        self.refusals = refusals

    def get_watermark_offsets(self, partition, timeout):
        if self.refusals:
            self.refusals -= 1
            raise KafkaException(KafkaError(KafkaError.OFFSET_NOT_AVAILABLE))
        return (0, 5)


def test_a_new_leader_that_has_not_caught_up_is_asked_again():
    assert ask_watermarks(NewLeaderConsumer(refusals=2), "orders", [0, 1]) == {0: (0, 5), 1: (0, 5)}


def test_a_refusal_that_lasts_is_one_sentence_naming_the_error():
    with pytest.raises(CourseError, match=r"watermarks of 'orders'.*OFFSET_NOT_AVAILABLE"):
        ask_watermarks(NewLeaderConsumer(refusals=10**6), "orders", [0], timeout=1)
