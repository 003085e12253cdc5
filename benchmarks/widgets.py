"""What the live views cost, and how fast they notice a broker kill — figures, not a pass/fail test.

    .venv/bin/python benchmarks/widgets.py [--idle-seconds 30] [--kills 3]

Runs on the course cluster (started if needed) in this process, the way a notebook kernel holds a
view: no browser is involved, so the figures are the kernel's share (the browser test in
``tests/views/test_browser.py`` checks what reaches the page). It prints

- the CPU share of one core taken by an idle ``dashboard()`` (refresh every 1 s) over the window,
  next to the share of a bare ``replication_view()``; target < 5 % of one core;
- the time from ``kill_broker(N)`` to the first refreshed snapshot that marks broker N dead, for a
  few kills (each broker is started again before the next); target ≤ 3 s.
"""

import argparse
import resource
import statistics
import time

from course_lib import connect
from course_lib.clients.admin import create_topic
from course_lib.views import dashboard, replication_view


def cpu_seconds() -> float:
    """User + system CPU time of this process, every thread included (librdkafka's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def idle_share(make_view, seconds: float) -> float:
    """CPU share of one core while ``make_view()``'s view refreshes on its own for ``seconds``."""
    view = make_view()
    time.sleep(3)  # the first refreshes open connections; measure the steady state
    cpu0, wall0 = cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    share = (cpu_seconds() - cpu0) / (time.monotonic() - wall0)
    view.close()
    return share


def seconds_until_dead_is_shown(cluster, view, node_id: int, limit: float = 30) -> float:
    """Kill ``node_id`` and time until the view's latest snapshot marks it dead."""
    killed_at = time.monotonic()
    cluster.kill_broker(node_id)
    while time.monotonic() - killed_at < limit:
        snapshot = view.last_snapshot
        broker = snapshot.broker(node_id) if snapshot else None
        if broker is not None and not broker.alive and view.last_refresh > killed_at:
            return view.last_refresh - killed_at
        time.sleep(0.02)
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    cluster = connect(quiet=True)
    topic = f"bench-widgets-{int(time.time())}"
    create_topic(topic, partitions=6)

    dash = idle_share(lambda: dashboard(topic, groups=[f"{topic}-group"]), args.idle_seconds)
    bare = idle_share(lambda: replication_view(topic), args.idle_seconds)
    print(f"idle dashboard, 1 s refresh:        {dash:6.1%} of one core over {args.idle_seconds:g} s "
          f"(target < 5 %)")
    print(f"idle replication_view, 1 s refresh: {bare:6.1%} of one core")

    view = replication_view(topic)
    delays = []
    try:
        for i in range(args.kills):
            victim = cluster.nodes[i % len(cluster.nodes)].node_id
            time.sleep(2)
            delays.append(seconds_until_dead_is_shown(cluster, view, victim))
            cluster.start_broker(victim)
    finally:
        view.close()
        cluster.up(quiet=True)
    print(f"broker kill → view shows it dead:   median {statistics.median(delays):.2f} s, "
          f"worst {max(delays):.2f} s over {len(delays)} kills (target ≤ 3 s)")


if __name__ == "__main__":
    main()
