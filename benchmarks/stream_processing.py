"""Records/s of lesson 15's windowed count in quixstreams, beside a plain confluent-kafka loop doing the same work.

    .venv/bin/python benchmarks/stream_processing.py [--rides 50000] [--rounds 3]

Uses the course cluster of the current environment (COURSE_HOME, COURSE_*_PORTS), starting it if needed. The
work: read rides keyed by zone, count them per zone in 1-minute tumbling windows of event time, and produce each
updated count to an output topic — quixstreams' ``tumbling_window(...).agg(Count()).current()``, and a
``Consumer``/``Producer`` loop with a dict. The plain loop keeps its counts in memory only (a crash loses
them); quixstreams also writes every update to its RocksDB store and changelog topic, which is what the ratio
prices. Each round runs the three side by side in turn (plain loop, quixstreams at-least-once, exactly-once) on
fresh topics, timed from the first record read to the last one processed; the figures are medians over rounds.
"""

import argparse
import json
import shutil
import statistics
import time
import uuid
from collections import Counter

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient
from quixstreams import Application
from quixstreams.dataframe.windows import Count

from course_lib import connect
from course_lib.clients.admin import create_topic, delete_topic
from course_lib.connection import client_config
from course_lib.paths import course_home
from course_lib.tidy import delete_created, find_leftovers

MINUTE = 60_000
ZONES = ["north", "south", "east", "west", "centre"]


def produce_rides(bootstrap: str, topic: str, rides: int) -> None:
    create_topic(topic, partitions=3)
    producer = Producer({**client_config(bootstrap), "linger.ms": 20})
    start = (int(time.time() * 1000) // MINUTE - 30) * MINUTE
    for n in range(rides):
        zone = ZONES[n % len(ZONES)]
        producer.produce(topic, key=zone, value=json.dumps({"ride": n, "zone": zone}), timestamp=start + n * 30)
        producer.poll(0)
    assert producer.flush(60) == 0


def plain_loop(bootstrap: str, rides: str, counts: str, expected: int) -> float:
    """The loop lesson 13 taught, with a dict for the windows; returns records/s."""
    consumer = Consumer({**client_config(bootstrap), "group.id": f"{counts}-plain", "auto.offset.reset": "earliest"})
    producer = Producer(client_config(bootstrap))
    consumer.subscribe([rides])
    windows, seen, first = Counter(), 0, None
    while seen < expected:
        for message in consumer.consume(500, timeout=1.0):
            if message.error():
                raise RuntimeError(message.error().str())
            first = first or time.perf_counter()
            zone, at = message.key().decode(), message.timestamp()[1]
            window = (zone, at - at % MINUTE)
            windows[window] += 1
            producer.produce(counts, key=zone, value=json.dumps({"start": window[1], "rides": windows[window]}))
            producer.poll(0)
            seen += 1
    elapsed = time.perf_counter() - first
    consumer.close()
    assert producer.flush(60) == 0
    return expected / elapsed


def quixstreams(bootstrap: str, rides: str, counts: str, expected: int, guarantee: str, state_dir) -> float:
    """Lesson 15's tumbling-window count; returns records/s."""
    processed = []
    app = Application(broker_address=bootstrap, consumer_group=f"{counts}-{guarantee}", auto_offset_reset="earliest",
                      processing_guarantee=guarantee, state_dir=state_dir, loglevel="WARNING",
                      on_message_processed=lambda *where: processed.append(time.perf_counter()))
    windows = app.dataframe(app.topic(rides, value_deserializer="json"))
    windows = windows.tumbling_window(MINUTE).agg(rides=Count()).current()
    windows.to_topic(app.topic(counts, value_serializer="json"))
    app.run(timeout=5)
    assert len(processed) == expected, f"quixstreams processed {len(processed)} of {expected} rides"
    return expected / (processed[-1] - processed[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rides", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cluster = connect(quiet=True)
    bootstrap = cluster.bootstrap_servers
    admin = AdminClient(client_config(bootstrap))
    before = find_leftovers(admin).names()  # what delete_created leaves alone at the end
    state_dir = course_home() / "streams" / f"benchmark-{uuid.uuid4().hex[:6]}"
    rates: dict[str, list[float]] = {"plain loop": [], "quixstreams at-least-once": [], "quixstreams exactly-once": []}
    try:
        for round_number in range(args.rounds):
            for name in rates:
                run = uuid.uuid4().hex[:6]
                rides, counts = f"bench-rides-{run}", f"bench-counts-{run}"
                produce_rides(bootstrap, rides, args.rides)
                create_topic(counts, partitions=3)
                if name == "plain loop":
                    rate = plain_loop(bootstrap, rides, counts, args.rides)
                else:
                    rate = quixstreams(bootstrap, rides, counts, args.rides, name.split()[-1], state_dir)
                rates[name].append(rate)
                print(f"round {round_number + 1}: {name:<27}{rate:>10,.0f} records/s", flush=True)
                for topic in (rides, counts):
                    delete_topic(topic)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
        delete_created(admin, before)  # the changelog topics and the groups too
    plain = statistics.median(rates["plain loop"])
    print(f"\n{args.rides} rides, median of {args.rounds} rounds:")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"  {name:<27}{median:>10,.0f} records/s   {median / plain:5.2f} × the plain loop")


if __name__ == "__main__":
    main()
