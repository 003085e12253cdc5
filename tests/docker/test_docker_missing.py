"""Without Docker, the Docker backend says so in one sentence and points to the embedded default.

These run the real subprocess path: a PATH with no docker on it, a docker CLI aimed at an engine
socket that does not exist, and small stand-in ``docker`` scripts that fail the way a CLI does.
"""

import os
import shutil
import subprocess
import sys

import pytest

from course_lib.cluster.docker import DockerCluster
from course_lib.errors import CourseError
from stack_files import assert_one_sentence


def fake_docker(directory, script: str):
    """A ``docker`` program in ``directory`` that runs ``script`` (sh) with the CLI's arguments."""
    program = directory / "docker"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return directory


def error_of(action) -> str:
    with pytest.raises(CourseError) as error:
        action()
    message = str(error.value)
    assert_one_sentence(message)
    assert "COURSE_BACKEND" in message and "embedded cluster" in message
    return message


def test_no_docker_on_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    message = error_of(lambda: DockerCluster(profiles=()).is_running())
    assert "`docker` command" in message and "not on your PATH" in message


@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker CLI (without an engine)")
def test_the_real_docker_cli_with_no_engine_behind_it(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/absent.sock")
    message = error_of(lambda: DockerCluster(profiles=()).up(quiet=True))
    assert f"DOCKER_HOST=unix://{tmp_path}/absent.sock" in message and "not answering" in message


def test_a_cli_that_cannot_reach_its_engine(monkeypatch, tmp_path):
    script = 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?" >&2; exit 1'
    monkeypatch.setenv("PATH", str(fake_docker(tmp_path, script)))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    message = error_of(lambda: DockerCluster(profiles=()).kill_broker(1))
    assert "Docker engine (your current Docker context) is not answering" in message


def test_an_engine_without_compose_v2(monkeypatch, tmp_path):
    script = 'if [ "$1" = version ]; then echo 28.2.2; exit 0; fi\necho "unknown command: docker compose" >&2; exit 1'
    monkeypatch.setenv("PATH", str(fake_docker(tmp_path, script)))
    message = error_of(lambda: DockerCluster(profiles=()).status())
    assert "`docker compose` (Compose v2) is missing" in message


def test_the_cli_prints_the_sentence_and_exits_1(tmp_path):
    env = {**os.environ, "COURSE_BACKEND": "docker", "PATH": str(tmp_path)}
    env.pop("COURSE_DOCKER_PROFILES", None)
    result = subprocess.run([sys.executable, "-m", "course_lib", "status"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert_one_sentence(lines[0][len("error: "):])
    assert "embedded cluster" in lines[0]
