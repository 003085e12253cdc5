"""The secured cluster of lesson 20 stands in for a class's shared cluster: started for these tests (as
tests/security's are, once per session), stopped after. ``student(name)`` provisions a student on it as the
instructor would (``python -m course_lib class provision``)."""

import pytest

from course_lib.classroom.admin import admin_side
from course_lib.classroom.provision import provision
from course_lib.classroom.roster import Student
from course_lib.cluster.secure import SecureCluster


@pytest.fixture(scope="session")
def secure():
    """The secured cluster, up and ready (the same one ``python -m course_lib up --secure`` starts)."""
    cluster = SecureCluster().up(quiet=True)
    yield cluster
    cluster.down()


@pytest.fixture(scope="session")
def student(secure, tmp_path_factory):
    """``student(name)`` → the path of the profile ``class provision`` wrote for a new student ``name`` (namespace
    ``name.``)."""
    folder = tmp_path_factory.mktemp("profiles")

    def make(name: str):
        provision(admin_side(secure=True), [Student(name)], folder)
        return folder / f"{name}.properties"

    return make
