"""Checks for lab 06 (replication and fault tolerance): they read the cluster, never raise.

Task 1 wants a topic that survives a broker (RF 3, min.insync.replicas=2 on the topic), task 2 payments
written with a broker down and the ISR healed afterwards, task 3 a numbered stream that lost nothing
while a broker was killed mid-stream, every partition back with its preferred leader.

A check never restarts a broker itself: it first looks at the processes, and says which broker is still
down, because a check of a half-healed cluster would only confuse.
"""

from ..clients.admin import describe_topic, topic_config
from ..cluster import course_cluster
from ..clients.reading import read_all
from .checking import NotYet, require_topic, task_check

__all__ = ["PAYMENTS", "READINGS", "payment", "reading", "task1", "task2", "task3"]

PAYMENTS = 100
READINGS = 500


def payment(i: int) -> tuple[str, str]:
    """Task 2's i-th payment as (key, value): five accounts a0 … a4, values pay-0 … pay-99."""
    return f"a{i % 5}", f"pay-{i}"


def reading(i: int) -> tuple[str, str]:
    """Task 3's i-th reading as (key, value): the value is the sequence number i itself."""
    return f"sensor-{i % 7}", str(i)


def _every_broker_up():
    """The course cluster, or ``NotYet`` naming the brokers the learner has not started again."""
    cluster = course_cluster()
    down = [node.node_id for node in cluster.nodes if not node.process.alive]
    if down:
        raise NotYet(f"broker {', '.join(map(str, down))} is still down.",
                     f"start it again with cluster.start_broker({down[0]}) — best in a finally: block — and wait "
                     "until every partition is in sync.")
    return cluster


def _restarted_since(cluster, since_ms: int) -> list[int]:
    """Brokers whose JVM was started after ``since_ms`` (the pid file is written at each start)."""
    restarted = []
    for node in cluster.nodes:
        pid_file = getattr(getattr(node, "process", None), "pid_file", None)
        try:
            if pid_file is not None and pid_file.stat().st_mtime * 1000 > since_ms:
                restarted.append(node.node_id)
        except OSError:
            continue
    return restarted


def _replication_problem(topic: str, cluster) -> tuple[str, str] | None:
    """(message, hint) when a partition is under-replicated, else None."""
    for p in describe_topic(topic, cluster).partitions:
        if len(p.isr) < len(p.replicas):
            return (f"partition {p.partition} of {topic} has {len(p.isr)} of {len(p.replicas)} replicas in sync "
                    f"(ISR {list(p.isr)}).",
                    "a restarted broker needs a few seconds to catch up: wait with "
                    "course_lib.experiments.replication.wait_until_in_sync(topic, cluster), then check again.")
    return None


@task_check("Task 1 · a topic that survives a broker")
def task1(lab) -> str:
    topic = lab.topic("payments")
    cluster = _every_broker_up()
    require_topic(topic, "create it with create_topic(..., replication_factor=3, config={...}).")
    info = describe_topic(topic, cluster)
    if len(info.partitions) != 3:
        raise NotYet(f"{topic} has {len(info.partitions)} partitions, not 3.",
                     "recreate it with partitions=3 (lab.topic gives a fresh name if you run the lab again).")
    if info.replication_factor != 3:
        raise NotYet(f"{topic} has replication factor {info.replication_factor}: "
                     f"{'one broker failure loses data' if info.replication_factor == 1 else 'too few copies'}.",
                     "replication_factor=3 puts a copy of every partition on each of the three brokers.")
    value = topic_config(topic, cluster).get("min.insync.replicas")  # set on the topic, not inherited
    if value is None:
        raise NotYet(f"{topic} takes min.insync.replicas from the broker's default, not from the topic.",
                     "set it on the topic: config={'min.insync.replicas': 2}, so it holds on any cluster.")
    if value != "2":
        raise NotYet(f"{topic} has min.insync.replicas={value}.",
                     "with 1, acks=all accepts a single copy; with 3, one broker down stops every acks=all "
                     "write. 2 is the usual choice for replication factor 3.")
    return f"{topic}: 3 partitions, 3 replicas each, acks=all needs 2 in sync."


@task_check("Task 2 · write through a failure")
def task2(lab) -> str:
    topic = lab.topic("payments")
    cluster = _every_broker_up()
    require_topic(topic, "do task 1 first.")
    records = read_all(topic, cluster=cluster)
    stored = {(r.key, r.value) for r in records}
    missing = [payment(i) for i in range(PAYMENTS) if payment(i) not in stored]
    if missing:
        raise NotYet(f"{len(missing)} of {PAYMENTS} payments are not stored with their key "
                     f"(e.g. {missing[0][1]} with key {missing[0][0]}).",
                     "send all of checks.payment(i) for i in range(100) with acks='all' and check every "
                     "delivery report; flush() before you start the broker again.")
    first_ms = min(r.timestamp for r in records if (r.key, r.value) in set(map(payment, range(PAYMENTS))))
    if not _restarted_since(cluster, first_ms):
        raise NotYet("the payments are stored, but no broker was restarted after they were written: "
                     "they were not written with a broker down.",
                     "cluster.kill_broker(n) first, write the payments, then cluster.start_broker(n).")
    if problem := _replication_problem(topic, cluster):
        raise NotYet(*problem)
    return (f"all {PAYMENTS} payments survived the broker's absence, and every partition has "
            "all 3 replicas in sync again.")


@task_check("Task 3 · lose nothing, end balanced")
def task3(lab) -> str:
    topic = lab.topic("stream")
    cluster = _every_broker_up()
    require_topic(topic, "create it (3 partitions, 3 replicas, min.insync.replicas=2).")
    info = describe_topic(topic, cluster)
    min_insync = topic_config(topic, cluster, only_changed=False).get("min.insync.replicas")
    if info.replication_factor != 3 or min_insync != "2":
        raise NotYet(f"{topic} needs replication factor 3 and min.insync.replicas=2 "
                     f"(it has {info.replication_factor} and {min_insync}).",
                     "create it as in task 1.")
    records = read_all(topic, cluster=cluster)
    numbers = [int(r.value) for r in records if r.value is not None and str(r.value).isdigit()]
    missing = sorted(set(range(READINGS)) - set(numbers))
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (" …" if len(missing) > 5 else "")
        raise NotYet(f"{len(missing)} of {READINGS} sequence numbers are missing ({shown}).",
                     "a record is safe only when its delivery report says so: use acks=all, let the producer "
                     "retry through the failover, flush(), and send again whatever reported an error.")
    first_ms = min(r.timestamp for r in records)
    restarted = _restarted_since(cluster, first_ms)
    if not restarted:
        raise NotYet(f"all {READINGS} readings are stored, but no broker was restarted after the "
                     "stream began: kill one while it runs.",
                     "e.g. cluster.kill_broker(n) after the 200th record, and cluster.start_broker(n) in a finally:.")
    if problem := _replication_problem(topic, cluster):
        raise NotYet(*problem)
    info = describe_topic(topic, cluster)
    misplaced = [p for p in info.partitions if p.leader != p.replicas[0]]
    if misplaced:
        p = misplaced[0]
        raise NotYet(f"partition {p.partition} is led by broker {p.leader}, not by its preferred "
                     f"leader {p.replicas[0]} (the first of its replicas {list(p.replicas)}).",
                     "a restarted broker comes back as a follower: run a preferred-leader election "
                     "(AdminClient.elect_leaders(ElectionType.PREFERRED, ...)).")
    duplicates = len(numbers) - len(set(numbers))
    extra = f" ({duplicates} duplicates from retries — harmless here, an idempotent producer avoids them)" \
        if duplicates else ""
    return (f"all {READINGS} sequence numbers stored through broker {restarted[0]}'s restart"
            f"{extra}; every partition in sync and led by its preferred leader.")
