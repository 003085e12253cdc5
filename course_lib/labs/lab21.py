"""Checks for lab 21 (share groups: a work queue). Each check makes a queue of its own — a fresh topic of jobs, a
fresh share group and a fresh dead-letter topic ``dlq.lab21-…`` — runs the learner's function against the course
cluster, judges what happened, and deletes the topics, the group and the group's configs afterwards:

- task 1: the learner's ``open_queue`` sets the group's ``share.auto.offset.reset`` to earliest and gives it a
  dead-letter topic (created with ``errors.deadletterqueue.group.enable=true``). The check reads the group's and
  the topic's configs back, then proves them: a share consumer of its own in the group reads the backlog written
  before the group existed, rejects one job, and finds it in the dead-letter topic;
- task 2: six copies of the learner's ``work`` run in threads, as six members of one share group, on a topic of
  two partitions; the check's ``handle`` takes ``JOB_SECONDS`` per job. Every job must be handled once, and more
  jobs at once than there are partitions — what a consumer group cannot do: each of its partitions goes to one
  member. Every worker must return soon after ``stop`` is set;
- task 3: the same ``work``, with ``handle`` raising ``PoisonJob`` for one job: the worker must REJECT it
  (explicit acknowledgement) and go on — the poison attempted once and in the dead-letter topic, marked "Offset
  rejected by client."; a RELEASE is redelivered until ``share.delivery.count.limit`` (5) runs out.

What Kafka 4.4.0 and librdkafka 2.16.0 do, measured while the lab was written: a share consumer acquires whole
record batches as they were produced, so the checks write each job in a batch of its own (a flush per job); a new
member gets its first records 5-10 s after it subscribed, so task 2 trickles warm-up jobs until every worker has
handled one before it writes the jobs it times; a rejected record reaches the dead-letter topic well within a
second, with ``__dlq.errors.*`` headers and (``errors.deadletterqueue.copy.record.enable`` being false) no key or
value. ``delete_consumer_groups`` deletes an empty share group, but a group's configs outlive it, so the checks
delete those too (a member that did not close leaves its group alive for ``share.session.timeout.ms``; then the
group stays, empty, with no configs).
"""

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

from confluent_kafka import AcknowledgeType, KafkaException, Producer, ShareConsumer
from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

from ..clients.admin import admin_client, create_topic, delete_topic, topic_config
from ..clients.reading import read_all
from ..connection import client_config
from ..errors import CourseError
from ..session import cluster_or_course
from .checking import NotYet, answer_of, error_said, task_check, topic_exists

__all__ = ["PoisonJob", "BACKLOG", "PARTITIONS", "WORKERS", "JOBS", "JOB_SECONDS", "POISON_JOBS", "STOP_WITHIN",
           "prepare", "task1", "task2", "task3"]

BACKLOG = 4            # task 1: jobs waiting in the queue before the group exists
PARTITIONS = 2         # task 2: partitions of the queue ...
WORKERS = 6            # ... and workers sharing it: more workers than partitions
JOBS = 18              # task 2: the jobs timed, each taking ...
JOB_SECONDS = 1.0      # ... this long in the check's handle(): long enough that 3 overlap, flushes slow or not
POISON_JOBS = 10       # task 3: jobs, one of them poison, for ...
POISON_WORKERS = 3     # ... this many workers
STOP_WITHIN = 15.0     # s every worker has to return once stop is set
READY_WITHIN = 20.0    # s for the first warm-up job to be handled (task 2), or the backlog read (task 1)
WARM_UP_WITHIN = 20.0  # s of warm-up jobs after the first, however many workers have handled one
SEEN_WITHIN = 4.0      # s a broker may take to show a config or topic the learner's function made
QUIET = 2.0            # s without a job handled before a run counts as done (a redelivery comes within it)
RUN_WITHIN = 40.0      # s a run may take at most
DELIVERY_LIMIT = 5      # share.delivery.count.limit: Kafka's default, which the checks' groups keep
REJECTED = "Offset rejected by client."  # __dlq.errors.message of a rejected record (Kafka 4.4.0)
_DLQ_ENABLE, _DLQ_TOPIC, _RESET = ("errors.deadletterqueue.group.enable", "errors.deadletterqueue.topic.name",
                                   "share.auto.offset.reset")


class PoisonJob(Exception):
    """What the check's ``handle`` raises for a job that can never be done (lab 21, task 3): import it, catch it
    around ``handle(...)`` and REJECT that job."""


def prepare(lab) -> str:
    """Check that the course cluster is up (lab 21); the checks make their own topics and groups, so re-running
    the set-up cell changes nothing."""
    cluster = cluster_or_course()
    brokers = len(admin_client(cluster).list_topics(timeout=10).brokers)
    return (f"The course cluster is up: {brokers} brokers at {cluster.bootstrap_servers}. Each check makes a queue "
            f"of its own — topic {lab.topic('jobs')}-…, share group {lab.group('workers')}-…, dead-letter "
            f"topic dlq.{lab.topic('dead-letters')}-… — and deletes it afterwards.")


# -- a check's queue --------------------------------------------------------------------------------------------

class _Queue:
    """One check's queue: a topic of jobs, a share group, a dead-letter topic; ``close()`` deletes all three."""

    def __init__(self, lab, partitions: int):
        self.lab, self.suffix = lab, uuid.uuid4().hex[:6]
        self.bootstrap = cluster_or_course().bootstrap_servers
        self.topic = f"{lab.topic('jobs')}-{self.suffix}"
        self.group = f"{lab.group('workers')}-{self.suffix}"
        self.dead_letters = f"dlq.{lab.topic('dead-letters')}-{self.suffix}"  # a dead-letter topic's name: dlq.*
        self.admin = admin_client()
        create_topic(self.topic, partitions=partitions)
        self.producer = Producer(client_config(self.bootstrap))

    def __enter__(self) -> "_Queue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """What task 1 asks of the learner, done by the check for tasks 2 and 3."""
        # Brokers apply a group's configs from the metadata log, a moment after the controller accepted them: a
        # member that fetched before its partition's leader had them would start at the latest offset. A topic made
        # afterwards is a barrier: create_topic waits until every broker lists it, so has applied the configs too.
        self.set_group_configs({_RESET: "earliest", _DLQ_TOPIC: self.dead_letters})
        create_topic(self.dead_letters, partitions=1, config={_DLQ_ENABLE: "true"})

    def set_group_configs(self, configs: dict, operation=AlterConfigOpType.SET) -> None:
        entries = [ConfigEntry(key, value, incremental_operation=operation) for key, value in configs.items()]
        resource = ConfigResource(ResourceType.GROUP, self.group, incremental_configs=entries)
        for future in self.admin.incremental_alter_configs([resource], request_timeout=15).values():
            future.result()

    def group_configs(self, wanted: dict[str, str], timeout: float = SEEN_WITHIN) -> dict[str, str]:
        """The group's configs, asked again for up to ``timeout`` s until they hold ``wanted``: the broker asked may
        learn of a change a moment after the controller made it."""
        resource = ConfigResource(ResourceType.GROUP, self.group)
        deadline = time.monotonic() + timeout
        while True:
            entries = self.admin.describe_configs([resource], request_timeout=15)[resource].result()
            configs = {key: entry.value for key, entry in entries.items()}
            if wanted.items() <= configs.items() or time.monotonic() > deadline:
                return configs
            time.sleep(0.25)

    def dead_letters_exist(self, timeout: float = SEEN_WITHIN) -> bool:
        """Whether the dead-letter topic exists, asked again for up to ``timeout`` s (as ``group_configs``)."""
        deadline = time.monotonic() + timeout
        while not topic_exists(self.dead_letters):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.25)
        return True

    def config(self, **overrides) -> dict:
        """A client config for the course cluster in the queue's group (``logger``: librdkafka's lines stay quiet)."""
        return client_config(self.bootstrap, group_id=self.group, **overrides)

    def produce(self, value: bytes) -> None:
        """One job in a batch of its own: a share consumer acquires whole batches, so batched jobs would go to one
        worker."""
        self.producer.produce(self.topic, value)
        if self.producer.flush(15):
            raise CourseError("Could not write the check's jobs; check `python -m course_lib status`.")

    def dead_letter(self, timeout: float = 5.0):
        """The first record of the dead-letter topic, waited for up to ``timeout`` s; None when there is none."""
        if not topic_exists(self.dead_letters):
            return None
        deadline = time.monotonic() + timeout
        while True:
            letters = read_all(self.dead_letters)
            if letters or time.monotonic() > deadline:
                return letters[0] if letters else None
            time.sleep(0.3)

    def close(self) -> None:
        """Delete the group (once its members are gone), its configs — which outlive it — and both topics."""
        try:
            self.admin.delete_consumer_groups([self.group], request_timeout=10)[self.group].result()
        except Exception:  # noqa: BLE001 — never joined, or a member that did not close still holds it
            pass
        try:
            self.set_group_configs({_RESET: "", _DLQ_TOPIC: ""}, AlterConfigOpType.DELETE)
        except Exception:  # noqa: BLE001 — the cluster went away: what is left, `python -m course_lib tidy` shows
            pass
        for topic in (self.topic, self.dead_letters):  # each waited for until every broker has forgotten it
            try:
                delete_topic(topic)
            except (CourseError, KafkaException):  # as above
                pass


# -- task 1: open the queue -------------------------------------------------------------------------------------

_OPEN_HINT = ("incremental_alter_configs([ConfigResource(ResourceType.GROUP, group_id, incremental_configs=["
              "ConfigEntry('share.auto.offset.reset', 'earliest', incremental_operation=AlterConfigOpType.SET), "
              "...])]) — and .result() on each future, so that an error is raised in your function.")
_DLQ_HINT = ("create_topics([NewTopic(dead_letters, 1, config={'errors.deadletterqueue.group.enable': 'true'})]), "
             "then the group's 'errors.deadletterqueue.topic.name' set to dead_letters.")


@task_check("Task 1 · open the queue")
def task1(lab, open_queue: Callable) -> str:
    """Write a backlog, call ``open_queue(admin_config, group_id, dead_letters)``, read the group's and the
    dead-letter topic's configs back, then read the backlog in the group and send one job to the dead letters."""
    with _Queue(lab, partitions=PARTITIONS) as queue:
        jobs = [f"backlog-{n}".encode() for n in range(1, BACKLOG + 1)]
        for job in jobs:
            queue.produce(job)
        try:
            answer_of(open_queue, client_config(queue.bootstrap), queue.group, queue.dead_letters)
        except NotYet as not_yet:
            if "Unknown group config name" in not_yet.message:
                raise NotYet(not_yet.message, "a share group's settings have names of their own: "
                             "share.auto.offset.reset, not a classic consumer's auto.offset.reset.") from None
            raise
        configs = queue.group_configs({_RESET: "earliest", _DLQ_TOPIC: queue.dead_letters})
        if configs.get(_RESET) != "earliest":
            said = configs.get(_RESET)
            raise NotYet(f"the share group {queue.group} has share.auto.offset.reset={said}"
                         + (" (Kafka's default)" if said == "latest" and not configs.get(_DLQ_TOPIC) else "")
                         + ": a new share group that starts from the latest offset reads none of the "
                         f"{BACKLOG} jobs already waiting.", _OPEN_HINT)
        named = configs.get(_DLQ_TOPIC)
        if not named:
            raise NotYet(f"the share group {queue.group} has no dead-letter topic (errors.deadletterqueue.topic.name "
                         "is empty): a job it rejects would be archived where nobody can read it.", _DLQ_HINT)
        if named != queue.dead_letters:
            raise NotYet(f"the share group's dead-letter topic is {named}, not {queue.dead_letters}.", _DLQ_HINT)
        if not queue.dead_letters_exist():
            raise NotYet(f"the group names {queue.dead_letters} as its dead-letter topic, but there is no such topic: "
                         "the broker does not create it.", _DLQ_HINT)
        enabled = topic_config(queue.dead_letters, only_changed=False).get(_DLQ_ENABLE)
        if enabled != "true":
            raise NotYet(f"{queue.dead_letters} exists, but with errors.deadletterqueue.group.enable={enabled}: the "
                         "broker writes dead letters only to a topic created for them.", _DLQ_HINT)

        # The proof: a share consumer of the check's own reads the backlog and rejects one job.
        rejected, got = jobs[0], []
        with ShareConsumer(queue.config(share_acknowledgement_mode="explicit")) as consumer:
            consumer.subscribe([queue.topic])
            deadline = time.monotonic() + READY_WITHIN
            while len(got) < BACKLOG and time.monotonic() < deadline:
                for message in consumer.poll(0.5):
                    if message.error() is None:
                        got.append(message.value())
                        consumer.acknowledge(message, AcknowledgeType.REJECT if message.value() == rejected
                                             else AcknowledgeType.ACCEPT)
            consumer.commit_sync()
        if sorted(got) != jobs:
            raise NotYet(f"the group's configs look right, but a share consumer in it got {len(got)} of the "
                         f"{BACKLOG} jobs of the backlog in {READY_WITHIN:.0f} s.", _OPEN_HINT)
        letter = queue.dead_letter() if rejected in got else None
        if letter is None or letter.headers.get("__dlq.errors.offset") is None:
            raise NotYet(f"the check rejected a job in the group, and it did not reach {queue.dead_letters}.",
                         _DLQ_HINT)
    return (f"the share group reads from the earliest job: a share consumer in it got all {BACKLOG} jobs written "
            f"before the group existed; the job it rejected is in {queue.dead_letters} "
            f"(__dlq.errors.message: '{letter.headers.get('__dlq.errors.message')}').")


# -- the learner's workers --------------------------------------------------------------------------------------

class _Crew:
    """``count`` threads, each running the learner's ``work(config, topic, handle, stop)``; ``handle`` notes who
    handled which job when, and takes ``JOB_SECONDS`` (``poison``: raises ``PoisonJob`` for that job instead).
    ``until_error``: a wait ends as soon as a worker has raised."""

    def __init__(self, work: Callable, queue: _Queue, count: int, poison: bytes | None = None,
                 until_error: bool = False):
        self.queue, self.poison, self.until_error = queue, poison, until_error
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.handled: list[tuple[str, float, float, bytes]] = []  # (worker, start, end, job)
        self.raised: dict[str, tuple[str, bool]] = {}  # worker → (what it raised, in a line; was it PoisonJob?)
        self.returned: dict[str, float] = {}  # worker → when its work returned
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._run, args=(work,), name=f"worker-{n}", daemon=True)
                        for n in range(1, count + 1)]
        for thread in self.threads:
            thread.start()

    def _run(self, work: Callable) -> None:
        name = threading.current_thread().name
        try:
            work(self.queue.config(), self.queue.topic, self.handle, self.stop)
        except NotImplementedError:
            self.raised[name] = ("NotImplementedError", False)
        except Exception as error:  # noqa: BLE001 — the learner's code: kept as one line, not as a traceback
            self.raised[name] = (error_said(error), isinstance(error, PoisonJob))
        finally:
            self.returned[name] = time.monotonic()

    def handle(self, job) -> None:
        """The check's job: ``JOB_SECONDS`` of work, noted."""
        if not isinstance(job, bytes):
            raise TypeError(f"handle() takes a job's bytes, message.value(), not a {type(job).__name__}")
        start = time.monotonic()
        if job == self.poison:
            with self.lock:
                self.handled.append((threading.current_thread().name, start, start, job))
            raise PoisonJob(f"{job.decode()} can never be done")
        time.sleep(JOB_SECONDS)
        with self.lock:
            self.handled.append((threading.current_thread().name, start, time.monotonic(), job))

    def busy(self) -> set[str]:
        """The workers that have handled a job."""
        with self.lock:
            return {name for name, _, _, _ in self.handled}

    def alive(self) -> list[threading.Thread]:
        return [thread for thread in self.threads if thread.name not in self.returned]

    def jobs(self) -> Counter:
        with self.lock:
            return Counter(job for _, _, _, job in self.handled)

    def last_handled(self) -> float:
        with self.lock:
            return max((start for _, start, _, _ in self.handled), default=self.started)

    def wait(self, done: Callable[[], bool], timeout: float) -> None:
        """Until ``done()``, every worker ended (or one raised, ``until_error``), or ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while (not done() and self.alive() and not (self.until_error and self.raised)
               and time.monotonic() < deadline):
            time.sleep(0.1)

    def finish(self) -> list[str]:
        """Set ``stop`` and wait up to ``STOP_WITHIN`` s for every worker: the names of those still running."""
        self.stop.set()
        stopped_at = time.monotonic()
        for thread in self.threads:
            thread.join(max(0.0, stopped_at + STOP_WITHIN - time.monotonic()))
        return [thread.name for thread in self.threads if thread.is_alive()]

    def peak(self) -> int:
        """The most jobs handled at the same moment."""
        with self.lock:
            spans = [(start, end) for _, start, end, _ in self.handled if end > start]
        return max((sum(1 for s, e in spans if s <= moment < e) for moment, _ in spans), default=0)


def _judge_workers(crew: _Crew, still_running: list[str], early: float) -> None:
    """Raise ``NotYet`` for a worker that raised, returned before ``stop``, or did not return after it."""
    if crew.raised:
        what, _ = next(iter(crew.raised.values()))
        if what == "NotImplementedError":
            raise NotYet("your function is not written yet.", "replace `raise NotImplementedError` with your code.")
        hint = ("in explicit mode, acknowledge(message, AcknowledgeType.ACCEPT) — or RELEASE or REJECT — every "
                "record of a poll before the next poll()." if "not been acknowledged" in what else
                "call it in a cell of its own, with a threading.Event set after a few seconds, to see the full "
                "traceback.")
        raise NotYet(f"your work raised {what} ({len(crew.raised)} of {len(crew.threads)} workers ended so).", hint)
    quitters = [name for name, when in crew.returned.items() if when < early]
    if quitters:
        raise NotYet(f"your work returned before stop was set ({len(quitters)} of {len(crew.threads)} workers): a "
                     "worker polls again and again until stop.is_set().",
                     "while not stop.is_set(): for message in consumer.poll(1.0): ...")
    if still_running:
        raise NotYet(f"{len(still_running)} of your {len(crew.threads)} workers were still running "
                     f"{STOP_WITHIN:.0f} s after stop was set: a worker must look at stop between polls, and end.",
                     "while not stop.is_set(): ... with poll(1.0), so that stop is seen within a second.")


def _never_handled(crew: _Crew, seconds: float) -> NotYet:
    return NotYet(f"in {seconds:.0f} s none of your {len(crew.threads)} workers handled a job.",
                  "a ShareConsumer(consumer_config) subscribed to topic, then handle(message.value()) for each "
                  "message of each poll().")


# -- task 2: more workers than partitions -----------------------------------------------------------------------

@task_check("Task 2 · more workers than partitions")
def task2(lab, work: Callable) -> str:
    """Run ``WORKERS`` copies of ``work`` on a queue of ``PARTITIONS`` partitions, warm them up, write ``JOBS`` jobs:
    want each handled once, more at once than there are partitions, and every worker back soon after ``stop``."""
    with _Queue(lab, partitions=PARTITIONS) as queue:
        queue.open()
        crew = _Crew(work, queue, WORKERS, until_error=True)
        try:
            # Warm-up: one job, handled once a worker has its assignment; then a job at a time until every worker
            # has handled one (or WARM_UP_WITHIN s have passed: a consumer group never keeps them all busy).
            warm = 1
            queue.produce(b"warm-up-1")
            crew.wait(lambda: bool(crew.handled), READY_WITHIN)
            if crew.alive() and not crew.handled:
                crew.finish()
                _judge_workers(crew, [], early=float("inf"))
                raise _never_handled(crew, READY_WITHIN)
            started = time.monotonic()
            while (crew.alive() and not crew.raised and len(crew.busy()) < WORKERS
                   and time.monotonic() - started < WARM_UP_WITHIN):
                warm += 1
                queue.produce(f"warm-up-{warm}".encode())
                crew.wait(lambda: False, 0.4)
            timed_from = time.monotonic()
            jobs = [f"job-{n:02}".encode() for n in range(1, JOBS + 1)]
            for job in jobs:
                if not crew.alive() or crew.raised:
                    break
                queue.produce(job)
                time.sleep(0.05)
            crew.wait(lambda: set(jobs) <= set(crew.jobs()), RUN_WITHIN)
            timed = crew.last_handled() + JOB_SECONDS - timed_from
            crew.wait(lambda: time.monotonic() - crew.last_handled() > QUIET + JOB_SECONDS, QUIET + JOB_SECONDS)
            early = time.monotonic()
            still_running = crew.finish()
        finally:
            crew.stop.set()
        _judge_workers(crew, still_running, early)
        handled = crew.jobs()
        wanted = [f"warm-up-{n}".encode() for n in range(1, warm + 1)] + jobs
        missing = [job.decode() for job in wanted if job not in handled]
        twice = sorted(job.decode() for job, count in handled.items() if count > 1)
        if missing:
            raise NotYet(f"{len(missing)} of the {len(wanted)} jobs were never handled ({', '.join(missing[:4])}"
                         f"{' …' if len(missing) > 4 else ''}).",
                         "handle(message.value()) for every message of every poll().")
        if twice:
            raise NotYet(f"{len(twice)} jobs were handled more than once ({', '.join(twice[:4])}): a record that is "
                         "not acknowledged goes back to the queue, for a worker to do again.",
                         "in explicit mode, acknowledge(message) each record; in implicit mode (the default) the next "
                         "poll() accepts the last poll's records.")
        peak, busy = crew.peak(), len(crew.busy())
        if peak <= PARTITIONS:
            raise NotYet(f"your {WORKERS} workers handled at most {peak} jobs at once, {busy} of them ever busy: in a "
                         "consumer group each partition goes to one member, so a queue of "
                         f"{PARTITIONS} partitions keeps at most {PARTITIONS} workers busy.",
                         "a ShareConsumer: a share group hands the records of every partition to all its members.")
    speed = JOBS * JOB_SECONDS / timed
    return (f"{WORKERS} workers on {PARTITIONS} partitions handled every job once, up to {peak} at once: {JOBS} jobs "
            f"of {JOB_SECONDS} s took {timed:.1f} s, {speed:.1f} times as fast as one worker — a consumer group "
            f"could keep only {PARTITIONS} busy. Each worker returned once stop was set.")


# -- task 3: a poison job ---------------------------------------------------------------------------------------

_REJECT_HINT = ("ShareConsumer({**consumer_config, 'share.acknowledgement.mode': 'explicit'}); around handle(...): "
                "except PoisonJob → acknowledge(message, AcknowledgeType.REJECT), else ACCEPT.")


@task_check("Task 3 · a poison job")
def task3(lab, work: Callable) -> str:
    """Run ``POISON_WORKERS`` copies of ``work`` on ``POISON_JOBS`` jobs, one of them poison: want the good ones
    handled once, the poison attempted once and rejected — in the dead-letter topic as rejected."""
    with _Queue(lab, partitions=1) as queue:
        queue.open()
        jobs = [f"job-{n:02}".encode() for n in range(1, POISON_JOBS + 1)]
        poison = random.choice(jobs[1:-1])
        good = [job for job in jobs if job != poison]
        for job in jobs:
            queue.produce(job)
        crew = _Crew(work, queue, POISON_WORKERS, poison=poison)
        try:
            crew.wait(lambda: bool(crew.handled), READY_WITHIN)
            if crew.alive() and not crew.handled:
                crew.finish()
                _judge_workers(crew, [], early=float("inf"))
                raise _never_handled(crew, READY_WITHIN)
            crew.wait(lambda: (set(jobs) <= set(crew.jobs()) and time.monotonic() - crew.last_handled() > QUIET)
                      or any(poisoned for _, poisoned in crew.raised.values()) and not crew.alive(), RUN_WITHIN)
            if crew.jobs()[poison] < DELIVERY_LIMIT:  # a released job may be on its way back: let it run out
                crew.wait(lambda: crew.jobs()[poison] >= DELIVERY_LIMIT
                          or time.monotonic() - crew.last_handled() > 3 * QUIET, RUN_WITHIN)
            early = time.monotonic()
            still_running = crew.finish()
        finally:
            crew.stop.set()
        handled = crew.jobs()
        attempts = handled[poison]
        killed = [name for name, (_, poisoned) in crew.raised.items() if poisoned]
        if killed:
            again = (", one after another: each time the job went back to the queue for the next"
                     if len(killed) > 1 else "")
            raise NotYet(f"the PoisonJob escaped from your work and ended {len(killed)} of your {POISON_WORKERS} "
                         f"workers{again} — the poison job was attempted {attempts} times.", _REJECT_HINT)
        _judge_workers(crew, still_running, early)
        missing = [job.decode() for job in good if job not in handled]
        twice = sorted(job.decode() for job in good if handled[job] > 1)
        if missing:
            raise NotYet(f"{len(missing)} of the {len(good)} good jobs were never handled ({', '.join(missing[:4])}"
                         f"{' …' if len(missing) > 4 else ''}): the worker must go on after the poison job.",
                         _REJECT_HINT)
        if twice:
            raise NotYet(f"{len(twice)} good jobs were handled more than once ({', '.join(twice[:4])}).",
                         "acknowledge every record of a poll: ACCEPT the jobs done, REJECT the poison one.")
        letter = queue.dead_letter()
        said = letter.headers.get("__dlq.errors.message") if letter is not None else None
        if attempts > 1:
            raise NotYet(f"the poison job was attempted {attempts} times: a released job goes back to the queue and "
                         f"is delivered again, until share.delivery.count.limit ({DELIVERY_LIMIT}) runs out"
                         + (f" — the dead-letter topic says '{said}'" if said else "") + ".", _REJECT_HINT)
        if letter is None:
            raise NotYet(f"the poison job was attempted once and is not in {queue.dead_letters}: your worker "
                         "acknowledged it as done (ACCEPT — in implicit mode, the next poll() accepts it).",
                         _REJECT_HINT)
        if said != REJECTED:
            raise NotYet(f"the poison job is in the dead-letter topic marked '{said}', not '{REJECTED}'.",
                         _REJECT_HINT)
    return (f"{len(good)} good jobs each handled once; the poison job was attempted once, rejected, and is in "
            f"{queue.dead_letters}, marked '{said}' (delivery {letter.headers.get('__dlq.errors.delivery.count')}, "
            f"from offset {letter.headers.get('__dlq.errors.offset')} of the queue).")
