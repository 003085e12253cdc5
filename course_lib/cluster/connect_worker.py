"""A Kafka Connect worker in distributed mode, run against the course cluster (lesson 17).

Connect is a JVM of its own: it runs connectors (plugins that copy data between Kafka and other systems), keeps
their configs, source offsets and statuses in three compacted topics on the cluster, and takes orders over a REST
API. The course runs it from the 4.3.1 jars in ``toolchain/maven/connect.xml`` (FileStream and MirrorMaker 2's
connectors are published only up to 4.3.1, and 4.3.1 jars do not mix with 4.4.0 ones; a 4.3.1 worker talks to
the 4.4 brokers fine); its ``plugin.path`` holds the plugin archives of ``toolchain/maven/connect-plugins.xml``
(Debezium's PostgreSQL connector, lesson 18). Its files live under ``<cluster home>/connect/``; like the brokers it runs detached, is
found again by a marker in its command line, and the cluster's ``down`` stops it. Its REST port is 8083 unless
``COURSE_CONNECT_PORT`` says otherwise, always on 127.0.0.1.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import CourseError
from ..toolchain.jars import classpath, ensure_jars, jar_dir
from ..toolchain.java import java_executable
from .base import NodeStatus
from .ports import ports_from_env, require_free
from .processes import ManagedProcess

__all__ = ["PORT_SETTING", "ZK_PORT_SETTING", "INTERNAL_TOPICS", "ConnectWorker", "connect_port", "stop_connect_worker", "task_error"]

PORT_SETTING = "COURSE_CONNECT_PORT"
ZK_PORT_SETTING = "COURSE_ZK_CONNECT_PORT"  # the worker beside the ZooKeeper-mode cluster (lesson 19's MirrorMaker 2)
_PORTS = {"zookeeper": (ZK_PORT_SETTING, 8084)}  # any other cluster: (PORT_SETTING, 8083)
LOG4J2 = Path(__file__).with_name("connect-log4j2.properties")
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true")
# Where a distributed worker keeps its state on the cluster (the names Apache's connect-distributed.properties uses)
INTERNAL_TOPICS = {"config.storage.topic": "connect-configs", "offset.storage.topic": "connect-offsets",
                   "status.storage.topic": "connect-status"}


def _port_setting(cluster) -> tuple[str, int]:
    return _PORTS.get(getattr(cluster, "flavour", None), (PORT_SETTING, 8083))


def connect_port(cluster=None) -> int:
    """The REST port of ``cluster``'s worker: ``$COURSE_CONNECT_PORT``, else 8083; beside the ZooKeeper-mode
    cluster ``$COURSE_ZK_CONNECT_PORT``, else 8084 (course machinery)."""
    setting, default = _port_setting(cluster)
    return ports_from_env(setting, (default,))[0]


def _process(worker_dir: Path) -> ManagedProcess:
    return ManagedProcess("Kafka Connect worker", worker_dir / "worker.pid", f"-Dcourse.connect.worker={worker_dir}",
                          worker_dir / "worker.log")


class ConnectWorker:
    """The course's Connect worker for ``cluster``: group ``course-connect``, REST on 127.0.0.1:``port``;
    ``settings`` add to (or replace) its worker properties; ``name`` is its folder under the cluster's home (a
    second worker needs its own)."""

    def __init__(self, cluster, port: int | None = None, settings: dict | None = None, name: str = "connect"):
        self.dir = Path(cluster.home) / name
        self.port = port or connect_port(cluster)
        self.port_setting = _port_setting(cluster)[0]
        self.process = _process(self.dir)
        self.properties = {
            "bootstrap.servers": cluster.bootstrap_servers,
            "group.id": "course-connect",
            **INTERNAL_TOPICS,
            "offset.storage.partitions": 5,  # default 25: a cluster that stays small (and restarts quickly)
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "offset.flush.interval.ms": 2000,  # default 60 s: a source's offsets reach connect-offsets in seconds
            "listeners": f"http://127.0.0.1:{self.port}",
            "rest.advertised.host.name": "127.0.0.1",
            "plugin.path": jar_dir("connect-plugins"),  # plugins that come as archives (lesson 18's Debezium)
            **(settings or {}),
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.alive

    @property
    def properties_file(self) -> Path:
        return self.dir / "worker.properties"

    def command(self) -> list[str]:
        """The ``java`` command line of the worker: what ``connect-distributed.sh worker.properties`` runs."""
        return [java_executable(), *JVM_OPTIONS, f"-Dlog4j2.configurationFile={LOG4J2}",
                f"-Dcourse.connect.worker={self.dir}", "-cp", classpath("connect"),
                "org.apache.kafka.connect.cli.ConnectDistributed", str(self.properties_file)]

    def answers(self) -> bool:
        """True once the REST API lists connectors: the worker has joined its group and read its config topic."""
        try:
            with urllib.request.urlopen(f"{self.url}/connectors", timeout=2) as response:
                return isinstance(json.loads(response.read()), list)
        except (OSError, ValueError):
            return False

    def start(self, timeout: float = 180) -> "ConnectWorker":
        """Start the worker unless it runs, and return once its REST API answers."""
        if not self.alive:
            require_free(self.port, "the Connect worker's REST API", self.port_setting)
            ensure_jars("connect-plugins")
            self.dir.mkdir(parents=True, exist_ok=True)
            self.properties_file.write_text("".join(f"{k}={v}\n" for k, v in self.properties.items()))
            self.process.log_file.unlink(missing_ok=True)  # this run's log only: its end explains a failure
            self.process.start(self.command(), cwd=self.dir)
        self.process.wait_until_answers(
            self.answers, timeout, self.process.log_file, lambda: self.log(15),
            f"The Connect worker did not answer on {self.url} within {timeout:.0f} s; look at the end of its log, "
            f"{self.process.log_file}, and run `python -m course_lib connect up` again.")
        return self

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (the worker stops its connectors and leaves its group), SIGKILL after ``timeout``."""
        self.process.stop(timeout)

    def status(self) -> NodeStatus:
        return NodeStatus("connect", self.process.pid, self.port, self.alive, "Kafka Connect worker")

    def log(self, lines: int | None = None) -> str:
        """The worker's log (its last ``lines`` lines)."""
        return self.process.log(lines) or "(the worker wrote no log)"

    def rest(self, method: str, path: str, body: dict | None = None):
        """One REST call (course machinery: lessons show the plain ``httpx`` call first). The answer's JSON, or
        None for an empty answer; an error answer becomes one sentence with Connect's own message."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            try:
                detail = json.loads(detail).get("message", detail)
            except ValueError:
                pass
            raise CourseError(f"Connect answered {method} {path} with {error.code}: {detail}") from None
        except OSError as error:
            raise CourseError(f"The Connect worker did not answer on {self.url} ({error}); start it with "
                              "`python -m course_lib connect up`.") from None
        return json.loads(text) if text else None

    def task_failure(self, connector: str) -> str | None:
        """Why ``connector`` or its first failed task failed, in one line (``task_error``); None while nothing has
        failed, or before its status is written (course machinery: the labs' checks ask it while they wait for a
        connector's output)."""
        try:
            status = self.rest("GET", f"/connectors/{connector}/status")
        except CourseError:
            return None
        failed = [part for part in [status["connector"], *status["tasks"]] if part["state"] == "FAILED"]
        return (task_error(failed[0].get("trace")) or "no trace") if failed else None

    def __repr__(self) -> str:
        return f"<ConnectWorker {self.url} alive={self.alive}>"


def stop_connect_worker(cluster_home: Path, timeout: float = 30) -> bool:
    """Stop the Connect worker of the cluster in ``cluster_home`` if it runs; True if it did (course machinery:
    the cluster's ``down`` calls it before stopping the brokers)."""
    process = _process(Path(cluster_home) / "connect")
    if not process.alive:
        return False
    process.stop(timeout)
    return True


def task_error(trace: str | None) -> str | None:
    """A failed task's Java stack trace in one line: its first line, and the first "Caused by" — Connect wraps the
    error that matters ("ConnectException: Tolerance exceeded in error handler", caused by "DataException: …")."""
    if not trace:
        return None
    lines = trace.splitlines()
    cause = next((line.removeprefix("Caused by: ") for line in lines if line.startswith("Caused by: ")), None)
    return f"{lines[0]} — caused by {cause}" if cause else lines[0]
