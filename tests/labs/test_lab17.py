"""Lab 17's checks on the real cluster and Connect worker: each plausible wrong connector configuration is rejected
with the reason, and the right ones pass."""

import pytest

from course_lib.cluster.connect_worker import stop_connect_worker
from course_lib.labs import Lab
from course_lib.labs import lab17 as checks

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
JSON = {"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}
HOIST = {"transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
         "transforms.hoist.field": "order"}
SHOP = {"transforms.shop.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.shop.static.field": "shop", "transforms.shop.static.value": "north"}


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("17")
    checks.prepare(lab)
    yield lab
    checks.finish(lab)


def source(**changes):
    def source_config(file, topic):
        config = {"connector.class": FILE_SOURCE, "file": file, "topic": topic, **JSON, "transforms": "hoist,shop",
                  **HOIST, **SHOP, **changes}
        return {key: value for key, value in config.items() if value is not None}
    return source_config


def sink(**changes):
    def sink_config(topic, file, dead_letters):
        config = {"connector.class": FILE_SINK, "topics": topic, "file": file, **JSON, "errors.tolerance": "all",
                  "errors.deadletterqueue.topic.name": dead_letters, **changes}
        return {key: value for key, value in config.items() if value is not None}
    return sink_config


def test_every_check_says_not_yet_without_the_worker(cluster):
    stop_connect_worker(cluster.home)  # as before the set-up cell (this test runs before the module's fixture)
    fresh = Lab("17")
    for verdict in (checks.task1(fresh, source()), checks.task2(fresh, sink())):
        assert not verdict and "worker is not running" in verdict.message, verdict


def test_task1_accepts_hoisted_lines_with_the_shop_in_plain_json(lab):
    verdict = checks.task1(lab, source())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (source(transforms=None), "no transform"),
    (source(transforms="hoist"), "the task wants"),
    (source(**{"value.converter.schemas.enable": "true"}), "carries its schema"),
    (source(**{"value.converter": "org.apache.kafka.connect.storage.StringConverter"}), "not JSON"),
    (source(**{"transforms.hoist.field": "line"}), "the task wants"),
    (source(**{"connector.class": "FileStreamSourceConnectr"}), "refused"),
    (lambda file, topic: None, "not a dict"),
], ids=["no SMT", "no shop", "schema envelope", "string converter", "field name", "typo in the class", "None"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_task2_accepts_a_tolerant_sink_with_a_dead_letter_topic(lab):
    verdict = checks.task2(lab, sink())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (sink(**{"errors.tolerance": None, "errors.deadletterqueue.topic.name": None}), "task failed"),
    (sink(**{"errors.deadletterqueue.topic.name": None}), "lost"),
    (sink(**{"value.converter": "org.apache.kafka.connect.storage.StringConverter"}), "went into the file"),
], ids=["fails on a bad record", "drops bad records", "no JSON check"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and why in verdict.message, verdict
