"""The secured cluster of lesson 20 stands in for a class's shared cluster: started for these tests (as
tests/security's are, once per session), stopped after."""

import pytest

from course_lib.cluster.secure import SecureCluster


@pytest.fixture(scope="session")
def secure():
    """The secured cluster, up and ready (the same one ``python -m course_lib up --secure`` starts)."""
    cluster = SecureCluster().up(quiet=True)
    yield cluster
    cluster.down()
