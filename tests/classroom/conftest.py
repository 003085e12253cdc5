"""The secured cluster of lesson 20 as a class's "remote" shared cluster, and students on it: started for this
folder's tests, stopped after.

``student`` makes a SCRAM user with PREFIXED ACLs on its namespace and writes its profile — a stand-in for
``python -m course_lib class provision``, kept here so it can be swapped for it.
"""

import secrets
import time

import pytest
from confluent_kafka.admin import (AclBinding, AclOperation, AclPermissionType, AdminClient, ResourcePatternType,
                                   ResourceType, ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion)

from course_lib.cluster.secure import SecureCluster
from course_lib.profile import Profile, write_properties

RIGHTS = {ResourceType.TOPIC: ("CREATE", "DELETE", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "READ", "WRITE"),
          ResourceType.GROUP: ("READ", "DESCRIBE", "DELETE"),
          ResourceType.TRANSACTIONAL_ID: ("WRITE", "DESCRIBE")}


@pytest.fixture(scope="session")
def secure():
    """The secured cluster, up and ready (the same one ``python -m course_lib up --secure`` starts)."""
    cluster = SecureCluster().up(quiet=True)
    yield cluster
    cluster.down()


@pytest.fixture(scope="session")
def student(secure, tmp_path_factory):
    """``student(name)`` → the path of a profile for user ``name`` in namespace ``name.`` (a user is never deleted:
    on Kafka 4.4.0 a restart after a SCRAM deletion rejected every password; a new password replaces the old)."""
    admin_config = secure.client_config("admin")
    admin = AdminClient(admin_config)
    folder = tmp_path_factory.mktemp("profiles")

    def make(name: str):
        password = secrets.token_urlsafe(12)
        admin.alter_user_scram_credentials([UserScramCredentialUpsertion(
            name, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password.encode())])[name].result()
        bindings = [AclBinding(kind, f"{name}.", ResourcePatternType.PREFIXED, f"User:{name}", "*",
                               getattr(AclOperation, op), AclPermissionType.ALLOW) for kind, ops in RIGHTS.items()
                    for op in ops]
        for future in admin.create_acls(bindings).values():
            future.result()
        time.sleep(3)  # the ACLs and the password reach every broker
        security = {key: value for key, value in admin_config.items() if key.startswith(("security.", "sasl.", "ssl."))}
        security.update({"sasl.username": name, "sasl.password": password})
        return write_properties(Profile(admin_config["bootstrap.servers"], security, f"{name}."), folder / f"{name}.properties")

    return make
