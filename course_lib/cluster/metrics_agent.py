"""The Prometheus JMX exporter on each broker of the course cluster: a broker's own metrics over HTTP (lesson 22).

A broker keeps its metrics as JMX MBeans, which only a Java client can read. The exporter is a Java agent inside
the broker's JVM that serves the MBeans ``jmx-exporter.yaml`` names as Prometheus text on
``http://127.0.0.1:<metrics port>/metrics`` — what Prometheus scrapes, and what lesson 22 and the dashboard read.
Node ``n`` serves it on 979(1+n) (``COURSE_METRICS_PORTS``).
"""

from pathlib import Path

from ..toolchain.jars import ensure_jars
from .ports import ports_from_env

__all__ = ["METRICS_PORT_SETTING", "agent_jvm_args", "metrics_ports"]

METRICS_PORT_SETTING = "COURSE_METRICS_PORTS"
RULES = Path(__file__).parent / "jmx-exporter.yaml"


def metrics_ports() -> tuple[int, ...]:
    """The three brokers' metrics ports: 9792-9794, or ``COURSE_METRICS_PORTS`` (course machinery)."""
    return ports_from_env(METRICS_PORT_SETTING, (9792, 9793, 9794))


def agent_jvm_args(port: int) -> list[str]:
    """The JVM argument that attaches the exporter, serving on 127.0.0.1:``port`` only (course machinery)."""
    agent = next(ensure_jars("jmx-exporter", quiet=True).glob("jmx_prometheus_javaagent-*.jar"))
    # Only Kafka's series: the agent's own JVM metrics (threads, memory pools, GC: ~200 series) would be collected
    # on every scrape, and their garbage is most of what the exporter adds to a broker's memory.
    return ["-Dio.prometheus.exporter.filter.metricNameMustStartWith=kafka_",
            f"-javaagent:{agent}=127.0.0.1:{port}:{RULES}"]
