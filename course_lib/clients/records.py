"""The record a course helper hands back: what Kafka stored, decoded for reading in a notebook."""

from dataclasses import dataclass, field

from confluent_kafka import TIMESTAMP_CREATE_TIME, TIMESTAMP_LOG_APPEND_TIME

__all__ = ["Record", "to_bytes", "from_message"]

TIMESTAMP_TYPES = {TIMESTAMP_CREATE_TIME: "CreateTime", TIMESTAMP_LOG_APPEND_TIME: "LogAppendTime"}


@dataclass(frozen=True)
class Record:
    """One record: where it landed (topic, partition, offset) and what it carries.

    Returned by ``read_partition`` (lesson 00).
    """
    topic: str
    partition: int
    offset: int
    key: str | bytes | None
    value: str | bytes | None
    timestamp: int  # milliseconds since the epoch
    timestamp_type: str  # "CreateTime" (set by the producer) or "LogAppendTime" (set by the broker)
    headers: dict = field(default_factory=dict)


def to_bytes(data) -> bytes | None:
    """Encode what a learner passes (str, bytes, int, None) the way a string serializer would (lesson 09)."""
    if data is None or isinstance(data, bytes):
        return data
    return str(data).encode()


def _text(data: bytes | None):
    if data is None:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data


def from_message(message) -> Record:
    """A ``Record`` from a confluent-kafka ``Message`` (keys and values decoded as UTF-8 when they are).

    Course machinery.
    """
    kind, ts = message.timestamp()
    headers = {name: _text(value) for name, value in (message.headers() or [])}
    return Record(message.topic(), message.partition(), message.offset(), _text(message.key()),
                  _text(message.value()), ts, TIMESTAMP_TYPES.get(kind, "none"), headers)
