"""Checks for lab 11 (Kafka's command-line tools): they inspect the topic and the group on the cluster, never raise."""

from ..clients.admin import committed_offsets, describe_topic, group_state, topic_config, watermarks
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check

__all__ = ["PARTITIONS", "RECORDS", "REREAD", "SETTINGS", "task1", "task2", "task3"]

PARTITIONS = 6
SETTINGS = {"cleanup.policy": "compact", "max.message.bytes": "200000"}
RECORDS = 12   # the console producer writes at least this many keyed records
REREAD = 2     # task 3: the group re-reads the last REREAD records of every partition


def _payments(lab):
    """This attempt's ``payments`` topic as ``describe_topic`` sees it, or ``NotYet`` while it does not exist."""
    require_topic(lab.topic("payments"), 'create it with run_tool("kafka-topics", "--create", ...).')
    return describe_topic(lab.topic("payments"), cluster_or_course())


@task_check("Task 1 · a topic from the command line")
def task1(lab) -> str:
    """``payments`` has 6 partitions, 3 replicas and the two settings."""
    info = _payments(lab)
    if len(info.partitions) != PARTITIONS or info.replication_factor != 3:
        raise NotYet(f"the topic has {len(info.partitions)} partitions × {info.replication_factor} "
                     f"replicas, not {PARTITIONS} × 3.", "delete it (kafka-topics --delete) and create it again.")
    config = topic_config(info.name, cluster_or_course())
    wrong = [f"{key}={config.get(key, '(default)')}" for key, value in SETTINGS.items() if config.get(key) != value]
    if wrong:
        raise NotYet(f"the topic has {', '.join(wrong)}.",
                     "pass each setting as --config key=value, or change it with kafka-configs --alter.")
    return (f"{info.name}: {PARTITIONS} partitions × 3 replicas, "
            + ", ".join(f"{k}={v}" for k, v in SETTINGS.items()) + ".")


@task_check("Task 2 · write from Python, read with the console consumer")
def task2(lab) -> str:
    """At least 12 keyed records in ``payments``, all read and committed by the group ``audit``."""
    info = _payments(lab)
    cluster = cluster_or_course()
    ends = {p: high for p, (low, high) in watermarks(info.name, cluster).items()}
    if sum(ends.values()) < RECORDS:
        raise NotYet(f"the topic holds {sum(ends.values())} records, fewer than {RECORDS}.",
                     "a Producer: produce(payments, key=..., value=...) for each record, then flush().")
    if sum(1 for end in ends.values() if end) < 2:
        raise NotYet("every record landed in one partition: were they keyed?",
                     "give each record a key, e.g. produce(payments, key=f\"user-{i % 4}\", value=...).")
    committed = committed_offsets(lab.group("audit"), info.name, cluster)
    behind = {p: end - committed.get(p, 0) for p, end in ends.items() if end > committed.get(p, 0)}
    if behind:
        raise NotYet(f"the group {lab.group('audit')} has not committed the end of partitions "
                     f"{sorted(behind)} ({sum(behind.values())} records unread).",
                     "kafka-console-consumer --group ... --from-beginning --timeout-ms 5000 commits when it exits.")
    return (f"{sum(ends.values())} keyed records over {sum(1 for e in ends.values() if e)} "
            f"partitions, all read by {lab.group('audit')}.")


@task_check("Task 3 · rewind a consumer group")
def task3(lab) -> str:
    """The group was rewound so it re-reads exactly the last 2 records of every partition."""
    info = _payments(lab)
    cluster = cluster_or_course()
    marks = watermarks(info.name, cluster)
    want = {p: max(low, high - REREAD) for p, (low, high) in marks.items() if high > low}
    if not want:
        raise NotYet("the topic has no records to re-read yet.", "do task 2 first.")
    group = lab.group("audit")
    committed = committed_offsets(group, info.name, cluster)
    wrong = {p: committed.get(p) for p, offset in want.items() if committed.get(p) != offset}
    if wrong:
        state, members = group_state(group, cluster)  # a running member commits its position over a reset
        raise NotYet(f"partitions {sorted(wrong)} are committed at {[wrong[p] for p in sorted(wrong)]}, "
                     f"not {[want[p] for p in sorted(wrong)]} (the group is {state} with {members} member(s)).",
                     f"kafka-consumer-groups --reset-offsets --shift-by -{REREAD} --all-topics ... --execute "
                     "(the group must have no running members).")
    return f"{group} will re-read the last {REREAD} records of each partition (committed {dict(sorted(committed.items()))})."
