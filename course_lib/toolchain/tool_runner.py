"""Run one of Kafka's own command-line tools from the course's jars and return what it printed.

The course has no Kafka distribution, only the jars Maven fetched, so ``kafka-metadata-quorum.sh``
becomes ``java -cp <jars>/* org.apache.kafka.tools.MetadataQuorumCommand ...``. Tools are short-lived
JVMs: a small heap and the quick C1 compiler start them faster on a 2-core laptop.
"""

import subprocess
from pathlib import Path

from ..errors import CourseError
from .jars import classpath
from .java import java_executable

__all__ = ["kafka_tool_argv", "run_kafka_tool"]

TOOLS_LOG4J2 = Path(__file__).resolve().parent.parent / "cluster" / "tools-log4j2.properties"


def kafka_tool_argv(main_class: str, *args: str, flavour: str = "kraft") -> list[str]:
    """The command line that runs ``main_class`` from the ``flavour`` jars, logging warnings to stderr."""
    return [java_executable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            f"-Dlog4j2.configurationFile={TOOLS_LOG4J2}",
            "-cp", classpath(flavour), main_class, *args]


def run_kafka_tool(main_class: str, *args: str, flavour: str = "kraft", timeout: float = 180) -> str:
    """Run the tool and return its stdout; a ``CourseError`` naming the tool's complaint if it fails."""
    name = main_class.rsplit(".", 1)[-1]
    try:
        result = subprocess.run(kafka_tool_argv(main_class, *args, flavour=flavour),
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CourseError(f"Kafka's {name} did not finish within {timeout:.0f} s; check that the cluster is up "
                          "(`python -m course_lib status`) and try again.") from None
    if result.returncode != 0:
        complaint = next((line for line in reversed((result.stderr + result.stdout).splitlines()) if line.strip()),
                         "no output")
        raise CourseError(f"Kafka's {name} failed ({complaint.strip()[:300]}); "
                          "check that the cluster is up (`python -m course_lib status`).")
    return result.stdout
