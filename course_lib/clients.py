"""Client configuration shared by every helper: where the cluster is, and quiet librdkafka logs.

librdkafka logs connection errors to stderr on its own (outside Python), which floods a notebook
while a broker is down. We route them to a Python logger instead, so the course decides what to say.
"""

import logging
import socket

__all__ = ["client_config", "address_family", "quiet_logger"]

quiet_logger = logging.getLogger("course_lib.librdkafka")
quiet_logger.addHandler(logging.NullHandler())
quiet_logger.propagate = False


def client_config(bootstrap_servers: str, **overrides) -> dict:
    """A confluent-kafka config for the course cluster, with ``overrides`` on top.

    ``broker.address.family``: see ``address_family``.
    """
    config = {
        "bootstrap.servers": bootstrap_servers,
        "broker.address.family": address_family(),
        "logger": quiet_logger,
        "error_cb": lambda error: None,
    }
    config.update({key.replace("_", "."): value for key, value in overrides.items()})
    return config


def address_family() -> str:
    """``v4`` on a machine with a network, ``any`` on one without (a laptop offline, on a plane).

    Brokers advertise ``localhost`` but listen on 127.0.0.1 only, so librdkafka must not try ::1 first:
    ``v4``. But librdkafka resolves with ``AI_ADDRCONFIG``, and glibc then refuses every IPv4 lookup —
    even of ``127.0.0.1`` — when no interface but loopback has an address. Unrestricted lookups still
    work there and, for the same reason, return no ::1, so ``any`` is both safe and needed offline.
    """
    try:
        socket.getaddrinfo("localhost", None, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
    except socket.gaierror:
        return "any"
    return "v4"
