"""Connection profiles (course_lib.profile) read from the files and variables Kafka users already have, and refuse a
bad one in one sentence (no cluster)."""

import pytest

from course_lib.errors import CourseError
from course_lib.profile import Profile, active_profile, namespaced, read_profile, write_properties

CONFLUENT_CLOUD = """# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=pkc-abc12.europe-west1.gcp.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY123' password='se=cret';
# Required for correctness in Apache Kafka clients prior to 2.6
client.dns.lookup=use_all_dns_ips
# Best practice for higher availability in Apache Kafka clients prior to 3.0
session.timeout.ms=45000
acks=all
schema.registry.url=https://psrc-xyz.europe-west3.gcp.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=SRKEY:srsecret
course.namespace=alice.
"""


@pytest.fixture
def clean_environment(monkeypatch):
    """No profile from the machine running the tests."""
    import os
    for name in list(os.environ):
        if name.startswith(("COURSE_KAFKA_", "COURSE_PROFILE", "COURSE_NAMESPACE", "COURSE_REGISTRY")):
            monkeypatch.delenv(name)
    return monkeypatch


def refusal(call) -> str:
    with pytest.raises(CourseError) as error:
        call()
    assert "\n" not in str(error.value), "one sentence"
    return str(error.value)


def test_a_java_client_file_from_a_kafka_service_becomes_librdkafka_settings(tmp_path):
    path = tmp_path / "client.properties"
    path.write_text(CONFLUENT_CLOUD)
    profile = read_profile(path)
    assert profile.bootstrap_servers == "pkc-abc12.europe-west1.gcp.confluent.cloud:9092"
    assert profile.security == {"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN",
                                "sasl.username": "KEY123", "sasl.password": "se=cret"}
    assert profile.namespace == "alice." and profile.source == str(path)
    assert profile.registry_url == "https://psrc-xyz.europe-west3.gcp.confluent.cloud"
    assert profile.registry_user_info == "SRKEY:srsecret"


def test_a_scram_jaas_line_and_a_pem_truststore(tmp_path):
    path = tmp_path / "admin.properties"
    path.write_text('bootstrap.servers=localhost:9492\nsecurity.protocol=SASL_SSL\n'
                    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required '
                    'username="admin" password="pw";\nssl.truststore.type=PEM\nssl.truststore.location=/x/ca.pem\n')
    assert read_profile(path).security == {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
                                           "sasl.username": "admin", "sasl.password": "pw", "ssl.ca.location": "/x/ca.pem"}


def test_the_mechanism_a_file_names_wins_over_the_jaas_lines_guess(tmp_path):
    path = tmp_path / "scram256.properties"
    path.write_text("bootstrap.servers=b:9092\nsasl.mechanisms=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka."
                    "common.security.scram.ScramLoginModule required username='u' password='p';\n")
    assert read_profile(path).security == {"sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "u", "sasl.password": "p"}


def test_a_toml_file_with_kafka_registry_and_course_tables(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[kafka]\n"bootstrap.servers" = "b1:9092,b2:9092"\nsecurity.protocol = "SASL_SSL"\n'
                    'sasl = { mechanism = "SCRAM-SHA-256", username = "bob", password = "pw" }\n'
                    '[registry]\nurl = "https://registry:8081"\n"basic.auth.user.info" = "u:p"\n'
                    '[course]\nnamespace = "bob."\n')
    profile = read_profile(path)
    assert profile == Profile("b1:9092,b2:9092", {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-256",
                                                  "sasl.username": "bob", "sasl.password": "pw"},
                              "bob.", "https://registry:8081", "u:p", str(path))


def test_the_environment_alone(clean_environment):
    clean_environment.setenv("COURSE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    clean_environment.setenv("COURSE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    clean_environment.setenv("COURSE_KAFKA_SASL_PASSWORD", "pw")
    clean_environment.setenv("COURSE_NAMESPACE", "carol.")
    clean_environment.setenv("COURSE_REGISTRY_URL", "http://registry:8081")
    profile = active_profile()
    assert profile.bootstrap_servers == "kafka:9092" and profile.namespace == "carol."
    assert profile.security == {"security.protocol": "SASL_SSL", "sasl.password": "pw"}
    assert profile.registry_url == "http://registry:8081"
    assert namespaced("orders") == "carol.orders" and namespaced("carol.orders") == "carol.orders"


def test_no_profile_means_the_course_cluster(clean_environment):
    assert active_profile() is None and namespaced("orders") == "orders"


def test_written_properties_read_back_and_only_the_owner_may_read_them(tmp_path):
    profile = Profile("localhost:9492", {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
                                         "sasl.username": "dan", "sasl.password": "a=b"}, "dan.", "http://r:8081")
    (tmp_path / "dan.properties").write_text("old")
    (tmp_path / "dan.properties").chmod(0o644)
    path = write_properties(profile, tmp_path / "dan.properties")
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_profile(path).properties() == profile.properties()


@pytest.mark.parametrize("text, said", [
    ("bootstrap.servers=b:9092\ncourse.namespace=al ice.\n", "The namespace 'al ice.' in"),
    ("security.protocol=SASL_SSL\n", "has no bootstrap.servers"),
    ("bootstrap.servers\n", "has a line without '='"),
])
def test_a_bad_properties_file_is_one_sentence(tmp_path, text, said):
    path = tmp_path / "bad.properties"
    path.write_text(text)
    assert said in refusal(lambda: read_profile(path))


def test_bad_toml_and_a_missing_file_are_one_sentence(tmp_path, clean_environment):
    path = tmp_path / "bad.toml"
    path.write_text("[kafka\n")
    assert "is not valid TOML" in refusal(lambda: read_profile(path))
    clean_environment.setenv("COURSE_PROFILE", str(tmp_path / "missing.properties"))
    assert "COURSE_PROFILE names" in refusal(active_profile) and "not a file" in refusal(active_profile)


def test_an_environment_without_bootstrap_servers_is_one_sentence(clean_environment):
    clean_environment.setenv("COURSE_KAFKA_SASL_USERNAME", "erin")
    assert "the COURSE_KAFKA_* environment variables has no bootstrap.servers" in refusal(active_profile)


def test_a_students_clients_carry_the_namespace_in_their_client_id():
    student = Profile("kafka.example.org:9092", {"security.protocol": "SASL_SSL"}, "ana.")
    assert student.client_config() == {"bootstrap.servers": "kafka.example.org:9092", "security.protocol": "SASL_SSL",
                                       "client.id": "ana.course"}
    assert "client.id" not in Profile("kafka.example.org:9092").client_config()
    assert "client.id" not in student.properties(), "a profile file says who the student is, not a client's id"
