"""Run a Kafka Streams application — a JVM of its own — against the course cluster (lesson 16).

Kafka Streams is a Java library: an application is a ``main`` that builds a topology and calls
``KafkaStreams.start()``. The course runs the examples Apache publishes (``WordCountDemo``) from the 4.3.1
jars in ``toolchain/maven/streams.xml`` (the examples exist only at 4.3.1; a 4.3.1 client talks to the 4.4
brokers fine). Each application gets a folder under ``<cluster home>/streams-apps/<application.id>/`` holding
its properties file, its log, its pid file and its state directory; like the brokers, it runs detached, is
found again by a marker in its command line, and the cluster's ``down`` stops it before the brokers.
"""

from pathlib import Path

from ..errors import CourseError
from ..toolchain.jars import classpath
from ..toolchain.java import java_executable
from .processes import ManagedProcess

__all__ = ["WORD_COUNT", "StreamsApp", "stop_streams_apps"]

WORD_COUNT = "org.apache.kafka.streams.examples.wordcount.WordCountDemo"
LOG4J2 = Path(__file__).with_name("streams-log4j2.properties")
RUNNING = "to RUNNING"  # KafkaStreams logs "State transition from REBALANCING to RUNNING" once it processes
JVM_OPTIONS = ("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true")


def _apps_dir(cluster_home: Path) -> Path:
    return Path(cluster_home) / "streams-apps"


def _process(app_dir: Path) -> ManagedProcess:
    return ManagedProcess(f"Kafka Streams application {app_dir.name}", app_dir / "app.pid",
                          f"-Dcourse.streams.app={app_dir}", app_dir / "app.log")


class StreamsApp:
    """One Kafka Streams application: ``main_class`` run with ``properties`` (``application.id`` required;
    ``bootstrap.servers`` and ``state.dir`` filled in) against ``cluster``."""

    def __init__(self, cluster, properties: dict, main_class: str = WORD_COUNT):
        if "application.id" not in properties:
            raise CourseError("A Kafka Streams application needs an 'application.id' in its properties; add one "
                              "(it names the application's group and its internal topics).")
        self.application_id = str(properties["application.id"])
        self.dir = _apps_dir(cluster.home) / self.application_id
        self.main_class = main_class
        self.properties = {"bootstrap.servers": cluster.bootstrap_servers, "state.dir": str(self.dir / "state"),
                           **properties}
        self.process = _process(self.dir)

    @property
    def alive(self) -> bool:
        return self.process.alive

    @property
    def properties_file(self) -> Path:
        return self.dir / "app.properties"

    def start(self, timeout: float = 120) -> "StreamsApp":
        """Start the application unless it runs, and return once Kafka Streams says it is RUNNING (its group
        joined, its tasks assigned); if it dies or stays silent, say so with the end of its log."""
        if not self.alive:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.properties_file.write_text("".join(f"{key}={value}\n" for key, value in self.properties.items()))
            self.process.log_file.unlink(missing_ok=True)  # this run's log only: RUNNING must be this run's
            self.process.start(self.command(), cwd=self.dir)
        self.process.wait_until_answers(
            lambda: RUNNING in self.log(), timeout, self.process.log_file, lambda: self.log(15),
            f"Kafka Streams application {self.application_id} did not reach RUNNING within {timeout:.0f} s; "
            f"look at the end of its log, {self.process.log_file}, then stop it with `.stop()`.")
        return self

    def command(self) -> list[str]:
        """The ``java`` command line that runs the application: what ``kafka-run-class.sh`` would run."""
        return [java_executable(), *JVM_OPTIONS, f"-Dlog4j2.configurationFile={LOG4J2}",
                f"-Dcourse.streams.app={self.dir}", "-cp", classpath("streams"), self.main_class,
                str(self.properties_file)]

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM: the application's shutdown hook closes KafkaStreams (it flushes its state and, with the classic
        group protocol, stays in its group until the session times out: lesson 16); SIGKILL after ``timeout``."""
        self.process.stop(timeout)

    def log(self, lines: int | None = None) -> str:
        """The application's log (its last ``lines`` lines)."""
        return self.process.log(lines)

    def __repr__(self) -> str:
        return f"<StreamsApp {self.application_id} {self.main_class.rsplit('.', 1)[-1]} alive={self.alive}>"


def stop_streams_apps(cluster_home: Path, timeout: float = 30) -> list[str]:
    """Stop every Kafka Streams application started for the cluster in ``cluster_home``; return their ids
    (course machinery: the cluster's ``down`` calls it before stopping the brokers)."""
    stopped = []
    apps_dir = _apps_dir(cluster_home)
    for app_dir in sorted(apps_dir.iterdir()) if apps_dir.is_dir() else ():
        process = _process(app_dir)
        if process.alive:
            process.stop(timeout)
            stopped.append(app_dir.name)
    return stopped
