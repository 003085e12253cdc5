"""The secured cluster refuses who it should and lets in who it should: no credentials, a wrong password and a
missing CA are each refused with the client's own reason; ACLs allow what they grant and nothing more; its files
work as-is with Kafka's Java tools and with confluent-kafka; every listener of both clusters is on loopback."""

import uuid

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient,
                                   NewTopic, ResourcePatternType, ResourceType)

from course_lib.cluster.ports import listening_addresses
from course_lib.cluster.readiness import fatal_startup_error
from course_lib.cluster.secure import SecureCluster
from course_lib.errors import CourseError
from course_lib.toolchain.kafka_tools import run_tool
from course_lib.waiting import poll_until


def attempt(config: dict, topic: str) -> tuple[object, list]:
    """Produce one record with ``config``: (the delivery error or None, the errors ``error_cb`` saw)."""
    errors, outcome = [], []
    producer = Producer({**config, "message.timeout.ms": 6000, "error_cb": errors.append})
    producer.produce(topic, b"x", on_delivery=lambda err, msg: outcome.append(err))
    producer.flush(30)  # returns once the delivery report is in: at most the 6 s message timeout
    return outcome[0], errors


@pytest.fixture(scope="module")
def topics(secure):
    """A topic alice's prefix covers and one it does not, made by admin; deleted after, with the module's ACLs."""
    prefix = f"team{uuid.uuid4().hex[:6]}."
    names = (f"{prefix}orders", f"other{uuid.uuid4().hex[:6]}")
    admin = AdminClient(secure.client_config("admin"))
    for future in admin.create_topics([NewTopic(name, 1, 3) for name in names]).values():
        future.result()
    yield prefix, names
    grants = AclBindingFilter(ResourceType.ANY, prefix, ResourcePatternType.PREFIXED, None, None, AclOperation.ANY,
                              AclPermissionType.ANY)
    admin.delete_acls([grants])[grants].result()
    for future in admin.delete_topics(list(names)).values():
        future.result()


def test_a_client_without_credentials_is_refused(secure, topics):
    plain = {"bootstrap.servers": secure.bootstrap_servers,
             "broker.address.family": secure.client_config()["broker.address.family"]}
    error, _ = attempt(plain, topics[1][0])
    assert error is not None and error.name() == "_MSG_TIMED_OUT", error
    tls_only = {**plain, "security.protocol": "SSL", "ssl.ca.location": secure.client_config()["ssl.ca.location"]}
    error, _ = attempt(tls_only, topics[1][0])
    assert error is not None and error.name() == "_MSG_TIMED_OUT", error


def test_a_wrong_password_is_an_authentication_error(secure, topics):
    error, seen = attempt({**secure.client_config("alice"), "sasl.password": "not-the-password"}, topics[1][0])
    assert error is not None and error.name() == "_MSG_TIMED_OUT", error
    assert any(e.name() == "_AUTHENTICATION" and "invalid credentials" in e.str() for e in seen), seen


def test_without_the_ca_the_broker_certificate_is_not_trusted(secure, topics):
    config = {key: value for key, value in secure.client_config("alice").items() if key != "ssl.ca.location"}
    error, seen = attempt(config, topics[1][0])
    assert error is not None, "a client that does not trust the course CA got in"
    assert any(e.name() == "_SSL" and "certificate verify failed" in e.str() for e in seen), seen


def test_acls_allow_what_they_grant_and_nothing_else(secure, topics):
    prefix, (own, other) = topics
    alice, bob = secure.client_config("alice"), secure.client_config("bob")
    error, _ = attempt(alice, own)
    assert error is not None and error.name() == "TOPIC_AUTHORIZATION_FAILED", "no ACL yet, yet alice wrote"
    grant = AclBinding(ResourceType.TOPIC, prefix, ResourcePatternType.PREFIXED, "User:alice", "*",
                       AclOperation.WRITE, AclPermissionType.ALLOW)
    admin = AdminClient(secure.client_config("admin"))
    admin.create_acls([grant])[grant].result()
    # Every broker learns the ACL from the metadata log, a moment after the controller wrote it.
    poll_until(lambda: attempt(alice, own)[0], "alice's grant to reach the brokers", timeout=30, done=lambda e: e is None)
    error, _ = attempt(alice, other)
    assert error is not None and error.name() == "TOPIC_AUTHORIZATION_FAILED", "alice wrote outside her prefix"
    error, _ = attempt(bob, own)
    assert error is not None and error.name() == "TOPIC_AUTHORIZATION_FAILED", "bob wrote under alice's grant"


def test_the_client_files_work_as_they_are(secure, topics):
    run = run_tool("kafka-topics", "--bootstrap-server", secure.bootstrap_servers, "--command-config",
                   secure.client_properties("admin"), "--list")
    assert topics[1][1] in run.lines, run.stdout
    rdkafka = dict(line.split("=", 1) for line in
                   (secure.home / "clients" / "admin.librdkafka.properties").read_text().splitlines())
    error, seen = attempt(rdkafka, topics[1][1])
    assert error is None, (error, seen)


def test_no_listener_of_either_cluster_binds_beyond_loopback(secure, cluster):
    for each in (cluster, secure):
        for node in each.nodes:
            bound = listening_addresses(node.process.pid)
            assert node.port in {port for _, port in bound}, bound
            assert {address for address, _ in bound} == {"127.0.0.1"}, f"{each.name}, node {node.node_id}: {bound}"
    assert len(listening_addresses(secure.nodes[0].process.pid)) == 3, "SECURE, INTERNAL and CONTROLLER"


@pytest.fixture
def scratch_ports(monkeypatch):
    """Ports for a second secured cluster beside the one the other tests use."""
    for setting, ports in (("COURSE_SECURE_PORTS", (9495, 9496, 9497)),
                           ("COURSE_SECURE_INTERNAL_PORTS", (9595, 9596, 9597)),
                           ("COURSE_SECURE_CONTROLLER_PORTS", (19495, 19496, 19497))):
        monkeypatch.setenv(setting, ",".join(map(str, ports)))


def test_a_broken_security_setting_is_one_sentence_that_names_it(tmp_path, scratch_ports, secure):

    class WrongKeystorePassword(SecureCluster):
        def listener_settings(self, node):
            return {**super().listener_settings(node), "ssl.keystore.password": "wrong"}

    broken = WrongKeystorePassword(home=tmp_path / "secure")
    try:
        with pytest.raises(CourseError) as error:
            broken.up(quiet=True, timeout=120)
    finally:
        broken.down()
    message = str(error.value)
    assert "Failed to load SSL keystore" in message and "ssl.keystore.password" in message, message
    assert "\n" not in message, "one sentence, not a log"
    assert not any(node.process.alive for node in broken.nodes)


def test_the_fatal_error_is_read_from_the_last_start_only():
    old = "KafkaConfig values:\nERROR Exiting Kafka due to fatal exception during startup.\nold failure\n"
    new = ("KafkaConfig values:\nERROR Exiting Kafka due to fatal exception during startup.\n"
           "java.lang.IllegalArgumentException: no JAAS entry\n\tat a.b(C.java:1)\nCaused by: java.io.IOException: x\n")
    assert fatal_startup_error(old + new) == "java.lang.IllegalArgumentException: no JAAS entry — caused by java.io.IOException: x"
    assert fatal_startup_error(old + "KafkaConfig values:\nINFO started\n") is None

