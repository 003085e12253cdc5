"""Lesson 11 reads the Docker stack from its compose files: services, memory and listeners (offline, no engine)."""

import pytest

from course_lib.cluster.docker import KRAFT_STACK, ZOOKEEPER_STACK
from course_lib.cluster.compose_files import listeners, load_compose, memory_mb, services
from course_lib.errors import CourseError


@pytest.mark.parametrize("which, stack", [("kraft", KRAFT_STACK), ("zookeeper", ZOOKEEPER_STACK)])
def test_services_and_published_ports_match_the_docker_backend(which, stack):
    found = {s.name: s for s in services(which)}
    controller_ports = stack.controller_ports or (None,) * len(stack.brokers)
    for (node_id, service, port), controller_port in zip(stack.brokers, controller_ports):
        published = (port,) if controller_port is None else (port, controller_port)  # KRaft: its controller too
        assert found[service].ports == tuple(f"127.0.0.1:{p}:{p}" for p in published)
        assert found[service].mem_limit_mb == 896  # merged in from the x-kafka-node anchor
    assert all(s.image for s in found.values())
    assert found["kafka-ui"].profiles == ("ui",)


def test_memory_counts_only_the_services_a_profile_starts():
    plain, everything = memory_mb("kraft"), memory_mb("kraft", ("ui",))
    assert plain == 3 * 896 + 512 + 1536
    assert everything == plain + 512
    assert memory_mb("zookeeper") == 3 * 896 + 384


def test_each_broker_has_an_internal_an_external_and_for_kraft_controller_listeners():
    rows = listeners("kraft")
    assert {(l.service, l.name) for l in rows} == {(f"kafka-{n}", name) for n in (1, 2, 3) for name in
                                                   ("INTERNAL", "EXTERNAL", "CONTROLLER", "CONTROLLER_EXTERNAL")}
    external = {l.service: l.advertised for l in rows if l.name == "EXTERNAL"}
    assert external == {"kafka-1": "localhost:9092", "kafka-2": "localhost:9093", "kafka-3": "localhost:9094"}
    assert all(l.advertised == f"{l.service}:29092" for l in rows if l.name == "INTERNAL")
    assert all(l.advertised is None for l in rows if l.name == "CONTROLLER")
    controllers = {l.service: l.advertised for l in rows if l.name == "CONTROLLER_EXTERNAL"}
    assert controllers == {"kafka-1": "localhost:19092", "kafka-2": "localhost:19093", "kafka-3": "localhost:19094"}
    assert {l.name for l in listeners("zookeeper")} == {"INTERNAL", "EXTERNAL"}


def test_anchors_are_resolved_and_an_unknown_file_is_one_sentence():
    env = load_compose("kraft")["services"]["kafka-2"]["environment"]
    assert env["KAFKA_NODE_ID"] == "2" and env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    with pytest.raises(CourseError, match="no compose file"):
        load_compose("podman")
