"""Client configuration: librdkafka must find the brokers online and offline alike."""

import socket

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer

from course_lib.connection import address_family, client_config, error_reporter


def test_online_clients_stay_on_ipv4_so_they_never_try_the_unbound_ipv6_loopback():
    socket.getaddrinfo("localhost", None, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)  # this machine is online
    assert address_family() == "v4"
    assert client_config("localhost:9092")["broker.address.family"] == "v4"


def test_offline_clients_use_any_family_because_glibc_refuses_ipv4_lookups_then(monkeypatch):
    def offline_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if family == socket.AF_INET and flags & socket.AI_ADDRCONFIG:  # what glibc does with only loopback up
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
    monkeypatch.setattr(socket, "getaddrinfo", offline_getaddrinfo)
    assert client_config("localhost:9092", group_id="g")["broker.address.family"] == "any"


def test_overrides_use_dots_for_underscores_and_win():
    config = client_config("localhost:9092", group_id="g", auto_offset_reset="earliest", acks="all")
    assert (config["group.id"], config["auto.offset.reset"], config["acks"]) == ("g", "earliest", "all")


def test_a_client_with_no_broker_to_reach_says_so_once(capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    producer = Producer(client_config(f"127.0.0.1:{port}"))
    producer.produce("anything", value="x")
    for _ in range(6):
        producer.poll(0.5)
    said = capsys.readouterr().err.splitlines()
    assert [line for line in said if "no broker of" in line] == [
        f"Kafka client: no broker of 127.0.0.1:{port} answers. Is the cluster up? `python -m course_lib status` says; "
        "`python -m course_lib up` starts it."], said
    producer.purge()


def test_errors_are_said_once_per_kind_and_fatal_ones_raise(capsys):
    report = error_reporter("localhost:9092")
    report(KafkaError(KafkaError._TRANSPORT, "localhost:9093/2: Disconnected"))  # failover: the client copes
    for _ in range(3):
        report(KafkaError(KafkaError._AUTHENTICATION, "SASL authentication failed"))
    assert capsys.readouterr().err.splitlines() == ["Kafka client error (_AUTHENTICATION): SASL authentication failed"]
    with pytest.raises(KafkaException, match="fenced"):
        report(KafkaError(KafkaError._FENCED, "producer fenced", fatal=True))
