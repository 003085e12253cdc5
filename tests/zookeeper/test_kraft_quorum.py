"""KRaft seen through Kafka's own tools: the quorum's leader is the active controller, the metadata
log holds what ZooKeeper's znodes used to, and a killed leader is replaced by an election."""

from course_lib.admin import create_topic
from course_lib.inspect.kraft_metadata import metadata_records, quorum_state, quorum_status


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


def test_killing_the_active_controller_elects_a_new_leader(cluster, wait_for):
    before = quorum_status(cluster)
    old_leader = cluster.controller_id()
    assert before.leader_id == old_leader
    cluster.kill_broker(old_leader)

    def new_leader():
        status = quorum_status(cluster)
        return status if status.leader_id != old_leader else None

    after = wait_for(new_leader, timeout=60, what="the quorum to elect a new leader", interval=1)
    assert after.leader_id in set(before.voters) - {old_leader}
    assert after.leader_epoch > before.leader_epoch
    assert cluster.controller_id() == after.leader_id
    survivors = [node for node in cluster.nodes if node.node_id != old_leader]
    wait_for(lambda: all((quorum_state(n).leader_id, quorum_state(n).leader_epoch) == (after.leader_id, after.leader_epoch)
                         for n in survivors), timeout=20, what="each surviving voter to persist the election's outcome")
    # The dead node could not hear about it: its file still names itself, in the old epoch.
    assert quorum_state(cluster.node(old_leader)).leader_id == old_leader
    assert quorum_state(cluster.node(old_leader)).leader_epoch < after.leader_epoch
