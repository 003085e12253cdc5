"""Registry fixtures: a client of the registry that the cluster's ``up`` started (never a mock); the service itself
is ``registry`` in tests/conftest.py (tests/cluster/test_registry_service.py uses it too)."""

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

from course_lib.registry import registry_url


@pytest.fixture
def client(registry):
    """A fresh confluent-kafka client (its caches start empty) of the course registry."""
    return SchemaRegistryClient({"url": registry_url()})
