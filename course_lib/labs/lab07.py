"""Checks for lab 07 (delivery guarantees): they read the topics and the batches on disk, never raise.

Task 1 wants every payment exactly once, written by an idempotent producer (a producer id in every
batch header). Task 2 wants one committed and one aborted transaction. Task 3 wants a
consume-transform-produce run that survived a crash: every order exactly once for read_committed
readers, the group's offsets at the end of the input, and an aborted batch in the output log.
"""

from ..admin import committed_offsets, create_topic, watermarks
from ..batches import data_batches
from ..produce import produce
from ..reading import read_all
from .checking import NotYet, missing_topic, task_check, topic_exists

__all__ = ["PAYMENTS", "COMMITTED", "ABORTED", "ORDERS", "invoice", "seed_orders", "task1", "task2", "task3"]

PAYMENTS = 200
COMMITTED = ["credit alice 50", "debit bob 50", "fee bob 1"]
ABORTED = ["credit mallory 1000", "debit bank 1000"]
ORDERS = 240


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


@task_check("Task 1 · no duplicates")
def task1(lab) -> str:
    """Payments 0..PAYMENTS-1 each stored once, by an idempotent producer."""
    topic = lab.topic("payments")
    if not topic_exists(topic):
        raise missing_topic(topic, "create it and send the numbers with an idempotent producer.")
    values = [r.value for r in read_all(topic)]
    if sorted(values) != sorted(str(i) for i in range(PAYMENTS)):
        extra = len(values) - len(set(values))
        raise NotYet(f"the topic holds {len(values)} records ({extra} duplicates); it should hold "
                     f"the numbers 0 to {PAYMENTS - 1}, each exactly once.",
                     "send str(i) for i in range(200), once each; recreate the topic to start over.")
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
    if not topic_exists(topic):
        raise missing_topic(topic, "create it, then use a producer with a transactional.id.")
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
    return ("read_committed sees the three committed records; the aborted two are in the log, "
            "hidden.")


@task_check("Task 3 · exactly once through a crash")
def task3(lab) -> str:
    """Every order invoiced exactly once (read_committed), offsets committed to the end, one aborted batch."""
    source, target, group = lab.topic("orders"), lab.topic("invoices"), lab.group("invoicer")
    if not topic_exists(source):
        raise missing_topic(source, "run the cell with checks.seed_orders(lab) first.")
    if not topic_exists(target):
        raise missing_topic(target, "create it and write the invoices there, in transactions.")
    expected = sorted((r.key, invoice(r.value)) for r in read_all(source))
    committed = sorted((r.key, r.value) for r in read_all(target, "read_committed"))
    if committed != expected:
        raise NotYet(f"read_committed readers see {len(committed)} invoices ({len(set(committed))} "
                     f"different); there should be {len(expected)}, one per order, keyed by customer.",
                     "invoice each order once: output and offsets in the same transaction "
                     "(send_offsets_to_transaction).")
    ends = {p: high for p, (_, high) in watermarks(source).items()}
    offsets = committed_offsets(group, source)
    if offsets != ends:
        raise NotYet(f"group {group} has committed {offsets}, not the end of every partition "
                     f"{ends}.", "consume with this group id and send its offsets to the transaction.")
    if len(read_all(target, "read_uncommitted")) <= len(committed):
        raise NotYet("the output has every invoice once, but no aborted batch: there was no crash.",
                     "run your processor once with a crash mid-transaction (e.g. crash_after=1), then again "
                     "with the same transactional.id.")
    return (f"{len(expected)} orders invoiced exactly once through a crash; the group's offsets "
            "are at the end of the input.")
