"""Replication under broker failure: wait for the ISR to shrink and heal, explain a refused write,
bring leadership back to the preferred replicas (introduced in lesson 06).

Every helper takes the cluster explicitly and never calls ``connect()``: ``connect()`` starts any
broker that is down, which is the last thing a lesson that has just killed one wants.
"""

import time
from dataclasses import dataclass

from confluent_kafka import ElectionType, KafkaError, KafkaException, TopicPartition

from ..clients.admin import PartitionInfo, TopicInfo, admin_client, describe_topic
from ..errors import CourseError
from ..waiting import poll_until

__all__ = ["TopicAfterWait", "explain_delivery_error", "wait_until_out_of_isr", "wait_until_in_sync",
           "wait_until_preferred_leaders", "under_replicated", "off_preferred_leader", "elect_preferred_leaders",
           "partition_table"]


@dataclass(frozen=True)
class TopicAfterWait:
    """The end of a replication wait (a replica leaving the ISR, all back in sync, preferred leaders back):
    the topic as described when the awaited state showed, and after how many seconds."""
    topic: TopicInfo
    seconds: float


def _wait(topic: str, cluster, done, timeout: float, what: str, advice: str) -> TopicAfterWait:
    started = time.monotonic()
    # a metadata request can fail while brokers come and go: ask again
    info = poll_until(lambda: describe_topic(topic, cluster), what, timeout, every=0.25, done=done,
                      retry_on=(KafkaException, CourseError), advice=advice)
    return TopicAfterWait(info, time.monotonic() - started)


def wait_until_out_of_isr(topic: str, broker: int, cluster, timeout: float = 60) -> TopicAfterWait:
    """Wait until ``broker`` leads no partition of ``topic`` and is in no ISR (the controller fenced it)."""
    return _wait(topic, cluster, lambda info: all(p.leader != broker and broker not in p.isr for p in info.partitions),
                 timeout, f"broker {broker} to lead no partition of {topic!r} and to leave every ISR",
                 "Is it really down? `python -m course_lib status` shows the brokers.")


def wait_until_in_sync(topic: str, cluster, timeout: float = 120) -> TopicAfterWait:
    """Wait until every partition of ``topic`` has all its replicas in the ISR again."""
    return _wait(topic, cluster, lambda info: not under_replicated(info), timeout,
                 f"every replica of {topic!r} to be in sync",
                 "Are all brokers up? `python -m course_lib status` shows them.")


def under_replicated(info: TopicInfo) -> list[PartitionInfo]:
    """The partitions whose ISR is smaller than their replica list."""
    return [p for p in info.partitions if p.under_replicated]


def off_preferred_leader(info: TopicInfo) -> list[PartitionInfo]:
    """The partitions not led by their preferred leader — the first broker in their replica list (course machinery)."""
    return [p for p in info.partitions if p.leader != p.replicas[0]]


def wait_until_preferred_leaders(topic: str, cluster, timeout: float = 30) -> TopicAfterWait:
    """Wait until every partition of ``topic`` is led by its preferred leader (its first replica)."""
    return _wait(topic, cluster, lambda info: not off_preferred_leader(info), timeout,
                 f"every partition of {topic!r} to be led by its preferred leader",
                 "A preferred replica that is down or out of the ISR cannot lead: elect again once it is in sync.")


def _error_name(error) -> str:
    """A per-partition election error arrives as a KafkaError (or a KafkaException wrapping one)."""
    return error.name() if hasattr(error, "name") else error.args[0].name()


def elect_preferred_leaders(topic: str, cluster, timeout: float = 30) -> dict[int, str]:
    """Ask the controller to make each partition's first replica its leader again; wait until it is (lab 06).

    Returns ``{partition: outcome}``: ``"elected"``, or Kafka's reason it did nothing
    (``ELECTION_NOT_NEEDED`` when the preferred replica already leads).
    """
    partitions = [TopicPartition(topic, p.partition) for p in describe_topic(topic, cluster).partitions]
    client = admin_client(cluster)  # alive until the future resolves
    # Asked again on a request-level error (the controller was the broker just restarted, say); a partition already
    # led by its preferred replica then answers ELECTION_NOT_NEEDED.
    results = poll_until(lambda: client.elect_leaders(ElectionType.PREFERRED, partitions).result(),
                         f"the controller to answer an election for {topic!r}", timeout, every=0.5,
                         done=lambda _: True, retry_on=(KafkaException,))
    outcome = {tp.partition: "elected" if error is None else _error_name(error) for tp, error in results.items()}
    wait_until_preferred_leaders(topic, cluster, timeout)
    return dict(sorted(outcome.items()))


def partition_table(info: TopicInfo):
    """The topic's partitions as a DataFrame: leader, replicas, ISR, and whether each is healthy."""
    import pandas as pd
    return pd.DataFrame([{"partition": p.partition, "leader": p.leader, "replicas": list(p.replicas),
                          "isr": list(p.isr), "preferred leader": p.replicas[0],
                          "under-replicated": p.under_replicated} for p in info.partitions]).set_index("partition")


_EXPLANATIONS = {
    KafkaError.NOT_ENOUGH_REPLICAS:
        "the leader refused the write: only {isr} in-sync replica(s) are left, fewer than min.insync.replicas, "
        "so an acks=all write could not be made safe.",
    KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        "the leader wrote the record, but the ISR shrank below min.insync.replicas before enough replicas "
        "had it, so it was not acknowledged.",
    KafkaError._MSG_TIMED_OUT:
        "the producer gave up after message.timeout.ms: it kept retrying and never got an acknowledgement.",
    KafkaError.REQUEST_TIMED_OUT:
        "the leader did not get the record onto enough replicas within the request timeout.",
    KafkaError.NOT_LEADER_FOR_PARTITION:
        "the broker asked is no longer the partition's leader (leadership moved).",
}


def explain_delivery_error(error: KafkaError | None, isr: int | None = None) -> str:
    """One sentence on a delivery report's error, for a notebook (None: the write was acknowledged)."""
    if error is None:
        return "acknowledged: the record is stored."
    text = _EXPLANATIONS.get(error.code(), "{reason}")
    return f"{error.name()} — " + text.format(isr="?" if isr is None else isr, reason=error.str())
