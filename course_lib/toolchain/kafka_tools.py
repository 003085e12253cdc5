"""Run Kafka's own command-line tools from the course's Maven jars (introduced in lesson 03).

A Kafka download ships ``bin/kafka-topics.sh`` and friends; each is a one-line wrapper that starts a
JVM on one main class. The course has the jars but no ``bin/``, so ``run_tool("kafka-topics", ...)``
does what the script would: ``java -cp <jars>/* org.apache.kafka.tools.TopicCommand ...``. Tools are
short-lived JVMs, so they get a small heap and the quick-starting C1 compiler.

``dump_log_segments`` runs ``kafka-dump-log`` (DumpLogSegments) and parses what it prints, so lesson
03 can put Kafka's reading of a segment next to ``course_lib.log.segments``'s.
"""

import re
import subprocess
import time
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import CourseError
from .jars import ensure_jars
from .java import java_executable

__all__ = ["TOOLS", "ToolRun", "ToolRefused", "DumpedBatch", "DumpedRecord", "tool_argv", "run_tool", "dump_log_segments",
           "parse_dump"]

TOOLS_LOG4J2 = Path(__file__).resolve().parent.parent / "cluster" / "tools-log4j2.properties"

# Script name (as in Kafka's bin/, without .sh) → main class; the first class found in the jars wins,
# because some tools moved between releases (DumpLogSegments left the Scala core after 4.2).
TOOLS: dict[str, tuple[str, ...]] = {
    "kafka-dump-log": ("org.apache.kafka.tools.DumpLogSegments", "kafka.tools.DumpLogSegments"),
    "kafka-topics": ("org.apache.kafka.tools.TopicCommand", "kafka.admin.TopicCommand"),
    "kafka-configs": ("org.apache.kafka.tools.ConfigCommand", "kafka.admin.ConfigCommand"),
    "kafka-console-producer": ("org.apache.kafka.tools.ConsoleProducer", "kafka.tools.ConsoleProducer"),
    "kafka-console-consumer": ("org.apache.kafka.tools.consumer.ConsoleConsumer", "kafka.tools.ConsoleConsumer"),
    "kafka-consumer-groups": ("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                              "kafka.admin.ConsumerGroupCommand"),
    "kafka-get-offsets": ("org.apache.kafka.tools.GetOffsetShell", "kafka.tools.GetOffsetShell"),
    "kafka-producer-perf-test": ("org.apache.kafka.tools.ProducerPerformance",),
    "kafka-consumer-perf-test": ("org.apache.kafka.tools.ConsumerPerformance",),
    "kafka-metadata-quorum": ("org.apache.kafka.tools.MetadataQuorumCommand",),
    "kafka-storage": ("kafka.tools.StorageTool",),
}

JVM_OPTIONS = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true")


@lru_cache(maxsize=None)
def _classes_in_jars(jar_dir: Path) -> frozenset[str]:
    names = set()
    for jar in jar_dir.glob("kafka*.jar"):
        with zipfile.ZipFile(jar) as archive:
            names.update(n[:-6].replace("/", ".") for n in archive.namelist() if n.endswith(".class"))
    return frozenset(names)


def _main_class(tool: str, jar_dir: Path) -> str:
    if tool not in TOOLS:
        if "." in tool:  # a fully qualified main class
            return tool
        raise CourseError(f"{tool!r} is not a Kafka tool the course knows; use one of {', '.join(sorted(TOOLS))}, "
                          "or pass a main class such as 'org.apache.kafka.tools.TopicCommand'.")
    available = _classes_in_jars(jar_dir)
    for candidate in TOOLS[tool]:
        if candidate in available:
            return candidate
    raise CourseError(f"The jars in {jar_dir} contain no main class for {tool} (looked for {', '.join(TOOLS[tool])}); "
                      "delete that folder so the course downloads the jars again.")


def tool_argv(tool: str, *args: str, flavour: str = "kraft") -> list[str]:
    """The ``java`` command line that runs ``tool`` (a script name like ``kafka-topics``, or a main class) from
    the ``flavour`` jars (``"kraft"``: Kafka 4; ``"zookeeper"``: Kafka 3.9), logging warnings to stderr.

    Course machinery.
    """
    jar_dir = ensure_jars(flavour, quiet=True)
    return [java_executable(), *JVM_OPTIONS, f"-Dlog4j2.configurationFile={TOOLS_LOG4J2}",
            "-cp", str(jar_dir / "*"), _main_class(tool, jar_dir), *map(str, args)]


class ToolRefused(CourseError):
    """A tool printed an ``Error:`` line and exited 0 — ``kafka-consumer-groups`` refusing a reset while the
    group still has members. Worth retrying, unlike a tool that failed (wrong arguments, a missing commit).

    Introduced in lesson 11.
    """


@dataclass(frozen=True)
class ToolRun:
    """What a tool did: its command line, exit code, output and how long the JVM took."""
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def run_tool(tool: str, *args, input: str | None = None, timeout: float = 180, check: bool = True,
             flavour: str = "kraft") -> ToolRun:
    """Run a Kafka tool to completion, e.g. ``run_tool("kafka-topics", "--bootstrap-server", b, "--list")``.

    ``input`` is sent to its stdin (the console producer reads records from there). With ``check``
    (the default) a failing tool raises a ``CourseError`` quoting its last complaint, and one that prints an
    ``Error:`` line yet exits 0 (``kafka-consumer-groups`` refusing a reset) raises ``ToolRefused``.
    """
    argv = tool_argv(tool, *args, flavour=flavour)
    name = tool if tool in TOOLS else tool.rsplit(".", 1)[-1]
    started = time.monotonic()
    try:
        result = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CourseError(f"Kafka's {name} did not finish within {timeout:.0f} s; check the cluster with "
                          "`python -m course_lib status`, or give the tool a limit (e.g. --timeout-ms).") from None
    run = ToolRun(tuple(argv), result.returncode, result.stdout, result.stderr, time.monotonic() - started)
    refusal = next((line.strip() for line in run.lines + run.stderr.splitlines() if line.startswith("Error:")), None)
    if check and run.returncode == 0 and refusal:  # kafka-consumer-groups refuses a reset and still exits 0
        raise ToolRefused(f"Kafka's {name} refused: {refusal[len('Error:'):].strip()[:300]}")
    if check and run.returncode != 0:
        said = [line.strip() for line in (run.stderr + "\n" + run.stdout).splitlines() if line.strip()]
        usage_at = next((i for i, line in enumerate(said) if line.startswith("Option") and "Description" in line), 0)
        complaint = (said[usage_at - 1] if usage_at  # a tool that prints its usage says why just before it
                     else next((line for line in said if "Exception" in line or "rror" in line), said[-1] if said else ""))
        raise CourseError(f"Kafka's {name} failed with exit code {run.returncode} ({complaint[:300] or 'no output'}); "
                          "check its arguments and that the cluster is up (`python -m course_lib status`).")
    return run


# -- DumpLogSegments -----------------------------------------------------------------------------

@dataclass(frozen=True)
class DumpedBatch:
    """A ``baseOffset: … isvalid: true`` line of DumpLogSegments, its fields as printed."""
    fields: dict[str, str]

    @property
    def base_offset(self) -> int:
        return int(self.fields["baseOffset"])

    @property
    def last_offset(self) -> int:
        return int(self.fields["lastOffset"])

    @property
    def position(self) -> int:
        return int(self.fields["position"])

    @property
    def crc(self) -> int:
        return int(self.fields["crc"])

    @property
    def valid(self) -> bool:
        return self.fields.get("isvalid") == "true"


@dataclass(frozen=True)
class DumpedRecord:
    """A ``| offset: …`` line of DumpLogSegments (key and payload only with ``--print-data-log``)."""
    offset: int
    timestamp_type: str
    timestamp: int
    key_size: int
    value_size: int
    header_keys: tuple[str, ...]
    key: str | None
    payload: str | None


_PAIR = re.compile(r"(\w+): (\S+)")
_RECORD = re.compile(r"^\| offset: (?P<offset>-?\d+) (?P<ts_type>\w+): (?P<ts>-?\d+) keySize: (?P<key_size>-?\d+) "
                     r"valueSize: (?P<value_size>-?\d+) .*?headerKeys: \[(?P<headers>.*?)\](?P<rest>.*)$")


def _split_key_payload(rest: str, key_size: int) -> tuple[str | None, str | None]:
    """`` key: K payload: P`` → (K, P); the key's byte size says where it ends, even if it contains "payload: "."""
    key = payload = None
    if rest.startswith(" key: "):
        body = rest[len(" key: "):]
        cut = [m.start() for m in re.finditer(" payload: ", body)]
        cut = next((i for i in cut if len(body[:i].encode()) == key_size), cut[0] if cut else len(body))
        key, rest = body[:cut], body[cut:]
    if rest.startswith(" payload: "):
        payload = rest[len(" payload: "):]
    return key, payload


def parse_dump(text: str) -> tuple[list[DumpedBatch], list[DumpedRecord]]:
    """The batches and records in DumpLogSegments' output for one ``.log`` file."""
    batches, records = [], []
    for line in text.splitlines():
        if line.startswith("baseOffset:"):
            batches.append(DumpedBatch(dict(_PAIR.findall(line))))
        elif line.startswith("| offset:"):
            match = _RECORD.match(line)
            if not match:
                continue
            key, payload = _split_key_payload(match["rest"], int(match["key_size"]))
            headers = tuple(match["headers"].split(",")) if match["headers"] else ()
            records.append(DumpedRecord(int(match["offset"]), match["ts_type"], int(match["ts"]),
                                        int(match["key_size"]), int(match["value_size"]), headers, key, payload))
    return batches, records


def dump_log_segments(path, print_data: bool = True, *extra_args: str, timeout: float = 180
                      ) -> tuple[list[DumpedBatch], list[DumpedRecord]]:
    """Run Kafka's DumpLogSegments on one ``.log`` file and return its batches and records, parsed (lesson 11)."""
    path = Path(path)
    if not path.exists():
        raise CourseError(f"{path} does not exist; list a partition's files with "
                          "course_lib.log.segments.segment_files() and pass one of its .log files.")
    args = ["--files", str(path), *(["--print-data-log"] if print_data else []), *extra_args]
    return parse_dump(run_tool("kafka-dump-log", *args, timeout=timeout).stdout)
