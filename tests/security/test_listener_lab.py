"""Lesson 20's one-node cluster: it is ready while advertising an address nobody listens on, and the course
cluster's ``down`` stops it (``down`` leaves no process behind)."""

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from course_lib.cluster import KRaftCluster
from course_lib.cluster.listeners import ListenerLabCluster
from course_lib.cluster.ports import listening_addresses


def test_an_unreachable_advertised_address_still_starts_and_down_stops_it(tmp_path):
    lab = ListenerLabCluster(home=tmp_path / "kraft" / "listeners")
    try:
        lab.restart(advertised_listeners=f"PLAINTEXT://127.0.0.2:{lab.port}")
        brokers = _bootstrap_metadata(f"localhost:{lab.port}").brokers
        assert [(b.host, b.port) for b in brokers.values()] == [("127.0.0.2", lab.port)]
        assert {address for address, _ in listening_addresses(lab.nodes[0].process.pid)} == {"127.0.0.1"}
        KRaftCluster(home=tmp_path / "kraft").down()
        assert not lab.nodes[0].process.alive, "the course cluster's down left lesson 20's broker running"
    finally:
        lab.down()


def _bootstrap_metadata(bootstrap: str):
    """The metadata from a new client, asked up to three times: once an answer names the broker, the client turns to
    its advertised address, and a request sent there fails (_TRANSPORT; seen once in CI) — as lesson 20 asks."""
    for _ in range(3):
        try:
            return AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=10)
        except KafkaException as error:
            failure = error
    raise failure
