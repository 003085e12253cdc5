"""Client configuration shared by every helper: where the cluster is, and quiet librdkafka logs.

librdkafka logs connection errors to stderr on its own (outside Python), which floods a notebook
while a broker is down. We route them to a Python logger instead, so the course decides what to say.
"""

import logging

__all__ = ["client_config", "quiet_logger"]

quiet_logger = logging.getLogger("course_lib.librdkafka")
quiet_logger.addHandler(logging.NullHandler())
quiet_logger.propagate = False


def client_config(bootstrap_servers: str, **overrides) -> dict:
    """A confluent-kafka config for the course cluster, with ``overrides`` on top.

    ``broker.address.family=v4``: brokers advertise ``localhost`` but listen on 127.0.0.1 only, so
    librdkafka must not try ::1 first.
    """
    config = {
        "bootstrap.servers": bootstrap_servers,
        "broker.address.family": "v4",
        "logger": quiet_logger,
        "error_cb": lambda error: None,
    }
    config.update({key.replace("_", "."): value for key, value in overrides.items()})
    return config
