"""Checks for lab 07 (delivery guarantees): they read the topics, the batches on disk and the group's commits.

Task 1 wants every payment exactly once, written by an idempotent producer (a producer id in every
batch header). Task 2 wants one committed and one aborted transaction, every record written inside one.
Task 3 runs the learner's consume-transform-produce job itself, crashes it mid-way and restarts it
(``faults.crash_and_restart``), then wants every order invoiced exactly once for read_committed readers,
every output batch and every offset commit written in a transaction, and the group at the end of the input.

On a class's shared cluster no segment file can be read: there the checks count transaction markers (the offsets
no record takes) instead of reading batch headers, know the job's commits from its calls, and leave the producer
ids of task 1 unchecked, saying so.
"""

from collections import Counter
from collections.abc import Callable

from ..clients.admin import committed_offsets, create_topic, watermarks
from ..log.batches import data_batches, records_outside_transactions
from ..log.offsets_topic import stored_commits
from ..clients.produce import produce
from ..clients.reading import read_all
from ..session import cluster_or_course
from .checking import NotYet, require_topic, task_check, topic_exists
from .faults import Trial, auto_commits, crash_and_restart, delete_trial

__all__ = ["PAYMENTS", "COMMITTED", "ABORTED", "ORDERS", "CRASH_AFTER", "invoice", "seed_orders", "task1", "task2", "task3"]

PAYMENTS = 200
COMMITTED = ["credit alice 50", "debit bob 50", "fee bob 1"]
ABORTED = ["credit mallory 1000", "debit bank 1000"]
ORDERS = 240
CRASH_AFTER = 60  # orders handed to the first run of task 3's job before the check crashes it


def _order_cents(i: int) -> int:
    return 100 + (i * 7919) % 9900


def invoice(value: str) -> str:
    """Task 3's transformation: an order's amount in cents ("1234") → its invoice line ("12.34 EUR")."""
    cents = int(value)
    return f"{cents // 100}.{cents % 100:02d} EUR"


def seed_orders(lab) -> str:
    """Create task 3's input topic (3 partitions, ``ORDERS`` orders keyed by customer) once per attempt."""
    topic = lab.topic("orders")
    if not topic_exists(topic):
        create_topic(topic, partitions=3)
        produce(topic, [(f"customer-{i % 23}", str(_order_cents(i))) for i in range(ORDERS)])
    return topic


def _on_disk() -> bool:
    """Whether the checks can read the brokers' segment files: on the course's own cluster only."""
    return cluster_or_course().local


@task_check("Task 1 · no duplicates")
def task1(lab) -> str:
    """Payments 0..PAYMENTS-1 each stored once, by an idempotent producer."""
    topic = lab.topic("payments")
    require_topic(topic, "create it and send the numbers with an idempotent producer.")
    values = [r.value for r in read_all(topic)]
    if sorted(values) != sorted(str(i) for i in range(PAYMENTS)):
        extra = len(values) - len(set(values))
        raise NotYet(f"the topic holds {len(values)} records ({extra} duplicates); it should hold "
                     f"the numbers 0 to {PAYMENTS - 1}, each exactly once.",
                     "send str(i) for i in range(200), once each; recreate the topic to start over.")
    if not _on_disk():
        return (f"{PAYMENTS} payments, each once (whether a producer id is in every batch header is checked on the "
                "course's own cluster only).")
    anonymous = [b for b in data_batches(topic) if b.producer_id < 0]
    if anonymous:
        raise NotYet(f"{len(anonymous)} batches carry no producer id, so the broker could not "
                     "have dropped a retried duplicate.",
                     "set enable.idempotence=True on the producer, then recreate the topic and send again.")
    return f"{PAYMENTS} payments, each once, every batch with a producer id."


@task_check("Task 2 · commit and abort")
def task2(lab) -> str:
    """One committed transaction (COMMITTED) and one aborted one (ABORTED) in the ledger."""
    topic = lab.topic("ledger")
    require_topic(topic, "create it, then use a producer with a transactional.id.")
    committed = sorted(r.value for r in read_all(topic, "read_committed"))
    everything = sorted(r.value for r in read_all(topic, "read_uncommitted"))
    if committed != sorted(COMMITTED):
        leaked = sorted(set(committed) & set(ABORTED))
        raise NotYet(f"read_committed readers see {committed}"
                     + (f", including {leaked} that should have been aborted" if leaked else "")
                     + f"; they should see exactly {COMMITTED}.",
                     "begin_transaction(), produce, commit_transaction() for the first three; "
                     "the same with abort_transaction() for the other two.")
    if everything != sorted(COMMITTED + ABORTED):
        raise NotYet("the aborted records are not in the log: read_uncommitted readers should see "
                     "all five.", "write the two records inside a transaction and abort it — do not skip them.")
    if _on_disk():
        plain = records_outside_transactions(topic)
        if plain:
            raise NotYet(f"{plain} records were written outside any transaction: every "
                         "reader sees those, whatever a transaction decides.",
                         "write the committed three inside begin_transaction() … commit_transaction() as well.")
    elif (markers := sum(high - low for low, high in watermarks(topic).values()) - len(everything)) < 2:
        raise NotYet(f"the log holds {markers} transaction marker(s), not one per transaction: some records were "
                     "written outside any transaction, and every reader sees those, whatever a transaction decides.",
                     "write the committed three inside begin_transaction() … commit_transaction() as well.")
    return ("read_committed sees the three committed records; the aborted two are in the log, "
            "hidden.")


def _examples(items) -> str:
    return ", ".join(f"{key}: {value}" for key, value in sorted(items)[:3])


def _commits_outside(trial: Trial, consumer_config: dict) -> int:
    """How often the group's offsets were committed outside a transaction: from ``__consumer_offsets`` on disk,
    else (a shared cluster) from the job's own ``commit()`` calls and auto-commit."""
    if _on_disk():
        return len([c for c in stored_commits(trial.group) if not c.transactional])
    return trial.job_commits + auto_commits(consumer_config)


def _judge(trial: Trial, source: str, consumer_config: dict) -> str:
    """The verdict on a crash-and-restart trial of the invoicing job (raises ``NotYet``)."""
    if _on_disk():  # elsewhere the transactional.id task 3 insists on keeps every invoice in a transaction
        plain = records_outside_transactions(trial.target)
        if plain:
            raise NotYet(f"{plain} invoices were written outside a transaction: a crash between "
                         "writing them and committing the offsets invoices those orders again.",
                         "give the producer a transactional.id; init_transactions() once, then begin_transaction() … "
                         "commit_transaction() around each batch.")
    outside = _commits_outside(trial, consumer_config)
    if outside:
        raise NotYet(f"the group's offsets were committed {outside} times outside the transaction "
                     "(consumer.commit() or auto-commit): invoices and offsets must commit together, or a crash "
                     "between the two invoices orders twice — or never.",
                     "enable.auto.commit=False; producer.send_offsets_to_transaction(consumer.position("
                     "consumer.assignment()), consumer.consumer_group_metadata()) before commit_transaction().")
    expected = Counter((r.key, invoice(r.value)) for r in read_all(source))
    seen = Counter((r.key, r.value) for r in read_all(trial.target, "read_committed"))
    crash = trial.story
    twice, never = seen - expected, expected - seen
    if twice:
        raise NotYet(f"{crash}, read_committed readers see {sum(twice.values())} invoices twice ({_examples(twice)}).",
                     "send the consumer's positions (the next offset to read, not the last one read) in the "
                     "transaction that wrote the invoices.")
    if never:
        raise NotYet(f"{crash}, {sum(never.values())} of {sum(expected.values())} orders have no invoice "
                     f"({_examples(never)}).",
                     "subscribe with auto.offset.reset=earliest and invoice every order you are handed; "
                     "keep polling until nothing new comes.")
    ends = {p: high for p, (_, high) in watermarks(source).items() if high}
    offsets = committed_offsets(trial.group, source)
    if offsets != ends:
        raise NotYet(f"the group has committed {offsets}, not the end of every partition {ends}.",
                     "send the positions of every assigned partition with each transaction.")
    aborted = len(read_all(trial.target, "read_uncommitted")) - sum(seen.values())
    return (f"{sum(expected.values())} orders invoiced exactly once {crash}"
            + (f"; the transaction open at the crash was aborted ({aborted} invoices hidden)." if aborted else "."))


@task_check("Task 3 · exactly once through a crash")
def task3(lab, job: Callable, consumer_config: dict, producer_config: dict) -> str:
    """Run ``job(consumer, producer, orders, invoices)`` on clients built from the two configs, crash it after
    ``CRASH_AFTER`` orders, run it again, and judge the invoices, the batches and the group's commits."""
    source = lab.topic("orders")
    require_topic(source, "run the cell with checks.seed_orders(lab) first.")
    if "transactional.id" not in producer_config:
        raise NotYet("the producer's config has no transactional.id, so it cannot write transactions.",
                     'add "transactional.id": lab.topic("invoicer-tx") to it.')
    trial = crash_and_restart(job, consumer_config, producer_config, source, lab.topic("invoices"), CRASH_AFTER,
                              crash_at="produce")
    try:
        return _judge(trial, source, consumer_config)
    finally:
        delete_trial(trial)
