"""What a student may do on the class's cluster: PREFIXED ALLOW ACLs on their namespace ``<student>.``, and
optional client quotas on their user.

Least privilege, checked against what Kafka 4.4 asks of each request (``AclAuthorizer`` rules, KIP-679):

- topics ``<student>.*``: CREATE (CreateTopics), DELETE (DeleteTopics, DeleteRecords), DESCRIBE (Metadata,
  ListOffsets, OffsetFetch, DescribeTopics), DESCRIBE_CONFIGS and ALTER_CONFIGS (a topic's settings, lessons 01 and
  08), ALTER (CreatePartitions: lesson 02's ``add_partitions``), READ (Fetch, OffsetCommit), WRITE (Produce; since
  Kafka 3.0 also enough for an idempotent producer, without IDEMPOTENT_WRITE on the cluster);
- groups ``<student>.*``: READ (JoinGroup, OffsetCommit, the new consumer protocol's heartbeat, TxnOffsetCommit),
  DESCRIBE (DescribeGroups, OffsetFetch, and ListGroups, which shows a user without DESCRIBE on the cluster only
  the groups it may describe: the helpers' ``list_consumer_groups`` sees the student's own), DELETE (DeleteGroups);
- transactional ids ``<student>.*``: WRITE (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn) and
  DESCRIBE (FindCoordinator for a transaction).

Kafka counts READ, WRITE, DELETE and ALTER as DESCRIBE too, and ALTER_CONFIGS as DESCRIBE_CONFIGS: those grants add
no right, they say in ``kafka-acls --list`` what the student may do. Nothing on the cluster resource: no student can make users, ACLs or quotas, or see other students' groups.
Quotas go through Kafka's ``kafka-configs``: confluent-kafka 2.16 has no client-quota API.
"""

import re

from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient,
                                   ResourcePatternType, ResourceType)

from .admin import Admin

__all__ = ["QUOTA_KEYS", "grants", "granted", "user_quotas", "set_quotas", "drop_quotas"]

OPERATIONS = {
    ResourceType.TOPIC: (AclOperation.CREATE, AclOperation.DELETE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                         AclOperation.ALTER_CONFIGS, AclOperation.ALTER, AclOperation.READ, AclOperation.WRITE),
    ResourceType.GROUP: (AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE),
    ResourceType.TRANSACTIONAL_ID: (AclOperation.WRITE, AclOperation.DESCRIBE),
}
QUOTA_KEYS = ("producer_byte_rate", "consumer_byte_rate")
_QUOTA_LINE = re.compile(r"Quota configs for user-principal '(?P<name>.*)' are (?P<configs>.*)$")


def grants(student: str) -> set[AclBinding]:
    """Every ACL ``student`` needs, on the prefix ``<student>.`` (course machinery)."""
    return {AclBinding(resource, f"{student}.", ResourcePatternType.PREFIXED, f"User:{student}", "*", operation,
                       AclPermissionType.ALLOW)
            for resource, operations in OPERATIONS.items() for operation in operations}


def granted(client: AdminClient, student: str) -> set[AclBinding]:
    """Every ACL of ``User:<student>`` on the cluster, whatever it is on (course machinery)."""
    every = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, f"User:{student}", None,
                             AclOperation.ANY, AclPermissionType.ANY)
    return set(client.describe_acls(every, request_timeout=15).result())


def user_quotas(admin: Admin) -> dict[str, dict[str, int]]:
    """Every user's quotas, ``{user: {"producer_byte_rate": bytes per second, …}}`` (course machinery)."""
    quotas = {}
    for line in admin.kafka_configs("--describe", "--entity-type", "users").lines:
        if match := _QUOTA_LINE.match(line.strip()):
            pairs = (pair.split("=", 1) for pair in match["configs"].split(", ") if "=" in pair)
            quotas[match["name"]] = {key: int(float(value)) for key, value in pairs}
    return quotas


def set_quotas(admin: Admin, student: str, quotas: dict[str, int]) -> None:
    """Give ``student`` these quotas (bytes per second) (course machinery)."""
    values = ",".join(f"{key}={value}" for key, value in quotas.items())
    admin.kafka_configs("--alter", "--add-config", values, "--entity-type", "users", "--entity-name", student)


def drop_quotas(admin: Admin, student: str, keys: list[str]) -> None:
    """Remove ``student``'s quotas named ``keys`` (course machinery)."""
    admin.kafka_configs("--alter", "--delete-config", ",".join(keys), "--entity-type", "users", "--entity-name", student)
