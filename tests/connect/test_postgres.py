"""The course's PostgreSQL (lesson 18's change data capture) on this machine: it starts with logical replication
on, answers on 127.0.0.1 with its data under the cluster's folder, a second start is a no-op, it stops with no
process left; a taken port gets one sentence."""

import subprocess
import sys

import psycopg
import pytest

from course_lib.cluster.postgres import PORT_SETTING, PostgresServer, stop_postgres
from course_lib.errors import CourseError


@pytest.fixture(scope="module")
def server(cluster):
    server = PostgresServer(cluster).start()
    yield server
    server.stop()


def test_it_answers_with_logical_replication_and_keeps_its_data_under_the_cluster(server, cluster):
    with psycopg.connect(server.dsn) as connection:
        assert connection.execute("SHOW wal_level").fetchone() == ("logical",)
        assert connection.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        data = connection.execute("SHOW data_directory").fetchone()[0]
    assert data == str(server.data) and server.data.is_relative_to(cluster.home)
    pid = server.process.pid
    assert PostgresServer(cluster).start().process.pid == pid, "a second start is a no-op"


def test_a_table_survives_a_restart(server, cluster):
    with psycopg.connect(server.dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS kept; CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
    server.stop()
    server.start()
    with psycopg.connect(server.dsn, autocommit=True) as connection:
        assert connection.execute("SELECT n FROM kept").fetchall() == [(7,)]
        connection.execute("DROP TABLE kept")


def test_a_taken_port_names_its_owner_and_the_setting(cluster, taken_port):
    with pytest.raises(CourseError) as raised:
        PostgresServer(cluster, port=taken_port, name="postgres-port-taken").start()
    message = str(raised.value)
    assert f"Port {taken_port} (PostgreSQL)" in message and PORT_SETTING in message, message


def test_stop_leaves_no_postgres_process(server, cluster):
    pid = server.process.pid
    assert stop_postgres(cluster.home) is True
    assert not server.alive and not _running(pid)
    assert stop_postgres(cluster.home) is False


def _running(pid: int) -> bool:
    try:
        return "postgres" in open(f"/proc/{pid}/cmdline").read()
    except OSError:
        return False


def test_the_course_commands_start_and_stop_it(cluster):
    def course_lib(*args: str) -> str:
        run = subprocess.run([sys.executable, "-m", "course_lib", *args], capture_output=True, text=True)
        assert run.returncode == 0, f"`course_lib {' '.join(args)}` exited {run.returncode}: {run.stderr[-1500:]}"
        return run.stdout
    assert "PostgreSQL (wal_level=logical): running, pid" in course_lib("postgres", "up")
    assert "running" in course_lib("postgres", "status") and PostgresServer(cluster).alive
    assert "stopped" in course_lib("postgres", "down") and not PostgresServer(cluster).alive
