"""Who the instructor is on the class's cluster: the active connection profile (a user with admin rights), or with
``--secure`` the course's secured cluster as its ``admin``; and what Kafka's refusals mean, in one sentence."""

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AclOperation, AdminClient

from ..connection import quiet_logger, reason
from ..errors import CourseError
from ..profile import active_profile
from ..toolchain.kafka_tools import ToolRun, run_tool

__all__ = ["Admin", "admin_side"]

NOT_ADMIN = {KafkaError.CLUSTER_AUTHORIZATION_FAILED, KafkaError.TOPIC_AUTHORIZATION_FAILED,
             KafkaError.GROUP_AUTHORIZATION_FAILED, KafkaError.SECURITY_DISABLED}
NO_ANSWER = {KafkaError._TIMED_OUT, KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._AUTHENTICATION,
             KafkaError._SSL, KafkaError._RESOLVE}
LOGIN_MODULES = {"PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
                 "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
                 "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule"}


@dataclass(frozen=True)
class Admin:
    """The instructor's librdkafka settings and where they came from (course machinery)."""

    config: dict  # bootstrap.servers and security settings
    source: str  # for sentences: "the secured cluster's admin", "the profile /x/admin.properties"
    registry_url: str | None = None
    java_file: Path | None = None  # Kafka's Java tools' --command-config, when one exists already

    @property
    def bootstrap_servers(self) -> str:
        return self.config["bootstrap.servers"]

    def client(self) -> AdminClient:
        """An admin client to use in a ``with`` block: its handle is destroyed at the end, on this thread. Left to
        the garbage collector, a client caught in a reference cycle (an exception's frames) may be destroyed on
        librdkafka's background thread, which aborts the process (confluent-kafka-python PR 2131)."""
        return AdminClient({**self.config, "logger": quiet_logger})

    @contextmanager
    def answers(self):
        """Turn a ``KafkaException`` inside into one sentence: not an admin, no answer, or Kafka's own reason."""
        try:
            yield
        except KafkaException as exc:
            error = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
            code = error.code() if error else None
            if code in NOT_ADMIN:
                raise CourseError(f"{self.source} is not an admin of the cluster at {self.bootstrap_servers} (Kafka: "
                                  f"{reason(exc)}); use the profile of a super user, or of one allowed ALTER and "
                                  "DESCRIBE on the cluster.") from None
            if code in NO_ANSWER:
                raise CourseError(f"The cluster at {self.bootstrap_servers} did not answer {self.source} ({reason(exc)}); "
                                  "check that it runs and the address and credentials (`python -m course_lib up "
                                  "--secure` starts the course's secured cluster).") from None
            raise CourseError(f"Kafka refused {self.source}: {reason(exc)}.") from None

    @contextmanager
    def session(self):
        """An admin client, once the cluster said this user may ALTER and DESCRIBE it; every refusal inside is one
        sentence. Asked first: confluent-kafka 2.16 corrupts its memory and aborts the process when
        ``describe_user_scram_credentials`` is refused."""
        with self.answers(), self.client() as client:
            cluster = client.describe_cluster(include_authorized_operations=True, request_timeout=15).result()
            if not {AclOperation.ALTER, AclOperation.DESCRIBE} <= set(cluster.authorized_operations or ()):
                raise CourseError(f"{self.source} is not an admin of the cluster at {self.bootstrap_servers} (it may "
                                  "not ALTER and DESCRIBE the cluster, so Kafka would answer CLUSTER_AUTHORIZATION_FAILED); "
                                  "use the profile of a super user, or of one allowed ALTER and DESCRIBE on the cluster.")
            yield client

    def kafka_configs(self, *args: str) -> ToolRun:
        """Kafka's ``kafka-configs`` as the instructor (client quotas: confluent-kafka 2.16 has no API for them)."""
        if self.java_file:
            return run_tool("kafka-configs", "--bootstrap-server", self.bootstrap_servers, "--command-config",
                            str(self.java_file), *args, timeout=60)
        with tempfile.TemporaryDirectory() as folder:  # the file holds the admin's password: gone right after
            java = Path(folder) / "admin.properties"
            java.write_text("".join(f"{key}={value}\n" for key, value in _java_settings(self.config).items()))
            os.chmod(java, 0o600)
            return run_tool("kafka-configs", "--bootstrap-server", self.bootstrap_servers, "--command-config",
                            str(java), *args, timeout=60)


def admin_side(secure: bool) -> Admin:
    """The instructor: with ``secure`` the secured cluster's ``admin`` (lesson 20), else the active profile; one
    sentence when there is neither (course machinery)."""
    if secure:
        from ..cluster.secure import SecureCluster
        cluster = SecureCluster()
        return Admin(cluster.client_config("admin"), "the secured cluster's admin", None,
                     cluster.client_properties("admin"))
    profile = active_profile()
    if profile is None:
        raise CourseError("No admin to act as: set COURSE_PROFILE to the profile file of a user with admin rights on "
                          "the class's cluster (or the COURSE_KAFKA_* variables), or add --secure to use the course's "
                          "secured cluster as its admin.")
    return Admin(profile.client_config(), f"the profile of {profile.source}",
                 profile.registry_url)


def _java_settings(config: dict) -> dict:
    """The librdkafka settings as Kafka's Java clients spell them: the JAAS line, a PEM truststore."""
    java = {key: config[key] for key in ("security.protocol", "sasl.mechanism") if key in config}
    if "sasl.username" in config:
        module = LOGIN_MODULES.get(config.get("sasl.mechanism", "PLAIN").upper(), LOGIN_MODULES["PLAIN"])
        java["sasl.jaas.config"] = (f'{module} required username="{config["sasl.username"]}" '
                                    f'password="{config.get("sasl.password", "")}";')
    if "ssl.ca.location" in config:
        java |= {"ssl.truststore.type": "PEM", "ssl.truststore.location": config["ssl.ca.location"]}
    return java
