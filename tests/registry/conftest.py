"""Registry fixtures: a client of the registry that the cluster's ``up`` started (never a mock)."""

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

from course_lib.registry import registry_url


@pytest.fixture(scope="session")
def registry(cluster):
    """The registry service of the running course cluster."""
    [service] = [s for s in cluster.services if s.name == "registry"]
    return service


@pytest.fixture
def client(registry):
    """A fresh confluent-kafka client (its caches start empty) of the course registry."""
    return SchemaRegistryClient({"url": registry_url()})
