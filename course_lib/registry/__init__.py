"""The course's schema registry: Confluent's REST API, stored in the cluster's ``_schemas`` topic.

Lesson 09 uses it through confluent-kafka's own ``SchemaRegistryClient`` and serializers, exactly
as against Confluent's registry in the Docker stack; ``registry_url()`` is the URL for both.
"""

from ..cluster.registry_service import registry_port

__all__ = ["registry_url"]


def registry_url() -> str:
    """``schema.registry.url`` for the course cluster (127.0.0.1: no IPv6 detour for ``localhost``) (lesson 09)."""
    return f"http://127.0.0.1:{registry_port()}"
