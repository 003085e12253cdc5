"""``ask_watermarks`` asks again while a partition's new leader has not caught up (no cluster: a fake consumer)."""

import pytest
from confluent_kafka import KafkaError, KafkaException

from course_lib import CourseError
from course_lib.clients.admin import ask_watermarks


class NewLeaderConsumer:
    """Answers ``error`` ``refusals`` times, as a leader elected a moment ago does (OFFSET_NOT_AVAILABLE), or a
    broker asked by a client whose metadata still names it leader (NOT_LEADER_FOR_PARTITION); then (0, 5)."""

    def __init__(self, refusals: int, error: int = KafkaError.OFFSET_NOT_AVAILABLE):
        self.refusals = refusals
        self.error = error
        self.asked = 0

    def get_watermark_offsets(self, partition, timeout):
        self.asked += 1
        if self.refusals:
            self.refusals -= 1
            raise KafkaException(KafkaError(self.error))
        return (0, 5)


def test_a_new_leader_that_has_not_caught_up_is_asked_again():
    assert ask_watermarks(NewLeaderConsumer(refusals=2), "orders", [0, 1]) == {0: (0, 5), 1: (0, 5)}


def test_a_client_whose_metadata_names_the_old_leader_asks_again():
    consumer = NewLeaderConsumer(refusals=1, error=KafkaError.NOT_LEADER_FOR_PARTITION)
    assert ask_watermarks(consumer, "__consumer_offsets", [0, 1, 2]) == {0: (0, 5), 1: (0, 5), 2: (0, 5)}
    assert consumer.asked == 4


def test_no_partitions_is_an_answer_at_once():
    consumer = NewLeaderConsumer(refusals=0)
    assert ask_watermarks(consumer, "orders", [], timeout=1) == {}
    assert consumer.asked == 0


def test_a_refusal_that_lasts_is_one_sentence_naming_the_error():
    with pytest.raises(CourseError, match=r"watermarks of 'orders'.*OFFSET_NOT_AVAILABLE"):
        ask_watermarks(NewLeaderConsumer(refusals=10**6), "orders", [0], timeout=1)
