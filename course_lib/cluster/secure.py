"""The secured cluster of lesson 20: three KRaft nodes beside the plain cluster that want a password and speak TLS.

``python -m course_lib up --secure`` starts it under ``<COURSE_HOME>/secure``. Each node has three listeners, all
on 127.0.0.1:

- ``SECURE``, SASL_SSL, ports 9492-9494 (``COURSE_SECURE_PORTS``): what clients use — SCRAM-SHA-512 passwords
  over TLS, with a certificate signed by the course's own CA (``cluster.certificates``);
- ``INTERNAL``, SASL_PLAINTEXT, ports 9592-9594 (``COURSE_SECURE_INTERNAL_PORTS``): the brokers among
  themselves, as user ``admin``; the same passwords without TLS (lesson 20 prices TLS against it);
- ``CONTROLLER``, SASL_PLAINTEXT with PLAIN, ports 19492-19494 (``COURSE_SECURE_CONTROLLER_PORTS``): the quorum.
  SCRAM cannot guard it — SCRAM's credentials live in the metadata the controllers serve — and left PLAINTEXT it
  would let anybody in as ``User:ANONYMOUS``.

``StandardAuthorizer`` refuses what no ACL allows; ``admin`` is the only super user. The users ``admin``,
``alice`` and ``bob`` are made when the storage is formatted, with passwords generated per install and kept in
``credentials.json``; ``clients/<user>.properties`` holds what Kafka's Java tools need (``--command-config``) and
``clients/<user>.librdkafka.properties`` the same for librdkafka (confluent-kafka, kcat);
``SecureCluster().client_config(user)`` is that as a Python dict. Lesson 20 introduces it.
"""

import json
import os
import secrets
from pathlib import Path

from ..connection import address_family
from ..errors import CourseError
from ..paths import course_home
from .base import Node
from .certificates import ensure_tls_files
from .kraft import KRaftCluster
from .ports import ports_from_env, require_free

__all__ = ["MECHANISM", "USERS", "SecureCluster"]

MECHANISM = "SCRAM-SHA-512"
USERS = ("admin", "alice", "bob")  # admin: brokers and the course; alice and bob: lesson 20's learners
INTERNAL_PORT_SETTING = "COURSE_SECURE_INTERNAL_PORTS"


def _jaas(module: str, **options: str) -> str:
    return f"{module} required" + "".join(f' {key}="{value}"' for key, value in options.items()) + ";"


class SecureCluster(KRaftCluster):
    """Three Kafka 4 nodes that authenticate (SCRAM over TLS) and authorize (ACLs) every client (lesson 20)."""

    name = "secured KRaft cluster (SASL_SSL, SCRAM, ACLs)"
    port_setting = "COURSE_SECURE_PORTS"
    controller_port_setting = "COURSE_SECURE_CONTROLLER_PORTS"
    with_registry = False  # the schema registry and the views serve the plain cluster only
    with_metrics = False

    def __init__(self, home: Path | None = None):
        super().__init__(home or course_home() / "secure",
                         ports_from_env(self.port_setting, (9492, 9493, 9494)),
                         ports_from_env(self.controller_port_setting, (19492, 19493, 19494)))
        internal = ports_from_env(INTERNAL_PORT_SETTING, (9592, 9593, 9594))
        self.internal_ports = {node.node_id: port for node, port in zip(self.nodes, internal)}
        self.tls = self.home / "tls"

    # -- who may connect ---------------------------------------------------------------------------
    @property
    def credentials_file(self) -> Path:
        return self.home / "credentials.json"

    def password(self, user: str) -> str:
        """The password of a user made at format time (``credentials.json``)."""
        if not self.credentials_file.exists():
            raise CourseError("The secured cluster has no users yet; start it once with "
                              "`python -m course_lib up --secure`.")
        passwords = json.loads(self.credentials_file.read_text())
        if user not in passwords:
            raise CourseError(f"The secured cluster made no user {user!r} at format time (it has "
                              f"{', '.join(passwords)}); lesson 20 shows how to add one.")
        return passwords[user]

    def client_config(self, user: str = "admin", tls: bool = True) -> dict:
        """A confluent-kafka configuration for ``user``: over TLS (``SECURE``) or, with ``tls=False``, over the
        brokers' SASL_PLAINTEXT listener (lesson 20)."""
        config = {
            "bootstrap.servers": (self.bootstrap_servers if tls
                                  else ",".join(f"localhost:{port}" for port in self.internal_ports.values())),
            "broker.address.family": address_family(),
            "security.protocol": "SASL_SSL" if tls else "SASL_PLAINTEXT",
            "sasl.mechanism": MECHANISM,
            "sasl.username": user,
            "sasl.password": self.password(user),
        }
        if tls:
            config["ssl.ca.location"] = str(ensure_tls_files(self.tls).ca_pem)
        return config

    @property
    def admin_settings(self) -> dict:
        """What the course's own clients (readiness, helpers) add to reach this cluster: ``admin`` over TLS."""
        config = self.client_config("admin")
        return {key: config[key] for key in ("security.protocol", "sasl.mechanism", "sasl.username",
                                             "sasl.password", "ssl.ca.location")}

    # -- the brokers --------------------------------------------------------------------------------
    def listener_settings(self, node: Node) -> dict:
        admin_password = self.password("admin")
        tls = ensure_tls_files(self.tls)
        internal = self.internal_ports[node.node_id]
        return {
            "listeners": f"SECURE://127.0.0.1:{node.port},INTERNAL://127.0.0.1:{internal},"
                         f"CONTROLLER://127.0.0.1:{node.controller_port}",
            "advertised.listeners": f"SECURE://localhost:{node.port},INTERNAL://localhost:{internal}",
            "listener.security.protocol.map": "SECURE:SASL_SSL,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "INTERNAL",
            "sasl.enabled.mechanisms": MECHANISM,
            "sasl.mechanism.inter.broker.protocol": MECHANISM,
            # A listener that enables a mechanism it has no JAAS line for kills the broker with no useful log line.
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": _jaas(
                "org.apache.kafka.common.security.plain.PlainLoginModule",
                username="admin", password=admin_password, user_admin=admin_password),
            f"listener.name.internal.{MECHANISM.lower()}.sasl.jaas.config": _jaas(
                "org.apache.kafka.common.security.scram.ScramLoginModule", username="admin", password=admin_password),
            f"listener.name.secure.{MECHANISM.lower()}.sasl.jaas.config": _jaas(
                "org.apache.kafka.common.security.scram.ScramLoginModule"),
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": tls.keystore,
            "ssl.keystore.password": tls.password,
            "ssl.key.password": tls.password,
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": "User:admin",
        }

    def prepare(self) -> None:
        """Make the passwords, certificates and client files (once), then format the storage with the users."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.credentials_file.exists():
            self.credentials_file.write_text(json.dumps({user: secrets.token_urlsafe(12) for user in USERS}, indent=1))
            os.chmod(self.credentials_file, 0o600)
        tls = ensure_tls_files(self.tls)
        self._write_client_files(tls.ca_pem)
        super().prepare()

    def format_arguments(self) -> list[str]:
        return [argument for user in USERS
                for argument in ("--add-scram", f"{MECHANISM}=[name={user},password={self.password(user)}]")]

    def _write_client_files(self, ca_pem: Path) -> None:
        folder = self.home / "clients"
        folder.mkdir(exist_ok=True)
        for user in USERS:
            java = {"bootstrap.servers": self.bootstrap_servers, "security.protocol": "SASL_SSL",
                    "sasl.mechanism": MECHANISM,
                    "sasl.jaas.config": _jaas("org.apache.kafka.common.security.scram.ScramLoginModule",
                                              username=user, password=self.password(user)),
                    "ssl.truststore.type": "PEM", "ssl.truststore.location": ca_pem}
            librdkafka = {key: value for key, value in self.client_config(user).items()
                          if key != "broker.address.family"}
            for name, settings in ((f"{user}.properties", java), (f"{user}.librdkafka.properties", librdkafka)):
                (folder / name).write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
                os.chmod(folder / name, 0o600)

    def start_failure_hint(self, error: str) -> str:
        for clue, settings in (("JAAS", "sasl.enabled.mechanisms and the listener.name.*.sasl.jaas.config lines"),
                               ("LoginModule", "the listener.name.*.sasl.jaas.config lines"),
                               ("keystore", "ssl.keystore.location, ssl.keystore.password and ssl.key.password"),
                               ("SSL", "the ssl.* settings")):
            if clue in error:
                return f"; look at {settings} in its server.properties ({self.home}/node-N)"
        return ""

    def client_properties(self, user: str = "admin") -> Path:
        """The Java client file for ``user``: ``--command-config`` of Kafka's tools (lesson 20)."""
        return self.home / "clients" / f"{user}.properties"

    def _check_ports(self, nodes: list[Node]) -> None:
        super()._check_ports(nodes)
        for node in nodes:
            require_free(self.internal_ports[node.node_id], f"broker {node.node_id}'s INTERNAL listener",
                         INTERNAL_PORT_SETTING)
