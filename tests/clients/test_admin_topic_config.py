"""topic_config shows what a learner set on the topic; inherited broker settings only when asked."""

from course_lib.clients.admin import alter_topic_config, create_topic, topic_config


def test_only_what_is_set_on_the_topic_and_the_inherited_rest_on_request(cluster, unique):
    topic = unique("config")
    create_topic(topic, partitions=1, config={"retention.ms": 86_400_000})
    assert topic_config(topic) == {"retention.ms": "86400000"}  # not server.properties' min.insync.replicas=2
    inherited = topic_config(topic, only_changed=False)
    assert inherited["min.insync.replicas"] == "2" and inherited["cleanup.policy"] == "delete"
    assert alter_topic_config(topic, retention_ms=3_600_000, segment_ms=60_000) == \
        {"retention.ms": "3600000", "segment.ms": "60000"}
    assert alter_topic_config(topic, unclean_leader_election_enable=True)["unclean.leader.election.enable"] == "true"
