"""``class provision``, ``revoke`` and ``cleanup`` on the secured cluster, standing in for a class's shared one: two
students, each working in their own namespace through ``course_lib.connect()`` and refused everywhere else."""

import uuid

import pytest
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclBindingFilter, AclOperation, AclPermissionType, AdminClient, NewTopic,
                                   ResourcePatternType, ResourceType)

import course_lib
from course_lib.__main__ import main
from course_lib.classroom.admin import admin_side
from course_lib.classroom.cleanup import cleanup
from course_lib.classroom.grants import granted, grants
from course_lib.classroom.passwords import existing_users
from course_lib.classroom.provision import provision
from course_lib.classroom.revoke import revoke
from course_lib.classroom.roster import read_roster
from course_lib.errors import CourseError
from course_lib.profile import read_profile
from course_lib.tidy import listed_groups
from course_lib.toolchain.kafka_tools import run_tool
from course_lib.waiting import poll_until

PRODUCE_QUOTA, CONSUME_QUOTA = 4_000_000, 5_000_000


@pytest.fixture(scope="module")
def klass(secure, tmp_path_factory):
    """Two students of a fresh roster, provisioned once (new names each run: users are never deleted); their ACLs,
    quotas and topics deleted after (their passwords changed: ``revoke``)."""
    folder = tmp_path_factory.mktemp("class")
    first, second = (f"hc{uuid.uuid4().hex[:6]}" for _ in range(2))
    roster = folder / "roster.csv"
    roster.write_text(f"student,password\n{first},\n{second},given-{uuid.uuid4().hex}\n")
    admin = admin_side(secure=True)
    report = provision(admin, read_roster(roster), folder / "out",
                       {"producer_byte_rate": PRODUCE_QUOTA, "consumer_byte_rate": CONSUME_QUOTA})
    yield {"admin": admin, "roster": roster, "out": folder / "out", "names": (first, second), "report": report}
    cleanup(admin, (f"{first}.", f"{second}."))
    revoke(admin, [first, second])


def as_student(monkeypatch, klass, which: int):
    """``course_lib.connect()`` under that student's profile file: a SharedCluster."""
    monkeypatch.setenv("COURSE_PROFILE", str(klass["out"] / f"{klass['names'][which]}.properties"))
    return course_lib.connect(quiet=True)


def produce(config: dict, topic: str, values: list[bytes], **settings):
    """Write ``values``; the first delivery error, or None."""
    outcome = []
    producer = Producer({**config, "message.timeout.ms": 10000, **settings})
    for value in values:
        producer.produce(topic, value, on_delivery=lambda error, message: outcome.append(error))
    producer.flush(20)
    assert len(outcome) == len(values), "no delivery report"
    return next((error for error in outcome if error), None)


def consume(config: dict, topic: str, group: str, count: int, **settings):
    """Read up to ``count`` values with ``group``: (values, the first error or None)."""
    consumer = Consumer({**config, "group.id": group, "auto.offset.reset": "earliest", **settings})
    consumer.subscribe([topic])
    values = []
    try:
        error = poll_until(lambda: _read(consumer, values), f"{count} records of {topic}", 30,
                           done=lambda seen: seen is not None or len(values) >= count)
    finally:
        consumer.close()
    return values, error


def _read(consumer, values):
    message = consumer.poll(0.5)
    if message is None:
        return None
    if message.error():
        return message.error()
    values.append(message.value())
    return None


def create(config: dict, topic: str):
    """Create ``topic`` (1 partition); the KafkaError Kafka answered, or None."""
    with AdminClient(config) as client:  # destroyed here, not by the garbage collector on librdkafka's thread
        error = client.create_topics([NewTopic(topic, 1)], operation_timeout=20)[topic].exception(30)
    return error.args[0] if error else None


def test_provisioning_made_each_students_user_acls_quota_and_profile(klass):
    first, second = klass["names"]
    assert klass["report"].splitlines() == [
        f"{name}: created user, 13 ACLs, quota, {klass['out'] / name}.properties" for name in (first, second)]
    for name in (first, second):
        file = klass["out"] / f"{name}.properties"
        assert file.stat().st_mode & 0o777 == 0o600
        profile = read_profile(file)
        assert profile.namespace == f"{name}." and profile.security["sasl.username"] == name
        assert profile.security["security.protocol"] == "SASL_SSL" and profile.security["sasl.mechanism"] == "SCRAM-SHA-512"
        assert "ssl.ca.location" in profile.security
    assert read_profile(klass["out"] / f"{second}.properties").security["sasl.password"].startswith("given-")
    assert len(read_profile(klass["out"] / f"{first}.properties").security["sasl.password"]) >= 20


def test_quotas_are_set_on_each_students_user(klass, secure):
    for name in klass["names"]:
        run = run_tool("kafka-configs", "--bootstrap-server", secure.bootstrap_servers, "--command-config",
                       str(secure.client_properties("admin")), "--describe", "--entity-type", "users",
                       "--entity-name", name, timeout=60)
        assert f"consumer_byte_rate={CONSUME_QUOTA}.0" in run.stdout and f"producer_byte_rate={PRODUCE_QUOTA}.0" in run.stdout, run.stdout


@pytest.mark.parametrize("which", [0, 1])
def test_a_student_works_in_their_namespace(klass, monkeypatch, which):
    cluster = as_student(monkeypatch, klass, which)
    assert not cluster.local and cluster.namespace == f"{klass['names'][which]}."
    config, topic = cluster.client_config(), cluster.namespaced("orders")
    poll_until(lambda: create(config, topic), f"the student's grant to create {topic}", 30, done=lambda e: e is None)
    assert produce(config, topic, [b"one", b"two"], **{"enable.idempotence": True}) is None
    assert consume(config, topic, cluster.namespaced("readers"), 2) == ([b"one", b"two"], None)
    producer = Producer({**config, "transactional.id": cluster.namespaced("invoicer")})
    producer.init_transactions(30)
    producer.begin_transaction()
    producer.produce(topic, b"three")
    producer.commit_transaction(30)
    values, error = consume(config, topic, cluster.namespaced("committed"), 3, **{"isolation.level": "read_committed"})
    assert (values, error) == ([b"one", b"two", b"three"], None)


def test_a_student_cannot_touch_another_students_topics_nor_names_outside_a_namespace(klass, monkeypatch, secure):
    first, second = klass["names"]
    theirs = f"{first}.private"
    assert create(secure.client_config("admin"), theirs) is None
    cluster = as_student(monkeypatch, klass, 1)
    config = cluster.client_config()
    poll_until(lambda: create(config, cluster.namespaced("mine")), "the second student's grants", 30,
               done=lambda e: e is None)
    outcomes = {"create theirs": create(config, f"{first}.grab"),
                "create outside": create(config, f"outside{uuid.uuid4().hex[:6]}"),
                "write theirs": produce(config, theirs, [b"x"]),
                "read theirs": consume(config, theirs, cluster.namespaced("peek"), 1)[1]}
    assert {what: error and error.name() for what, error in outcomes.items()} == dict.fromkeys(
        outcomes, "TOPIC_AUTHORIZATION_FAILED"), outcomes


def test_provisioning_again_changes_nothing(klass, capsys, monkeypatch):
    first, second = klass["names"]
    passwords = {name: read_profile(klass["out"] / f"{name}.properties").security["sasl.password"]
                 for name in (first, second)}
    monkeypatch.setattr("sys.argv", ["course_lib", "class", "provision", str(klass["roster"]), "--out",
                                     str(klass["out"]), "--produce-quota", str(PRODUCE_QUOTA), "--consume-quota",
                                     str(CONSUME_QUOTA), "--secure"])
    assert main() == 0
    assert capsys.readouterr().out.splitlines() == [f"{first}: already there", f"{second}: already there"]
    for name in (first, second):
        assert read_profile(klass["out"] / f"{name}.properties").security["sasl.password"] == passwords[name]
        every = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, f"User:{name}", None,
                                 AclOperation.ANY, AclPermissionType.ANY)
        with klass["admin"].client() as client:
            acls = sorted(map(str, client.describe_acls(every).result()))
        assert acls == sorted(map(str, grants(name))), "missing, extra or repeated ACLs"


def test_a_dry_run_changes_nothing(klass, tmp_path):
    newcomer = f"hc{uuid.uuid4().hex[:6]}"
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student\n{newcomer}\n")
    out = tmp_path / "out"
    report = provision(klass["admin"], read_roster(roster), out, {"producer_byte_rate": 1000}, dry_run=True)
    assert report == f"{newcomer}: would create user, 13 ACLs, quota, {out}/{newcomer}.properties"
    with klass["admin"].client() as client:
        assert existing_users(client, [newcomer]) == set() and granted(client, newcomer) == set()
    assert not out.exists()


def test_a_student_is_not_an_admin_and_is_told_so_in_one_sentence(klass, monkeypatch, tmp_path):
    file = klass["out"] / f"{klass['names'][0]}.properties"
    monkeypatch.setenv("COURSE_PROFILE", str(file))
    with pytest.raises(CourseError) as error:
        provision(admin_side(secure=False), read_roster(klass["roster"]), tmp_path)
    said = str(error.value)
    assert said.startswith(f"the profile of {file} is not an admin of the cluster") and "\n" not in said, said
    assert "CLUSTER_AUTHORIZATION_FAILED" in said and not list(tmp_path.iterdir()), said


def test_cleanup_deletes_only_that_students_topics_and_groups(klass, secure):
    first, second = klass["names"]
    admin = secure.client_config("admin")
    topics = [f"{first}.old", f"{second}.old"]
    for topic in topics:
        assert create(admin, topic) is None
        consumer = Consumer({**admin, "group.id": topic.replace(".old", ".oldgroup")})
        poll_until(lambda: consumer.commit(offsets=[TopicPartition(topic, 0, 0)], asynchronous=False),
                   f"a commit on {topic} (new: its coordinator may not know it yet)", 30, retry_on=(KafkaException,))
        consumer.close()
    dry = cleanup(klass["admin"], (f"{first}.",), dry_run=True)
    assert f"{first}.old " in dry and f"{first}.oldgroup " in dry and "would delete" in dry and second not in dry, dry
    with klass["admin"].client() as client:
        assert f"{first}.old" in client.list_topics(timeout=10).topics
    done = cleanup(klass["admin"], (f"{first}.",))
    assert f"{first}.old " in done and "deleted" in done, done
    with klass["admin"].client() as client:
        left = poll_until(lambda: set(client.list_topics(timeout=10).topics), f"{first}.old to go", 30,
                          done=lambda names: f"{first}.old" not in names)
        groups = {g.group_id for g in listed_groups(client)}
    assert f"{second}.old" in left and not any(name.startswith(f"{first}.") for name in left), left
    assert f"{second}.oldgroup" in groups and f"{first}.oldgroup" not in groups, groups


def test_a_revoked_student_is_refused(klass, monkeypatch, capsys):
    first, second = klass["names"]
    file = klass["out"] / f"{second}.properties"
    config = {"bootstrap.servers": read_profile(file).bootstrap_servers, **read_profile(file).security}
    monkeypatch.setattr("sys.argv", ["course_lib", "class", "revoke", second, "--out", str(klass["out"]), "--secure"])
    assert main() == 0
    said = capsys.readouterr().out
    assert said == (f"{second}: done: delete 13 ACLs, delete the quota, change the password to one written nowhere, "
                    f"delete {file}\n"), said
    assert not file.exists()
    with klass["admin"].client() as client:
        assert granted(client, second) == set() and granted(client, first) == grants(first)

    def attempt():
        seen = []
        error = produce({**config, "error_cb": seen.append}, f"{second}.orders", [b"x"], **{"message.timeout.ms": 6000})
        return error, [e.name() for e in seen]

    # Every broker learns the new password from the metadata log a moment after the controller wrote it.
    error, seen = poll_until(attempt, "the old password to be refused", 40, done=lambda outcome: "_AUTHENTICATION" in outcome[1])
    assert error is not None, "the revoked student still wrote"
