"""Lab 11's checks on the real cluster: each rejects a wrong state and accepts a right one."""

from course_lib.clients.admin import alter_topic_config, create_topic, delete_topic
from course_lib.toolchain.kafka_tools import ToolRefused, run_tool
from course_lib.labs import Lab
from course_lib.labs import lab11 as checks
from course_lib.clients.produce import produce
from course_lib.waiting import poll_until


def test_task1_wants_six_partitions_and_both_settings(cluster):
    lab = Lab("11")
    topic = lab.topic("payments")
    assert "no topic" in checks.task1(lab).message
    create_topic(topic, partitions=3, cluster=cluster)
    assert "3 partitions" in checks.task1(lab).message
    delete_topic(topic, cluster=cluster)
    create_topic(topic, partitions=6, config={"cleanup.policy": "compact"}, cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "max.message.bytes" in verdict.message, verdict
    alter_topic_config(topic, cluster=cluster, max_message_bytes=200000)
    verdict = checks.task1(lab)
    assert verdict, verdict


def test_task2_and_task3_read_the_groups_offsets(cluster):
    lab = Lab("11")
    topic, group = lab.topic("payments"), lab.group("audit")
    create_topic(topic, partitions=6, cluster=cluster)
    produce(topic, [(None, f"v{i}") for i in range(5)], cluster=cluster)
    assert "fewer than" in checks.task2(lab).message
    produce(topic, [(f"user-{i % 4}", f"v{i}") for i in range(12)], cluster=cluster)
    verdict = checks.task2(lab)
    assert not verdict and "has not committed" in verdict.message, verdict
    assert not checks.task3(lab)
    # Kafka's console consumer, as the lab's solution runs it: stopped by --timeout-ms it commits every
    # assigned partition, empty ones too (--shift-by refuses a partition without a committed offset).
    run_tool("kafka-console-consumer", "--bootstrap-server", cluster.bootstrap_servers, "--topic", topic,
             "--group", group, "--from-beginning", "--timeout-ms", 5000)
    verdict = checks.task2(lab)
    assert verdict, verdict
    message = checks.task3(lab).message
    assert "not [" in message and "member(s))" in message, message  # read to the end, not rewound
    step_back = ("--bootstrap-server", cluster.bootstrap_servers, "--group", group, "--topic", topic,
                 "--reset-offsets", "--shift-by", -1, "--execute")
    # the tool refuses a group the console consumer may not have left yet
    poll_until(lambda: run_tool("kafka-consumer-groups", *step_back), f"the tool to rewind {group}", timeout=60,
               every=1, retry_on=(ToolRefused,))
    assert not checks.task3(lab)  # one record back is not two
    run_tool("kafka-consumer-groups", *step_back)
    verdict = checks.task3(lab)
    assert verdict, verdict
