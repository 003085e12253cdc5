"""The capstone pipeline: a reproducible data set, pure transform/aggregate steps, and an exactly-once
processor that survives a crash mid-transaction without losing or duplicating anything (real cluster)."""

import pytest

from course_lib import CourseError
from course_lib.capstone import (RideProcessor, SimulatedCrash, add_ride, completed_ride, create_pipeline_topics,
                                 generate_rides, latest_by_key, pipeline_topics, produce_rides, read_json_values)
from course_lib.capstone.dataset import ride_from_json, ride_to_json


def expected_totals(rides) -> dict:
    """Per-rider totals computed straight from the data, without the pipeline's code."""
    totals = {}
    for ride in rides:
        if ride.status == "completed":
            t = totals.setdefault(ride.rider_id, {"rider_id": ride.rider_id, "rides": 0, "distance_m": 0,
                                                  "fare_cents": 0, "last_ride_at": 0})
            t["rides"] += 1
            t["distance_m"] += ride.distance_m
            t["fare_cents"] += ride.fare_cents
            t["last_ride_at"] = max(t["last_ride_at"], ride.requested_at)
    return totals


def test_the_data_set_is_the_same_every_time_and_different_for_another_seed():
    assert generate_rides(200) == generate_rides(200)
    assert generate_rides(200) != generate_rides(200, seed=1)
    assert generate_rides(50)[0].ride_id == "ride-00001"


def test_the_data_set_looks_like_rides():
    rides = generate_rides(1000)
    times = [r.requested_at for r in rides]
    assert times == sorted(times) and len({r.ride_id for r in rides}) == 1000
    cancelled = [r for r in rides if r.status == "cancelled"]
    assert 0.03 < len(cancelled) / len(rides) < 0.15
    assert all(r.fare_cents == 0 and r.distance_m == 0 for r in cancelled)
    assert all(r.fare_cents > 0 and r.distance_m > 0 for r in rides if r.status == "completed")
    per_rider = sorted((sum(r.rider_id == rider for r in rides) for rider in {r.rider_id for r in rides}))
    assert per_rider[-1] > 5 * per_rider[len(per_rider) // 2], "a few riders should ride much more than most"


def test_a_ride_survives_the_json_round_trip():
    ride = generate_rides(1)[0]
    assert ride_from_json(ride_to_json(ride)) == ride


def test_the_transform_drops_cancelled_rides_and_prices_per_km():
    completed = {"ride_id": "r1", "rider_id": "a", "city": "Porto", "requested_at": 5, "distance_m": 2500,
                 "fare_cents": 1000, "status": "completed", "driver_id": "d", "duration_s": 60, "payment": "card"}
    assert completed_ride({**completed, "status": "cancelled"}) is None
    assert completed_ride(completed)["cents_per_km"] == 400


def test_totals_add_up_ride_by_ride():
    first = add_ride(None, {"rider_id": "a", "distance_m": 1000, "fare_cents": 500, "requested_at": 7})
    second = add_ride(first, {"rider_id": "a", "distance_m": 300, "fare_cents": 200, "requested_at": 3})
    assert second == {"rider_id": "a", "rides": 2, "distance_m": 1300, "fare_cents": 700, "last_ride_at": 7}
    assert first["rides"] == 1, "adding a ride must not change the earlier totals"


def test_a_bad_isolation_level_is_one_clear_sentence(cluster):
    with pytest.raises(CourseError, match="isolation_level"):
        latest_by_key("any-topic", "read_everything", cluster=cluster)


def test_a_crash_mid_transaction_neither_loses_nor_duplicates(cluster, unique):
    topics = create_pipeline_topics(pipeline_topics(unique("test-capstone")), cluster=cluster)
    rides = generate_rides(240, seed=11)
    assert produce_rides(topics.rides, rides, cluster=cluster) == 240
    group, transactional_id = unique("test-capstone-group"), unique("test-capstone-tx")

    crashed = RideProcessor(topics, group, transactional_id, cluster=cluster, batch_size=40)
    with pytest.raises(SimulatedCrash):
        crashed.process(crash_after=100)
    with RideProcessor(topics, group, transactional_id, cluster=cluster, batch_size=40) as restarted:
        assert restarted.restored > 0, "the restarted instance should restore the totals committed before the crash"
        stats = restarted.process()
    assert 0 < stats.consumed < 240, "the restart should resume from the committed offsets, not from the start"

    completed = [r.ride_id for r in rides if r.status == "completed"]
    committed = read_json_values(topics.completed, cluster=cluster)
    assert sorted(r["ride_id"] for r in committed) == completed, "each completed ride exactly once"
    everything = read_json_values(topics.completed, "read_uncommitted", cluster=cluster)
    assert len(everything) > len(completed), "the aborted transaction's records are still in the log"
    assert latest_by_key(topics.totals, cluster=cluster) == expected_totals(rides)


def test_a_fenced_instance_cannot_go_on(cluster, unique):
    topics = create_pipeline_topics(pipeline_topics(unique("test-capstone-fence")), cluster=cluster)
    produce_rides(topics.rides, generate_rides(30), cluster=cluster)
    group, transactional_id = unique("test-fence-group"), unique("test-fence-tx")
    old = RideProcessor(topics, group, transactional_id, cluster=cluster)
    with pytest.raises(SimulatedCrash):
        old.process(crash_after=5)
    with RideProcessor(topics, group, transactional_id, cluster=cluster):
        with pytest.raises(Exception, match="fenced"):
            old.producer.commit_transaction(30)
