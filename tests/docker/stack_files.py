"""Helpers for the offline Docker tests: the compose files as data, and the one-sentence error rule."""

import functools
import os
import re
from pathlib import Path

from ruamel.yaml import YAML

from course_lib.cluster.docker import KRAFT_STACK, ZOOKEEPER_STACK

__all__ = ["PORT_SETTINGS", "STACKS", "assert_one_sentence", "bind_mounts", "load_compose"]

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


def bind_mounts(compose_file: Path, service: dict) -> dict[str, Path]:
    """A service's bind mounts, target → host path, as compose resolves them: ``${VAR:-default}`` from the
    environment, relative paths from the compose file's folder."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict) and volume["type"] == "bind":
            source = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1]) or m[2], volume["source"])
            mounts[volume["target"]] = (compose_file.parent / source).resolve()
    return mounts


def assert_one_sentence(message: str) -> None:
    """A learner-facing error: one line, one sentence, ending with a full stop."""
    assert "\n" not in message, message
    assert message.endswith("."), message
    assert not re.search(r"[.!?]\s+[A-Z]", message[:-1]), f"more than one sentence: {message}"
