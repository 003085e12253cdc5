"""Checks for lab 13 (capstone): a per-city revenue pipeline, exactly once.

Every check reads the cluster under this attempt's names (``lab.topic(...)``, ``lab.group(...)``) and
compares with answers computed from the lab's data set, never with the learner's variables. A check
never raises: a missing topic or unreadable record is a "not yet" with a hint.
"""

import json
from collections import Counter

from ..clients.admin import committed_offsets, describe_topic, topic_config, watermarks
from ..log.batches import records_outside_transactions
from ..capstone import generate_rides, read_to_end
from ..log.offsets_topic import stored_commits
from .checking import NotYet, require_topic, task_check

__all__ = ["RIDE_COUNT", "expected_city_revenue", "lab_rides", "task1", "task2", "task3", "task4"]

RIDE_COUNT = 150
SEED = 13


def lab_rides():
    """The lab's data set: the same rides on every machine and in every attempt."""
    return generate_rides(RIDE_COUNT, seed=SEED)


def expected_city_revenue() -> dict[str, dict]:
    """``{city: {"rides": completed rides, "fare_cents": their total fare}}`` from the data set."""
    revenue: dict[str, dict] = {}
    for ride in lab_rides():
        if ride.status == "completed":
            city = revenue.setdefault(ride.city, {"rides": 0, "fare_cents": 0})
            city["rides"] += 1
            city["fare_cents"] += ride.fare_cents
    return revenue


def _records(topic: str, isolation_level: str = "read_committed", hint: str | None = None):
    require_topic(topic, hint)
    return len(describe_topic(topic).partitions), read_to_end(topic, isolation_level)


def _json_values(records, topic: str) -> list[dict]:
    try:
        values = [json.loads(r.value) for r in records]
    except (TypeError, ValueError):
        raise NotYet(f"{topic!r} holds a record that is not JSON.", "write each value with json.dumps(...)") from None
    if not all(isinstance(v, dict) for v in values):
        raise NotYet(f"every value in {topic!r} should be a JSON object.")
    return values


def _same_rides(ride_ids: list[str], expected: list[str], topic: str) -> None:
    twice = sum(1 for n in Counter(ride_ids).values() if n > 1)
    if twice:
        raise NotYet(f"{twice} rides appear more than once in {topic!r}.",
                     "each ride must be written exactly once; start a new attempt (re-run the lab from the top)")
    missing, extra = set(expected) - set(ride_ids), set(ride_ids) - set(expected)
    if missing or extra:
        raise NotYet(f"{topic!r} has {len(missing)} rides missing and {len(extra)} that do not belong.")


@task_check("Task 1 · produce the rides")
def task1(lab) -> str:
    """Every ride of the data set in ``rides``, once, keyed by rider id, in 3 partitions."""
    topic = lab.topic("rides")

    partitions, records = _records(topic, hint="create it with 3 partitions and produce the rides into it")
    if partitions != 3:
        raise NotYet(f"{topic!r} has {partitions} partitions, not 3.", "recreate it with partitions=3")
    values = _json_values(records, topic)
    _same_rides([v.get("ride_id") for v in values], [r.ride_id for r in lab_rides()], topic)
    if any(r.key != v.get("rider_id") for r, v in zip(records, values)):
        raise NotYet("some records are not keyed by their rider id.",
                     "use the rider id as the key, so each rider's rides stay in order in one partition")
    return f"all {len(values)} rides are in {topic!r}, once each, keyed by rider."


@task_check("Task 2 · a compacted output topic")
def task2(lab) -> str:
    """``city-revenue`` exists and is compacted."""
    topic = lab.topic("city-revenue")

    require_topic(topic, "create it with config={'cleanup.policy': 'compact'}")
    policy = topic_config(topic, only_changed=False).get("cleanup.policy", "")
    if "compact" not in policy:
        raise NotYet(f"{topic!r} has cleanup.policy={policy}, so old totals would never be compacted away.",
                     "set cleanup.policy=compact (alter_topic_config or recreate the topic)")
    return f"{topic!r} is compacted (cleanup.policy={policy})."


@task_check("Task 3 · keep the completed rides, exactly once")
def task3(lab) -> str:
    """``completed`` holds each completed ride once, written in transactions that also committed the
    ``cleaner`` group's offsets to the end of ``rides``."""
    topic, group, rides_topic = lab.topic("completed"), lab.group("cleaner"), lab.topic("rides")

    _, records = _records(topic, hint="create it, then run your transactional consume-transform-produce loop")
    values = _json_values(records, topic)
    completed = [r.ride_id for r in lab_rides() if r.status == "completed"]
    if not values:
        raise NotYet(f"{topic!r} is empty.", "consume the rides and produce the completed ones to it")
    if any(v.get("status") == "cancelled" for v in values):
        raise NotYet(f"{topic!r} contains cancelled rides.", "keep only rides whose status is 'completed'")
    _same_rides([v.get("ride_id") for v in values], completed, topic)
    if records_outside_transactions(topic):
        raise NotYet(f"{topic!r} was not written in transactions.",
                     "give the producer a transactional.id, then begin_transaction ... commit_transaction")
    require_topic(rides_topic, "produce the rides in task 1")
    ends = {p: high for p, (_, high) in watermarks(rides_topic).items()}
    committed = committed_offsets(group, rides_topic)
    if committed != {p: end for p, end in ends.items() if end > 0}:
        raise NotYet(f"group {group!r} has committed {committed}, not the end offsets {ends} of {rides_topic!r}.",
                     "send the consumer's positions with send_offsets_to_transaction before each commit")
    outside = [c for c in stored_commits(group) if not c.transactional]
    if outside:
        raise NotYet(f"group {group!r} committed its offsets {len(outside)} times outside a transaction (commit() or "
                     "auto-commit): a crash between writing the rides and that commit would write them twice.",
                     "enable.auto.commit=False, and send the positions with send_offsets_to_transaction instead")
    return f"{len(values)} completed rides, once each, written in transactions with the group's offsets."


@task_check("Task 4 · revenue per city")
def task4(lab) -> str:
    """``city-revenue`` read as a table (read_committed, latest value per key) equals the revenue per
    city computed from the data set, and was written in transactions."""
    topic = lab.topic("city-revenue")

    _, records = _records(topic, hint="create it in task 2")
    table = dict(zip((r.key for r in records), _json_values(records, topic)))
    expected = expected_city_revenue()
    if not table:
        raise NotYet(f"{topic!r} is empty.", "aggregate the completed rides per city and write the totals")
    if set(table) != set(expected):
        raise NotYet(f"{topic!r} has keys {sorted(table)}, expected the cities {sorted(expected)}.",
                     "key each record by the city's name")
    wrong = [city for city, want in expected.items()
             if {k: table[city].get(k) for k in want} != want]
    if wrong:
        city = wrong[0]
        raise NotYet(f"{len(wrong)} cities have wrong totals, e.g. {city}: {table[city]} instead of {expected[city]}.",
                     "count only completed rides, and make sure no ride is counted twice")
    if records_outside_transactions(topic):
        raise NotYet(f"{topic!r} was not written in transactions.",
                     "write the totals with a transactional producer, with the input offsets in the same transaction")
    return f"the revenue of all {len(expected)} cities is right, and it was written exactly once."
