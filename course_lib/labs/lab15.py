"""Checks for lab 15 (stream processing): each runs the learner's quixstreams topology — a function that builds it
on an ``Application`` the check makes — over this attempt's topics, and compares what came out with an answer
computed here, independently, from the input records as they sit in Kafka:

- task 1: rides per zone per minute, in tumbling windows of **event time** with a 10 s grace period: stragglers
  inside grace count, ones after it do not, and each window is emitted once, when it closes;
- task 2: every ride enriched with its driver's car **as of the ride's time**, and the rides of a driver with no
  record kept, not dropped.
"""

import json
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable

from confluent_kafka import Producer

from ..clients.admin import create_topic, delete_topic, list_topics
from ..clients.reading import read_all
from ..connection import client_config
from ..errors import CourseError
from ..paths import course_home
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check, topic_exists
from .faults import delete_group

__all__ = ["ZONES", "WINDOW_MS", "GRACE_MS", "UNREGISTERED", "prepare", "expected_windows", "expected_cars",
           "task1", "task2"]

WINDOW_MS, GRACE_MS = 60_000, 10_000
ZONES = ("north", "south", "east")  # zone i is written to partition i, so each zone has its own stream time
# Each zone's rides by event second, in arrival order. North's 55 arrives at stream time 64, before its minute
# closes at 60 + 10 (counted); its 52 arrives at 75, after (dropped). The last ride, at 255, closes minutes 0-2.
ARRIVALS = {
    "north": [3, 17, 29, 44, 58, 64, 55, 75, 52, 90, 118, 131, 177, 255],
    "south": [8, 21, 47, 66, 57, 80, 49, 101, 140, 163, 255],
    "east": [12, 35, 61, 59, 78, 54, 96, 125, 150, 171, 179, 255],
}
CARS = {"driver-1": [(-60, "red car"), (100, "blue car")],  # (event second, car): driver-1 changes car at 100 s
        "driver-2": [(-60, "green van")], "driver-3": [(-60, "grey taxi")]}
UNREGISTERED = "driver-4"  # drives every fourth ride, and has no record in the drivers table
RUN_TIMEOUT = 8.0  # a check's run of the learner's topology ends after this long without a record (timed from its
# group's assignment on, refreshed by every record: a slow join does not count)
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."


def prepare(lab) -> str:
    """Create this attempt's ``rides`` and ``drivers`` topics, once (re-running the cell changes nothing)."""
    rides, drivers = lab.topic("rides"), lab.topic("drivers")
    bootstrap = cluster_or_course().bootstrap_servers
    minute_zero = (int(time.time() * 1000) // WINDOW_MS - 10) * WINDOW_MS  # event time: from 10 minutes ago
    producer = Producer(client_config(bootstrap))
    # quixstreams partitions by murmur2, like Java clients (lesson 02): the table must too, to join (lesson 15)
    table_producer = Producer({**client_config(bootstrap), "partitioner": "murmur2"})
    if not topic_exists(rides):
        create_topic(rides, partitions=len(ZONES))
        for zone, seconds in ARRIVALS.items():
            for n, second in enumerate(seconds):
                ride = {"ride": f"{zone}-{n}", "zone": zone, "driver": f"driver-{n % 4 + 1}"}
                producer.produce(rides, key=zone, value=json.dumps(ride), partition=ZONES.index(zone),
                                 timestamp=minute_zero + second * 1000)
    if not topic_exists(drivers):
        create_topic(drivers, partitions=len(ZONES), config={"cleanup.policy": "compact"})
        # in event-time order: quixstreams aligns the two topics by timestamp but reads a partition in offset
        # order, so a table record behind a later one in its partition (driver-3 shares driver-1's) would reach
        # the join after rides it should enrich
        for second, driver, car in _table_in_event_time_order():
            table_producer.produce(drivers, key=driver, value=json.dumps({"car": car}),
                                   timestamp=minute_zero + second * 1000)
    if producer.flush(30) or table_producer.flush(30):
        raise CourseError("Could not write the lab's records; check `python -m course_lib status` and run the "
                          "cell again.")
    return (f"{sum(map(len, ARRIVALS.values()))} rides in {rides} (zone i in partition i); "
            f"{sum(map(len, CARS.values()))} driver records in {drivers} (compacted)")


def _table_in_event_time_order() -> list[tuple[int, str, str]]:
    """The drivers table's records as ``(event second, driver, car)``, oldest first."""
    return sorted((second, driver, car) for driver, versions in CARS.items() for second, car in versions)


def expected_windows(records: list, grace_ms: int = GRACE_MS) -> dict[tuple[str, int], int]:
    """``{(zone, window start): rides}`` of every 1-minute window closed by the end of ``records`` (read in
    partition and offset order): a ride counts unless its window had closed — end + grace reached by the
    partition's stream time, the highest timestamp seen so far — when it arrived."""
    counts: Counter = Counter()
    stream_time: dict[int, int] = {}
    for record in records:
        stream_time[record.partition] = max(stream_time.get(record.partition, record.timestamp), record.timestamp)
        start = record.timestamp - record.timestamp % WINDOW_MS
        if start + WINDOW_MS + grace_ms > stream_time[record.partition]:
            counts[(record.key, start)] += 1
    last_zone_time = {record.key: stream_time[record.partition] for record in records}
    return {(zone, start): n for (zone, start), n in counts.items()
            if start + WINDOW_MS + grace_ms <= last_zone_time[zone]}


def expected_cars(rides: list, drivers: list) -> dict[str, str | None]:
    """``{ride: car}``: the car of the ride's driver in the latest driver record at or before the ride's time, or
    None where the driver has no such record."""
    versions: dict[str, list[tuple[int, str]]] = {}
    for record in drivers:
        versions.setdefault(record.key, []).append((record.timestamp, json.loads(record.value)["car"]))
    cars = {}
    for record in rides:
        ride = json.loads(record.value)
        known = [(at, car) for at, car in versions.get(ride["driver"], []) if at <= record.timestamp]
        cars[ride["ride"]] = max(known)[1] if known else None
    return cars


def _run(lab, name: str, build: Callable, count: int) -> list[dict]:
    """Build the learner's topology with ``build(app)`` on an Application of the check's own (group and state
    folder), run it until ``count`` results or RUN_TIMEOUT s without a record, and remove what it created."""
    from quixstreams import Application  # lessons and labs 15 on; most of the course never imports it
    group = f"{lab.group(name)}-check-{uuid.uuid4().hex[:6]}"
    state = course_home() / "streams" / group
    app = Application(broker_address=cluster_or_course().bootstrap_servers, consumer_group=group,
                      auto_offset_reset="earliest", state_dir=state, loglevel="ERROR")
    try:
        if build(app) is None:
            raise NotYet("your function returned None.", "return the StreamingDataFrame your last step made.")
        return app.run(count=count, timeout=RUN_TIMEOUT, metadata=True)
    except NotYet:
        raise
    except Exception as error:  # the learner's topology raised: one line, never swallowed
        raise NotYet(f"your topology raised {type(error).__name__}: {error}",
                     "build it on Application(broker_address=bootstrap, auto_offset_reset='earliest') and "
                     "app.run(count=10, timeout=10) to see the full traceback.") from None
    finally:
        shutil.rmtree(state, ignore_errors=True)
        for topic in list_topics():
            if group in topic:  # its changelog and repartition topics
                delete_topic(topic)
        delete_group(group)


def _require(lab, name: str) -> str:
    topic = lab.topic(name)
    require_topic(topic, _SET_UP_FIRST)
    return topic


def _seconds(start: int, minute_zero: int) -> str:
    return f"{(start - minute_zero) // 1000}–{(start - minute_zero + WINDOW_MS) // 1000} s"


@task_check("Task 1 · rides per zone per minute, in event time")
def task1(lab, count_rides: Callable) -> str:
    """Run ``count_rides(app, rides)`` and want exactly one result per closed window, counted as
    ``expected_windows`` counts it."""
    rides = _require(lab, "rides")
    records = read_all(rides)
    wanted = expected_windows(records)
    minute_zero = min(r.timestamp for r in records) // WINDOW_MS * WINDOW_MS
    rows = _run(lab, "windows", lambda app: count_rides(app, rides), len(wanted))
    if not rows:
        raise NotYet(f"no window came out within {RUN_TIMEOUT:.0f} s. A window is emitted when it closes: when a ride "
                     "of its zone arrives with a timestamp past its end + grace.",
                     "window on the records' own timestamps (event time: leave timestamp_extractor alone), and "
                     "end with .final().")
    if any(not {"start", "end", "rides"} <= set(row) for row in rows):
        raise NotYet(f"a result has the fields {sorted(k for k in rows[0] if not k.startswith('_'))}; the check reads "
                     "'start', 'end' and 'rides'.", "aggregate with .agg(rides=Count()).")
    lengths = {row["end"] - row["start"] for row in rows}
    if lengths != {WINDOW_MS}:
        raise NotYet(f"your windows last {sorted(n // 1000 for n in lengths)} s; the task counts per minute.",
                     "tumbling_window(timedelta(minutes=1), ...).")
    got = Counter((_text(row["_key"]), row["start"]) for row in rows)
    if max(got.values()) > 1:
        raise NotYet(f"{len(rows)} results for {len(got)} windows: a window came out more than once (with each "
                     "update). The task wants each window once, when it can no longer change.",
                     "end with .final() instead of .current().")
    counted = {(_text(row["_key"]), row["start"]): row["rides"] for row in rows}
    if counted == wanted:
        return (f"{len(wanted)} windows, each emitted once: the straggler inside the {GRACE_MS // 1000} s grace "
                "counted, the ones after it dropped.")
    if not set(counted) & set(wanted):
        raise NotYet(f"your windows start at {sorted({s for _, s in counted})[:3]}…, none at a minute the rides "
                     "happened in: the windows are not on the rides' event time.",
                     "window on the records' own timestamps: leave timestamp_extractor alone.")
    for (zone, start), n in sorted(wanted.items()):
        where = f"{zone}'s minute {_seconds(start, minute_zero)}"
        if (zone, start) not in counted:
            raise NotYet(f"{where} closed (a ride of {zone} came past its end + {GRACE_MS // 1000} s) but your "
                         "topology did not emit it.", "a grace of 10 s, and .final().")
        if counted[(zone, start)] > n:
            raise NotYet(f"{where} has {n} rides that arrived before it closed; your topology counted "
                         f"{counted[(zone, start)]}: a straggler that came after its minute had closed was counted.",
                         "a grace of 10 s, not more.")
        if counted[(zone, start)] < n:
            raise NotYet(f"{where} has {n} rides that arrived before it closed; your topology counted "
                         f"{counted[(zone, start)]}: a straggler that came inside the grace period was dropped.",
                         "grace_ms=timedelta(seconds=10).")
    raise NotYet(f"your topology emitted windows that have not closed yet: {sorted(set(counted) - set(wanted))[:2]}.",
                 "a grace of 10 s, not less.")


@task_check("Task 2 · every ride with its driver's car")
def task2(lab, enrich: Callable) -> str:
    """Run ``enrich(app, rides, drivers)`` and want one result per ride carrying the car its driver had at the
    ride's time (``expected_cars``), rides of UNREGISTERED included."""
    rides, drivers = _require(lab, "rides"), _require(lab, "drivers")
    ride_records = read_all(rides)
    wanted = expected_cars(ride_records, read_all(drivers))
    rows = _run(lab, "enrich", lambda app: enrich(app, rides, drivers), len(wanted))
    if any("ride" not in row for row in rows):
        raise NotYet("a result has no 'ride' field: the check finds each ride by it.",
                     "keep the ride's own fields, and add the driver's (join_asof merges the two records).")
    got = {row["ride"]: row.get("car") for row in rows}
    missing = sorted(set(wanted) - set(got))
    unregistered = sorted(ride for ride, car in wanted.items() if car is None)
    if missing and missing == unregistered:
        raise NotYet(f"the {len(missing)} rides of {UNREGISTERED}, who has no record in the drivers table, are "
                     "missing: an inner join drops a record with nothing to join, without a word.",
                     "join_asof(..., how='left') keeps them, with nothing added.")
    if missing:
        raise NotYet(f"{len(missing)} of the {len(wanted)} rides did not come out (e.g. {missing[0]}).",
                     "every ride must come out once, its driver's car added where there is one.")
    if len(rows) > len(wanted):
        raise NotYet(f"{len(rows)} results for {len(wanted)} rides: some ride came out twice.",
                     "one result per ride.")
    if not any(got.values()):
        raise NotYet("no ride got a car: nothing was joined. Both sides must have the same key — the driver — as "
                     "the same bytes, in partitions chosen the same way.",
                     "group_by('driver', key_serializer='str', key_deserializer='str') on the rides, and read the "
                     "drivers with key_deserializer='str'.")
    if got == wanted:
        return (f"all {len(wanted)} rides came out once, each with the car its driver had at the time — "
                f"{UNREGISTERED}'s {len(unregistered)} rides too, with none.")
    ride, car = next((ride, car) for ride, car in sorted(wanted.items()) if got[ride] != car)
    raise NotYet(f"ride {ride} got {got[ride]!r}; its driver's record as of the ride's time says {car!r}.",
                 "join as of the ride's time (join_asof), not with the driver's latest record.")


def _text(key) -> str:
    return key.decode() if isinstance(key, bytes) else str(key)
