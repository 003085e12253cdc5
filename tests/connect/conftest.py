"""What the tests of the processes beside the cluster (Connect worker, PostgreSQL) share."""

import socket

import pytest


@pytest.fixture
def taken_port():
    """A port on 127.0.0.1 that another socket listens on for the length of the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]
