"""Reading a broker's metrics as Prometheus does: one HTTP GET of ``/metrics``, Prometheus text back (lesson 22).

Each broker's JMX exporter (``course_lib/cluster/metrics_agent.py``) serves lines such as
``kafka_server_brokertopicmetrics_messagesin_total{topic="orders"} 1200.0``; ``scrape`` turns them into a dict
keyed by the text left of the value, so what a student reads with ``curl`` is what they look up in Python.
"""

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from ..errors import CourseError

__all__ = ["Scrape", "metrics_url", "parse_metrics", "scrape", "scrape_broker", "MESSAGES_IN", "BYTES_IN",
           "BYTES_OUT", "PRODUCE_REQUESTS", "PRODUCE_P99", "PARTITIONS", "UNDER_REPLICATED", "ISR_SHRINKS",
           "OFFLINE", "ACTIVE_CONTROLLER", "FENCED_BROKERS", "of_topic"]

# The names the course reads (lesson 22, the dashboard's Metrics tab, lab 22), as the exporter's rules make them.
MESSAGES_IN = "kafka_server_brokertopicmetrics_messagesin_total"          # records appended as leader (counter)
BYTES_IN = "kafka_server_brokertopicmetrics_bytesin_total"                # bytes from producers, as sent (counter)
BYTES_OUT = "kafka_server_brokertopicmetrics_bytesout_total"              # bytes to consumers (counter)
PRODUCE_REQUESTS = "kafka_server_brokertopicmetrics_totalproducerequests_total"  # produce requests (counter)
PRODUCE_P99 = 'kafka_network_requestmetrics_totaltimems_99thpercentile{request="Produce"}'  # ms (gauge)
PARTITIONS = "kafka_server_replicamanager_partitioncount"                 # replicas on the broker (gauge)
UNDER_REPLICATED = "kafka_server_replicamanager_underreplicatedpartitions"  # led here, ISR short (gauge)
ISR_SHRINKS = "kafka_server_replicamanager_isrshrinks_total"              # shrinks this leader made (counter)
OFFLINE = "kafka_controller_kafkacontroller_offlinepartitionscount"       # the active controller's count (gauge)
ACTIVE_CONTROLLER = "kafka_controller_kafkacontroller_activecontrollercount"  # 1 on the active controller
FENCED_BROKERS = "kafka_controller_kafkacontroller_fencedbrokercount"     # from each broker's metadata (gauge)


def of_topic(name: str, topic: str) -> str:
    """The key of counter ``name``'s per-topic line (``MESSAGES_IN``, ``BYTES_IN`` …) for ``topic`` (lesson 22)."""
    return f'{name}{{topic="{topic}"}}'


@dataclass(frozen=True)
class Scrape:
    """One broker's metrics at one moment; ``values`` is None when it did not answer (down, or starting) (lesson 22)."""
    at: float  # unix time of the request
    broker: int
    values: dict[str, float] | None

    def get(self, key: str) -> float | None:
        """The value of ``key`` (a metric name, with its labels as the exporter prints them), if scraped."""
        return None if self.values is None else self.values.get(key)


def metrics_url(node) -> str:
    """Where broker ``node`` serves its metrics (lesson 22)."""
    if getattr(node, "metrics_port", None) is None:  # the Docker backend's nodes have none
        raise CourseError(f"Broker {node.node_id} of this cluster serves no metrics: only the course cluster's brokers "
                          "run the JMX exporter (not the Docker stack's, nor the clusters lessons 10 and 20 start).")
    return f"http://127.0.0.1:{node.metrics_port}/metrics"


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text as {``name{label="value",...}``: value}, labels in alphabetical order (lesson 22)."""
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{key}="{value}"' for key, value in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


def scrape(url: str, timeout: float = 2.0) -> dict[str, float] | None:
    """The metrics served at ``url``, or None when nothing answers there (course machinery)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return parse_metrics(response.read().decode())
    # Nothing listening, no answer in time, or an answer cut off (a broker killed while it answered): all silence.
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return None


def scrape_broker(cluster, node_id: int, timeout: float = 2.0) -> Scrape:
    """Broker ``node_id``'s metrics now (``values`` None if it is down) (lesson 22)."""
    node = cluster.node(node_id)
    at = time.time()
    return Scrape(at, node_id, scrape(metrics_url(node), timeout))
