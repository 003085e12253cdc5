"""A crash a check injects into the learner's job, and a restart: behaviour, not end state, is judged.

A check that only reads the end state cannot tell at-least-once from at-most-once: both copy everything
when nothing goes wrong. So a task that claims a guarantee asks for a *job*, ``job(consumer, producer,
source, target)``, and the check runs it twice on clients built from the learner's own configs:

1. the first run is crashed once it has been handed ``crash_after`` records, at the moment that hurts the
   guarantee most:

   - ``crash_at="commit"`` (at-least-once): right after the job's consumer commits — or, if the consumer
     auto-commits, at the job's next ``produce()``, the timer having just committed what it was handed;
   - ``crash_at="produce"`` (exactly-once): at the job's next ``produce()``, inside an open transaction.

   A dead process leaves its worst: a plain producer's copies not yet flushed are lost (the trial's producer
   holds them for ``linger.ms=HELD_FOR_MS``, as a busy one might); a transactional producer's records have
   reached the log, in a transaction that stays open. A ``produce()`` crash lets one record through first,
   so an open transaction holds something;
2. the second run starts on the same group (and transactional id) and runs until the input is drained:
   once the consumer has been given nothing for ``DRAINED_AFTER`` s, its next poll raises
   ``InputDrained``, so a ``while True`` loop ends too.

Each trial uses its own group, transactional id and target topic, so the learner's own runs never
interfere. Introduced in lab 04 (task 4); lab 07 (task 3) judges exactly-once with it, lab 14 auto-commit with
stored offsets (and, with ``run_to_end``, a job that must survive poison records).
"""

import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException, Producer

from ..clients.admin import admin_client, ask_coordinator, committed_offsets, create_topic, delete_topic, watermarks
from ..profile import namespaced
from .checking import NotYet

__all__ = ["SimulatedCrash", "InputDrained", "JobRaised", "Trial", "crash_and_restart", "delete_trial", "run_to_end",
           "delete_group", "auto_commits", "require_at_least_once"]

DRAINED_AFTER = 3.0   # s without a record, once assigned, before a poll says the input is drained
HELD_FOR_MS = 1000    # linger.ms of the trial's producer: copies the job does not flush are still unsent
RUN_TIMEOUT = 90.0    # s a run may take before the check gives up on it
_trials = itertools.count(1)


class SimulatedCrash(BaseException):
    """The check's crash, raised from the learner's client call as if the process died there (a
    ``BaseException``, like ``KeyboardInterrupt``: an ``except Exception`` in the job cannot survive it)."""


class JobRaised(NotYet):
    """The learner's job raised ``error``: a not-yet verdict in one line, and the error for a check to look at."""

    def __init__(self, message: str, hint: str, error: Exception):
        super().__init__(message, hint)
        self.error = error


class InputDrained(BaseException):
    """Raised from ``poll()``/``consume()`` once the input is drained: how a check ends a loop that never ends."""


def auto_commits(config: dict) -> bool:
    """Whether a consumer built from ``config`` commits by itself (librdkafka's default: it does)."""
    return str(config.get("enable.auto.commit", True)).lower() not in ("false", "0")


class _Run:
    """What one run of the job was handed, and where to crash it (``crash_after=None``: nowhere)."""

    def __init__(self, crash_after: int | None, on_produce: bool, on_commit: bool):
        self.crash_after, self.on_produce, self.on_commit = crash_after, on_produce, on_commit
        self.handed_out, self.crashed, self.produced_while_due = 0, False, False
        self.commits = 0  # the job's own consumer.commit() calls
        self.idle_since: float | None = None
        self.deadline = time.monotonic() + RUN_TIMEOUT

    def saw(self, records: list, assigned: bool) -> None:
        """Count what a poll returned; raise ``InputDrained`` after ``DRAINED_AFTER`` s of nothing."""
        if time.monotonic() > self.deadline:
            raise NotYet(f"a run of your job was still polling after {RUN_TIMEOUT:.0f} s.",
                         "does your loop stop, or keep committing, once it has copied everything?")
        records = [r for r in records if r.error() is None]
        if records:
            self.handed_out += len(records)
            self.idle_since = None
        elif assigned:
            self.idle_since = self.idle_since or time.monotonic()
            if time.monotonic() - self.idle_since >= DRAINED_AFTER:
                raise InputDrained()

    def crash_now(self, at_commit: bool) -> bool:
        """Whether this commit (or produce) is where the run dies: a produce only once one record has gone
        through since the run became due, so an open transaction holds something."""
        due = self.crash_after is not None and self.handed_out >= self.crash_after and not self.crashed
        if not due or not (self.on_commit if at_commit else self.on_produce):
            return False
        if not at_commit and not self.produced_while_due:
            self.produced_while_due = True
            return False
        self.crashed = True
        return True


class _WatchedConsumer:
    """The learner's consumer: counts what it hands out, and may crash right after a commit."""

    def __init__(self, consumer: Consumer, run: _Run):
        self._consumer, self._run = consumer, run

    def poll(self, *args, **kwargs):
        message = self._consumer.poll(*args, **kwargs)
        self._run.saw([message] if message is not None else [], bool(self._consumer.assignment()))
        return message

    def consume(self, *args, **kwargs):
        messages = self._consumer.consume(*args, **kwargs)
        self._run.saw(messages, bool(self._consumer.assignment()))
        return messages

    def commit(self, *args, **kwargs):
        self._run.commits += 1
        if self._run.crash_now(at_commit=True):
            ask_coordinator(lambda: self._consumer.commit(*args, **{**kwargs, "asynchronous": False}),
                            "the commit at the crash point")  # it lands, then the crash
            raise SimulatedCrash()
        return self._consumer.commit(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._consumer, name)


class _CrashingProducer:
    """The learner's producer, which may crash at a ``produce()``."""

    def __init__(self, producer: Producer, run: _Run):
        self._producer, self._run = producer, run

    def produce(self, *args, **kwargs):
        if self._run.crash_now(at_commit=False):
            raise SimulatedCrash()
        return self._producer.produce(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._producer, name)


@dataclass(frozen=True)
class Trial:
    """One crash-and-restart trial: where it wrote, and where its first run crashed."""
    group: str
    target: str
    crashed_after: int | None   # records the first run had been handed when it crashed (None: it never got there)
    job_commits: int = 0        # the job's own consumer.commit() calls in both runs (lab 07 on a shared cluster)

    @property
    def story(self) -> str:
        """What the check did, as the start of a verdict's sentence."""
        if self.crashed_after is None:
            return "in the check's two runs of your job (the first ended before its crash)"
        return f"after the check crashed your job at order {self.crashed_after} and ran it again"


def _clients(consumer_config: dict, producer_config: dict) -> tuple[Consumer, Producer]:
    try:
        return Consumer(consumer_config), Producer(producer_config)
    except (KafkaException, ValueError, TypeError) as error:
        raise NotYet(f"a client could not be built from your configs: {error}",
                     "build them yourself with Consumer(...) and Producer(...) to see which setting is refused.") from None


def _close(consumer: Consumer) -> None:
    try:
        consumer.close()
    except RuntimeError:
        pass  # the job closed it already


def _die(consumer: Consumer, producer: Producer, consumer_config: dict, producer_config: dict) -> None:
    """Leave the clients as a killed process would, at its worst moment for the guarantee."""
    if auto_commits(consumer_config):
        try:
            consumer.commit(asynchronous=False)  # the auto-commit timer may fire just before a crash
        except KafkaException:
            pass  # nothing stored to commit yet
    if "transactional.id" in producer_config:
        producer.flush(30)  # the open transaction's records reach the log: readers must never see them
    else:
        producer.purge(in_queue=True, in_flight=False)  # copies never sent die with the process
    _close(consumer)  # so the restart is assigned at once (a killed member would hold its partitions ~45 s)


def _run(job: Callable, consumer_config: dict, producer_config: dict, topics: tuple[str, ...], run: _Run,
         which: str) -> None:
    """One run of ``job(consumer, producer, *topics)``; ``run`` keeps what it was handed and whether it crashed."""
    consumer, producer = _clients(consumer_config, producer_config)
    try:
        job(_WatchedConsumer(consumer, run), _CrashingProducer(producer, run), *topics)
    except SimulatedCrash:
        _die(consumer, producer, consumer_config, producer_config)
        return
    except InputDrained:
        pass
    except NotYet:
        _close(consumer)
        raise
    except Exception as error:  # the learner's bug: say it in one line, never swallow it
        _close(consumer)
        raise JobRaised(f"the {which} run of your job raised {type(error).__name__}: {error}",
                        "run your job yourself on the real topics to see the full traceback.", error) from None
    _close(consumer)
    producer.flush(30)


def crash_and_restart(job: Callable, consumer_config: dict, producer_config: dict, source: str,
                      target_name: str, crash_after: int, crash_at: str, partitions: int = 3) -> Trial:
    """Run ``job`` on ``source`` into a fresh topic named after ``target_name``, crash it (``crash_at``:
    ``"commit"`` or ``"produce"``, see above), then run it again. The trial's group and transactional id
    are the learner's with ``-trial-N`` appended."""
    n = next(_trials)
    target = f"{target_name}-trial-{n}"
    group = f"{consumer_config.get('group.id', namespaced('no-group'))}-trial-{n}"
    create_topic(target, partitions=partitions)
    consumer_config = {**consumer_config, "group.id": group}
    producer_config = {**producer_config, "linger.ms": HELD_FOR_MS}
    if "transactional.id" in producer_config:
        producer_config["transactional.id"] = f"{producer_config['transactional.id']}-trial-{n}"
    on_commit = crash_at == "commit"
    first = _Run(crash_after, on_produce=not on_commit or auto_commits(consumer_config), on_commit=on_commit)
    second = _Run(None, False, False)
    try:
        _run(job, consumer_config, producer_config, (source, target), first, "first")
        _run(job, consumer_config, producer_config, (source, target), second, "second")
    except NotYet:
        _delete(group, target)
        raise
    return Trial(group, target, first.handed_out if first.crashed else None, first.commits + second.commits)


def require_at_least_once(trial: Trial, source: str, wanted: Counter, copied: Counter, lost_because: str,
                          lost_hint: str, commit_hint: str) -> int:
    """Judge an at-least-once trial: every ``wanted`` value among the ``copied`` ones, and the trial's group
    committed at the end of ``source`` — else ``NotYet`` (``lost_because`` says why a record can go missing).
    Returns how many copies are extra (duplicates, fine for at-least-once). Labs 04 and 14."""
    missing = wanted - copied
    if missing:
        raise NotYet(f"{trial.story}, {sum(missing.values())} of {sum(wanted.values())} records never reached the "
                     f"output (e.g. {sorted(missing)[0]!r}): {lost_because}", lost_hint)
    ends = {p: high for p, (low, high) in watermarks(source).items()}
    committed = committed_offsets(trial.group, source)
    if committed != ends:
        raise NotYet(f"{trial.story}, every record was copied, but the group has committed {committed or 'nothing'} "
                     f"instead of the end offsets {ends}.", commit_hint)
    return sum((copied - wanted).values())


def run_to_end(job: Callable, consumer_config: dict, producer_config: dict, *topics: str) -> str:
    """Run ``job(consumer, producer, *topics)`` once, without a crash, until its input is drained; return the
    run's group (the learner's with ``-trial-N`` appended). Lab 14's dead-letter job is judged on one run."""
    group = f"{consumer_config.get('group.id', namespaced('no-group'))}-trial-{next(_trials)}"
    _run(job, {**consumer_config, "group.id": group}, producer_config, topics, _Run(None, False, False), "check's")
    return group


def delete_group(group: str) -> None:
    """Remove a trial's group (never committed: nothing to remove)."""
    client = admin_client()  # keep a reference: a client destroyed mid-request never resolves its future
    try:
        client.delete_consumer_groups([group], request_timeout=10)[group].result()
    except KafkaException:
        pass  # never committed, so the coordinator never stored the group


def _delete(group: str, target: str) -> None:
    delete_topic(target)
    delete_group(group)


def delete_trial(trial: Trial) -> None:
    """Remove what a trial created: its target topic and its group (once the check has judged them)."""
    _delete(trial.group, trial.target)
