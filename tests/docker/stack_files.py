"""Helpers for the offline Docker tests: the compose files as data, and the one-sentence error rule."""

import functools
import re

from ruamel.yaml import YAML

from course_lib.cluster.docker import KRAFT_STACK, ZOOKEEPER_STACK

__all__ = ["PORT_SETTINGS", "STACKS", "assert_one_sentence", "load_compose"]

STACKS = {"kraft": KRAFT_STACK, "zookeeper": ZOOKEEPER_STACK}

# Every variable the embedded clusters read for their ports: the tests compare against the defaults.
PORT_SETTINGS = ("COURSE_BROKER_PORTS", "COURSE_CONTROLLER_PORTS", "COURSE_ZK_BROKER_PORTS", "COURSE_ZOOKEEPER_PORT",
                 "COURSE_REGISTRY_PORT")


@functools.cache
def load_compose(path) -> dict:
    """A compose file as compose reads it: YAML 1.2, anchors and ``<<`` merge keys resolved.

    Read once per run: never change the result (deep-copy it first).
    """
    return YAML(typ="safe", pure=True).load(path.read_text())


def assert_one_sentence(message: str) -> None:
    """A learner-facing error: one line, one sentence, ending with a full stop."""
    assert "\n" not in message, message
    assert message.endswith("."), message
    assert not re.search(r"[.!?]\s+[A-Z]", message[:-1]), f"more than one sentence: {message}"
