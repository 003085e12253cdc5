"""Log-start and log-end offsets of many partitions in one admin call, skipping dead leaders.

A ListOffsets request to a partition whose leader just died waits for the full timeout; asking only
partitions whose leader accepts connections keeps a refresh fast while the controller catches up.
"""

from confluent_kafka import ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import OffsetSpec

from ...cluster.ports import port_accepts
from .brokers import PROBE_TIMEOUT

__all__ = ["committed_offsets", "partition_leaders", "watermarks"]


def partition_leaders(metadata, topics) -> dict[tuple[str, int], int | None]:
    """(topic, partition) → leader id (None when offline) for every partition of ``topics`` that exists.

    Course machinery.
    """
    leaders = {}
    for topic in topics:
        described = metadata.topics.get(topic)
        if described is None or described.error is not None:
            continue
        for p in described.partitions.values():
            leaders[(topic, p.id)] = p.leader if p.leader >= 0 else None
    return leaders


def watermarks(link, leaders: dict[tuple[str, int], int | None], spec: str = "latest") -> dict[tuple[str, int], int | None]:
    """``spec`` ('latest' = high watermark, 'earliest' = log-start) per partition; None where unknown.

    Cost: 1 admin call (ListOffsets), none when no partition has a reachable leader.

    Course machinery.
    """
    if link.cluster.local:
        ports = {node.node_id: node.port for node in link.cluster.nodes}
        reachable = {leader: port_accepts(ports[leader], timeout=PROBE_TIMEOUT) for leader in set(leaders.values())
                     if leader in ports}
    else:  # a class's shared cluster: its brokers' ports are not ours to probe, and they do not die in a lesson
        reachable = {leader: True for leader in set(leaders.values()) if leader is not None}
    asked = [tp for tp, leader in leaders.items() if reachable.get(leader)]
    result: dict[tuple[str, int], int | None] = {tp: None for tp in leaders}
    if not asked:
        return result
    offset_spec = OffsetSpec.latest() if spec == "latest" else OffsetSpec.earliest()
    try:
        futures = link.admin.list_offsets({TopicPartition(t, p): offset_spec for t, p in asked},
                                          request_timeout=link.timeout)
    except KafkaException:
        return result
    for tp, future in futures.items():
        try:
            offset = future.result().offset
        except KafkaException:
            continue
        result[(tp.topic, tp.partition)] = offset if offset >= 0 else None
    return result


def committed_offsets(link, group: str, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int | None]:
    """``group``'s committed offset per partition (None: no commit). Cost: 1 admin call (OffsetFetch).

    Course machinery.
    """
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(t, p) for t, p in partitions])
    try:
        reply = link.admin.list_consumer_group_offsets([request], request_timeout=link.timeout)[group].result()
    except KafkaException:
        return {}
    return {(tp.topic, tp.partition): tp.offset if tp.offset >= 0 else None for tp in reply.topic_partitions or []}
