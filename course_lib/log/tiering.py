"""Watch tiered storage (KIP-405) happen: a partition's segments on the broker's disk and in the remote tier.

The remote tier of the course's ``TieredCluster`` is a directory (``cluster.remote_dir``), so a segment that moved
is a file you can list: ``<topic>-<partition>/<start offset>-<segment id>.log``. The offsets that tell the tiers
apart — *earliest-local* (the first offset still on the broker's disk) and *latest-tiered* (the last offset copied)
— are ListOffsets specs that confluent-kafka 2.16.1's ``OffsetSpec`` lacks, so they come from Kafka's own
``kafka-get-offsets``. Introduced in lesson 23.
"""

import re
from dataclasses import dataclass

from ..clients.admin import watermarks
from ..errors import CourseError
from ..toolchain.kafka_tools import run_tool
from .retention import segments

__all__ = ["RemoteSegment", "remote_segments", "tier_offsets", "tiers_text"]

REMOTE_NAME = re.compile(r"^(\d{20})-(.+)\.log$")  # <start offset>-<remote segment id>.log


@dataclass(frozen=True)
class RemoteSegment:
    """One segment's complete copy in the remote tier (lesson 23)."""
    start_offset: int  # the offset of its first record, as in the local file's name
    segment_id: str    # the id the broker gave the copy (a segment copied twice gets two ids)
    size: int          # bytes of its .log
    file: str


def remote_segments(topic: str, partition: int, cluster) -> list[RemoteSegment]:
    """The segments of ``topic``/``partition`` whose copy in ``cluster``'s remote tier is complete (its ``.log``
    is written last), oldest first; none when nothing was tiered (lesson 23)."""
    if not hasattr(cluster, "remote_dir"):
        raise CourseError(f"{cluster.name} has no remote tier; pass the TieredCluster of lesson 23.")
    folder = cluster.remote_dir / f"{topic}-{partition}"
    found = []
    for path in folder.glob("*.log") if folder.is_dir() else ():
        match = REMOTE_NAME.match(path.name)
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # deleted by the broker while we looked
            continue
        if match:
            found.append(RemoteSegment(int(match.group(1)), match.group(2), size, path.name))
    return sorted(found, key=lambda s: s.start_offset)


def tiers_text(topic: str, partition: int, cluster) -> str:
    """Both tiers of one partition for printing: the broker's ``.log`` files (with their state, as in lesson 08)
    beside the remote tier's (lesson 23)."""
    local = [f"  {s.base_offset:020d}.log  {s.size:9,d} bytes  {s.state}" for s in segments(topic, partition, cluster)]
    remote = [f"  {s.file[:20]}-….log  {s.size:9,d} bytes" for s in remote_segments(topic, partition, cluster)]
    return "\n".join(["on the broker's disk:", *(local or ["  (none)"]),
                      f"in the remote tier ({cluster.remote_dir.name}/{topic}-{partition}/):",
                      *(remote or ["  (none)"])])


def _listed_offset(topic: str, partition: int, cluster, spec: str) -> int:
    run = run_tool("kafka-get-offsets", "--bootstrap-server", cluster.bootstrap_servers, "--topic", topic,
                   "--partitions", str(partition), "--time", spec, timeout=60)
    return int(run.lines[-1].rsplit(":", 1)[1]) if run.lines else -1


def tier_offsets(topic: str, partition: int, cluster) -> dict[str, int]:
    """Where each tier starts and ends: ``earliest`` (the log start offset, remote tier included),
    ``earliest-local`` (the first offset on the broker's disk), ``latest-tiered`` (the last offset copied; -1:
    none yet) and ``latest`` (the next offset to be written) (lesson 23)."""
    earliest, latest = watermarks(topic, cluster)[partition]
    return {"earliest": earliest,
            "earliest-local": _listed_offset(topic, partition, cluster, "earliest-local"),
            "latest-tiered": _listed_offset(topic, partition, cluster, "latest-tiered"),
            "latest": latest}
