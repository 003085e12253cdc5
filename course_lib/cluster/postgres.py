"""PostgreSQL for the change-data-capture lesson: Debian's server, run by the course like its brokers.

Debezium's PostgreSQL connector reads a database's write-ahead log through logical replication, so the server
runs with ``wal_level=logical``. Its data lives under ``<cluster home>/postgres/``, it listens on 127.0.0.1:5432
(``COURSE_POSTGRES_PORT`` moves it) and on a socket in that folder, and it trusts local connections (a teaching
database, reachable from this machine only). PostgreSQL refuses to run as root: as root the course runs it as the
``postgres`` user Debian's package creates, and lets that user through the folders above its data (``o+x``).
``scripts/setup.sh`` installs the package when it is missing and it may.
"""

import glob
import os
import signal
import shutil
import subprocess
from pathlib import Path

import psycopg

from ..errors import CourseError
from ..waiting import poll_until
from .base import NodeStatus
from .ports import port_accepts, ports_from_env, require_free
from .processes import ManagedProcess

__all__ = ["PORT_SETTING", "PostgresServer", "postgres_port", "stop_postgres"]

PORT_SETTING = "COURSE_POSTGRES_PORT"
SETTINGS = {"listen_addresses": "'127.0.0.1'", "wal_level": "logical", "max_replication_slots": 10,
            "max_wal_senders": 10, "shared_buffers": "'32MB'", "fsync": "off"}  # fsync off: a disposable database
_INSTALL = "install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`, macOS: `brew install postgresql`)"


def postgres_port() -> int:
    """The server's port: ``$COURSE_POSTGRES_PORT``, else 5432 (course machinery)."""
    return ports_from_env(PORT_SETTING, (5432,))[0]


def _server_binary(name: str) -> str:
    """``initdb`` or ``postgres``: on PATH, or where Debian keeps them (/usr/lib/postgresql/<version>/bin)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if not found:
        raise CourseError(f"PostgreSQL's `{name}` was not found; {_INSTALL}, or run `bash scripts/setup.sh`.")
    return found


def _process(folder: Path) -> ManagedProcess:
    return ManagedProcess("PostgreSQL", folder / "postgres.pid", f"-D {folder / 'data'}", folder / "postgres.log")


class PostgresServer:
    """The course's PostgreSQL for ``cluster``: superuser ``postgres``, database ``postgres``, no password;
    ``name`` is its folder under the cluster's home (a second server needs its own)."""

    def __init__(self, cluster, port: int | None = None, name: str = "postgres"):
        self.dir = Path(cluster.home) / name
        self.data = self.dir / "data"
        self.port = port or postgres_port()
        self.process = _process(self.dir)

    @property
    def alive(self) -> bool:
        return self.process.alive

    @property
    def dsn(self) -> str:
        """A libpq connection string (psycopg's ``connect(dsn)``)."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _as_owner(self) -> list[str]:
        """The command prefix that runs a PostgreSQL binary as a user it accepts."""
        if os.geteuid() != 0:
            return []
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]

    def _prepare(self) -> None:
        """``initdb`` once, then the course's settings (rewritten on every start)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            for folder in self.dir.parents:  # the postgres user must be able to walk to its data
                mode = folder.stat().st_mode
                if not mode & 0o001:
                    folder.chmod(mode | 0o001)
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            result = subprocess.run([*self._as_owner(), _server_binary("initdb"), "-D", str(self.data), "-U",
                                     "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise CourseError(f"PostgreSQL's initdb failed ({(result.stderr or result.stdout).strip()[-300:]}); "
                                  f"delete {self.dir} and try again.")
        settings = {**SETTINGS, "port": self.port, "unix_socket_directories": f"'{self.dir}'"}
        (self.data / "postgresql.auto.conf").write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))

    def answers(self) -> bool:
        """True once a client gets in: the port opens while the server still recovers its write-ahead log, and a
        connection then is refused ("the database system is starting up": lab 18's first cell in run AK)."""
        if not (port_accepts(self.port) and (self.dir / f".s.PGSQL.{self.port}").exists()):
            return False
        try:
            with psycopg.connect(self.dsn, connect_timeout=5) as db:
                db.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def start(self, timeout: float = 60) -> "PostgresServer":
        """Start the server unless it runs; return once it accepts connections."""
        if not self.alive:
            require_free(self.port, "PostgreSQL", PORT_SETTING)
            self._prepare()
            self.process.log_file.unlink(missing_ok=True)
            self.process.start([*self._as_owner(), _server_binary("postgres"), "-D", str(self.data)], cwd=self.dir)
        self.process.wait_until_answers(
            self.answers, timeout, self.process.log_file, lambda: self.log(10),
            f"PostgreSQL did not accept connections on 127.0.0.1:{self.port} within {timeout:.0f} s; look at the "
            f"end of its log, {self.process.log_file}.")
        return self

    def stop(self, timeout: float = 30) -> None:
        """Stop the server (course machinery: ``stop_postgres``)."""
        _fast_shutdown(self.process, timeout)

    def drop_replication(self, prefix: str, timeout: float = 30) -> list[str]:
        """Drop the replication slots and publications whose names start with ``prefix`` (what a CDC connector
        made; lesson 18 and its lab end with it); the dropped slots' names. A slot outlives its connector and keeps
        every change since its position in the write-ahead log, so an abandoned one fills the disk. A slot still
        held by a connector that is shutting down is waited for ``timeout`` s, then its connection is ended."""
        like = (f"{prefix}%",)
        with psycopg.connect(self.dsn, autocommit=True) as db:
            def slots() -> list:
                return db.execute("SELECT slot_name, active_pid FROM pg_replication_slots WHERE slot_name LIKE %s",
                                  like).fetchall()
            try:
                poll_until(slots, f"the replication slots {prefix}* to be released by their connectors", timeout,
                           every=0.2, done=lambda found: not any(pid for _, pid in found))
            except CourseError:  # a connector slow to stop (or never deleted): end its connection
                for _, pid in slots():
                    if pid:
                        db.execute("SELECT pg_terminate_backend(%s)", (pid,))
                poll_until(slots, f"the replication slots {prefix}* to be released", 10, every=0.2,
                           done=lambda found: not any(pid for _, pid in found))
            dropped = [slot for slot, _ in slots()]
            for slot in dropped:
                db.execute("SELECT pg_drop_replication_slot(%s)", (slot,))
            for (publication,) in db.execute("SELECT pubname FROM pg_publication WHERE pubname LIKE %s",
                                             like).fetchall():
                db.execute(f'DROP PUBLICATION "{publication}"')
        return dropped

    def status(self) -> NodeStatus:
        return NodeStatus("postgres", self.process.pid, self.port, self.alive, "PostgreSQL (wal_level=logical)")

    def log(self, lines: int | None = None) -> str:
        """The server's log (its last ``lines`` lines)."""
        return self.process.log(lines) or "(PostgreSQL wrote no log)"

    def __repr__(self) -> str:
        return f"<PostgresServer 127.0.0.1:{self.port} alive={self.alive}>"


def stop_postgres(cluster_home: Path, timeout: float = 30) -> bool:
    """Stop the course's PostgreSQL for the cluster in ``cluster_home`` if it runs; True if it did (course
    machinery: the cluster's ``down`` calls it)."""
    process = _process(Path(cluster_home) / "postgres")
    if not process.alive:
        return False
    _fast_shutdown(process, timeout)
    return True


def _fast_shutdown(process: ManagedProcess, timeout: float) -> None:
    """SIGINT, PostgreSQL's "fast" shutdown (SIGTERM's "smart" one would wait for a connector to hang up);
    SIGKILL after ``timeout``."""
    if process.signal(signal.SIGINT) and not process.wait_gone(timeout):
        process.kill()
