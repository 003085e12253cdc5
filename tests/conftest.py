"""One real cluster for the whole test session (started if needed, never mocked).

``make test`` starts it before pytest and stops it after; run alone, pytest starts it on first use
and leaves it running for the next run. Every test gets brokers back up afterwards, even when it
killed one and then failed, so one failure never cascades into the rest of the suite; every module
deletes the topics and empty groups it created, so the cluster stays small.
"""

import os
import uuid
import warnings
from pathlib import Path

import pytest
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient

from course_lib import connect
from course_lib.cluster.secure import SecureCluster
from course_lib.connection import client_config, reason
from course_lib.tidy import delete_created, find_leftovers


def pytest_configure(config):
    config.addinivalue_line("markers", "last: run after every other test (stops and restarts the cluster)")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(scope="session")
def cluster():
    """The course cluster, up and ready."""
    return connect(quiet=True)


@pytest.fixture(scope="session")
def secure():
    """The secured cluster of lesson 20 (tests/security, and tests/classroom's class on a shared cluster): started for
    the tests that ask for it, stopped after — the same one ``python -m course_lib up --secure`` starts."""
    cluster = SecureCluster().up(quiet=True)
    yield cluster
    cluster.down()


@pytest.fixture(autouse=True)
def brokers_back_up(request):
    """After a test that uses the cluster, restart any broker it stopped or killed."""
    yield
    if "cluster" in request.fixturenames:
        cluster = request.getfixturevalue("cluster")
        for node in cluster.nodes:
            if not node.process.alive:
                cluster.start_broker(node.node_id)


@pytest.fixture(scope="module", autouse=True)
def module_leftovers_deleted(request):
    """After a module that uses the cluster, delete the topics and empty groups it created (``_…`` topics
    never): every partition slows the restart of a killed broker, and later tests kill brokers.

    Best effort: nothing when the cluster is down, a few seconds otherwise (three tries after a controller was
    killed), errors only warn.
    """
    items = [item for item in request.session.items if getattr(item, "module", None) is request.module]
    if not any("cluster" in item.fixturenames for item in items):
        yield
        return
    cluster = request.getfixturevalue("cluster")
    admin = AdminClient(client_config(cluster.bootstrap_servers))
    try:
        before = find_leftovers(admin, timeout=5).names()
    except KafkaException as exc:
        warnings.warn(f"cannot list the topics before {request.module.__name__}, so none are deleted after it: "
                      f"{reason(exc)}", stacklevel=1)
        before = None
    yield
    if before is None or not any(node.process.alive for node in cluster.nodes):
        return  # nothing to compare with, or a test stopped the cluster (and meant to)
    for _attempt in range(3):  # a module that killed the controller leaves a quorum still electing for a moment
        try:
            refused = delete_created(admin, before, list_timeout=5, delete_timeout=10)[1]
        except KafkaException as exc:
            refused = reason(exc)
        if not refused:
            break
    if refused:
        warnings.warn(f"{request.module.__name__} left behind what it created: {refused}", stacklevel=1)


@pytest.fixture
def unique():
    """``unique("orders")`` → ``"orders-1a2b3c4d"``: a name no earlier run used."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def transaction(cluster):
    """``transaction(transactional_id, topic, values, commit=True)``: one transaction in plain confluent-kafka
    calls, committed or aborted; returns the producer (left open when ``commit=None``)."""
    def write(transactional_id: str, topic: str, values: list[str], commit: bool | None = True) -> Producer:
        producer = Producer({"bootstrap.servers": cluster.bootstrap_servers, "transactional.id": transactional_id})
        producer.init_transactions(60)
        producer.begin_transaction()
        for value in values:
            producer.produce(topic, value=value)
        producer.flush(30)  # abort_transaction() drops what is still queued: an abort must find its records sent
        if commit is not None:
            producer.commit_transaction(60) if commit else producer.abort_transaction(60)
        return producer
    return write


@pytest.fixture
def jvms_under():
    """``jvms_under(home)``: pids of live JVMs whose command line names a file under ``home``."""
    def find(home: Path) -> list[int]:
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if str(home) in cmdline and "java" in cmdline:
                pids.append(int(pid))
        return pids
    return find


@pytest.fixture(scope="session")
def registry(cluster):
    """The registry service of the running course cluster."""
    [service] = [s for s in cluster.services if s.name == "registry"]
    return service
