"""Pure unit tests: the parsers read the exact text Kafka 4.4's tools print (captured from real runs)."""

import pytest

from course_lib.errors import CourseError
from course_lib.metadata.kraft import parse_dump, parse_quorum_replication, parse_quorum_status

STATUS = """\
ClusterId:              td7XRzqWTLOn33pxGzwa2A
LeaderId:               1
LeaderEpoch:            3
HighWatermark:          59
MaxFollowerLag:         2
MaxFollowerLagTimeMs:   15
CurrentVoters:          [{"id": 1, "endpoints": ["CONTROLLER://127.0.0.1:19392"]}, {"id": 2, "endpoints": ["CONTROLLER://127.0.0.1:19393"]}, {"id": 3, "endpoints": ["CONTROLLER://127.0.0.1:19394"]}]
CurrentObservers:       []
"""

REPLICATION = (
    "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t\n"
    "1     \tAAAAAAAAAAAAAAAAAAAAAA\t64          \t0  \t1795625614033     \t1795625614033        \tLeader  \t\n"
    "2     \tAAAAAAAAAAAAAAAAAAAAAA\t62          \t2  \t1795625613606     \t-1                   \tFollower\t\n"
)

DUMP = """\
Dumping /x/__cluster_metadata-0/00000000000000000000.log
Log starting offset: 0
baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 1 isTransactional: false isControl: true deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1795625590283 size: 106 magic: 2 compresscodec: none crc: 408581965 isvalid: true
| offset: 0 CreateTime: 1795625590283 keySize: 4 valueSize: 34 sequence: -1 headerKeys: [] LeaderChange: {"version":0,"leaderId":1,"voters":[{"voterId":1},{"voterId":2},{"voterId":3}],"grantingVoters":[{"voterId":1},{"voterId":3}]}
baseOffset: 1 lastOffset: 2 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 2 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 106 CreateTime: 1795625592527 size: 330 magic: 2 compresscodec: none crc: 4084160813 isvalid: true
| offset: 1 CreateTime: 1795625592527 keySize: -1 valueSize: 23 sequence: -1 headerKeys: [] payload: {"type":"FEATURE_LEVEL_RECORD","version":0,"data":{"name":"metadata.version","featureLevel":33}}
| offset: 2 CreateTime: 1795625592528 keySize: -1 valueSize: 4 sequence: -1 headerKeys: [] payload: {"type":"NO_OP_RECORD","version":0,"data":{}}
"""


def test_status_fields_and_voter_ids():
    fields = parse_quorum_status(STATUS)
    assert fields["leader_id"] == 1 and fields["leader_epoch"] == 3 and fields["high_watermark"] == 59
    assert fields["max_follower_lag"] == 2 and fields["max_follower_lag_ms"] == 15
    assert fields["voters"] == (1, 2, 3) and fields["observers"] == ()


def test_status_in_the_older_plain_id_format():
    assert parse_quorum_status(STATUS.replace(STATUS.splitlines()[6], "CurrentVoters: [1,2,3]"))["voters"] == (1, 2, 3)


def test_unreadable_status_is_one_course_error():
    with pytest.raises(CourseError, match="MetadataQuorumCommand"):
        parse_quorum_status("Error: something else entirely")


def test_replication_rows():
    leader, follower = parse_quorum_replication(REPLICATION)
    assert (leader.node_id, leader.log_end_offset, leader.lag, leader.status) == (1, 64, 0, "Leader")
    assert (follower.node_id, follower.lag, follower.status, follower.last_caught_up_ms) == (2, 2, "Follower", None)


def test_dump_records_carry_their_batch_epoch_and_kind():
    change, feature, noop = parse_dump(DUMP)
    assert (change.offset, change.type, change.is_control, change.leader_epoch) == (0, "LeaderChange", True, 1)
    assert change.data["grantingVoters"] == [{"voterId": 1}, {"voterId": 3}]
    assert (feature.type, feature.data, feature.leader_epoch, feature.is_control) == (
        "FEATURE_LEVEL_RECORD", {"name": "metadata.version", "featureLevel": 33}, 2, False)
    assert (noop.offset, noop.type, noop.create_time_ms) == (2, "NO_OP_RECORD", 1795625592528)


def test_quorum_replication_skips_lines_around_the_table():
    noisy = "WARN the quorum is electing a new leader\n" + REPLICATION + "\nsome trailing remark\n"
    assert parse_quorum_replication(noisy) == parse_quorum_replication(REPLICATION)
    assert len(parse_quorum_replication(noisy)) == 2 and parse_quorum_replication("no table at all") == ()
