"""How long a crashed broker takes to come back, and how that grows with the partitions it holds.

    .venv/bin/python benchmarks/broker_restart.py [--broker N] [--topics N]

Runs on the course cluster (started if needed) — to measure what a learner meets, run it right after
every lesson and lab. It prints the topics and partitions the cluster holds, SIGKILLs one broker (as
``python -m course_lib kill-broker`` does; by default one that is not the active controller), waits until
the controller has taken it out of every ISR, starts it again (as ``start-broker`` does) and prints the
seconds from that restart to

- the broker answering a metadata request sent to it alone;
- the broker back in the ISR of every partition it replicates;

and the time from the kill to that moment (target ≤ 20 s; it includes the ~9 s broker session timeout before
the controller fences the dead broker). `make test` runs it on the lessons' cluster after both passes, once
the other lanes are done (their load would triple the start-up).

``--topics N`` first creates N throwaway topics of 3 partitions (deleted afterwards), to show how the
restart scales with the partitions on the broker.
"""

import argparse
import threading
import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from course_lib import connect
from course_lib.connection import client_config
from course_lib.errors import CourseError

POLL_SECONDS = 0.25


def replicated_by(admin: AdminClient, node_id: int) -> tuple[int, int]:
    """(partitions ``node_id`` holds a replica of, of those the ones with ``node_id`` in their ISR)."""
    held = in_sync = 0
    for topic in admin.list_topics(timeout=5).topics.values():
        for partition in topic.partitions.values():
            if node_id in partition.replicas:
                held += 1
                in_sync += node_id in partition.isrs
    return held, in_sync


def moment_when(condition, deadline: float) -> float | None:
    """The ``time.monotonic()`` at which ``condition()`` came true (errors count as false); None at ``deadline``."""
    while time.monotonic() < deadline:
        try:
            if condition():
                return time.monotonic()
        except KafkaException:
            pass
        time.sleep(POLL_SECONDS)
    return None


def answers_alone(port: int) -> bool:
    """True when the broker on ``port`` answers a metadata request from a client that knows only it."""
    AdminClient(client_config(f"localhost:{port}")).list_topics(timeout=1)
    return True


def create_throwaway_topics(admin: AdminClient, count: int) -> list[str]:
    names = [f"bench-restart-{int(time.time())}-{i}" for i in range(count)]
    for future in admin.create_topics([NewTopic(name, 3, 3) for name in names], operation_timeout=60).values():
        future.result()
    moment_when(lambda: set(names) <= set(admin.list_topics(timeout=5).topics), time.monotonic() + 60)
    return names


def seconds(since: float, until: float | None) -> str:
    return f"{until - since:6.1f} s" if until is not None else "  never (gave up)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", type=int, help="the broker to kill (default: one that is not the controller)")
    parser.add_argument("--topics", type=int, default=0, help="create N throwaway topics first, deleted after")
    parser.add_argument("--limit", type=float, default=600, help="give up waiting after this many seconds")
    args = parser.parse_args()
    cluster = connect(quiet=True).up(quiet=True)
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    throwaway = create_throwaway_topics(admin, args.topics) if args.topics else []
    victim = args.broker or next(n.node_id for n in cluster.nodes if n.node_id != cluster.controller_id())
    try:
        topics = admin.list_topics(timeout=10).topics
        held = replicated_by(admin, victim)[0]
        print(f"cluster: {len(topics)} topics, {sum(len(t.partitions) for t in topics.values())} partitions "
              f"({len(throwaway)} throwaway); broker {victim} holds a replica of {held}")
        in_sync = moment_when(lambda: replicated_by(admin, victim)[1] == held, time.monotonic() + args.limit)
        if in_sync is None:
            print(f"broker {victim} was not in every ISR within {args.limit:.0f} s before the kill; measuring anyway")

        killed_at = time.monotonic()
        cluster.kill_broker(victim)
        fenced_at = moment_when(lambda: replicated_by(admin, victim)[1] == 0, killed_at + 60)
        print(f"kill → broker {victim} out of every ISR:        {seconds(killed_at, fenced_at)}")

        restarted_at = time.monotonic()
        deadline = restarted_at + args.limit
        failures = []
        starting = threading.Thread(target=_start, args=(cluster, victim, failures), daemon=True)
        starting.start()
        port = cluster.node(victim).port
        answering_at = moment_when(lambda: answers_alone(port), deadline)
        back_at = moment_when(lambda: replicated_by(admin, victim)[1] == held, deadline)
        print(f"restart → broker answers:                  {seconds(restarted_at, answering_at)}")
        print(f"restart → back in the ISR of all {held:>4}:    {seconds(restarted_at, back_at)}")
        print(f"kill → back in every ISR:                  {seconds(killed_at, back_at)}  (target ≤ 20 s)")
        starting.join(args.limit)
        for failure in failures:
            print(f"start_broker failed: {failure}")
    finally:
        cluster.up(quiet=True)
        if throwaway:
            for future in admin.delete_topics(throwaway, operation_timeout=60).values():
                future.result()


def _start(cluster, node_id: int, failures: list) -> None:
    try:
        cluster.start_broker(node_id)
    except CourseError as exc:  # reported by main(), in the thread's place
        failures.append(exc)


if __name__ == "__main__":
    main()
