"""One admin connection per view, with timeouts short enough for a live display.

The default librdkafka timeouts (60 s) would freeze a view for a minute when a broker dies. Here
every admin request gives up after ``timeout`` seconds (1.5 s by default), so a refresh that meets a
dead broker is late by at most that much and the view can show the broker as down.
"""

from confluent_kafka.admin import AdminClient

from ...connection import client_config

__all__ = ["ClusterLink"]


class ClusterLink:
    """The cluster object (for node ports, data dirs, the controller) plus an ``AdminClient`` (course machinery)."""

    def __init__(self, cluster, timeout: float = 1.5):
        self.cluster = cluster
        self.timeout = timeout
        self.admin = AdminClient(client_config(
            cluster.bootstrap_servers,
            socket_timeout_ms=max(int(timeout * 1000), 10),
            socket_connection_setup_timeout_ms=max(int(timeout * 1000), 1000),  # librdkafka's minimum
            reconnect_backoff_max_ms=1000,  # notice a restarted broker within a second
        ))

    def metadata(self):
        """Cluster metadata (1 admin call: a Metadata request to any live broker)."""
        return self.admin.list_topics(timeout=self.timeout)
