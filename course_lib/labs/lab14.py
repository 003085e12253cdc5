"""Checks for lab 14 (consumers in production): each runs the learner's consumer code — a callback, a job, a
config — on the check's own group, through the situation its pattern is for, and judges what happened:

- task 1: a second member joins while the first holds processed-but-uncommitted orders (``on_revoke``);
- task 2: a copy job on auto-commit is crashed mid-way (``enable.auto.offset.store=false`` + ``store_offsets``);
- task 3: one of three members restarts (static membership, ``group.instance.id``);
- task 4: payments with poison records among them (a dead-letter topic);
- task 5: one slow record, then a hung consumer (``max.poll.interval.ms``).
"""

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaException, Producer

from ..clients.admin import ask_coordinator, committed_offsets, create_topic, delete_topic, group_state
from ..connection import client_config
from ..errors import CourseError
from ..clients.reading import read_all
from ..clients.records import to_bytes
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check, topic_exists
from .faults import (JobRaised, auto_commits, crash_and_restart, delete_group, delete_trial, require_at_least_once,
                     run_to_end)

__all__ = ["ORDERS", "PARTITIONS", "PAYMENTS", "POISON", "PROCESSED_BEFORE_JOIN", "CRASH_AFTER", "SLOW_SECONDS",
           "NOTICED_WITHIN", "prepare", "fee", "task1", "task2", "task3", "task4", "task5"]

ORDERS, PARTITIONS = 120, 4       # orders in the lab's `orders` topic
PAYMENTS = 30                     # payments in its `payments` topic (one partition), the POISON ones among them
POISON = {4: b"not json", 11: b'{"payment": 11}', 23: b'{"payment": 23, "amount": "ten"}'}
PROCESSED_BEFORE_JOIN = 30        # task 1: orders the first member processes before the second joins
CRASH_AFTER = 25                  # task 2: orders handed to the first run before the check crashes it
QUIET_SECONDS = 3.0               # task 1: both members read nothing for this long = the topic is read
SLOW_SECONDS = 8                  # task 5: the slow record takes this long ...
NOTICED_WITHIN = 15               # ... and a hung consumer must have left its group within this many seconds
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."


def prepare(lab) -> str:
    """Create this attempt's ``orders`` and ``payments`` topics, once (re-running the cell changes nothing)."""
    orders, payments = lab.topic("orders"), lab.topic("payments")
    producer = Producer(client_config(cluster_or_course().bootstrap_servers))
    if not topic_exists(orders):
        create_topic(orders, partitions=PARTITIONS)
        for n in range(ORDERS):
            producer.produce(orders, key=f"customer-{n % 10}", value=json.dumps({"order": n, "amount": n % 7 + 1}))
    if not topic_exists(payments):
        create_topic(payments, partitions=1)
        for n in range(PAYMENTS):
            producer.produce(payments, value=POISON.get(n, json.dumps({"payment": n, "amount": n * 10}).encode()))
    if producer.flush(30):
        raise CourseError("Could not write the lab's records; check `python -m course_lib status` and run the "
                          "cell again.")
    return f"{ORDERS} orders in {orders} ({PARTITIONS} partitions); {PAYMENTS} payments in {payments}"


def fee(value: bytes) -> bytes:
    """Task 4's business logic: the fee of one payment, as JSON — raises ``ValueError`` or ``KeyError`` on a
    record it cannot process (a poison record)."""
    payment = json.loads(value)
    if not isinstance(payment["amount"], int):
        raise ValueError(f"amount {payment['amount']!r} is not a whole number of cents")
    return json.dumps({"payment": payment["payment"], "fee": payment["amount"] // 50}).encode()


def _require(topic: str) -> str:
    require_topic(topic, _SET_UP_FIRST)
    return topic


def _consumer(config: dict, group: str) -> Consumer:
    if not config.get("bootstrap.servers"):
        raise NotYet("your config has no bootstrap.servers: a consumer built from it would never find the cluster.",
                     "start from {'bootstrap.servers': bootstrap, 'group.id': ...}.")
    try:
        return Consumer({**config, "group.id": group})
    except (KafkaException, ValueError, TypeError) as error:
        raise NotYet(f"a consumer could not be built from your config: {error}",
                     "build one yourself with Consumer(config) to see which setting is refused.") from None


def _check_group(config: dict) -> str:
    return f"{config.get('group.id', 'lab14')}-check-{uuid.uuid4().hex[:6]}"


@task_check("Task 1 · commit before partitions move")
def task1(lab, consumer_config: dict, on_revoke: Callable) -> str:
    """A member with ``on_revoke`` processes PROCESSED_BEFORE_JOIN orders, a second joins, both read to the end:
    every order processed, none twice."""
    orders = _require(lab.topic("orders"))
    if auto_commits(consumer_config):
        raise NotYet("your consumer commits by itself (enable.auto.commit is on); this task is about committing "
                     "yourself before partitions move.", "set enable.auto.commit to False.")
    group = _check_group(consumer_config)
    processed: list[tuple[int, int]] = []
    first, second = _consumer(consumer_config, group), _consumer(consumer_config, group)
    raised = None
    try:
        first.subscribe([orders], on_revoke=on_revoke)
        deadline = time.monotonic() + 60
        while len(processed) < PROCESSED_BEFORE_JOIN and time.monotonic() < deadline:
            _process(first.poll(1.0), processed)
        second.subscribe([orders], on_revoke=on_revoke)
        quiet_since = time.monotonic()
        while (not (first.assignment() and second.assignment()) or time.monotonic() - quiet_since < QUIET_SECONDS) \
                and time.monotonic() < deadline:
            for member in (first, second):
                if _process(member.poll(0.2), processed):
                    quiet_since = time.monotonic()
    except Exception as error:  # from the learner's callback, which poll() runs: one line, never swallowed
        raised = error
    for member in (first, second):
        try:
            member.close()  # runs on_revoke once more
        except Exception as error:
            raised = raised or error
    delete_group(group)
    if raised is not None:
        what = (f"{raised.args[0].name()}: {raised.args[0].str()}" if isinstance(raised, KafkaException)
                else f"{type(raised).__name__}: {raised}")
        raise NotYet(f"your on_revoke raised {what}",
                     "call it yourself with a consumer to see the full traceback (commit() without offsets raises "
                     "_NO_OFFSET when nothing was read since the last commit).")
    twice = sum(count - 1 for count in Counter(processed).values())
    missing = ORDERS - len(set(processed))
    if missing:
        raise NotYet(f"the two members processed {len(set(processed))} of the {ORDERS} orders.",
                     "does your config read from the beginning (auto.offset.reset=earliest)?")
    if twice:
        raise NotYet(f"when a second member joined after {PROCESSED_BEFORE_JOIN} processed orders, {twice} orders "
                     "were processed twice: the moved partitions restarted from an older commit.",
                     "on_revoke runs inside poll() before the partitions move: commit(asynchronous=False) there.")
    return (f"a second member joined after {PROCESSED_BEFORE_JOIN} orders; all {ORDERS} were processed, none "
            "twice.")


def _process(message, processed: list) -> bool:
    """Task 1's processing: note the order's (partition, offset). True if there was an order."""
    if message is None or message.error():
        return False
    processed.append((message.partition(), message.offset()))
    return True


@task_check("Task 2 · auto-commit, stored after processing")
def task2(lab, job: Callable, consumer_config: dict, producer_config: dict) -> str:
    """Run ``job(consumer, producer, orders, copies)`` with auto-commit on, crash it after CRASH_AFTER orders as the
    timer fires, run it again: every order copied, and the group at the end."""
    orders = _require(lab.topic("orders"))
    if not auto_commits(consumer_config):
        raise NotYet("your consumer does not auto-commit (enable.auto.commit is off); this task keeps the timer "
                     "and decides what it may commit.", "leave enable.auto.commit at its default, True.")
    trial = crash_and_restart(job, consumer_config, producer_config, orders, lab.topic("copies"), CRASH_AFTER,
                              crash_at="commit")
    try:
        wanted = Counter(r.value for r in read_all(orders))
        copied = Counter(r.value for r in read_all(trial.target))
        require_at_least_once(
            trial, orders, wanted, copied,
            "their offsets were stored — and auto-committed — before their copies were acknowledged.",
            "enable.auto.offset.store=False; per batch: produce the copies, flush(), then store_offsets(message) "
            "for each record.",
            "store the offset of every record you copied; close() commits what is stored.")
        return f"all {ORDERS} orders copied {trial.story}, with auto-commit; the group is at the end."
    finally:
        delete_trial(trial)


@task_check("Task 3 · a restart that moves nothing")
def task3(lab, member_config: Callable[[int], dict]) -> str:
    """Three members from ``member_config(1..3)``; member 3 restarts (close, then a new consumer from
    ``member_config(3)``): the same partitions for everyone, and no other member assigned again."""
    orders = _require(lab.topic("orders"))
    configs = {n: _member_config(member_config, n) for n in (1, 2, 3)}
    ids = [config.get("group.instance.id") for config in configs.values()]
    if None not in ids and len(set(ids)) < len(ids):
        raise NotYet(f"two members share a group.instance.id ({ids}): live members with one id fence each other "
                     "(FENCED_INSTANCE_ID).", "make the id unique per member number, and the same for a number "
                     "each time it is asked.")
    group = _check_group(configs[1])
    assigned: list[int] = []  # the member of each on_assign call

    def member(number: int, config: dict) -> Consumer:
        consumer = _consumer(config, group)
        consumer.subscribe([orders], on_assign=lambda c, partitions: assigned.append(number))
        return consumer

    members = {n: member(n, config) for n, config in configs.items()}
    try:
        _poll_until(members, lambda: all(_partitions(c) for c in members.values()), 60)
        _poll_until(members, lambda: False, 2)  # settled
        before, calls_before = {n: _partitions(c) for n, c in members.items()}, len(assigned)
        members[3].close()
        members[3] = member(3, _member_config(member_config, 3))
        _poll_until(members, lambda: False, 6)  # the restart, and any rebalance it causes
        after = {n: _partitions(c) for n, c in members.items()}
    finally:
        for consumer in members.values():
            consumer.close()
        delete_group(group)
    others = sorted({n for n in assigned[calls_before:] if n != 3})
    if others or before != after:
        raise NotYet(f"when member 3 restarted, the group rebalanced: members {others or [3]} were assigned again "
                     f"(partitions before {before}, after {after}).",
                     "give each member a group.instance.id of its own, the same every time member_config(n) is "
                     "called for that n, and a session.timeout.ms longer than a restart.")
    return f"member 3 restarted and got {after[3]} back; no other member was assigned again ({after})."


def _member_config(member_config: Callable[[int], dict], number: int) -> dict:
    try:
        return member_config(number)
    except Exception as error:  # the learner's function: one line, never swallowed
        raise NotYet(f"member_config({number}) raised {type(error).__name__}: {error}",
                     f"call member_config({number}) yourself to see the full traceback.") from None


def _partitions(consumer: Consumer) -> list[int]:
    return sorted(tp.partition for tp in consumer.assignment())


def _poll_until(members: dict, condition: Callable[[], bool], seconds: float) -> None:
    """Poll every member in turn until ``condition()`` or ``seconds`` pass (members must poll to take part)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        for consumer in members.values():
            consumer.poll(0.1)


@task_check("Task 4 · poison records to a dead-letter topic")
def task4(lab, job: Callable, consumer_config: dict, producer_config: dict) -> str:
    """Run ``job(consumer, producer, payments, fees, dead_letters)`` once: every good payment's fee in ``fees``,
    every poison record as it came in ``dead_letters`` with an ``error`` header, the group at the end."""
    payments = _require(lab.topic("payments"))
    suffix = uuid.uuid4().hex[:6]
    fees, dead_letters = lab.topic(f"fees-{suffix}"), lab.topic(f"dead-letters-{suffix}")
    for topic in (fees, dead_letters):
        create_topic(topic, partitions=1)
    group = None
    try:
        try:
            group = run_to_end(job, consumer_config, producer_config, payments, fees, dead_letters)
        except JobRaised as stopped:
            if not isinstance(stopped.error, (ValueError, KeyError)):
                raise
            raise NotYet(f"{stopped.message} — a poison record stopped your loop.",
                         "wrap fee(...) in try/except (ValueError, KeyError) and produce the record to "
                         "dead_letters instead.") from None
        values = [to_bytes(r.value) for r in read_all(payments)]
        wanted = [fee(v) for v in values if v not in POISON.values()]
        produced = [to_bytes(r.value) for r in read_all(fees)]
        letters = read_all(dead_letters)
        if Counter(produced) != Counter(wanted):
            raise NotYet(f"fees holds {len(produced)} records; {len(wanted)} wanted, one per good payment.",
                         "produce fee(message.value()) to fees for each payment fee() accepts.")
        if [to_bytes(r.value) for r in letters] != list(POISON.values()):
            raise NotYet(f"dead_letters holds {len(letters)} records; the {len(POISON)} poison payments, byte for "
                         "byte and in order, wanted.",
                         "produce message.value() unchanged to dead_letters when fee() raises.")
        unexplained = [r.offset for r in letters if not r.headers.get("error")]
        if unexplained:
            raise NotYet(f"dead letters at offsets {unexplained} carry no 'error' header saying what went wrong.",
                         "headers=[('error', str(error).encode())] on the dead letter.")
        committed = committed_offsets(group, payments)
        if committed != {0: PAYMENTS}:
            raise NotYet(f"the job handled every payment but committed {committed or 'nothing'}, not the end "
                         f"{ {0: PAYMENTS} }.", "commit after each record is handled, fee or dead letter.")
        return (f"{len(wanted)} fees written, the {len(POISON)} poison payments dead-lettered with their error, "
                "and the group at the end.")
    finally:
        for topic in (fees, dead_letters):
            delete_topic(topic)
        if group:
            delete_group(group)


@task_check("Task 5 · slow, but not stuck")
def task5(lab, consumer_config: dict) -> str:
    """A consumer from ``consumer_config`` spends SLOW_SECONDS on one order and must still commit it; then it stops
    polling for good, and must have left its group within NOTICED_WITHIN s."""
    orders = _require(lab.topic("orders"))
    group = _check_group(consumer_config)
    consumer = _consumer({**consumer_config, "enable.auto.commit": False}, group)
    try:
        consumer.subscribe([orders])
        message = _first_record(consumer)
        time.sleep(SLOW_SECONDS)  # the slow order
        try:
            ask_coordinator(lambda: consumer.commit(message=message, asynchronous=False), f"a commit of group {group}")
        except KafkaException as error:
            raise NotYet(f"after {SLOW_SECONDS} s on one order your consumer was no longer in its group: the commit "
                         f"was refused ({error.args[0].name()}).",
                         f"max.poll.interval.ms must be longer than the slowest record ({SLOW_SECONDS} s).") from None
        _first_record(consumer)  # then it hangs: no poll() any more
        hung_at = time.monotonic()
        while time.monotonic() - hung_at < NOTICED_WITHIN + 1:
            if group_state(group)[1] == 0:
                return (f"an order that took {SLOW_SECONDS} s was committed, and a hung consumer left its group "
                        f"{time.monotonic() - hung_at:.0f} s after its last poll().")
            time.sleep(0.5)
        raise NotYet(f"your consumer stopped polling and was still in its group {NOTICED_WITHIN} s later: its "
                     "partitions stay unread as long as it looks alive.",
                     f"max.poll.interval.ms at most {NOTICED_WITHIN * 1000}, and session.timeout.ms no longer.")
    finally:
        consumer.close()
        delete_group(group)


def _first_record(consumer: Consumer):
    """The next record the consumer hands out (errors skipped), within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is not None and not message.error():
            return message
    raise NotYet("your consumer got no order within 30 s.", "auto.offset.reset=earliest.")
