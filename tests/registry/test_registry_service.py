"""The registry as a service of the cluster: in ``status``, started once, clear errors."""

import socket

import pytest

from course_lib.errors import CourseError
from course_lib.registry import RegistryService


def test_status_row_and_idempotent_start(cluster, registry):
    [row] = [r for r in cluster.status() if r.node_id == "registry"]
    assert row.alive and row.role == "schema registry" and row.port == registry.port
    pid = row.pid
    registry.start(cluster)  # already running: a no-op
    assert registry.status().pid == pid
    assert "registry" in cluster.status_table()


def test_taken_port_is_named_with_its_setting(cluster, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        service = RegistryService(tmp_path, port=port)
        with pytest.raises(CourseError) as info:
            service.start(cluster)
    message = str(info.value)
    assert str(port) in message and "COURSE_REGISTRY_PORT" in message and "process" in message
    assert not service.status().alive
