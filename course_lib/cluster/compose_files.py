"""Read the course's Docker stack from ``docker/compose*.yaml`` without a Docker engine (introduced in lesson 11).

A compose file is the whole stack in one document: services, images, published ports, memory limits and,
for Kafka, the listeners that decide which address a client is sent to. These helpers turn it into
rows a lesson can print, so the stack can be explained on a machine where Docker does not run.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .compose import check_engine
from ..errors import CourseError
from ..paths import REPO_ROOT

__all__ = ["COMPOSE_FILES", "Listener", "ServiceInfo", "docker_engine_available", "listeners", "load_compose",
           "memory_mb", "services"]

COMPOSE_FILES = {"kraft": REPO_ROOT / "docker" / "compose.yaml",
                 "zookeeper": REPO_ROOT / "docker" / "compose.zookeeper.yaml"}


@dataclass(frozen=True)
class ServiceInfo:
    """One service of a compose file, as a learner needs to know it."""
    name: str
    image: str
    ports: tuple[str, ...]         # "127.0.0.1:9092:9092" = host address:host port:container port
    mem_limit_mb: int | None
    profiles: tuple[str, ...]      # empty: started by a plain `docker compose up`
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class Listener:
    """One listener of one broker: where it binds inside its container, and the address it hands out."""
    service: str
    name: str                      # INTERNAL, EXTERNAL, CONTROLLER ...
    bind: str
    advertised: str | None         # None: never handed to clients (the controller listener)


def load_compose(which: str | Path = "kraft") -> dict:
    """A compose file as a dict, with its ``<<`` merges and ``*anchors`` resolved.

    ``which``: kraft, zookeeper or a path. Course machinery.
    """
    path = Path(COMPOSE_FILES.get(which, which)) if isinstance(which, str) else which
    if not path.exists():
        raise CourseError(f"There is no compose file {path}; use one of {', '.join(COMPOSE_FILES)} or a path to one.")
    return yaml.safe_load(path.read_text())


def _megabytes(limit) -> int | None:
    if limit is None:
        return None
    text = str(limit).strip().lower().rstrip("b")
    factor = {"k": 1 / 1024, "m": 1, "g": 1024}.get(text[-1:], 1 / 1024 / 1024)
    return round(float(text.rstrip("kmg")) * factor)


def services(which: str | Path = "kraft") -> list[ServiceInfo]:
    """Every service of the file, in file order."""
    rows = []
    for name, spec in load_compose(which)["services"].items():
        depends = spec.get("depends_on") or ()
        rows.append(ServiceInfo(name, spec.get("image", ""), tuple(spec.get("ports") or ()),
                                _megabytes(spec.get("mem_limit")), tuple(spec.get("profiles") or ()),
                                tuple(depends)))
    return rows


def memory_mb(which: str | Path = "kraft", profiles: tuple[str, ...] = ()) -> int:
    """The summed ``mem_limit`` of the services ``docker compose [--profile ...] up`` starts."""
    return sum(s.mem_limit_mb or 0 for s in services(which) if not s.profiles or set(s.profiles) & set(profiles))


def _split(listener_list: str) -> dict[str, str]:
    """``"INTERNAL://0.0.0.0:29092,EXTERNAL://..."`` → ``{"INTERNAL": "0.0.0.0:29092", ...}``."""
    pairs = (item.split("://", 1) for item in listener_list.split(",") if item.strip())
    return {name.strip(): address.strip() for name, address in pairs}


def listeners(which: str | Path = "kraft") -> list[Listener]:
    """Each broker's listeners from its ``KAFKA_LISTENERS`` and ``KAFKA_ADVERTISED_LISTENERS``."""
    rows = []
    for name, spec in load_compose(which)["services"].items():
        env = spec.get("environment") or {}
        if "KAFKA_LISTENERS" not in env:
            continue
        advertised = _split(env.get("KAFKA_ADVERTISED_LISTENERS", ""))
        rows += [Listener(name, listener, bind, advertised.get(listener))
                 for listener, bind in _split(env["KAFKA_LISTENERS"]).items()]
    return rows


def docker_engine_available() -> bool:
    """True when the docker CLI, a running engine and Compose v2 all answer (then the stack can be started)."""
    try:
        check_engine()
    except CourseError:
        return False
    return True
