"""The course's schema registry: Confluent's REST API, stored in the cluster's ``_schemas`` topic.

Lesson 09 uses it through confluent-kafka's own ``SchemaRegistryClient`` and serializers, exactly
as against Confluent's registry in the Docker stack; ``registry_config()`` is the client's config for both.
On a class's shared cluster the registry is the one the connection profile names (``course_lib.profile``).
"""

import base64

from ..cluster.registry_service import registry_port
from ..errors import CourseError
from ..profile import active_profile

__all__ = ["registry_config", "registry_headers", "registry_url"]


def registry_url() -> str:
    """``schema.registry.url``: the course cluster's registry (127.0.0.1: no IPv6 detour for ``localhost``), or on
    a shared cluster the profile's (lesson 09)."""
    profile = active_profile()
    if profile is None:
        return f"http://127.0.0.1:{registry_port()}"
    if not profile.registry_url:
        raise CourseError(f"The profile {profile.source} names no schema registry (schema.registry.url), and lesson "
                          "09 and its lab need one: ask your instructor for its address, or run them on your own "
                          "machine with COURSE_PROFILE unset.")
    return profile.registry_url


def registry_config() -> dict:
    """A ``SchemaRegistryClient`` config: ``url``, and on a shared cluster the profile's ``basic.auth.user.info``
    (lesson 09). Add your own settings to it: ``SchemaRegistryClient({**registry_config(), ...})``."""
    profile = active_profile()
    user_info = profile.registry_user_info if profile else None
    return {"url": registry_url(), **({"basic.auth.user.info": user_info} if user_info else {})}


def registry_headers() -> dict:
    """HTTP headers for the registry's REST API: basic auth from the profile, if it has any (course machinery)."""
    profile = active_profile()
    if not (profile and profile.registry_user_info):
        return {}
    return {"Authorization": "Basic " + base64.b64encode(profile.registry_user_info.encode()).decode()}
