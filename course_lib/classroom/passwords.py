"""Students' SCRAM-SHA-512 users: which exist, and setting a password.

A user is never deleted, only given a password nobody knows: on Kafka 4.4.0 a broker restart after a SCRAM user's
deletion left every broker refusing every SCRAM password (the course's secured cluster included).
"""

import secrets

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (AdminClient, ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion)

__all__ = ["existing_users", "set_password", "new_password"]

ITERATIONS = 8192  # Kafka's minimum for SCRAM-SHA-512 is 4096


def existing_users(client: AdminClient, names: list[str]) -> set[str]:
    """Those of ``names`` that have SCRAM credentials on the cluster (course machinery)."""
    found = set()
    for name, future in client.describe_user_scram_credentials(list(names), request_timeout=15).items():
        error = future.exception()
        if error is None:
            found.add(name)
        elif not (isinstance(error, KafkaException) and error.args[0].code() == KafkaError.RESOURCE_NOT_FOUND):
            raise error
    return found


def set_password(client: AdminClient, name: str, password: str) -> None:
    """Create ``name``'s SCRAM-SHA-512 credential, or replace it (course machinery)."""
    upsert = UserScramCredentialUpsertion(name, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                                          password.encode())
    for future in client.alter_user_scram_credentials([upsert], request_timeout=15).values():
        future.result()


def new_password() -> str:
    """A random password (``secrets``): 24 URL-safe characters (course machinery)."""
    return secrets.token_urlsafe(18)
