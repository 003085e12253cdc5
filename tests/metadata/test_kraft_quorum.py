"""KRaft seen through Kafka's own tools: the quorum's leader is the active controller, the metadata
log holds what ZooKeeper's znodes used to, and a killed leader is replaced by an election."""

from course_lib.clients.admin import create_topic
from course_lib.metadata.kraft import metadata_records, quorum_state, quorum_status
from course_lib.waiting import poll_until


def test_quorum_status_names_the_active_controller(cluster):
    status = quorum_status(cluster)
    assert status.voters == (1, 2, 3)
    assert status.leader_id == cluster.controller_id()
    assert status.high_watermark > 0
    roles = {replica.node_id: replica.status for replica in status.replicas}
    assert roles[status.leader_id] == "Leader"
    assert sorted(role for node, role in roles.items() if node != status.leader_id) == ["Follower", "Follower"]
    assert quorum_status(cluster, via="broker").leader_id == status.leader_id  # --bootstrap-server agrees


def test_metadata_log_records_brokers_and_topics(cluster, unique):
    topic = unique("kraft-metadata")
    create_topic(topic, partitions=2, replication_factor=3, cluster=cluster)
    records = metadata_records(cluster)
    assert {r.data["brokerId"] for r in records if r.type == "REGISTER_BROKER_RECORD"} == {1, 2, 3}
    topic_ids = [r.data["topicId"] for r in records if r.type == "TOPIC_RECORD" and r.data["name"] == topic]
    assert len(topic_ids) == 1
    partitions = [r.data for r in records if r.type == "PARTITION_RECORD" and r.data["topicId"] == topic_ids[0]]
    assert sorted(p["partitionId"] for p in partitions) == [0, 1]
    assert all(sorted(p["replicas"]) == [1, 2, 3] for p in partitions)
    assert any(r.type == "LeaderChange" and r.is_control for r in records)
    assert "NO_OP_RECORD" not in {r.type for r in records}
    offsets = [r.offset for r in records]
    assert offsets == sorted(offsets)


def test_killing_the_active_controller_elects_a_new_leader(cluster):
    before = quorum_status(cluster)
    old_leader = cluster.controller_id()
    assert before.leader_id == old_leader
    cluster.kill_broker(old_leader)
    survivors = [node for node in cluster.nodes if node.node_id != old_leader]

    def agreed_new_leader(beliefs: set) -> bool:
        return len(beliefs) == 1 and next(iter(beliefs))[0] not in (None, old_leader)
    ((leader, epoch),) = poll_until(lambda: {(s.leader_id, s.leader_epoch) for s in map(quorum_state, survivors)},
                                    "the surviving voters' quorum-state files to name the same new (leader, epoch)",
                                    60, every=0.5, done=agreed_new_leader)
    assert leader in set(before.voters) - {old_leader}
    assert epoch > before.leader_epoch
    after = quorum_status(cluster)  # the quorum itself, asked through Kafka's tool, agrees
    assert (after.leader_id, after.leader_epoch) == (leader, epoch)
    assert {r.node_id: r.status for r in after.replicas}[leader] == "Leader"
    assert cluster.controller_id() == leader
    # The dead node could not hear about it: its file still names itself, in the old epoch.
    dead = quorum_state(cluster.node(old_leader))
    assert dead.leader_id == old_leader and dead.leader_epoch < epoch
