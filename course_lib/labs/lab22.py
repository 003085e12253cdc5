"""Checks for lab 22 (the brokers' own metrics). Each check makes topics of its own and deletes them afterwards:

- task 1: the learner's ``messages_in(metrics_url, topic)`` reads one broker's count of records appended to
  ``topic``. The check writes ``RECORDS`` records to a fresh topic of 2 partitions (so one broker leads none of
  them and does not list the topic's counter: that must read as 0) and a few to a decoy topic, and asks the
  function before and after on every broker: the growths must add up to exactly what was written, and each must
  match what the check read itself;
- task 2: the learner's ``diagnose_outage(recorder)`` names the broker that was killed and when. The check
  records every broker's metrics (a ``MetricsRecorder``) while a producer writes, SIGKILLs a broker chosen at
  random (never the active controller) at a random moment, waits until the survivors report under-replicated
  partitions, then restarts it. The answer must name the victim and the kill within ``KILL_TOLERANCE`` s — the
  under-replicated partitions appear only when the controller fences the broker, about 9 s later;
- task 3: the learner's ``diagnose_producer(recorder, topic)`` says which setting a producer changed half-way
  through a recording (at ``recorder.marks["change"]``): ``batch.size`` (to 1 byte: a batch per record) or
  ``compression.type`` (to gzip). The check records both, in random order, with the same steady load of
  compressible records before and after the change;
- task 4: the learner's ``stats_producer(bootstrap_servers, reports)`` builds a ``Producer`` whose statistics
  reports (``statistics.interval.ms``, ``stats_cb``) land in ``reports`` as parsed JSON, and
  ``records_by_leader(report, topic)`` reads from one report how many records it sent to each broker. The check
  writes ``STATS_RECORDS`` records to a fresh topic of 2 partitions with that producer, flushes, waits for two reports
  made after the flush, and compares the learner's reading of the last one with its own reading of it; the verdict
  then says whether each broker counted as many (``txmsgs`` counts a retried batch twice, a broker only once).

What Kafka 4.4 and librdkafka 2.16 do, measured while the lab was written: a broker counts ``MessagesInPerSec``
for a partition it leads when it appends (followers' copies are not counted); a per-topic counter appears with the
first record a broker appends to the topic; a killed broker's exporter stops answering at once, and the survivors
report under-replicated partitions 9-11 s later, when the controller fences it.
"""

import random
import threading
import time
from collections.abc import Callable

from confluent_kafka import KafkaException, Producer

from ..clients.admin import create_topic, delete_topic
from ..clients.produce import produce
from ..connection import client_config
from ..errors import CourseError
from ..metrics.broker import MESSAGES_IN, UNDER_REPLICATED, metrics_url, of_topic, scrape_broker
from ..metrics.recorder import MetricsRecorder
from ..session import cluster_or_course
from ..waiting import poll_until
from .checking import NotYet, answer_of, error_said, task_check

__all__ = ["RECORDS", "KILL_TOLERANCE", "SETTINGS", "STATS_RECORDS", "prepare", "task1", "task2", "task3", "task4"]

RECORDS = 700            # task 1: records written to the check's topic
KILL_TOLERANCE = 3.0     # task 2: s between the kill and the learner's answer
SETTINGS = {"batch.size": 1, "compression.type": "gzip"}  # task 3: the changes, one per recording
PHASE_SECONDS = 6.0      # task 3: s of steady load before the change, and after it
PER_SECOND = 600         # task 3: records a second
STATS_RECORDS = 900      # task 4: records the learner's producer writes
STATS_WAIT = 10.0        # task 4: s to wait for the reports made after the flush


def prepare(lab) -> str:
    """Check that the course cluster is up and serves its metrics (lab 22)."""
    cluster = cluster_or_course()
    urls = [metrics_url(node) for node in cluster.nodes]
    silent = [url for url, node in zip(urls, cluster.nodes) if scrape_broker(cluster, node.node_id).values is None]
    if silent:
        raise CourseError(f"{', '.join(silent)} did not answer: start every broker with `python -m course_lib up`.")
    return (f"The course cluster is up; its brokers serve their metrics at {', '.join(urls)}. Each check makes topics "
            f"of its own ({lab.topic('readings')}-…) and deletes them afterwards.")


def _require_written(function: Callable, *args) -> None:
    """Fail fast on a function that still raises NotImplementedError — before a check spends half a minute on a
    recording; anything else it does with ``args`` (a recording of a second) is for the real recording to judge."""
    try:
        function(*args)
    except NotImplementedError:
        raise NotYet("your function is not written yet.",
                     "replace `raise NotImplementedError` with your code.") from None
    except Exception:  # noqa: BLE001 — judged on the real recording, with its error shown then
        pass


def _second_of_recording(cluster) -> MetricsRecorder:
    """A recording of three rounds, nothing happening: enough to call a learner's function once."""
    recorder = MetricsRecorder(cluster, interval=0.5).start()
    recorder.stop()
    return recorder


# -- task 1 ------------------------------------------------------------------------------------------------------

def _learners_counts(messages_in: Callable, urls: dict[int, str], topic: str) -> dict[int, float]:
    """What the learner's function says for each broker; anything but a number is a not-yet verdict."""
    counts = {}
    for broker, url in urls.items():
        value = answer_of(messages_in, url, topic)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise NotYet(f"messages_in({url!r}, {topic!r}) returned {value!r}, not a number.",
                         "the value on a metric's line is text: float() it.")
        counts[broker] = value
    return counts


@task_check("Task 1 · Read a broker's count")
def task1(lab, messages_in: Callable) -> str:
    """Ask ``messages_in`` on every broker before and after writing ``RECORDS`` records (and a decoy's)."""
    cluster = cluster_or_course()
    topic = f"{lab.topic('readings')}-{random.randrange(10**6)}"
    decoy = f"{lab.topic('decoy')}-{random.randrange(10**6)}"
    urls = {node.node_id: metrics_url(node) for node in cluster.nodes}
    create_topic(topic, partitions=2, replication_factor=3, cluster=cluster)
    create_topic(decoy, partitions=3, replication_factor=3, cluster=cluster)
    try:
        before = _learners_counts(messages_in, urls, topic)
        appended_before = _appended(cluster, topic)
        for name, count in ((topic, RECORDS), (decoy, 50)):  # every ack awaited: the counts compared are final
            produce(name, [(f"sensor-{n}", f"reading {n}") for n in range(count)], cluster=cluster, timeout=60,
                    acks="all")
        after = _learners_counts(messages_in, urls, topic)
        appended_after = _appended(cluster, topic)
    finally:
        delete_topic(topic, cluster=cluster)
        delete_topic(decoy, cluster=cluster)
    grown = {b: after[b] - before[b] for b in urls}
    if sum(grown.values()) != RECORDS:
        raise NotYet(f"the check wrote {RECORDS} records to {topic}; your counts grew by {_listed(grown)}, "
                     f"{sum(grown.values()):g} in all.", _COUNT_HINT)
    if appended_before is None or appended_after is None:
        raise CourseError("A broker's metrics page did not answer, so the check cannot tell what the brokers counted: "
                          "check the cluster with `python -m course_lib status` and run the check again.")
    truth = {b: appended_after[b] - appended_before[b] for b in urls}
    if grown != truth:
        raise NotYet(f"your counts grew by {_listed(grown)}, but the brokers counted {_listed(truth)}: is each count "
                     "read from the URL it was given?", _COUNT_HINT)
    return (f"the leaders counted {RECORDS} records, once each: {_listed(truth)} (a broker that leads no partition "
            "of the topic lists no counter for it).")


def _listed(counts: dict[int, float]) -> str:
    return ", ".join(f"broker {b}: {v:+g}" for b, v in counts.items())


_COUNT_HINT = ('read the line kafka_server_brokertopicmetrics_messagesin_total{topic="<topic>"} of the page at '
               "metrics_url — that topic's line, not the broker's total (other topics are written too) — and "
               "return 0 when the broker does not list it.")


# -- task 2 ------------------------------------------------------------------------------------------------------

class _Load:
    """A steady producer in a thread, as long as a recording lasts."""

    def __init__(self, cluster, topic: str, per_second: int, **settings):
        self.producer = Producer(client_config(cluster.bootstrap_servers, **settings))
        self.topic, self.per_second, self.sent = topic, per_second, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "_Load":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        if self.producer.flush(60):
            raise CourseError(f"the check's producer could not write to {self.topic} within 60 s; check the cluster "
                              "with `python -m course_lib status`.")

    def _run(self) -> None:
        began = time.monotonic()
        while not self.stop.is_set():
            for _ in range(self.per_second // 20):
                self.producer.produce(self.topic, key=f"sensor-{self.sent % 50}",
                                      value=f'{{"sensor": "sensor-{self.sent % 50}", "reading": "ok", '
                                            f'"note": "{"steady " * 40}"}}')
                self.sent += 1
            self.producer.poll(0)
            time.sleep(max(0.0, self.sent / self.per_second - (time.monotonic() - began)))


def record_outage(lab) -> tuple[MetricsRecorder, int, float]:
    """A recording of a broker killed under load: (the recorder, the victim, seconds from the recorder's start to
    the kill). The victim is started again before this returns (lab 22, task 2; the tests judge answers on it)."""
    cluster = cluster_or_course()
    topic = f"{lab.topic('outage')}-{random.randrange(10**6)}"
    create_topic(topic, partitions=6, replication_factor=3, cluster=cluster)
    controller = cluster.controller_id()
    victim = random.choice([node.node_id for node in cluster.nodes if node.node_id != controller])
    try:
        with MetricsRecorder(cluster, interval=1.0) as recorder, _Load(cluster, topic, 300, acks="all"):
            time.sleep(random.uniform(4, 8))
            killed_at = time.time() - recorder.started_at  # not a mark: the learner's function is not told
            cluster.kill_broker(victim)
            poll_until(lambda: [scrape_broker(cluster, n.node_id).get(UNDER_REPLICATED) for n in cluster.nodes
                                if n.node_id != victim], "the survivors to report under-replicated partitions",
                       timeout=60, every=1, done=lambda counts: any(counts))
            time.sleep(2)
    finally:
        cluster.start_broker(victim)
        delete_topic(topic, cluster=cluster)
    return recorder, victim, killed_at


def judge_outage(diagnose: Callable, recorder: MetricsRecorder, victim: int, killed_at: float) -> str:
    """Task 2's verdict on ``diagnose`` for one recorded outage (lab 22)."""
    answer = answer_of(diagnose, recorder)
    if not (isinstance(answer, tuple) and len(answer) == 2):
        raise NotYet(f"diagnose_outage returned {answer!r}, not a (broker, seconds) pair.")
    broker, seconds = answer
    if broker != victim:
        raise NotYet(f"you named broker {broker}; the check killed broker {victim}.", _OUTAGE_HINT)
    if not isinstance(seconds, (int, float)) or abs(seconds - killed_at) > KILL_TOLERANCE:
        raise NotYet(f"you said broker {victim} died at {seconds} s; it was killed at {killed_at:.1f} s "
                     f"(seconds since the recorder started).", _OUTAGE_HINT)
    return (f"broker {victim} was killed at {killed_at:.1f} s and you said {seconds:.1f} s — from its silence, not "
            "from the under-replicated partitions, which the survivors report only when it is fenced (~9 s later).")


_OUTAGE_HINT = ("a killed broker's exporter dies with it: look for the first second from which one broker keeps "
                "having no value (NaN in recorder.frame(...)) — one missing answer is not a death — and not at the "
                "under-replicated partitions: the survivors report them only once the controller fenced the dead "
                "broker.")


@task_check("Task 2 · Who died, and when")
def task2(lab, diagnose_outage: Callable) -> str:
    """Kill a broker at random under load while recording, then judge ``diagnose_outage``'s answer."""
    _require_written(diagnose_outage, _second_of_recording(cluster_or_course()))
    return judge_outage(diagnose_outage, *record_outage(lab))


# -- task 3 ------------------------------------------------------------------------------------------------------

def record_change(lab, setting: str) -> tuple[MetricsRecorder, str]:
    """A recording of a steady producer that changes ``setting`` (to ``SETTINGS[setting]``) half-way: (the
    recorder, the topic) (lab 22, task 3; the tests judge answers on it)."""
    cluster = cluster_or_course()
    topic = f"{lab.topic('producer')}-{random.randrange(10**6)}"
    create_topic(topic, partitions=3, replication_factor=3, cluster=cluster)
    try:
        with MetricsRecorder(cluster, interval=1.0) as recorder:
            for settings in ({}, {setting.replace(".", "_"): SETTINGS[setting]}):
                if settings:
                    recorder.mark("change")
                with _Load(cluster, topic, PER_SECOND, linger_ms=20, **settings):
                    time.sleep(PHASE_SECONDS)
    except BaseException:
        delete_topic(topic, cluster=cluster)
        raise
    return recorder, topic


def judge_change(diagnose: Callable, recordings: dict[str, tuple[MetricsRecorder, str]]) -> str:
    """Task 3's verdict on ``diagnose`` for one recording per setting (lab 22)."""
    for setting, (recorder, topic) in recordings.items():
        answer = answer_of(diagnose, recorder, topic)
        if answer != setting:
            raise NotYet(f"in one recording the producer changed {setting} half-way, and you said {answer!r}.",
                         _CHANGE_HINT)
    return ("you told a batch per record (produce requests soared, bytes per record grew by a batch header) from "
            "compression (bytes per record fell, requests did not change).")


_CHANGE_HINT = ('compare before and after recorder.marks["change"]: records in (…messagesin_total{topic=…}), bytes '
                "in (…bytesin_total{topic=…}) and produce requests (…totalproducerequests_total{topic=…}) per "
                "second; what changes per record?")


@task_check("Task 3 · Which setting changed")
def task3(lab, diagnose_producer: Callable) -> str:
    """Record both changes, in random order, then judge ``diagnose_producer`` on each."""
    cluster = cluster_or_course()
    _require_written(diagnose_producer, _second_of_recording(cluster), lab.topic("producer"))
    settings = random.sample(sorted(SETTINGS), len(SETTINGS))
    recordings = {}
    try:
        for setting in settings:
            recordings[setting] = record_change(lab, setting)
        return judge_change(diagnose_producer, recordings)
    finally:
        for _, topic in recordings.values():
            delete_topic(topic, cluster=cluster)


# -- task 4 ------------------------------------------------------------------------------------------------------

def _reports_after_flush(producer: Producer, reports: list, topic: str) -> None:
    """Write ``STATS_RECORDS`` records with the learner's producer, flush, and return once ``reports`` holds two more
    — made after every record was acknowledged (flush served every callback queued before it returned)."""
    for n in range(STATS_RECORDS):
        producer.produce(topic, key=f"sensor-{n % 30}", value=f"reading {n}")
        producer.poll(0)
    if producer.flush(60):
        raise CourseError(f"your producer could not write to {topic} within 60 s; check the cluster with "
                          "`python -m course_lib status`.")

    def reports_so_far() -> int:
        producer.poll(0.1)  # stats_cb is called from poll(), like a delivery report
        return len(reports)

    seen = len(reports)
    try:
        poll_until(reports_so_far, "two statistics reports after the flush", timeout=STATS_WAIT, every=0,
                   done=lambda count: count >= seen + 2)
    except CourseError:
        raise NotYet(f"your producer sent {len(reports) - seen} statistics report(s) to `reports` in the "
                     f"{STATS_WAIT:g} s after its flush.", _STATS_HINT) from None


_STATS_HINT = ('build the Producer with "statistics.interval.ms": 200 and "stats_cb": a function of one argument (the '
               "report, a JSON text) that appends json.loads(text) to reports.")


def _appended(cluster, topic: str, timeout: float = 10.0) -> dict[int, float] | None:
    """Each broker's count of records it appended to ``topic`` as a leader, its page asked again for ``timeout`` s
    while one does not answer (a loaded broker's exporter can be slow); None if one still did not (lab 22)."""
    def counts() -> dict[int, float] | None:
        scrapes = [scrape_broker(cluster, node.node_id) for node in cluster.nodes]
        if any(scrape.values is None for scrape in scrapes):
            return None
        return {scrape.broker: scrape.get(of_topic(MESSAGES_IN, topic)) or 0 for scrape in scrapes}
    try:
        return poll_until(counts, "every broker's metrics page", timeout, every=0.5, done=lambda c: c is not None)
    except CourseError:
        return None


def _sent_by_leader(report: dict, topic: str) -> dict[int, int]:
    """The check's own reading of ``report``: the records sent to each leader of ``topic``'s partitions."""
    sent = {}
    for partition, stats in report.get("topics", {}).get(topic, {}).get("partitions", {}).items():
        if partition != "-1" and stats["txmsgs"]:
            sent[stats["leader"]] = sent.get(stats["leader"], 0) + stats["txmsgs"]
    return sent


def _is_count(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@task_check("Task 4 · The producer's own account")
def task4(lab, stats_producer: Callable, records_by_leader: Callable) -> str:
    """Write with the learner's producer, then compare the learner's reading of its last statistics report with the
    check's own reading, and both with the brokers' counts."""
    cluster = cluster_or_course()
    topic = f"{lab.topic('account')}-{random.randrange(10**6)}"
    reports: list = []
    producer = answer_of(stats_producer, cluster.bootstrap_servers, reports)
    if not isinstance(producer, Producer):
        raise NotYet(f"stats_producer returned {producer!r}, not a confluent_kafka.Producer.", _STATS_HINT)
    try:
        create_topic(topic, partitions=2, replication_factor=3, cluster=cluster)
        before = _appended(cluster, topic)
        try:
            _reports_after_flush(producer, reports, topic)
        except (NotYet, CourseError, KafkaException):
            raise
        except Exception as error:  # noqa: BLE001 — the learner's producer: its settings or its callbacks
            raise NotYet(f"your producer or one of its callbacks raised {error_said(error)}.", _STATS_HINT) from None
        after = _appended(cluster, topic)
    finally:
        # Nothing left to send (a stats_cb that raised stops the flush): records still queued would make the producer
        # ask for the deleted topic, and the course cluster would create it anew.
        producer.purge()
        delete_topic(topic, cluster=cluster)
    if not all(isinstance(report, dict) for report in reports):
        kind = type(next(r for r in reports if not isinstance(r, dict))).__name__
        raise NotYet(f"reports holds a {kind}, not a report: stats_cb receives the report as JSON text.", _STATS_HINT)
    answer = answer_of(records_by_leader, reports[-1], topic)
    if not isinstance(answer, dict) or not all(_is_count(count) for count in answer.values()):
        raise NotYet(f"records_by_leader returned {answer!r}, not a dict of broker id to a number of records.",
                     _LEADER_HINT)
    sent = _sent_by_leader(reports[-1], topic)
    yours = {broker: count for broker, count in answer.items() if count}
    if yours != sent:
        raise NotYet(f"from your producer's last report you read {yours}; it says {sent} records were sent to the "
                     f"leaders of {topic}.", _LEADER_HINT)
    per_broker = ", ".join(f"broker {broker}: {count}" for broker, count in sorted(sent.items()))
    counted = None if before is None or after is None else \
        {broker: int(after[broker] - before[broker]) for broker in after if after[broker] - before[broker]}
    if counted == sent:
        return (f"your producer's own account — {per_broker} — is what the leaders appended: the client's "
                "statistics and the brokers' metrics agree.")
    seen = "a broker's metrics did not answer" if counted is None else f"the brokers counted {counted}"
    return (f"you read your producer's own account: {per_broker} ({seen}; txmsgs counts what was sent, a retried "
            "batch twice).")


_LEADER_HINT = ('in report["topics"][topic]["partitions"], each partition (the key "-1" holds records not yet given a '
                'partition: skip it) has "leader" (a broker id) and "txmsgs" (records sent): add txmsgs up by leader.')
