"""The bash HTTP probes in the compose healthchecks, run for real against a local HTTP server.

The Confluent 8 images have no curl, so Schema Registry, Control Center and ZooKeeper are probed with
bash's /dev/tcp. Each probe must pass on a 2xx answer and fail on a 404 or a closed port.
"""

import http.server
import re
import subprocess
import threading

import pytest
from stack_files import STACKS, load_compose

PROBES = [(stack_name, service_name, service["healthcheck"]["test"][3])
          for stack_name, stack in sorted(STACKS.items())
          for service_name, service in load_compose(stack.compose_file)["services"].items()
          if "/dev/tcp/" in " ".join(service["healthcheck"]["test"])]


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A server on a free 127.0.0.1 port; set ``.status`` to choose its answer."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def probe(command: str, port: int) -> int:
    local = re.sub(r"/dev/tcp/127\.0\.0\.1/\d+", f"/dev/tcp/127.0.0.1/{port}", command)
    return subprocess.run(["bash", "-c", local], capture_output=True, timeout=20).returncode


def test_three_services_per_stack_are_probed_this_way():
    assert {(stack, service) for stack, service, _ in PROBES} == {
        ("kraft", "schema-registry"), ("kraft", "control-center"),
        ("zookeeper", "schema-registry"), ("zookeeper", "control-center"), ("zookeeper", "zookeeper")}


@pytest.mark.parametrize("stack_name, service, command", PROBES, ids=[f"{s}-{n}" for s, n, _ in PROBES])
def test_probe_passes_on_2xx_and_fails_on_404_or_a_closed_port(stack_name, service, command, http_server):
    port = http_server.server_address[1]
    assert probe(command, port) == 0
    http_server.status = 404
    assert probe(command, port) != 0
    http_server.shutdown()
    http_server.server_close()
    assert probe(command, port) != 0
