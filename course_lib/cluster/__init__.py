"""Real Kafka clusters: JVM processes from Maven jars by default, or the Docker stack.

``course_cluster()`` picks the backend from ``COURSE_BACKEND`` (``embedded``, the default, or
``docker``) — or the class's shared cluster of a connection profile (``shared``); each is a ``Cluster`` (``cluster.base``) and offer its controls, so every notebook runs unchanged
on either. Beside the brokers run what the course starts for later lessons: Kafka Streams applications
(``streams_app``, lesson 16), the Connect worker (``connect_worker``, lesson 17) and PostgreSQL (``postgres``,
lesson 18); ``down`` stops them first.
"""

import os

from ..errors import CourseError
from ..profile import active_profile
from .base import Cluster, JvmCluster, NodeStatus, Service
from .kraft import KRaftCluster
from .shared import SharedCluster
from .zookeeper import ZooKeeperCluster

__all__ = ["Cluster", "JvmCluster", "KRaftCluster", "NodeStatus", "Service", "ZooKeeperCluster", "course_cluster"]

BACKENDS = ("embedded", "docker")


def course_cluster(backend: str | None = None):
    """The course's main cluster on the chosen backend (not started: call ``up()``) — or, under a connection profile
    (``course_lib.profile``), the class's shared cluster it names (course machinery)."""
    profile = active_profile()
    if profile and backend is None:
        return SharedCluster(profile)
    backend = backend or os.environ.get("COURSE_BACKEND", "embedded")
    if backend == "embedded":
        return KRaftCluster()
    if backend == "docker":
        from .docker import DockerCluster
        return DockerCluster()
    raise CourseError(f"COURSE_BACKEND={backend!r} is not a backend; use one of {', '.join(BACKENDS)}.")
