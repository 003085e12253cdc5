"""Checks for lab 02 (topics and partitions): they read the learner's topics, never raise.

Task 1 wants a topic with 6 partitions, 3 replicas and a one-hour ``retention.ms``. Task 2 wants keyed
records exactly where a Java producer (murmur2) would have put them. Task 3 wants 1,000 shuffled events
of 20 users stored so that each user's events sit in one partition, in sequence order.
"""

import json
import random

from ..clients.admin import describe_topic, topic_config
from ..clients.partitioning import partition_for
from ..clients.reading import read_all
from .checking import NotYet, require_topic, task_check

__all__ = ["ACCOUNTS", "ACCOUNT_PARTITIONS", "EVENTS", "ONE_HOUR_MS", "USERS", "event", "incoming",
           "task1", "task2", "task3"]

ONE_HOUR_MS = 3_600_000
ACCOUNTS = [f"account-{i}" for i in range(16)]  # task 2's keys
ACCOUNT_PARTITIONS = 4
USERS = [f"user-{i}" for i in range(20)]  # task 3's users
EVENTS = 1000  # 50 per user


def event(user: str, seq: int) -> str:
    """Task 3's value for ``user``'s ``seq``-th event (JSON)."""
    return json.dumps({"user": user, "seq": seq, "action": ("view", "click", "buy")[seq % 3]})


def incoming() -> list[tuple[str, str]]:
    """Task 3's 1,000 events ``(user, value)`` in the order they arrived from the apps: not in sequence order."""
    events = [(user, event(user, seq)) for seq in range(EVENTS // len(USERS)) for user in USERS]
    random.Random(2).shuffle(events)
    return events


@task_check("Task 1 · six partitions, one hour", cluster_only=True)
def task1(lab) -> str:
    topic = lab.topic("clicks")
    require_topic(topic, "create it with NewTopic(...) or create_topic(...), as in lesson 02.")
    info = describe_topic(topic)
    count = len(info.partitions)
    if count != 6:
        how = ("grow it with add_partitions(topic, 6)" if count < 6 else
               "Kafka cannot remove partitions: delete it and create it again")
        raise NotYet(f"{topic} has {count} partitions, not 6.", f"{how}.")
    if info.replication_factor != 3:
        raise NotYet(f"{topic} keeps {info.replication_factor} copies of each partition, not 3.",
                     "the replication factor is chosen at creation: delete the topic and create it with "
                     "replication_factor=3.")
    retention = topic_config(topic, only_changed=False).get("retention.ms")
    if retention != str(ONE_HOUR_MS):
        raise NotYet(f"{topic} has retention.ms={retention}, not {ONE_HOUR_MS} (one hour).",
                     "set it with config={'retention.ms': '3600000'} at creation, or later with "
                     "alter_topic_config(topic, retention_ms=3600000).")
    return f"{topic}: 6 partitions × 3 replicas, records kept for one hour."


@task_check("Task 2 · where Java would put them", cluster_only=True)
def task2(lab) -> str:
    topic = lab.topic("accounts")
    require_topic(topic, f"create it with {ACCOUNT_PARTITIONS} partitions.")
    count = len(describe_topic(topic).partitions)
    if count != ACCOUNT_PARTITIONS:
        raise NotYet(f"{topic} has {count} partitions, not {ACCOUNT_PARTITIONS}.",
                     f"delete it and create it with {ACCOUNT_PARTITIONS} partitions.")
    records = [r for r in read_all(topic) if r.key in ACCOUNTS]
    missing = sorted(set(ACCOUNTS) - {r.key for r in records}, key=ACCOUNTS.index)
    if missing:
        raise NotYet(f"{len(missing)} of the {len(ACCOUNTS)} keys have no record yet "
                     f"(e.g. {missing[0]}).", "send one record for every key in checks.ACCOUNTS.")
    wrong = [r for r in records if r.partition != partition_for(r.key, count, "murmur2_random")]
    if wrong:
        first = wrong[0]
        keys = sorted({r.key for r in wrong}, key=ACCOUNTS.index)
        raise NotYet(f"{len(keys)} of {len(ACCOUNTS)} keys have records outside the Java partition "
                     f"(e.g. {first.key} is in partition {first.partition}, Java puts it in "
                     f"{partition_for(first.key, count, 'murmur2_random')}).",
                     "confluent-kafka hashes with CRC32 unless you give the Producer partitioner='murmur2_random'; "
                     "records already sent stay where they are, so start over with a new topic (run the lab "
                     "from the top for fresh names).")
    return f"all {len(records)} records sit where the Java client's murmur2 puts their keys."


@task_check("Task 3 · in order per user", cluster_only=True)
def task3(lab) -> str:
    topic = lab.topic("activity")
    require_topic(topic, "create it with at least 3 partitions, then send checks.incoming().")
    count = len(describe_topic(topic).partitions)
    if count < 3:
        raise NotYet(f"{topic} has {count} partition(s); with fewer than 3, order comes free but "
                     "only one or two consumers could share the work.", "use at least 3 partitions.")
    records = read_all(topic)
    stored: dict[str, list[tuple[int, int]]] = {}  # user → [(partition, seq)] in log order
    for r in records:
        try:
            data = json.loads(r.value)
            user, seq = data["user"], int(data["seq"])
        except (TypeError, ValueError, KeyError):
            raise NotYet(f"partition {r.partition} offset {r.offset} holds {r.value!r}, not one of "
                         "the events.", "send the values of checks.incoming() unchanged.")
        stored.setdefault(user, []).append((r.partition, seq))
    total = sum(map(len, stored.values()))
    wanted = list(range(EVENTS // len(USERS)))
    off = [u for u in USERS if sorted(seq for _, seq in stored.get(u, [])) != wanted]
    if total != EVENTS or off:
        example = f" ({off[0]}'s events are missing or doubled)" if off else ""
        raise NotYet(f"{topic} holds {total} events, not exactly the {EVENTS} of checks.incoming() "
                     f"once each{example}.",
                     "send each event once; if you retried, start over with a new topic.")
    split = sorted((u for u in USERS if len({p for p, _ in stored[u]}) > 1), key=USERS.index)
    if split:
        raise NotYet(f"{len(split)} users have events in more than one partition (e.g. {split[0]}), "
                     "so no consumer can see their events in order.", "give each event its user as the key.")
    jumbled = [u for u in USERS if [seq for _, seq in stored[u]] != wanted]
    if jumbled:
        seqs = [seq for _, seq in stored[jumbled[0]]]
        raise NotYet(f"{len(jumbled)} users' events are stored out of sequence (e.g. {jumbled[0]}: "
                     f"{seqs[:6]} ...).", "the events arrived shuffled: a partition keeps the order you send, so "
                     "put each user's events in 'seq' order before producing them.")
    used = {p for user in USERS for p, _ in stored[user]}
    if len(used) < 2:
        raise NotYet(f"all {EVENTS} events sit in partition {used.pop()}, so in a consumer group one "
                     "member would do all the work while the others wait.",
                     "let the user decide the partition (it is the key), so users spread over the partitions.")
    return (f"all {EVENTS} events stored once, each user's in one partition and in order; "
            f"the users are spread over {len(used)} partitions.")
