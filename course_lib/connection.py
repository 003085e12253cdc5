"""Client configuration shared by every helper: where the cluster is, and what a client says when it fails.

librdkafka logs every connection attempt to stderr on its own (outside Python), which floods a notebook
while a broker is down; those logs go to a silent Python logger. Errors are another matter: a client
whose every broker is gone, or that the cluster refuses, must say so. ``error_reporter`` prints one line
per kind of error and client, and raises a fatal one (lesson 01 shows ``error_cb`` on a plain client).
"""

import logging
import socket
import sys

from confluent_kafka import KafkaError, KafkaException

from .profile import active_profile

__all__ = ["client_config", "address_family", "quiet_logger", "error_reporter", "reason"]

# A broker that stops answering while the others serve is what lessons 06 and 10 do on purpose, and the
# client fails over on its own: not worth a line. Everything else is.
ROUTINE = {KafkaError._TRANSPORT}

quiet_logger = logging.getLogger("course_lib.librdkafka")
quiet_logger.addHandler(logging.NullHandler())
quiet_logger.propagate = False


def client_config(bootstrap_servers: str, **overrides) -> dict:
    """A confluent-kafka config for the course cluster, with ``overrides`` on top (lesson 01).

    ``broker.address.family``: see ``address_family``. On a class's shared cluster (``course_lib.profile``) the
    profile's security settings come with it, so every helper gets in as the student.
    """
    profile = active_profile()
    shared = profile is not None and profile.bootstrap_servers == bootstrap_servers
    config = {
        "bootstrap.servers": bootstrap_servers,
        "broker.address.family": address_family(),
        "logger": quiet_logger,
        "error_cb": error_reporter(bootstrap_servers),
        **(profile.client_config() if shared else {}),
    }
    config.update({key.replace("_", "."): value for key, value in overrides.items()})
    return config


def address_family() -> str:
    """``v4`` on a machine with a network, ``any`` on one without (a laptop offline, on a plane) (lesson 01).

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


def error_reporter(bootstrap_servers: str):
    """An ``error_cb`` for one client: a fatal error raises (out of the ``poll``/``flush`` that served it);
    any other says one line on stderr, once per error code, the first time it happens.

    Course machinery.
    """
    said: set[int] = set()

    def report(error: KafkaError) -> None:
        if error.fatal():
            raise KafkaException(error)
        if error.code() in ROUTINE or error.code() in said:
            return
        said.add(error.code())
        if error.code() == KafkaError._ALL_BROKERS_DOWN:
            print(f"Kafka client: no broker of {bootstrap_servers} answers. Is the cluster up? "
                  "`python -m course_lib status` says; `python -m course_lib up` starts it.", file=sys.stderr)
        else:
            print(f"Kafka client error ({error.name()}): {error.str()}", file=sys.stderr)

    return report


def reason(exc: KafkaException) -> str:
    """What a ``KafkaException`` says, in one line: its ``KafkaError``'s text (``str()`` of anything else).

    Course machinery.
    """
    error = exc.args[0] if exc.args else exc
    return error.str() if hasattr(error, "str") else str(error)
