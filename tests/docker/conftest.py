"""The Docker stack, tested without a Docker engine: compose files as data, command lines as lists.

No test here starts a container or asks for the ``cluster`` fixture. The Compose Specification's
JSON schema comes from the ``check-jsonschema`` package (its vendored ``compose-spec.json``, Apache-2.0),
so validation works offline.
"""

import importlib.resources
import json

import pytest
from stack_files import PORT_SETTINGS, STACKS, load_compose


@pytest.fixture(autouse=True)
def scratch_course_home(monkeypatch, tmp_path):
    """Every test's course data in a scratch directory: a ``reset`` here must never delete the learner's."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "course"))


@pytest.fixture(params=sorted(STACKS))
def stack(request):
    return STACKS[request.param]


@pytest.fixture
def compose(stack) -> dict:
    return load_compose(stack.compose_file)


@pytest.fixture(scope="session")
def compose_validator():
    """A JSON-schema validator for the Compose Specification (draft 2020-12), with format checks."""
    import jsonschema
    text = (importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text()
    schema = json.loads(text)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.fixture
def default_ports(monkeypatch, tmp_path):
    """The embedded clusters as a learner gets them: no port variables set, data in a scratch directory."""
    for name in PORT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_HOME", str(tmp_path))
