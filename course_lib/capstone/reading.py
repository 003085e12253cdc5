"""Read a whole topic as it stands, committed data only or everything (introduced in lesson 13).

``isolation_level`` is the point of the capstone's last experiment: ``read_committed`` (librdkafka's
default) hides records of aborted transactions; ``read_uncommitted`` shows every record in the log,
including those an aborted transaction wrote.
"""

import json

from ..clients.reading import read_all
from ..clients.records import Record

__all__ = ["latest_by_key", "read_json_values", "read_to_end"]


def read_to_end(topic: str, isolation_level: str = "read_committed", timeout: float = 30,
                cluster=None) -> list[Record]:
    """Every record of every partition of ``topic``, from the beginning to the current end
    (``reading.read_all``, with the capstone's default of committed data only)."""
    return read_all(topic, isolation_level, cluster=cluster, timeout=timeout)


def read_json_values(topic: str, isolation_level: str = "read_committed", cluster=None) -> list[dict]:
    """The JSON values of every record in ``topic`` (tombstones left out)."""
    return [json.loads(r.value) for r in read_to_end(topic, isolation_level, cluster=cluster) if r.value is not None]


def latest_by_key(topic: str, isolation_level: str = "read_committed", cluster=None) -> dict[str, dict]:
    """``{key: latest JSON value}`` — the topic read as a table, as compaction will eventually leave it."""
    table: dict[str, dict] = {}
    for record in read_to_end(topic, isolation_level, cluster=cluster):
        if record.value is None:
            table.pop(record.key, None)
        else:
            table[record.key] = json.loads(record.value)
    return table
