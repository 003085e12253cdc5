"""The compose files in docker/: valid Compose, pinned images, healthchecks, the embedded clusters' ports
and teaching settings, and memory limits that fit an 8 GB laptop."""

import copy
import re

import pytest

from course_lib.cluster.compose import QUORUM_STATE_FILE
from course_lib.cluster.docker import DockerCluster
from course_lib.cluster.kraft import TEACHING_DEFAULTS, KRaftCluster
from course_lib.cluster.zookeeper import ZK_MODE_DEFAULTS, ZooKeeperCluster
from course_lib.paths import REPO_ROOT
from course_lib.cluster.registry_service import registry_port
from stack_files import STACKS, bind_mounts, load_compose

GIB = 1024 ** 3
INTERNAL_BOOTSTRAP = "kafka-1:29092,kafka-2:29092,kafka-3:29092"


def brokers(compose: dict) -> dict[str, dict]:
    return {name: service for name, service in compose["services"].items() if name.startswith("kafka-")
            and name != "kafka-ui"}


def listeners(value: str) -> dict[str, str]:
    """``"INTERNAL://kafka-1:29092,EXTERNAL://localhost:9092"`` → ``{"INTERNAL": "kafka-1:29092", ...}``."""
    return dict(item.split("://", 1) for item in value.split(","))


def to_bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([bkmg]?)", str(size).lower()).groups()
    return int(number) * 1024 ** "bkmg".index(unit or "b")


def heap_max(environment: dict) -> int | None:
    for key in ("KAFKA_HEAP_OPTS", "SCHEMA_REGISTRY_HEAP_OPTS", "CONTROL_CENTER_HEAP_OPTS", "JAVA_OPTS"):
        match = re.search(r"-Xmx(\d+[kmg])", environment.get(key, ""))
        if match:
            return to_bytes(match.group(1))
    return None


def embedded_cluster(stack):
    return KRaftCluster() if stack.kraft else ZooKeeperCluster()


# -- the file is Compose ------------------------------------------------------------------------

def test_compose_file_follows_the_compose_specification(compose, compose_validator):
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in compose_validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_check_catches_a_broken_file(compose, compose_validator):
    """The validation above is not vacuous: a misspelt key and a wrong type are reported."""
    broken = copy.deepcopy(compose)
    broken["services"]["kafka-1"]["helthcheck"] = broken["services"]["kafka-1"].pop("healthcheck")
    broken["services"]["kafka-2"]["ports"] = 9093
    paths = {"/".join(map(str, error.absolute_path)) for error in compose_validator.iter_errors(broken)}
    assert "services/kafka-1" in paths and "services/kafka-2/ports" in paths


def test_every_image_is_pinned_to_a_release(compose):
    for name, service in compose["services"].items():
        image, _, tag = service["image"].rpartition(":")
        assert image and re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"{name}: {service['image']} is not pinned"


def test_confluent_platform_release_lines(stack, compose):
    """KRaft on Confluent Platform 8 (Kafka 4); ZooKeeper mode on 7.9, the last line that has it."""
    images = {name: service["image"] for name, service in compose["services"].items()}
    line = "8." if stack.kraft else "7.9."
    for name in ("kafka-1", "kafka-2", "kafka-3", "schema-registry"):
        assert images[name].startswith(("confluentinc/cp-kafka:" + line, "confluentinc/cp-schema-registry:" + line))
    assert images["control-center"].startswith("confluentinc/cp-enterprise-control-center-next-gen:")
    assert ("zookeeper" in images) is (not stack.kraft)


# -- health and start order -----------------------------------------------------------------------

def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck", {})
        assert not check.get("disable"), name
        assert check.get("test", [None])[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_dependants_wait_until_their_dependencies_are_healthy(compose):
    every_broker = set(brokers(compose))
    for name, service in compose["services"].items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert condition == {"condition": "service_healthy"}, f"{name} -> {dependency}"
        if name in ("schema-registry", "control-center", "kafka-ui"):
            assert every_broker <= set(service["depends_on"]), name


def test_brokers_stay_down_once_killed(compose):
    """No restart policy on a broker: `kill-broker` must leave it dead, as the failure lessons need."""
    for name, service in brokers(compose).items():
        assert service.get("restart", "no") == "no", name


# -- ports and listeners --------------------------------------------------------------------------

def test_brokers_use_the_embedded_clusters_ports_and_advertise_localhost(stack, compose, default_ports):
    embedded = embedded_cluster(stack)
    for node in embedded.nodes:
        service = compose["services"][f"kafka-{node.node_id}"]
        env = service["environment"]
        assert service["ports"] == [f"127.0.0.1:{port}:{port}" for port in (node.port, node.controller_port) if port]
        advertised = listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        assert {name: advertised[name] for name in ("INTERNAL", "EXTERNAL")} == {
            "INTERNAL": f"kafka-{node.node_id}:29092", "EXTERNAL": f"localhost:{node.port}"}
        assert set(advertised) == ({"INTERNAL", "EXTERNAL", "CONTROLLER_EXTERNAL"} if stack.kraft
                                   else {"INTERNAL", "EXTERNAL"})
        assert listeners(env["KAFKA_LISTENERS"])["EXTERNAL"] == f"0.0.0.0:{node.port}"
        assert listeners(env["KAFKA_LISTENERS"])["INTERNAL"] == "0.0.0.0:29092"
        assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] == "INTERNAL"
        assert env["KAFKA_NODE_ID" if stack.kraft else "KAFKA_BROKER_ID"] == str(node.node_id)
    assert len(brokers(compose)) == len(embedded.nodes)


def test_the_backend_knows_the_files_ports_and_names(stack, compose, default_ports):
    """DockerCluster's picture of the stack (nodes, ports, profiles, project) is the file's."""
    assert compose["name"] == stack.project
    embedded = embedded_cluster(stack).nodes
    assert list(stack.brokers) == [(n.node_id, f"kafka-{n.node_id}", n.port) for n in embedded]
    assert stack.controller_ports == tuple(n.controller_port for n in embedded if n.controller_port)
    for service in stack.services:
        spec = compose["services"][service.name]
        assert any(entry.endswith(f":{service.port}") for entry in spec["ports"]), service.name
        assert spec.get("profiles", [None]) == [service.profile], service.name
    in_file = {profile for spec in compose["services"].values() for profile in spec.get("profiles", [])}
    assert set(stack.profiles) == in_file
    assert {s.name for s in stack.services} | set(brokers(compose)) == set(compose["services"])


def test_schema_registry_is_where_the_embedded_registry_is(compose, default_ports):
    """Notebooks find the registry through registry_url(): the same port on either backend."""
    port = registry_port()
    assert compose["services"]["schema-registry"]["ports"] == [f"127.0.0.1:{port}:8081"]


def test_every_port_is_published_on_loopback_only(compose):
    for name, service in compose["services"].items():
        for entry in service.get("ports", []):
            assert entry.startswith("127.0.0.1:"), f"{name} publishes {entry} beyond this computer"


def test_containers_reach_the_brokers_on_the_internal_listener(compose):
    """Inside Docker, localhost is the container itself: the other services must use kafka-N:29092."""
    services = compose["services"]
    assert services["schema-registry"]["environment"]["SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"] == INTERNAL_BOOTSTRAP
    assert services["control-center"]["environment"]["CONTROL_CENTER_BOOTSTRAP_SERVERS"] == INTERNAL_BOOTSTRAP
    assert services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == INTERNAL_BOOTSTRAP


def test_the_kraft_quorum_is_every_node_on_its_unpublished_controller_listener():
    compose = load_compose(STACKS["kraft"].compose_file)
    nodes = brokers(compose)
    voters = ",".join(f"{n}@kafka-{n}:29093" for n in (1, 2, 3))
    cluster_ids = set()
    for name, service in nodes.items():
        env = service["environment"]
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == voters
        assert env["KAFKA_CONTROLLER_LISTENER_NAMES"].split(",")[0] == "CONTROLLER"  # the first carries the quorum
        assert listeners(env["KAFKA_LISTENERS"])["CONTROLLER"] == f"{name}:29093"
        assert "CONTROLLER" not in listeners(env["KAFKA_ADVERTISED_LISTENERS"])  # so it is the voter's address
        assert not any(":29093" in entry for entry in service["ports"])
        cluster_ids.add(env["CLUSTER_ID"])
    assert len(cluster_ids) == 1 and re.fullmatch(r"[A-Za-z0-9_-]{22}", cluster_ids.pop())


def test_tools_on_this_computer_reach_the_quorum_at_the_embedded_controller_ports(default_ports):
    """kafka-metadata-quorum --bootstrap-controller localhost:19092 is told each controller's address on
    the listener it came in on: CONTROLLER_EXTERNAL must be a controller listener advertised as localhost."""
    compose = load_compose(STACKS["kraft"].compose_file)
    for node in KRaftCluster().nodes:
        env = compose["services"][f"kafka-{node.node_id}"]["environment"]
        assert "CONTROLLER_EXTERNAL" in env["KAFKA_CONTROLLER_LISTENER_NAMES"].split(",")
        assert "CONTROLLER_EXTERNAL:PLAINTEXT" in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        assert listeners(env["KAFKA_LISTENERS"])["CONTROLLER_EXTERNAL"] == f"0.0.0.0:{node.controller_port}"
        advertised = listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        assert advertised["CONTROLLER_EXTERNAL"] == f"localhost:{node.controller_port}"


def test_zookeeper_mode_brokers_register_in_the_stacks_zookeeper(default_ports):
    compose = load_compose(STACKS["zookeeper"].compose_file)
    zookeeper = compose["services"]["zookeeper"]
    port = ZooKeeperCluster().zookeeper.port
    assert zookeeper["ports"] == [f"127.0.0.1:{port}:2181"]
    for name, service in brokers(compose).items():
        env = service["environment"]
        assert env["KAFKA_ZOOKEEPER_CONNECT"] == "zookeeper:2181"
        assert "KAFKA_PROCESS_ROLES" not in env and "CLUSTER_ID" not in env
        assert service["depends_on"] == {"zookeeper": {"condition": "service_healthy"}}, name


# -- the brokers' data on this computer ------------------------------------------------------------

@pytest.mark.parametrize("course_home", ["set", "unset"])
def test_each_brokers_log_dir_is_bind_mounted_from_its_nodes_data_dir(stack, compose, monkeypatch, course_home):
    """The notebooks read ``node.data_dir``; compose must mount exactly that folder, with COURSE_HOME or without."""
    if course_home == "unset":
        monkeypatch.delenv("COURSE_HOME")
    for node in DockerCluster(stack, profiles=()).nodes:
        service = compose["services"][node.service]
        env = service["environment"]
        assert bind_mounts(stack.compose_file, service) == {env["KAFKA_LOG_DIRS"]: node.data_dir.resolve()}


def test_kafka_log_dirs_is_each_brokers_mount_target(compose):
    for name, service in brokers(compose).items():
        log_dirs = service["environment"]["KAFKA_LOG_DIRS"]
        assert [volume["target"] for volume in service["volumes"]] == [log_dirs], name
        assert QUORUM_STATE_FILE.startswith(log_dirs + "/"), name  # where `status` reads the KRaft leader


def test_compose_never_creates_a_missing_data_folder(compose):
    """Docker would create it owned by root, where the brokers (uid 1000) cannot write: fail instead."""
    for name, service in brokers(compose).items():
        assert [v["bind"] for v in service["volumes"]] == [{"create_host_path": False}], name
        assert "umask 0000" in service["command"][-1], f"{name}: reset could not delete its files"
    assert not any(volume.startswith("kafka-") for volume in compose.get("volumes") or {})


# -- teaching settings and memory --------------------------------------------------------------

def test_brokers_have_the_embedded_clusters_teaching_settings(stack, compose):
    expected = TEACHING_DEFAULTS if stack.kraft else ZK_MODE_DEFAULTS
    for name, service in brokers(compose).items():
        env = service["environment"]
        settings = {key[len("KAFKA_"):].lower().replace("_", "."): value for key, value in env.items()
                    if key.startswith("KAFKA_")}
        for key, value in expected.items():
            assert settings.get(key) == str(value), f"{name}: {key}={settings.get(key)}, embedded has {value}"
        assert not stack.kraft or "share.coordinator.state.topic.min.isr" in settings


def test_memory_limits_fit_an_8_gb_laptop_and_each_heap_fits_its_limit(compose):
    total = 0
    for name, service in compose["services"].items():
        limit = to_bytes(service["mem_limit"])
        heap = heap_max(service["environment"])
        assert heap is not None, f"{name} sets no -Xmx: its JVM would size itself from the whole machine"
        assert heap <= 0.75 * limit, f"{name}: heap {heap >> 20} MiB in a {limit >> 20} MiB container"
        total += limit
    assert total < 8 * GIB


def test_the_readme_states_each_stacks_memory_total(stack, compose):
    """docker/README.md tells learners how much memory to give Docker: its figures are the files' sums."""
    readme = (REPO_ROOT / "docker" / "README.md").read_text()
    services = compose["services"].values()
    default = sum(to_bytes(s["mem_limit"]) for s in services if "profiles" not in s) >> 20
    everything = sum(to_bytes(s["mem_limit"]) for s in services) >> 20
    assert f"{default} MiB" in readme and f"{everything} MiB" in readme
