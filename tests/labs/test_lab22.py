"""Lab 22's checks on the real course cluster: the solution's functions pass; each plausible wrong answer — the
broker's total instead of the topic's line, one broker's page read for all, an error or None where a broker lists
no line, text instead of a number, bytes instead of records; the broker with under-replicated partitions, the
moment they appeared; one setting named whatever happened, or the two told apart backwards; a producer without
statistics, reports kept as text or in a list of its own, a stats_cb that raises, no producer at all, records counted
by partition or as still queued — is rejected with the reason. Tasks 2 and 3 judge the answers on one recording each
(an outage, a change of each setting), made once."""

import json

import urllib.request

import pytest
from confluent_kafka import Producer

from course_lib.clients.admin import delete_topic, list_topics
from course_lib.labs import Lab
from course_lib.labs import lab22 as checks
from course_lib.labs.checking import NotYet
from course_lib.metrics.broker import metrics_url

LINE = "kafka_server_brokertopicmetrics_{}_total{}"


@pytest.fixture(scope="module")
def lab(cluster):
    lab = Lab("22")
    checks.prepare(lab)
    return lab


# -- task 1 -----------------------------------------------------------------------------------------------------

def reader(metric="messagesin", labelled=True, url=None, absent=0.0, convert=float):
    """A ``messages_in`` like the solution's, with one of a learner's plausible slips."""
    def messages_in(metrics_url, topic):
        with urllib.request.urlopen(url or metrics_url, timeout=5) as response:
            page = response.read().decode()
        wanted = LINE.format(metric, f'{{topic="{topic}"}}' if labelled else "")
        for line in page.splitlines():
            name, _, value = line.rpartition(" ")
            if name == wanted:
                return convert(value)
        if absent is KeyError:
            raise KeyError(wanted)
        return absent
    return messages_in


def test_task1_accepts_the_solution(lab):
    verdict = checks.task1(lab, reader())
    assert verdict, verdict
    assert "700 records, once each" in verdict.message


@pytest.mark.parametrize("slip, wrong, said", [
    ("the broker's total", reader(labelled=False), "not the broker's total"),
    ("broker 1's page for all three", "broker 1", "your counts grew by"),  # 3 × its count, or 0 if it leads none
    ("bytes instead of records", reader(metric="bytesin"), "your counts grew by"),
    ("an error where no line is listed", reader(absent=KeyError), "KeyError"),
    ("None where no line is listed", reader(absent=None), "not a number"),
    ("the value as text", reader(convert=str), "not a number"),
])
def test_task1_rejects(lab, cluster, slip, wrong, said):
    if wrong == "broker 1":
        wrong = reader(url=metrics_url(cluster.node(1)))
    verdict = checks.task1(lab, wrong)
    assert not verdict, slip
    assert said in verdict.message + (verdict.hint or ""), verdict


# -- task 2 -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def outage(lab):
    return checks.record_outage(lab)


def silent_first(recorder):
    """The solution's: the first broker silent three rounds in a row, and when."""
    silent = recorder.frame("kafka_server_replicamanager_partitioncount").isna()
    lasting = silent & silent.shift(-1, fill_value=True) & silent.shift(-2, fill_value=True)
    seconds = lasting.any(axis=1).idxmax()
    return int(lasting.loc[seconds].idxmax().removeprefix("broker ")), float(seconds)


def most_under_replicated(recorder):
    under = recorder.frame("kafka_server_replicamanager_underreplicatedpartitions")
    return int(under.max().idxmax().removeprefix("broker ")), float(under.max(axis=1).gt(0).idxmax())


def noticed_when(recorder):
    broker, _ = silent_first(recorder)
    under = recorder.frame("kafka_server_replicamanager_underreplicatedpartitions")
    return broker, float(under.max(axis=1).gt(0).idxmax())


def test_task2_accepts_the_solution(outage):
    assert "killed at" in checks.judge_outage(silent_first, *outage)


@pytest.mark.parametrize("wrong, said", [(most_under_replicated, "the check killed broker"),
                                         (noticed_when, "died at")])
def test_task2_rejects(outage, wrong, said):
    with pytest.raises(NotYet, match=said):
        checks.judge_outage(wrong, *outage)


def test_task2_says_when_the_function_is_not_written(lab):
    def diagnose_outage(recorder):
        raise NotImplementedError
    verdict = checks.task2(lab, diagnose_outage)
    assert not verdict and "not written yet" in verdict.message


# -- task 3 -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def changes(lab, cluster):
    recordings = {setting: checks.record_change(lab, setting) for setting in checks.SETTINGS}
    yield recordings
    for _, topic in recordings.values():
        delete_topic(topic)


def per_record(recorder, topic, metric):
    """``metric`` per record appended, before and after the change (a second's margin each side)."""
    def per_second(name):
        return recorder.frame(LINE.format(name, f'{{topic="{topic}"}}'), rate=True).sum(axis=1)
    records, counted = per_second("messagesin"), per_second(metric)
    change = recorder.marks["change"]
    halves = (records.index < change - 1, records.index > change + 1)
    return [counted[half].sum() / records[half].sum() for half in halves]


def by_requests(recorder, topic):
    before, after = per_record(recorder, topic, "totalproducerequests")
    return "batch.size" if after > 2 * before else "compression.type"


def backwards(recorder, topic):
    return {"batch.size": "compression.type", "compression.type": "batch.size"}[by_requests(recorder, topic)]


def test_task3_accepts_the_solution(changes):
    assert "told a batch per record" in checks.judge_change(by_requests, changes)


@pytest.mark.parametrize("wrong", [lambda recorder, topic: "batch.size", lambda recorder, topic: "compression.type",
                                   backwards], ids=["always batch.size", "always compression.type", "backwards"])
def test_task3_rejects(changes, wrong):
    with pytest.raises(NotYet, match="changed .* half-way"):
        checks.judge_change(wrong, changes)


# -- task 4 -----------------------------------------------------------------------------------------------------

def stats_producer(bootstrap_servers, reports, interval_ms=200, keep=json.loads, into=None):
    """The solution's producer, or one with a learner's slip: no statistics (``interval_ms=None``), the reports kept
    as text, or into a list of its own."""
    statistics = {} if interval_ms is None else {
        "statistics.interval.ms": interval_ms,
        "stats_cb": lambda text: (reports if into is None else into).append(keep(text))}
    return Producer({"bootstrap.servers": bootstrap_servers, **statistics})


def sum_by(report, topic, key="leader", count="txmsgs"):
    """The solution's reading (records sent, by leader), or one adding up another field or by another key."""
    sent = {}
    for partition, stats in report["topics"][topic]["partitions"].items():
        if partition != "-1":
            group = partition if key == "partition" else stats[key]
            sent[group] = sent.get(group, 0) + stats[count]
    return sent


def failing(text):
    raise ValueError("not today")


def test_task4_accepts_the_solution(lab):
    verdict = checks.task4(lab, stats_producer, sum_by)
    assert verdict, verdict
    assert "your producer's own account" in verdict.message


TASK4_SLIPS = {  # a learner's slip: (stats_producer, records_by_leader, what the verdict says)
    "no statistics": (lambda b, r: stats_producer(b, r, interval_ms=None), sum_by, "0 statistics report"),
    "reports kept as text": (lambda b, r: stats_producer(b, r, keep=str), sum_by, "reports holds a str"),
    "reports in a list of its own": (lambda b, r: stats_producer(b, r, into=[]), sum_by, "0 statistics report"),
    "a stats_cb that raises": (lambda b, r: stats_producer(b, r, keep=failing), sum_by, "callbacks raised ValueError"),
    "the configuration, not a producer": (lambda b, r: {"bootstrap.servers": b}, sum_by, "not a confluent_kafka"),
    "counted by partition": (stats_producer, lambda rep, t: sum_by(rep, t, key="partition"), "you read"),
    "records still queued": (stats_producer, lambda rep, t: sum_by(rep, t, count="msgq_cnt"), "you read"),
}


@pytest.mark.parametrize("slip", TASK4_SLIPS)
def test_task4_rejects(lab, slip):
    producer, reading, said = TASK4_SLIPS[slip]
    verdict = checks.task4(lab, producer, reading)
    assert not verdict, slip
    assert said in verdict.message, verdict


def test_the_checks_leave_no_topic_behind(lab, changes):
    assert not [topic for topic in list_topics() if topic.startswith("lab22-") and lab.run_id in topic
                and not any(topic == t for _, t in changes.values())]
