"""``down`` leaves no course JVM running; ``up`` brings the same cluster (same data) back."""

import os
from pathlib import Path

import pytest

from course_lib.admin import list_topics


def course_jvms(home: Path) -> list[int]:
    """Pids of processes whose command line mentions the cluster's directory."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(home) in cmdline and "java" in cmdline:
            pids.append(int(pid))
    return pids


@pytest.mark.last
def test_down_leaves_no_jvm_and_up_keeps_the_data(cluster, unique):
    topic = unique("survives-restart")
    from course_lib.admin import create_topic
    create_topic(topic, partitions=1)
    assert course_jvms(cluster.home)

    cluster.down()
    assert course_jvms(cluster.home) == []
    assert not any(node.process.alive for node in cluster.nodes)

    cluster.up(quiet=True)
    assert topic in list_topics()
