"""Checks for lab 23 (tiered storage), on lesson 23's one-node ``TieredCluster`` (started by ``prepare``). Each check
makes a topic of its own, calls the learner's function, judges the cluster, and deletes the topic — which deletes its
copies in the remote tier:

- task 1: the learner's ``create_tiered_topic`` makes a topic that keeps about 1 MiB on the broker's disk and
  everything for at least a week in all. The check reads its configs back (``remote.storage.enable``,
  ``local.retention.*`` rather than ``retention.*`` for the disk, ``segment.bytes``), then proves them: it writes
  3 MB, waits until the oldest segments have left the disk, and wants the log to start at offset 0 still;
- task 2: the learner's ``read_from_start`` reads a tiered topic whose first two segments exist only in the remote
  tier. Every record, in order, from offset 0 — not only what is on the disk, nor nothing (a consumer at
  ``latest``).

Kafka 4.4's numbers: ``segment.bytes`` may not be below 1 MiB; with ``local.retention.bytes`` at 1 MiB and 1 MiB
segments, 3000 records of 1000 bytes leave two segments remote-only, copied and deleted locally within seconds on
this cluster (it looks every second).
"""

import threading
import time
import uuid
from collections.abc import Callable

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from ..clients.admin import delete_topic, list_topics, topic_config
from ..cluster.tiered import TieredCluster
from ..errors import CourseError
from ..log.retention import segments
from ..log.tiering import tier_offsets
from ..waiting import poll_until
from .checking import NotYet, answer_of, task_check

__all__ = ["MIB", "RECORDS", "VALUE_BYTES", "WEEK_MS", "prepare", "task1", "task2", "finish"]

MIB = 1 << 20
RECORDS = 3000         # records of ...
VALUE_BYTES = 1000     # ... this many bytes: 3 MB, three closed segments of 1 MiB
WEEK_MS = 7 * 24 * 3600_000
TIERED_WITHIN = 60.0   # s for the broker to copy the closed segments and delete them locally
READ_WITHIN = 45.0     # s the learner's reader may take
SEEN_WITHIN = 15.0     # s the broker may take to list a topic the learner's function made
_TIERED_CONFIG = {"remote.storage.enable": "true", "segment.bytes": str(MIB), "local.retention.bytes": str(MIB),
                  "retention.ms": str(WEEK_MS)}


def prepare(lab) -> str:
    """Start lesson 23's tiered-storage cluster, or find it running (lab 23); the checks make their own topics,
    so re-running the set-up cell changes nothing."""
    cluster = TieredCluster().up(quiet=True)
    return (f"The tiered-storage cluster is up: 1 broker at {cluster.bootstrap_servers}, its remote tier in "
            f"{cluster.remote_dir}. Each check makes a topic of its own — {lab.topic('tiered')}-… — and deletes "
            "it afterwards.")


def finish() -> str:
    """Stop the tiered-storage cluster the lab started (its data stays; the set-up cell starts it again) (lab 23)."""
    TieredCluster().down()
    return "Stopped the tiered-storage cluster (its data stays: the set-up cell starts it again)."


class _Topic:
    """One check's topic on the tiered cluster; leaving the ``with`` block deletes it."""

    def __init__(self, lab, name: str):
        self.cluster = TieredCluster()
        if not self.cluster.is_running():
            raise NotYet("the tiered-storage cluster is not running.", "run the set-up cell (checks.prepare) again.")
        self.bootstrap = self.cluster.bootstrap_servers
        self.admin = AdminClient({"bootstrap.servers": self.bootstrap})
        self.name = f"{lab.topic(name)}-{uuid.uuid4().hex[:6]}"

    def __enter__(self) -> "_Topic":
        return self

    def __exit__(self, *exc) -> None:
        delete_topic(self.name, cluster=self.cluster)

    def configs(self) -> dict[str, str] | None:
        """The topic's configs, or None when there is no such topic: asked again for up to ``SEEN_WITHIN`` s, as
        the broker lists a new topic a moment after the controller made it."""
        try:
            poll_until(lambda: self.name in list_topics(self.cluster), f"the broker to list {self.name}",
                       timeout=SEEN_WITHIN, every=0.25)
        except CourseError:
            return None
        return topic_config(self.name, cluster=self.cluster, only_changed=False)

    def fill(self) -> list[bytes]:
        """Write ``RECORDS`` values that do not compress; return them in order."""
        values = [(uuid.uuid4().hex * 32)[:VALUE_BYTES - 8].encode() + b"%08d" % n for n in range(RECORDS)]
        producer = Producer({"bootstrap.servers": self.bootstrap, "compression.type": "none", "linger.ms": 20})
        for value in values:
            producer.produce(self.name, value, partition=0)
            producer.poll(0)
        if producer.flush(30):
            raise CourseError("Could not write the check's records; check `python -m course_lib status` and "
                              "`TieredCluster().logs(1)`.")
        return values

    def tiered(self) -> dict[str, int]:
        """The topic's offsets once its oldest segments have left the broker's disk (``tier_offsets``, asked once:
        it runs Kafka's tool twice; the wait looks at the disk's segment files, which costs nothing)."""
        poll_until(lambda: segments(self.name, 0, self.cluster), f"{self.name}'s oldest segments to move to the "
                   "remote tier", timeout=TIERED_WITHIN, every=1, done=lambda local: local and local[0].base_offset > 0)
        return tier_offsets(self.name, 0, self.cluster)


# -- task 1: a topic that tiers -----------------------------------------------------------------------------------

def _judge_configs(configs: dict[str, str]) -> None:
    """NotYet for the first setting that keeps the topic from tiering 1 MiB locally and a week in all."""
    if configs.get("remote.storage.enable") != "true":
        raise NotYet("the topic is not tiered: its remote.storage.enable is false, so nothing ever leaves the "
                     "broker's disk.", "the topic config remote.storage.enable=true opts a topic in (the broker "
                     "allows it already).")
    total_bytes, total_ms = int(configs["retention.bytes"]), int(configs["retention.ms"])
    if 0 <= total_bytes < RECORDS * VALUE_BYTES or 0 <= total_ms < WEEK_MS:
        raise NotYet(f"the topic keeps only retention.bytes={total_bytes}, retention.ms={total_ms} in all (both "
                     "tiers): old records would be deleted, not tiered.", "retention.* bounds the whole log; the "
                     "broker's disk alone is bounded by local.retention.bytes / local.retention.ms.")
    local_bytes = int(configs["local.retention.bytes"])
    if local_bytes == -2 or local_bytes > 2 * MIB:
        said = "-2 (as retention.bytes)" if local_bytes == -2 else str(local_bytes)
        raise NotYet(f"the topic keeps up to local.retention.bytes={said} on the broker's disk, not about 1 MiB.",
                     f"set the topic config local.retention.bytes to {MIB}.")
    if int(configs["segment.bytes"]) != MIB:
        raise NotYet(f"its segments are {configs['segment.bytes']} bytes, not 1 MiB: only closed segments move.",
                     f"set the topic config segment.bytes to {MIB} (the smallest Kafka 4 allows).")


@task_check("Task 1 · a topic that tiers")
def task1(lab, create_tiered_topic: Callable) -> str:
    """Call ``create_tiered_topic(admin_config, topic)``, judge the topic's configs, then write 3 MB and want its
    oldest segments off the disk while the log still starts at offset 0."""
    with _Topic(lab, "tiered") as topic:
        try:
            answer_of(create_tiered_topic, {"bootstrap.servers": topic.bootstrap}, topic.name)
        except NotYet as not_yet:
            if "_DESTROY" in not_yet.message:  # AdminClient(...).create_topics(...)[t].result() in one line
                raise NotYet(not_yet.message, "keep the AdminClient in a variable until .result() returns: a "
                             "client that Python has already collected cancels what it was asked.") from None
            raise
        configs = topic.configs()
        if configs is None:
            raise NotYet(f"there is no topic {topic.name} on the tiered cluster.",
                         "create it with admin.create_topics([NewTopic(topic, 1, 1, config={...})]) and call "
                         ".result() on its future.")
        _judge_configs(configs)
        topic.fill()
        offsets = topic.tiered()
        if offsets["earliest"] != 0:
            raise NotYet(f"the log now starts at offset {offsets['earliest']}: records were deleted, not tiered.",
                         "retention.* must keep a week in all.")
    return (f"{RECORDS} records written; offsets {offsets['earliest']}–{offsets['earliest-local'] - 1} left the "
            f"broker's disk for the remote tier, and the log still starts at 0.")


# -- task 2: read it all back ------------------------------------------------------------------------------------

@task_check("Task 2 · read it all back")
def task2(lab, read_from_start: Callable) -> str:
    """Fill a tiered topic until its oldest segments exist only remotely, then call ``read_from_start(config,
    topic)`` (in a thread, for at most ``READ_WITHIN`` s) and want every value, in order."""
    with _Topic(lab, "readable") as topic:
        topic.admin.create_topics([NewTopic(topic.name, 1, 1, config=_TIERED_CONFIG)])[topic.name].result()
        values = topic.fill()
        offsets = topic.tiered()
        config = {"bootstrap.servers": topic.bootstrap, "group.id": f"{lab.group('reader')}-{topic.name[-6:]}"}
        outcome = {}

        def run():
            try:
                outcome["values"] = answer_of(read_from_start, config, topic.name)
            except NotYet as not_yet:
                outcome["not yet"] = not_yet

        reader = threading.Thread(target=run, daemon=True)
        started = time.monotonic()
        reader.start()
        reader.join(READ_WITHIN)
    if reader.is_alive():
        raise NotYet(f"your function did not return within {READ_WITHIN:.0f} s.",
                     "stop once you have read up to the end: the high watermark of get_watermark_offsets().")
    if "not yet" in outcome:
        raise outcome["not yet"]
    got = [bytes(value) for value in outcome["values"] or []]
    local = offsets["earliest-local"]
    if got == values:
        return (f"all {RECORDS} records in order in {time.monotonic() - started:.1f} s, the first {local} of them "
                "from the remote tier.")
    if not got:
        raise NotYet("your function read nothing: the consumer started at the end of the topic.",
                     "auto.offset.reset is latest by default; set 'earliest', or assign the partition at "
                     "OFFSET_BEGINNING.")
    if got == values[local:]:
        raise NotYet(f"your function read only the {len(got)} records on the broker's disk, from offset {local}.",
                     "start at the log start offset (OFFSET_BEGINNING), not at what the disk holds.")
    raise NotYet(f"your function returned {len(got)} values, not the topic's {RECORDS} in order.",
                 "return msg.value() of every record from the first offset up to the high watermark, in order.")
