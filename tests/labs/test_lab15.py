"""Lab 15's checks on the real cluster: each runs a learner's plausible wrong topology over the lab's rides and
drivers and rejects it, and accepts the right one."""

import time
from datetime import timedelta

import pytest
from quixstreams.dataframe.windows import Count

from course_lib.labs import Lab
from course_lib.labs import lab15 as checks


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("15")
    checks.prepare(lab)
    return lab


def windows(app, rides, grace=timedelta(seconds=10), length=timedelta(minutes=1), **topic):
    sdf = app.dataframe(app.topic(rides, value_deserializer="json", **topic))
    return sdf.tumbling_window(length, grace_ms=grace).agg(rides=Count())


def test_every_check_says_not_yet_before_the_topics_exist(cluster):
    lab = Lab("15")
    for verdict in (checks.task1(lab, lambda app, rides: None), checks.task2(lab, lambda app, rides, drivers: None)):
        assert not verdict and "no topic" in verdict.message, verdict


# Task 1 · windows in event time

def test_task1_accepts_tumbling_minutes_with_grace_emitted_when_closed(lab):
    verdict = checks.task1(lab, lambda app, rides: windows(app, rides).final())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (lambda app, rides: windows(app, rides, grace=0).final(), "inside the grace period was dropped"),
    (lambda app, rides: windows(app, rides, grace=timedelta(minutes=1)).final(), "after its minute had closed"),
    (lambda app, rides: windows(app, rides).current(), "more than once"),
    (lambda app, rides: windows(app, rides, length=timedelta(seconds=30)).final(), "last [30] s"),
    (lambda app, rides: windows(app, rides, timestamp_extractor=lambda value, headers, timestamp, kind:
                                int(time.time() * 1000)).final(), "no window came out"),
    (lambda app, rides: app.dataframe(app.topic(rides, value_deserializer="json")).tumbling_window(
        timedelta(minutes=1), grace_ms=timedelta(seconds=10)).agg(count=Count()).final(), "'rides'"),
    (lambda app, rides: app.dataframe(app.topic(rides, value_deserializer="json")), "fields"),
], ids=["no grace", "grace too long", "every update", "30 s windows", "processing time", "field name",
        "no window"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_task1_says_when_the_function_returns_nothing_or_raises(lab):
    verdict = checks.task1(lab, lambda app, rides: None)
    assert not verdict and "returned None" in verdict.message, verdict
    verdict = checks.task1(lab, lambda app, rides: app.dataframe(app.topic(rides)).tumbling_window(
        60_000).agg(rides=Count()).final().apply(lambda row: row["missing"]))
    assert not verdict and "KeyError" in verdict.message, verdict


# Task 2 · a stream-table join

def join(how="left", key="str"):
    def enrich(app, rides, drivers):
        table = app.dataframe(app.topic(drivers, key_deserializer="str", value_deserializer="json"))
        stream = app.dataframe(app.topic(rides, value_deserializer="json"))
        if key == "str":
            stream = stream.group_by("driver", key_serializer="str", key_deserializer="str")
        elif key == "json":
            stream = stream.group_by("driver")
        return stream.join_asof(table, how=how)
    return enrich


def latest_car_read_up_front(app, rides, drivers):
    """The table read once into a dict: every ride gets the driver's *latest* car, whenever the ride was."""
    from course_lib.clients.reading import read_all
    import json
    cars = {record.key: json.loads(record.value)["car"] for record in read_all(drivers)}
    stream = app.dataframe(app.topic(rides, value_deserializer="json"))
    return stream.apply(lambda ride: {**ride, **({"car": cars[ride["driver"]]} if ride["driver"] in cars else {})})


def test_task2_accepts_a_left_join_as_of_the_ride(lab):
    verdict = checks.task2(lab, join())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (join(how="inner"), "an inner join drops"),
    (join(key="none"), "nothing was joined"),
    (join(key="json"), "nothing was joined"),
    (latest_car_read_up_front, "as of the ride's time"),
], ids=["inner join", "not re-keyed", "JSON keys", "latest, not as-of"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_the_drivers_table_is_in_event_time_order_in_every_partition(lab):
    """quixstreams reads a partition in offset order: a table record written after a later one in its partition
    would reach the join after rides it should enrich (driver-1 and driver-3 share a partition)."""
    from course_lib.clients.reading import read_all
    by_partition = {}
    for record in read_all(lab.topic("drivers")):
        by_partition.setdefault(record.partition, []).append(record.timestamp)
    assert len(by_partition) > 1 and any(len(times) > 2 for times in by_partition.values()), by_partition
    assert all(times == sorted(times) for times in by_partition.values()), by_partition
