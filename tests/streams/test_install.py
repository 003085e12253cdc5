"""The stream-processing library is installed as README.md says: quixstreams at setup.sh's pin, without its
confluent-kafka pin, beside the course's confluent-kafka (lesson 15 runs it there)."""

import re
from importlib.metadata import requires, version

from course_lib.paths import REPO_ROOT


def pinned(name: str, text: str) -> str:
    [found] = re.findall(rf"{name}(?:\[[^\]]*\])?==([0-9.]+)", text)
    return found


def test_quixstreams_is_the_pinned_one_and_runs_on_the_course_client():
    import confluent_kafka
    import quixstreams
    assert quixstreams.__version__ == version("quixstreams") == pinned("quixstreams", (REPO_ROOT / "scripts/setup.sh").read_text())
    course_client = pinned("confluent-kafka", (REPO_ROOT / "pyproject.toml").read_text())
    assert confluent_kafka.__version__ == course_client, "pip resolved quixstreams' pin over the course's"


def test_every_other_requirement_of_quixstreams_is_installed():
    """--no-deps skips them all: pyproject.toml lists them instead, and none may be missing."""
    wanted = [re.match(r"[A-Za-z0-9_.-]+", line).group(0) for line in requires("quixstreams")
              if "extra ==" not in line and not line.startswith("confluent-kafka")]
    assert wanted, "quixstreams declares requirements"
    for name in wanted:
        assert version(name), name
