"""Lab 07's checks on the real cluster: each rejects a wrong state it can meet and accepts a right one."""

from confluent_kafka import Producer, TopicPartition

from course_lib.clients.admin import create_topic
from course_lib.labs import Lab
from course_lib.labs import lab07 as checks
from course_lib.clients.produce import produce

from job_input import batches  # tests/labs/job_input.py


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


def test_task2_wants_the_aborted_records_hidden_but_present(cluster, transaction):
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
    transaction(lab.topic("w"), topic, checks.COMMITTED)  # the aborted ones skipped
    verdict = checks.task2(lab)
    assert not verdict and "not in the log" in verdict.message

    lab = Lab("07")
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, cluster=cluster)
    produce(topic, checks.COMMITTED, cluster=cluster)  # the committed three written plainly ...
    transaction(lab.topic("w"), topic, checks.ABORTED, commit=False)
    verdict = checks.task2(lab)  # ... plus one aborted transaction
    assert not verdict and "outside any transaction" in verdict.message, verdict

    lab = Lab("07")
    topic = lab.topic("ledger")
    create_topic(topic, partitions=1, cluster=cluster)
    transaction(lab.topic("w"), topic, checks.COMMITTED)
    transaction(lab.topic("w"), topic, checks.ABORTED, commit=False)
    assert checks.task2(lab)


def _configs(lab, cluster, **consumer):
    """The two configs a student writes for task 3 (``consumer`` adds or overrides consumer settings)."""
    consumer_config = {"bootstrap.servers": cluster.bootstrap_servers, "group.id": lab.group("invoicer"),
                       "auto.offset.reset": "earliest", "enable.auto.commit": False,
                       "isolation.level": "read_committed", **consumer}
    return consumer_config, {"bootstrap.servers": cluster.bootstrap_servers, "transactional.id": lab.topic("tx")}


def _invoice(producer, invoices, order):
    producer.produce(invoices, key=order.key(), value=checks.invoice(order.value().decode()))


def exactly_once(consumer, producer, orders, invoices, next_offset=1):
    """The right answer (``next_offset=0``: the classic slip of sending the last offset read, not the next)."""
    producer.init_transactions()
    for batch in batches(consumer, orders, 50):
        producer.begin_transaction()
        for order in batch:
            _invoice(producer, invoices, order)
        last = {(m.topic(), m.partition()): m.offset() for m in batch}
        positions = [TopicPartition(t, p, offset + next_offset) for (t, p), offset in last.items()]
        producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata())
        producer.commit_transaction()


def sends_the_last_offset_read(consumer, producer, orders, invoices):
    exactly_once(consumer, producer, orders, invoices, next_offset=0)


def transactions_but_commit(consumer, producer, orders, invoices):
    """Invoices in transactions, offsets with consumer.commit() after each: two commits, a crash between them."""
    producer.init_transactions()
    for batch in batches(consumer, orders, 50):
        producer.begin_transaction()
        for order in batch:
            _invoice(producer, invoices, order)
        producer.commit_transaction()
        consumer.commit(asynchronous=False)


def at_least_once(consumer, producer, orders, invoices):
    """No transactions: copy, flush, commit — lesson 04's job, not exactly-once."""
    for batch in batches(consumer, orders, 50):
        for order in batch:
            _invoice(producer, invoices, order)
        producer.flush()
        consumer.commit(asynchronous=False)


def plain_output_plus_an_aborted_transaction(bootstrap):
    """Fakes the evidence: one aborted transaction, then plain invoices and commits."""
    def job(consumer, producer, orders, invoices):
        producer.init_transactions()
        producer.begin_transaction()
        producer.produce(invoices, key="fake", value="0.00 EUR")
        producer.abort_transaction()
        at_least_once(consumer, Producer({"bootstrap.servers": bootstrap}), orders, invoices)
    return job


def untouched(consumer, producer, orders, invoices):
    raise NotImplementedError("Your code here")


def test_task3_crashes_the_job_and_accepts_only_exactly_once(cluster):
    lab = Lab("07")
    consumer_config, producer_config = _configs(lab, cluster)
    assert "seed_orders" in checks.task3(lab, exactly_once, consumer_config, producer_config).hint  # no orders yet
    checks.seed_orders(lab)
    verdict = checks.task3(lab, untouched, consumer_config, producer_config)
    assert not verdict and "raised NotImplementedError" in verdict.message, verdict
    verdict = checks.task3(lab, exactly_once, consumer_config, {"bootstrap.servers": cluster.bootstrap_servers})
    assert not verdict and "no transactional.id" in verdict.message, verdict

    verdict = checks.task3(lab, at_least_once, consumer_config, producer_config)  # a transactional producer
    assert not verdict and "Erroneous state" in verdict.message, verdict            # outside a transaction
    verdict = checks.task3(lab, plain_output_plus_an_aborted_transaction(cluster.bootstrap_servers), consumer_config,
                           producer_config)
    assert not verdict and "written outside a transaction" in verdict.message, verdict
    verdict = checks.task3(lab, transactions_but_commit, consumer_config, producer_config)
    assert not verdict and "committed" in verdict.message and "outside the transaction" in verdict.message, verdict
    verdict = checks.task3(lab, sends_the_last_offset_read, consumer_config, producer_config)
    assert not verdict and "twice" in verdict.message, verdict
    verdict = checks.task3(lab, exactly_once, *_configs(lab, cluster, **{"auto.offset.reset": "latest"}))
    assert not verdict and "have no invoice" in verdict.message, verdict

    verdict = checks.task3(lab, exactly_once, consumer_config, producer_config)
    assert verdict and "crashed your job at order" in verdict.message and "aborted" in verdict.message, verdict


def test_invoice_formats_cents_as_euros():
    assert checks.invoice("1234") == "12.34 EUR" and checks.invoice("105") == "1.05 EUR"
