"""Lab 07's checks on the real cluster: each rejects a wrong state it can meet and accepts a right one."""

from course_lib.admin import create_topic
from course_lib.labs import Lab
from course_lib.labs import lab07 as checks
from course_lib.produce import produce
from course_lib.transactions import process_exactly_once, transactional_producer, write_transaction


def test_task1_wants_every_payment_once_from_an_idempotent_producer(cluster):
    lab = Lab("07")
    assert not checks.task1(lab)  # nothing done yet
    topic = lab.topic("payments")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, [str(i) for i in range(checks.PAYMENTS)], cluster=cluster)  # plain producer
    verdict = checks.task1(lab)
    assert not verdict and "producer id" in verdict.message

    lab = Lab("07")
    topic = lab.topic("payments")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, [str(i) for i in range(checks.PAYMENTS)] + ["7"], enable_idempotence=True, cluster=cluster)
    verdict = checks.task1(lab)
    assert not verdict and "1 duplicates" in verdict.message

    lab = Lab("07")
    topic = lab.topic("payments")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, [str(i) for i in range(checks.PAYMENTS)], enable_idempotence=True, cluster=cluster)
    assert checks.task1(lab)


def test_task2_wants_the_aborted_records_hidden_but_present(cluster):
    lab = Lab("07")
    assert not checks.task2(lab)
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, checks.COMMITTED + checks.ABORTED, cluster=cluster)  # no transactions at all
    verdict = checks.task2(lab)
    assert not verdict and "should have been aborted" in verdict.message

    lab = Lab("07")
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, cluster=cluster)
    write_transaction(transactional_producer(lab.topic("w"), cluster), topic, checks.COMMITTED)  # aborted ones skipped
    verdict = checks.task2(lab)
    assert not verdict and "not in the log" in verdict.message

    lab = Lab("07")
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, cluster=cluster)
    writer = transactional_producer(lab.topic("w"), cluster)
    write_transaction(writer, topic, checks.COMMITTED)
    write_transaction(writer, topic, checks.ABORTED, commit=False)
    assert checks.task2(lab)


def _to_invoice(record):
    return record.key, checks.invoice(record.value)


def test_task3_wants_exactly_once_output_committed_offsets_and_a_crash(cluster):
    lab = Lab("07")
    assert not checks.task3(lab)  # no orders yet
    orders = checks.seed_orders(lab)
    assert not checks.task3(lab)  # no invoices yet
    invoices = lab.topic("invoices")
    create_topic(invoices, partitions=3, cluster=cluster)
    process_exactly_once(orders, invoices, _to_invoice, lab.group("invoicer"), lab.topic("tx"),
                         expected=checks.ORDERS, batch_size=60, cluster=cluster)  # right output, but no crash
    verdict = checks.task3(lab)
    assert not verdict and "no aborted batch" in verdict.message

    produce(invoices, [("customer-1", "1.00 EUR")], cluster=cluster)  # an extra, non-transactional invoice
    verdict = checks.task3(lab)
    assert not verdict and "one per order" in verdict.message

    lab = Lab("07")
    orders = checks.seed_orders(lab)
    invoices = lab.topic("invoices")
    create_topic(invoices, partitions=3, cluster=cluster)
    for crash in (1, None):
        process_exactly_once(orders, invoices, _to_invoice, lab.group("invoicer"), lab.topic("tx"),
                             expected=checks.ORDERS, batch_size=60, crash_after=crash, cluster=cluster)
    assert checks.task3(lab)


def test_invoice_formats_cents_as_euros():
    assert checks.invoice("1234") == "12.34 EUR" and checks.invoice("105") == "1.05 EUR"
