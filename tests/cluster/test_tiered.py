"""Lesson 23's one-node tiered-storage cluster: the course's remote storage manager is built once (a changed source
builds it again); the broker loads it, and the course cluster's ``down`` stops the broker (no process left); a
broker whose remote storage manager cannot load is named with its fatal exception."""

import pytest

from course_lib.cluster import KRaftCluster
from course_lib.cluster.tiered import TieredCluster
from course_lib.errors import CourseError
from course_lib.toolchain import jars


def test_the_jar_is_built_once_and_again_when_a_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path))
    jar = jars.tiered_storage_jar(quiet=True)
    built = jar.stat().st_mtime_ns
    assert jars.tiered_storage_jar(quiet=True).stat().st_mtime_ns == built, "a second call builds nothing"
    sources = tmp_path / "tiered"
    for path in jars.TIERED_DIR.rglob("*"):
        if path.is_file():
            (sources / path.relative_to(jars.TIERED_DIR)).parent.mkdir(parents=True, exist_ok=True)
            (sources / path.relative_to(jars.TIERED_DIR)).write_bytes(path.read_bytes() + b"\n")
    monkeypatch.setattr(jars, "TIERED_DIR", sources)
    assert jars.tiered_storage_jar(quiet=True).stat().st_mtime_ns != built, "changed sources are built again"


def test_the_course_clusters_down_stops_it(tmp_path):
    tiered = TieredCluster(home=tmp_path / "kraft" / "tiered")
    try:
        tiered.up(quiet=True)
        config = tiered.nodes[0].config_file.read_text()
        assert "remote.log.storage.manager.class.path=" in config and str(tiered.remote_dir) in config
        KRaftCluster(home=tmp_path / "kraft").down()
        assert not tiered.nodes[0].process.alive, "the course cluster's down left lesson 23's broker running"
    finally:
        tiered.down()


class MisnamedStore(TieredCluster):
    """A tiered cluster whose remote storage manager's class name is wrong."""
    teaching_overrides = {**TieredCluster.teaching_overrides,
                          "remote.log.storage.manager.class.name": "course.tiered.NoSuchStorageManager"}


def test_a_store_that_cannot_load_is_named(tmp_path):
    broken = MisnamedStore(home=tmp_path / "kraft" / "tiered")
    try:
        with pytest.raises(CourseError, match="NoSuchStorageManager.*look at the remote.log"):
            broken.up(timeout=90, quiet=True)
    finally:
        broken.down()
