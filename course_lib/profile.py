"""Connection profiles: where the course's clients go when a class shares one Kafka cluster (README, "Teaching a
class").

Without a profile everything runs on the course's own cluster on this machine. A profile names a shared cluster
instead — its bootstrap servers, the client's security settings (SASL_SSL with PLAIN or SCRAM, mutual TLS, a CA
file), the schema registry and the student's *namespace*, a prefix every topic, group id and transactional id the
course makes carries there. It comes from

- a file named by ``COURSE_PROFILE``: a client ``.properties`` file as Kafka services hand them out (Java's
  ``sasl.jaas.config`` and a PEM truststore are read too) with the course's own keys ``course.namespace``,
  ``schema.registry.url`` and ``basic.auth.user.info``; or a ``.toml`` file with ``[kafka]``, ``[registry]`` (``url``,
  ``basic.auth.user.info``) and ``[course]`` (``namespace``) tables;
- or the environment alone (CI): ``COURSE_KAFKA_BOOTSTRAP_SERVERS``, any other ``COURSE_KAFKA_<KEY>``
  (``COURSE_KAFKA_SASL_PASSWORD`` → ``sasl.password``), ``COURSE_NAMESPACE``, ``COURSE_REGISTRY_URL`` and
  ``COURSE_REGISTRY_BASIC_AUTH_USER_INFO``.

``python -m course_lib class provision`` writes one profile file per student.
"""

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CourseError

__all__ = ["Profile", "active_profile", "namespaced", "read_profile", "write_properties"]

PROFILE_SETTING = "COURSE_PROFILE"
ENVIRONMENT_PREFIX = "COURSE_KAFKA_"
# What a Kafka service's Java client file may hold that librdkafka does not take (or takes under another name).
JAVA_ONLY = {"sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.type", "ssl.truststore.password",
             "ssl.endpoint.identification.algorithm", "client.dns.lookup", "session.timeout.ms",
             "acks", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer"}
COURSE_KEYS = {"course.namespace", "schema.registry.url", "basic.auth.user.info", "basic.auth.credentials.source"}
NAMESPACE_PATTERN = re.compile(r"[A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Profile:
    """A shared cluster and who this student is on it (course machinery; README, "Teaching a class")."""

    bootstrap_servers: str
    security: dict = field(default_factory=dict)  # librdkafka settings: security.protocol, sasl.*, ssl.*
    namespace: str = ""  # e.g. "alice.": the start of every name this student makes
    registry_url: str | None = None
    registry_user_info: str | None = None  # "user:password" for the registry's basic auth
    source: str = "the environment"

    def name(self, base: str) -> str:
        """``base`` in this student's namespace (unchanged when it is in it already)."""
        return base if base.startswith(self.namespace) else f"{self.namespace}{base}"

    def client_config(self) -> dict:
        """``bootstrap.servers`` and the security settings: what any client needs to get in; and a ``client.id`` in
        the namespace, so the cluster's logs and quotas tell the students' clients apart."""
        return {"bootstrap.servers": self.bootstrap_servers, **self.security,
                **({"client.id": f"{self.namespace}course"} if self.namespace else {})}

    def properties(self) -> dict:
        """The profile as one librdkafka ``.properties`` mapping (what ``write_properties`` saves)."""
        settings = {"bootstrap.servers": self.bootstrap_servers, **self.security}
        if self.namespace:
            settings["course.namespace"] = self.namespace
        if self.registry_url:
            settings["schema.registry.url"] = self.registry_url
        if self.registry_user_info:
            settings["basic.auth.user.info"] = self.registry_user_info
        return settings


def active_profile() -> Profile | None:
    """The profile this process runs under (``COURSE_PROFILE`` or ``COURSE_KAFKA_BOOTSTRAP_SERVERS``), or None for
    the course's own cluster. Read on every call: a test or a notebook may set the variables late (course machinery)."""
    path = os.environ.get(PROFILE_SETTING)
    if path:
        return read_profile(Path(path).expanduser())
    settings = {key[len(ENVIRONMENT_PREFIX):].lower().replace("_", "."): value
                for key, value in os.environ.items() if key.startswith(ENVIRONMENT_PREFIX) and value}
    if not settings:
        return None
    if os.environ.get("COURSE_NAMESPACE"):
        settings["course.namespace"] = os.environ["COURSE_NAMESPACE"]
    if os.environ.get("COURSE_REGISTRY_URL"):
        settings["schema.registry.url"] = os.environ["COURSE_REGISTRY_URL"]
    if os.environ.get("COURSE_REGISTRY_BASIC_AUTH_USER_INFO"):
        settings["basic.auth.user.info"] = os.environ["COURSE_REGISTRY_BASIC_AUTH_USER_INFO"]
    return _profile(settings, "the COURSE_KAFKA_* environment variables")


def namespaced(base: str) -> str:
    """``base`` with the active profile's namespace in front; ``base`` itself on the course's own cluster.

    What every name the course invents (a group id, a topic) goes through (course machinery).
    """
    profile = active_profile()
    return profile.name(base) if profile else base


def read_profile(path: Path) -> Profile:
    """The profile a ``.properties`` or ``.toml`` file describes (course machinery)."""
    if not path.is_file():
        raise CourseError(f"{PROFILE_SETTING} names {path}, which is not a file; point it at the profile your "
                          "instructor gave you, or unset it to use the course's own cluster.")
    if path.suffix == ".toml":
        try:
            tables = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as error:
            raise CourseError(f"{path} is not valid TOML ({error}); fix that line.") from None
        settings = _flat(tables.get("kafka", {}))
        settings.update({f"schema.registry.{key}" if key == "url" else key: value
                         for key, value in _flat(tables.get("registry", {})).items()})
        if "namespace" in tables.get("course", {}):
            settings["course.namespace"] = tables["course"]["namespace"]
    else:
        settings = _read_properties(path)
    return _profile({key: str(value) for key, value in settings.items()}, str(path))


def write_properties(profile: Profile, path: Path) -> Path:
    """Save ``profile`` as a ``.properties`` file only its owner can read (it holds a password) (course machinery)."""
    path.touch(mode=0o600)
    os.chmod(path, 0o600)  # before the password is in it (an older file may have been readable)
    path.write_text("".join(f"{key}={value}\n" for key, value in profile.properties().items()))
    return path


def _profile(settings: dict, source: str) -> Profile:
    settings = dict(settings)
    bootstrap = settings.pop("bootstrap.servers", "")
    if not bootstrap:
        raise CourseError(f"The profile from {source} has no bootstrap.servers; add the cluster's address "
                          "(host:port, comma-separated) to it.")
    if "sasl.mechanisms" in settings:  # librdkafka's older spelling, in Confluent Cloud's librdkafka files
        settings.setdefault("sasl.mechanism", settings.pop("sasl.mechanisms"))
    settings.update(_from_java(settings))
    namespace = settings.pop("course.namespace", "")
    if not NAMESPACE_PATTERN.fullmatch(namespace):
        raise CourseError(f"The namespace {namespace!r} in {source} may hold only letters, digits, '.', '_' and '-' "
                          "(Kafka's topic characters).")
    registry_url = settings.pop("schema.registry.url", None)
    user_info = settings.pop("basic.auth.user.info", None)
    security = {key: value for key, value in settings.items() if key not in JAVA_ONLY | COURSE_KEYS}
    return Profile(bootstrap, security, namespace, registry_url, user_info, source)


def _from_java(settings: dict) -> dict:
    """librdkafka's names for what a Java client file says its own way: the JAAS line's user and password, a PEM
    truststore's file."""
    found = {}
    jaas = settings.get("sasl.jaas.config", "")
    for key in ("username", "password"):
        match = re.search(rf'{key}\s*=\s*"([^"]*)"', jaas) or re.search(rf"{key}\s*=\s*'([^']*)'", jaas)
        if match and f"sasl.{key}" not in settings:
            found[f"sasl.{key}"] = match.group(1)
    if jaas and "sasl.mechanism" not in settings:
        found["sasl.mechanism"] = "PLAIN" if "PlainLoginModule" in jaas else "SCRAM-SHA-512"
    if settings.get("ssl.truststore.type", "").upper() == "PEM" and "ssl.ca.location" not in settings:
        found["ssl.ca.location"] = settings["ssl.truststore.location"]
    return found


def _read_properties(path: Path) -> dict:
    settings = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, separator, value = line.partition("=")
        if not separator:
            raise CourseError(f"{path} has a line without '=' ({line!r}); a properties line is key=value.")
        settings[key.strip()] = value.strip()
    return settings


def _flat(table: dict, prefix: str = "") -> dict:
    """TOML's ``sasl.username = "x"`` is a nested table; Kafka's keys are the dotted path."""
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
