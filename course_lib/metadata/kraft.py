"""Look inside KRaft: the controller quorum and the ``__cluster_metadata`` log (the ZooKeeper vs KRaft lesson).

In KRaft mode the metadata ZooKeeper used to hold is a replicated log, ``__cluster_metadata``, that the
controllers keep with the Raft protocol: one leader (the active controller) appends records such as
``REGISTER_BROKER_RECORD`` or ``TOPIC_RECORD``; the other voters copy them and vote for a new leader when
it goes silent. Everything here comes from Kafka's own tools run from the course's jars:

* ``quorum_status`` — ``MetadataQuorumCommand describe --status`` and ``--replication``:
  leader, epoch, high watermark, voters and each replica's lag;
* ``metadata_records`` — ``DumpLogSegments --cluster-metadata-decoder`` on a node's segments;
* ``quorum_state`` — a node's own ``quorum-state`` file: whom it believes is leader, whom it voted for.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..errors import CourseError
from ..toolchain.kafka_tools import run_tool

__all__ = ["MetadataRecord", "QuorumState", "QuorumStatus", "ReplicaState", "metadata_records",
           "parse_dump", "parse_quorum_replication", "parse_quorum_status", "quorum_state", "quorum_status"]

QUORUM_TOOL = "kafka-metadata-quorum"  # MetadataQuorumCommand
DUMP_TOOL = "kafka-dump-log"  # DumpLogSegments, from whichever package the jars hold it in
METADATA_DIR = "__cluster_metadata-0"


@dataclass(frozen=True)
class ReplicaState:
    """One row of ``describe --replication``: how far one voter (or observer) has copied the log (course machinery)."""
    node_id: int
    log_end_offset: int
    lag: int                       # records behind the leader
    last_fetch_ms: int | None
    last_caught_up_ms: int | None
    status: str                    # "Leader", "Follower" or "Observer"


@dataclass(frozen=True)
class QuorumStatus:
    """``describe --status`` (+ ``--replication``): the quorum as its leader reports it.

    Returned by ``quorum_status`` (lesson 10).
    """
    cluster_id: str
    leader_id: int
    leader_epoch: int              # +1 at every election
    high_watermark: int            # offset up to which a majority of voters has the log
    max_follower_lag: int
    max_follower_lag_ms: int
    voters: tuple[int, ...]
    observers: tuple[int, ...]
    replicas: tuple[ReplicaState, ...]


@dataclass(frozen=True)
class QuorumState:
    """A node's ``quorum-state`` file: what this voter last persisted about the election (course machinery)."""
    node_id: int
    leader_id: int | None          # None while it knows no leader
    leader_epoch: int
    voted_id: int | None           # whom it voted for in ``leader_epoch``
    voters: tuple[int, ...]


@dataclass(frozen=True)
class MetadataRecord:
    """One record of ``__cluster_metadata``, decoded (returned by ``metadata_records``, lesson 10)."""
    offset: int
    type: str                      # "TOPIC_RECORD", "REGISTER_BROKER_RECORD" ..., or a control record ("LeaderChange")
    version: int | None
    data: dict
    leader_epoch: int              # epoch of the controller that wrote it
    create_time_ms: int
    is_control: bool               # Raft's own bookkeeping, not cluster metadata


# -- quorum status -----------------------------------------------------------------------------

def _ids(text: str) -> tuple[int, ...]:
    """``[1, 2]`` (old format) or ``[{"id": 1, ...}, ...]`` (Kafka 3.9+) → ``(1, 2)``."""
    return tuple(item["id"] if isinstance(item, dict) else int(item) for item in json.loads(text))


def parse_quorum_status(text: str) -> dict:
    """``describe --status`` output (``Key: value`` lines) → the fields of ``QuorumStatus`` it carries.

    Course machinery.
    """
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    try:
        return {"cluster_id": fields["ClusterId"], "leader_id": int(fields["LeaderId"]),
                "leader_epoch": int(fields["LeaderEpoch"]), "high_watermark": int(fields["HighWatermark"]),
                "max_follower_lag": int(fields["MaxFollowerLag"]),
                "max_follower_lag_ms": int(fields["MaxFollowerLagTimeMs"]),
                "voters": _ids(fields["CurrentVoters"]), "observers": _ids(fields.get("CurrentObservers", "[]"))}
    except (KeyError, ValueError) as error:
        raise CourseError(f"Could not read MetadataQuorumCommand's status output ({error}); "
                          f"it printed: {text.strip()[:200]!r}.") from None


def _timestamp(text: str) -> int | None:
    value = int(text)
    return value if value >= 0 else None


def parse_quorum_replication(text: str) -> tuple[ReplicaState, ...]:
    """``describe --replication`` output (a tab-separated table) → one ``ReplicaState`` per row (course machinery).

    Lines before the table's header (a warning while the quorum elects a new leader) and lines that are not
    rows of it are skipped."""
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.split("\t")[0].strip() == "NodeId"), None)
    if start is None:
        return ()
    header = [column.strip() for column in lines[start].split("\t")]
    rows = []
    for line in lines[start + 1:]:
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) != len(header) or not cells[0].lstrip("-").isdigit():
            continue
        row = dict(zip(header, cells))
        rows.append(ReplicaState(int(row["NodeId"]), int(row["LogEndOffset"]), int(row["Lag"]),
                                 _timestamp(row["LastFetchTimestamp"]), _timestamp(row["LastCaughtUpTimestamp"]),
                                 row["Status"]))
    return tuple(rows)


def _live_nodes(cluster):
    if not any(node.controller_port for node in cluster.nodes):
        raise CourseError("This cluster has no KRaft controllers (it runs in ZooKeeper mode); "
                          "look inside it with course_lib.metadata.zookeeper instead.")
    live = [node for node in cluster.nodes if node.process.alive]
    if not live:
        raise CourseError("No node of the KRaft cluster is running; start it with `python -m course_lib up`.")
    return live


def quorum_status(cluster, via: str = "controller") -> QuorumStatus:
    """Ask the quorum for its status, through the controllers' port (``via="controller"``, like
    ``--bootstrap-controller``) or through the brokers (``via="broker"``, like ``--bootstrap-server``).

    Introduced in lesson 10.
    """
    live = _live_nodes(cluster)
    if via == "controller":
        bootstrap = ["--bootstrap-controller", ",".join(f"localhost:{n.controller_port}" for n in live)]
    elif via == "broker":
        bootstrap = ["--bootstrap-server", ",".join(f"localhost:{n.port}" for n in live)]
    else:
        raise CourseError(f"via={via!r} is not a way to reach the quorum; use via=\"controller\" or via=\"broker\".")
    with ThreadPoolExecutor(max_workers=2) as pool:  # two JVMs at once: the tool prints one view per run
        status = pool.submit(run_tool, QUORUM_TOOL, *bootstrap, "describe", "--status")
        replication = pool.submit(run_tool, QUORUM_TOOL, *bootstrap, "describe", "--replication")
        return QuorumStatus(**parse_quorum_status(status.result().stdout),
                            replicas=parse_quorum_replication(replication.result().stdout))


def quorum_state(node) -> QuorumState:
    """Read ``node``'s ``quorum-state`` file (works while the node is down, too) (course machinery)."""
    path = node.data_dir / METADATA_DIR / "quorum-state"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        raise CourseError(f"Node {node.node_id} has no readable quorum-state file ({path}); "
                          "it is written at the node's first start: `python -m course_lib up`.") from None
    leader, voted = state.get("leaderId", -1), state.get("votedId", -1)
    return QuorumState(node.node_id, leader if leader >= 0 else None, state.get("leaderEpoch", -1),
                       voted if voted >= 0 else None,
                       tuple(voter["voterId"] for voter in state.get("currentVoters") or ()))


# -- metadata records ------------------------------------------------------------------------

_BATCH = re.compile(r"^baseOffset: \d+ .*?partitionLeaderEpoch: (-?\d+) .*?isControl: (\w+)")
_RECORD = re.compile(r"^\| offset: (\d+) CreateTime: (-?\d+) .*?headerKeys: \[[^\]]*\] (?:payload|(\w+)): (.*)$")


def parse_dump(text: str) -> list[MetadataRecord]:
    """``DumpLogSegments --cluster-metadata-decoder`` output → records (batch lines give epoch and kind).

    Course machinery.
    """
    records, epoch, control = [], -1, False
    for line in text.splitlines():
        batch = _BATCH.match(line)
        if batch:
            epoch, control = int(batch.group(1)), batch.group(2) == "true"
            continue
        record = _RECORD.match(line)
        if not record:
            continue
        offset, created, control_type, body = record.groups()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {"raw": body}
        if control_type:  # e.g. "LeaderChange: {...}" — the control record's JSON is its data
            records.append(MetadataRecord(int(offset), control_type, payload.pop("version", None), payload,
                                          epoch, int(created), True))
        else:
            records.append(MetadataRecord(int(offset), payload.get("type", "?"), payload.get("version"),
                                          payload.get("data", payload), epoch, int(created), control))
    return records


def metadata_records(cluster, node_id: int | None = None, include_noop: bool = False) -> list[MetadataRecord]:
    """Every record in one node's ``__cluster_metadata`` segments (default: the first live node) (lesson 10).

    ``NO_OP_RECORD``\\ s — the leader's heartbeat, several a second — are left out unless asked for.
    """
    node = cluster.node(node_id) if node_id is not None else _live_nodes(cluster)[0]
    segments = sorted((node.data_dir / METADATA_DIR).glob("*.log"))
    if not segments:
        raise CourseError(f"Node {node.node_id} has no __cluster_metadata segment yet; start the cluster with "
                          "`python -m course_lib up` first.")
    output = run_tool(DUMP_TOOL, "--cluster-metadata-decoder", "--files", ",".join(map(str, segments))).stdout
    records = parse_dump(output)
    return records if include_noop else [r for r in records if r.type != "NO_OP_RECORD"]
