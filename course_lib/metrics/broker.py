"""Reading a broker's metrics as Prometheus does: one HTTP GET of ``/metrics``, Prometheus text back (lesson 22).

Each broker's JMX exporter (``course_lib/cluster/metrics_agent.py``) serves lines such as
``kafka_server_brokertopicmetrics_messagesin_total{topic="orders"} 1200.0``; ``scrape`` turns them into a dict
keyed by the text left of the value, so what a student reads with ``curl`` is what they look up in Python.
"""

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from ..errors import CourseError

__all__ = ["Scrape", "metrics_url", "parse_metrics", "scrape", "scrape_broker"]


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
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def scrape_broker(cluster, node_id: int, timeout: float = 2.0) -> Scrape:
    """Broker ``node_id``'s metrics now (``values`` None if it is down) (lesson 22)."""
    node = cluster.node(node_id)
    at = time.time()
    return Scrape(at, node_id, scrape(metrics_url(node), timeout))
