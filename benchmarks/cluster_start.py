"""How long the course cluster takes to set up and start, and how much memory it holds.

    .venv/bin/python benchmarks/cluster_start.py [--cold-maven]

Runs a scratch cluster in a temporary COURSE_HOME on ports 9992-9994 / 19992-19994, with its schema
registry on 9981 (so it never touches the course cluster, which may be running) and prints: jar resolution (cold = empty jar cache; with --cold-maven also an empty
local Maven repository, i.e. a real download), cold start (format + start + ready, registry included,
as ``up`` does it), warm start (restart with data), and the resident memory of the three JVMs — warm, with and
without the brokers' JMX exporter (lesson 22). Targets: ready ≤ 25 s, RSS ≤ 2.5 GB, the exporter ≤ +10 % RSS.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settled_rss(cluster, scrapes: bool) -> list[float]:
    """Each broker's resident memory 20 s after it is ready — scraped every second meanwhile when ``scrapes``, as
    the dashboard's Metrics tab does (target: the exporter adds ≤ 10 %)."""
    from course_lib.metrics.recorder import MetricsRecorder
    if scrapes:
        with MetricsRecorder(cluster, interval=1.0):
            time.sleep(20)
    else:
        time.sleep(20)
    return [rss_mb(node.process.pid) for node in cluster.nodes]


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-maven", action="store_true", help="also empty the local Maven repository")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="course-bench-"))
    os.environ["COURSE_HOME"] = str(scratch / "home")
    os.environ["COURSE_REGISTRY_PORT"] = "9981"
    if args.cold_maven:
        os.environ["MAVEN_OPTS"] = f"-Dmaven.repo.local={scratch / 'm2'}"

    from course_lib.cluster import KRaftCluster
    from course_lib.toolchain.jars import ensure_jars

    cluster = KRaftCluster(ports=(9992, 9993, 9994), controller_ports=(19992, 19993, 19994),
                           metrics_ports=(9982, 9983, 9984))
    figures = {}
    try:
        figures["set-up: jar resolution" + (" (empty Maven repo)" if args.cold_maven else " (empty jar cache)")] = \
            timed(lambda: ensure_jars("kraft", quiet=True))
        figures["set-up again (cached)"] = timed(lambda: ensure_jars("kraft", quiet=True))
        figures["cold start: format + start + ready"] = timed(lambda: cluster.up(quiet=True))
        pids = [node.process.pid for node in cluster.nodes]
        memory = [rss_mb(pid) for pid in pids]
        figures["up on a running cluster (no-op)"] = timed(lambda: cluster.up(quiet=True))
        figures["down"] = timed(cluster.down)
        figures["warm start: start + ready"] = timed(lambda: cluster.up(quiet=True))
        with_exporter = settled_rss(cluster, scrapes=True)
        cluster.down()
        for node in cluster.nodes:  # the same cluster, warm, without the JMX exporter (lesson 22)
            node.metrics_port = None
        cluster.up(quiet=True)
        without_exporter = settled_rss(cluster, scrapes=False)
    finally:
        cluster.reset()
    print(f"{'measure':<48} {'seconds':>8}")
    for name, seconds in figures.items():
        print(f"{name:<48} {seconds:8.1f}")
    print(f"{'resident memory of the 3 JVMs after start':<48} {sum(memory):8.0f} MB "
          f"({', '.join(f'{m:.0f}' for m in memory)})")
    print(f"{'resident memory, warm, 20 s after ready':<48} {sum(with_exporter):8.0f} MB with the JMX exporter "
          f"(scraped every second), {sum(without_exporter):.0f} MB without: "
          + ", ".join(f"broker {n}: {w / wo:.2f}×" for n, (w, wo) in enumerate(zip(with_exporter, without_exporter), 1)))
    print(f"targets: ready ≤ 25 s ({'met' if figures['cold start: format + start + ready'] <= 25 else 'missed'}), "
          f"RSS ≤ 2560 MB ({'met' if sum(memory) <= 2560 else 'missed'}); machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(main())
