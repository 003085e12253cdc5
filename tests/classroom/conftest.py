"""The secured cluster of lesson 20 (``secure``, tests/conftest.py) stands in for a class's shared cluster;
``student(name)`` provisions a student on it as the instructor would (``python -m course_lib class provision``)."""

import pytest

from course_lib.classroom.admin import admin_side
from course_lib.classroom.provision import provision
from course_lib.classroom.roster import Student


@pytest.fixture(scope="session")
def student(secure, tmp_path_factory):
    """``student(name)`` → the path of the profile ``class provision`` wrote for a new student ``name`` (namespace
    ``name.``)."""
    folder = tmp_path_factory.mktemp("profiles")

    def make(name: str):
        provision(admin_side(secure=True), [Student(name)], folder)
        return folder / f"{name}.properties"

    return make
