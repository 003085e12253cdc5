"""A consumer group as lesson 05 shows it: members, who owns which partition, commits and lag.

Kafka's admin API does not return a classic group's generation id, so the rebalance history counts
the rebalances *this view observed* (a change of members or of the assignment) — numbered from 1
when the view started.
"""

import time
from dataclasses import dataclass

from confluent_kafka import ConsumerGroupTopicPartitions, KafkaException

from ...connection import reason
from .watermarks import partition_leaders, watermarks

__all__ = ["GroupSnapshot", "MemberState", "PartitionLag", "RebalanceEvent", "group_snapshot",
           "track_rebalances"]

ADMIN_CALLS = 4
SETTLED_STATES = ("STABLE", "EMPTY")


@dataclass(frozen=True)
class MemberState:
    """One member of a group: its ids, host and assigned partitions (course machinery)."""
    member_id: str
    client_id: str
    host: str
    partitions: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class PartitionLag:
    """One partition of the group's topics: owner, committed offset, log end and lag (course machinery)."""
    topic: str
    partition: int
    owner: str | None          # member_id of the member assigned this partition
    committed: int | None      # the group's committed offset (None: nothing committed yet)
    log_end: int | None        # high watermark (None: leader unreachable)

    @property
    def lag(self) -> int | None:
        """Records written but not yet committed by the group (all of them when nothing is committed)."""
        if self.log_end is None:
            return None
        return max(self.log_end - (self.committed or 0), 0)


@dataclass(frozen=True)
class GroupSnapshot:
    """The group at one moment: state, coordinator, members and partitions (``error``: why not) (course machinery)."""
    taken_at: float
    group_id: str
    state: str
    coordinator: int | None
    members: tuple[MemberState, ...]
    partitions: tuple[PartitionLag, ...]
    error: str | None = None
    admin_calls: int = ADMIN_CALLS

    def assignment(self) -> dict[tuple[str, int], str]:
        """(topic, partition) → member_id, from the members' own assignments."""
        return {tp: m.member_id for m in self.members for tp in m.partitions}

    @property
    def total_lag(self) -> int:
        return sum(p.lag or 0 for p in self.partitions)


@dataclass(frozen=True)
class RebalanceEvent:
    """The group as it settled after one rebalance (course machinery)."""
    number: int                                  # rebalances observed by the view, from 1
    at: float
    state: str                                   # STABLE, or EMPTY when the last member left
    joined: tuple[str, ...]                      # client ids
    left: tuple[str, ...]
    roster: tuple[tuple[str, str], ...] = ()     # (member_id, client_id) after the rebalance
    assignment: tuple = ()                       # sorted ((topic, partition), member_id) pairs

    @property
    def members(self) -> int:
        return len(self.roster)


def _failed(group_id: str, why: str) -> GroupSnapshot:
    return GroupSnapshot(time.time(), group_id, "UNKNOWN", None, (), (), error=why)


def group_snapshot(link, group_id: str, topics: tuple[str, ...] = ()) -> GroupSnapshot:
    """Members, assignment, committed offsets and lag of ``group_id`` over its topics (plus ``topics``).

    Cost: 4 admin calls (DescribeGroups, OffsetFetch, Metadata, ListOffsets). Never raises for a
    dead broker: the snapshot carries ``error`` instead.

    Course machinery.
    """
    timeout = link.timeout
    try:
        description = link.admin.describe_consumer_groups([group_id], request_timeout=timeout)[group_id].result()
        committed_reply = link.admin.list_consumer_group_offsets(
            [ConsumerGroupTopicPartitions(group_id)], request_timeout=timeout)[group_id].result()
        metadata = link.metadata()
    except KafkaException as exc:
        return _failed(group_id, f"the group's coordinator did not answer ({reason(exc)})")
    members = tuple(sorted(
        (MemberState(m.member_id, m.client_id, m.host,
                     tuple(sorted((tp.topic, tp.partition) for tp in (m.assignment.topic_partitions or []))))
         for m in description.members),
        key=lambda m: (m.client_id, m.member_id)))
    committed = {(tp.topic, tp.partition): tp.offset for tp in committed_reply.topic_partitions or []
                 if tp.offset >= 0}
    wanted = set(topics) | {t for m in members for t, _ in m.partitions} | {t for t, _ in committed}
    leaders = partition_leaders(metadata, sorted(wanted))
    log_end = watermarks(link, leaders, "latest")
    owners = {tp: m.member_id for m in members for tp in m.partitions}
    partitions = tuple(PartitionLag(t, p, owners.get((t, p)), committed.get((t, p)), log_end[(t, p)])
                       for t, p in sorted(leaders))
    coordinator = description.coordinator.id if description.coordinator is not None else None
    return GroupSnapshot(time.time(), group_id, description.state.name, coordinator, members, partitions)


def track_rebalances(history: tuple[RebalanceEvent, ...], current: GroupSnapshot,
                     keep: int = 8) -> tuple[RebalanceEvent, ...]:
    """``history`` plus one event when the group has settled with other members or another assignment.

    Only settled groups (STABLE or EMPTY) count: in the middle of a rebalance the members have no
    assignment yet, and recording that would make one rebalance look like two.

    Course machinery.
    """
    if current.error or current.state not in SETTLED_STATES:
        return history
    roster = tuple((m.member_id, m.client_id) for m in current.members)
    assignment = tuple(sorted(current.assignment().items()))
    last = history[-1] if history else None
    if last is not None and dict(last.roster).keys() == dict(roster).keys() and last.assignment == assignment:
        return history
    before, now = dict(last.roster if last else ()), dict(roster)
    event = RebalanceEvent(last.number + 1 if last else 1, current.taken_at, current.state,
                           tuple(sorted(now[m] for m in now.keys() - before.keys())),
                           tuple(sorted(before[m] for m in before.keys() - now.keys())),
                           roster, assignment)
    return (history + (event,))[-keep:]
