"""One real cluster for the whole test session (started if needed, never mocked).

``make test`` starts it before pytest and stops it after; run alone, pytest starts it on first use
and leaves it running for the next run. Every test gets brokers back up afterwards, even when it
killed one and then failed, so one failure never cascades into the rest of the suite.
"""

import os
import uuid
from pathlib import Path

import pytest

from course_lib import connect


def pytest_configure(config):
    config.addinivalue_line("markers", "last: run after every other test (stops and restarts the cluster)")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(scope="session")
def cluster():
    """The course cluster, up and ready."""
    return connect(quiet=True)


@pytest.fixture(autouse=True)
def brokers_back_up(request):
    """After a test that uses the cluster, restart any broker it stopped or killed."""
    yield
    if "cluster" in request.fixturenames:
        cluster = request.getfixturevalue("cluster")
        for node in cluster.nodes:
            if not node.process.alive:
                cluster.start_broker(node.node_id)


@pytest.fixture
def unique():
    """``unique("orders")`` → ``"orders-1a2b3c4d"``: a name no earlier run used."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


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
