"""Wait until a cluster really works: every broker registered and an acks=all write succeeds.

"The JVM is running" is not "Kafka is ready": the controllers must elect a leader, brokers must
register, and an RF-3 topic needs three live replicas before an acks=all produce is acknowledged.
"""

import time
from pathlib import Path

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from ..connection import client_config, error_reporter, reason
from ..errors import CourseError

__all__ = ["READY_TOPIC", "fatal_startup_error", "wait_until_ready"]

READY_TOPIC = "_course_ready"


def fatal_startup_error(log_text: str) -> str | None:
    """Why Kafka gave up starting, from its log: the exception after "Exiting Kafka due to fatal exception", and
    the last "Caused by" beneath it — in the last start's part of the log, which starts at "KafkaConfig values"
    (course machinery)."""
    lines = log_text.splitlines()
    lines = lines[max((i for i, line in enumerate(lines) if "KafkaConfig values:" in line), default=0):]
    at = max((i for i, line in enumerate(lines) if "Exiting Kafka due to fatal exception" in line), default=None)
    if at is None or at + 1 >= len(lines):
        return None
    error = lines[at + 1].strip()
    causes = [line.strip()[len("Caused by: "):] for line in lines[at + 2:] if line.startswith("Caused by: ")]
    return error + (f" — caused by {causes[-1]}" if causes else "")


def _died(cluster, nodes) -> None:
    for node in nodes:
        if not node.process.alive:
            log = node.log_dir / "server.log"  # a container's log is no file: its end is all there is
            error = fatal_startup_error(log.read_text(errors="replace")) if isinstance(log, Path) and log.exists() else None
            if error:
                raise CourseError(f"Broker {node.node_id} stopped during start-up: {error}"
                                  f"{cluster.start_failure_hint(error)} (its log: {log}).")
            raise CourseError(
                f"Broker {node.node_id} stopped during start-up; the end of its log "
                f"({log}) says:\n{node.log_tail()}")


def _acks_all_write(cluster, admin: AdminClient) -> str | None:
    """Produce one record with acks=all to an RF-N topic; None on success, else why not."""
    replicas = len(cluster.nodes)
    if READY_TOPIC not in admin.list_topics(timeout=5).topics:
        futures = admin.create_topics([NewTopic(READY_TOPIC, 1, replicas)], operation_timeout=10)
        try:
            futures[READY_TOPIC].result()
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                return f"creating {READY_TOPIC}: {reason(exc)}"
    outcome = []
    producer = Producer(client_config(cluster.bootstrap_servers, acks="all", message_timeout_ms=5000,
                                      **cluster.admin_settings))
    producer.produce(READY_TOPIC, b"ready", on_delivery=lambda err, msg: outcome.append(err))
    producer.flush(8)
    if outcome and outcome[0] is None:
        return None
    return f"acks=all produce: {outcome[0].str() if outcome else 'no answer'}"


def wait_until_ready(cluster, timeout: float, say, quiet_when_ready: bool = False,
                     require_all: bool = True, node=None) -> None:
    """Block until ready, saying progress through ``say``; raise ``CourseError`` on death or timeout (course machinery).

    ``require_all=False`` with ``node``: wait only until that node has registered again.
    """
    start = time.monotonic()
    watched = cluster.nodes if node is None else [node]
    last_state = None
    report = error_reporter(cluster.bootstrap_servers)  # one for all the clients below: each error said once
    while True:
        _died(cluster, watched)
        elapsed = time.monotonic() - start
        # A fresh client each time: librdkafka (2.10 on) sends its requests to the brokers it learned from the
        # metadata once it has them, and a broker that advertises an unreachable address (lesson 20) is then
        # answered only through the bootstrap address, by a client's first request.
        admin = AdminClient({**client_config(cluster.bootstrap_servers, **cluster.admin_settings), "error_cb": report})
        try:
            brokers = set(admin.list_topics(timeout=2).brokers)
        except KafkaException:
            brokers = set()
        wanted = {n.node_id for n in watched}
        if not wanted <= brokers:
            state = f"{len(brokers & {n.node_id for n in cluster.nodes})}/{len(cluster.nodes)} brokers registered"
        elif not require_all:
            return
        else:
            problem = _acks_all_write(cluster, admin)
            if problem is None:
                if not (quiet_when_ready and last_state is None):
                    say(f"Ready after {elapsed:.0f} s: {len(brokers)} brokers at {cluster.bootstrap_servers}.")
                return
            state = f"all brokers registered, waiting for an acks=all write ({problem})"
        if state != last_state:
            say(f"  [{elapsed:4.0f} s] {state}")
            last_state = state
        if elapsed > timeout:
            raise CourseError(f"The cluster was not ready after {timeout:.0f} s ({state}); "
                              f"look at `python -m course_lib logs 1` and try `python -m course_lib up` again.")
        time.sleep(0.5)
