"""Lab 16's checks on the real cluster, with WordCount running: each plausible wrong answer is rejected with the
reason, and the right ones pass."""

import struct

import pytest
from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, ConfigResource

from course_lib.clients.admin import list_topics
from course_lib.labs import Lab
from course_lib.labs import lab16 as checks


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("16")
    checks.prepare(lab)
    yield lab
    if checks.wordcount(lab).alive:  # the last test finishes it; this is for a run that stopped before
        checks.finish(lab)


def reader(decode=lambda value: struct.unpack(">q", value)[0], keep="last", earliest=True):
    """A latest_counts answer: read the output to its end, decode each value, keep the last (or first, or sum)."""
    def latest_counts(config):
        settings = {**config, **({"auto.offset.reset": "earliest"} if earliest else {})}
        consumer = Consumer(settings)
        consumer.subscribe([checks.OUTPUT])
        counts, quiet = {}, 0
        while quiet < 3:
            message = consumer.poll(1.0)
            if message is None:
                quiet += 1
                continue
            quiet = 0
            word, count = message.key().decode(), decode(message.value())
            if keep == "sum":
                counts[word] = counts.get(word, 0) + count
            elif keep == "first":
                counts.setdefault(word, count)
            else:
                counts[word] = count
        consumer.close()
        return counts
    return latest_counts


def test_every_check_says_not_yet_before_the_set_up(cluster):
    fresh = Lab("16")
    for verdict in (checks.task1(fresh, reader()), checks.task2(fresh, lambda config, app_id: {})):
        assert not verdict and "not running" in verdict.message, verdict


def test_task1_accepts_the_latest_big_endian_count_of_each_word(lab):
    verdict = checks.task1(lab, reader())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (reader(earliest=False), "read nothing"),
    (reader(decode=lambda value: int.from_bytes(value, "little")), "big-endian"),
    (reader(decode=lambda value: value.decode()), "not numbers"),
    (reader(keep="sum"), "not an increment"),
    (reader(keep="first"), "an earlier update"),
    (lambda config: list(reader()(config).items()), "not a dict"),
    (lambda config: {word.encode(): n for word, n in reader()(config).items()}, "not text"),
    (lambda config: 1 / 0, "ZeroDivisionError"),
], ids=["latest offsets", "little-endian", "as text", "summed", "first update", "a list", "bytes keys", "raises"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def policies(config, names):
    admin = AdminClient(config)
    return {name: admin.describe_configs([ConfigResource("topic", name)])[ConfigResource("topic", name)].result()[
        "cleanup.policy"].value for name in names}


def own_topics(config, app_id):
    return [name for name in AdminClient(config).list_topics(timeout=10).topics if name.startswith(f"{app_id}-")]


def test_task2_accepts_each_internal_topic_with_its_policy(lab):
    verdict = checks.task2(lab, lambda config, app_id: policies(config, own_topics(config, app_id)))
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (lambda config, app_id: policies(config, own_topics(config, app_id) + [checks.OUTPUT]), "not one of"),
    (lambda config, app_id: policies(config, [n for n in own_topics(config, app_id) if n.endswith("-changelog")]),
     "is missing"),
    (lambda config, app_id: {name: "compact" for name in own_topics(config, app_id)}, "the cluster says 'delete'"),
    (lambda config, app_id: None, "not a dict"),
], ids=["the output too", "the changelog only", "all compacted", "nothing"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_finish_stops_wordcount_and_deletes_what_it_made(lab, jvms_under):
    app_dir = checks.wordcount(lab).dir
    assert jvms_under(app_dir)
    line = checks.finish(lab)
    assert jvms_under(app_dir) == [] and "deleted 2 internal topics" in line, line
    assert not [name for name in list_topics() if name.startswith(lab.group("wordcount"))]
    assert not checks.task1(lab, reader()), "a check after finish() says not yet"
