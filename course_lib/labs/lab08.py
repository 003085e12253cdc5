"""Checks for lab 08 (retention and compaction): they read topic configs, offsets and records, never raise.

Task 1 wants time retention that really deleted a segment (the log start offset moved). Task 2 wants a
compacted price list with one record — the latest price — per product. Task 3 wants one product gone
for good: no record, not even its tombstone, while every other product keeps its latest price.
"""

from ..clients.admin import topic_config, watermarks
from ..clients.reading import read_all
from ..log.retention import key_counts, latest_values
from .checking import NotYet, require_topic, task_check

__all__ = ["MAX_RETENTION_MS", "PRICE_UPDATES", "RETIRED", "KEPT", "task1", "task2", "task3"]

MAX_RETENTION_MS = 10_000
RETIRED = "retired-widget"
PRICE_UPDATES = [(product, f"{price:.2f}") for round_ in range(6)
                 for product, price in [("kafka-mug", 9.5 + round_), ("stream-socks", 4.0 + round_ / 2),
                                        ("broker-hoodie", 39.0 - round_), (RETIRED, 1.0 + round_)]]
KEPT = {product: price for product, price in PRICE_UPDATES if product != RETIRED}  # the last price of each


def _policies(topic: str) -> set[str]:
    return set(topic_config(topic, only_changed=False).get("cleanup.policy", "delete").split(","))


@task_check("Task 1 · retention deleted a segment", cluster_only=True)
def task1(lab) -> str:
    """Time retention of at most MAX_RETENTION_MS that has already deleted at least one segment."""
    topic = lab.topic("clicks")
    require_topic(topic, "create it with retention.ms and a small segment.ms.")
    config = topic_config(topic, only_changed=False)
    retention = int(config.get("retention.ms", "-1"))
    if "delete" not in _policies(topic) or not 0 < retention <= MAX_RETENTION_MS:
        raise NotYet(f"its cleanup.policy is {config.get('cleanup.policy')} and retention.ms "
                     f"{retention}; records should be deleted after at most {MAX_RETENTION_MS} ms.",
                     "cleanup.policy=delete (the default) with retention.ms=10000 or less.")
    starts = {p: start for p, (start, _) in watermarks(topic).items()}
    if not any(start > 0 for start in starts.values()):
        raise NotYet(f"no segment has been deleted yet (log start offsets {starts}).",
                     "only closed segments are deleted: set segment.ms to ~2000, write a few batches a few "
                     "seconds apart, then wait for retention.ms plus the 5 s check interval.")
    return (f"retention.ms={retention} and the broker has deleted old segments "
            f"(log start offsets {starts}).")


@task_check("Task 2 · one price per product", cluster_only=True)
def task2(lab) -> str:
    """A compacted topic holding exactly one record, the latest price, per kept product."""
    topic = lab.topic("prices")
    require_topic(topic, "create it with cleanup.policy=compact and write checks.PRICE_UPDATES to it.")
    if _policies(topic) != {"compact"}:
        raise NotYet(f"its cleanup.policy is {','.join(sorted(_policies(topic)))}; a price list "
                     "must keep the latest price forever.", "use cleanup.policy=compact (without delete).")
    records = read_all(topic)
    counts = key_counts(records)
    if any(counts[product] != 1 for product in KEPT):
        seen = {product: counts[product] for product in KEPT}
        raise NotYet(f"records per product: {seen}; compaction should leave one each.",
                     "the cleaner skips the active segment: small segment.ms, min.cleanable.dirty.ratio=0.01, "
                     "then write one more record after segment.ms has passed, and wait a few seconds.")
    latest = latest_values(records)
    wrong = {p: latest[p] for p in KEPT if latest[p] != KEPT[p]}
    if wrong:
        raise NotYet(f"these products do not show their last price: {wrong}.",
                     "write checks.PRICE_UPDATES in order with an idempotent producer (enable.idempotence=true "
                     "keeps the order when a batch is retried); the last record per key wins.")
    return f"compacted: {len(KEPT)} products, one record each, with the latest price."


@task_check("Task 3 · retire a product for good", cluster_only=True)
def task3(lab) -> str:
    """RETIRED is gone completely (no tombstone either); the other products keep their latest price."""
    topic = lab.topic("prices")
    require_topic(topic, "do task 2 first.")
    if sum(high for _, high in watermarks(topic).values()) < len(PRICE_UPDATES):
        raise NotYet("the price updates were never all written to the topic.", "do task 2 first.")
    records = read_all(topic)
    left = [r.value for r in records if r.key == RETIRED]
    if left:
        what = "its tombstone is still there" if left == [None] else f"it still has records {left}"
        raise NotYet(f"{RETIRED}: {what}.",
                     "write a tombstone (value None); it is removed after delete.retention.ms by a later "
                     "cleaning, which needs new dirty data and a rolled segment.")
    latest = latest_values(records)
    if any(latest.get(p) != price for p, price in KEPT.items()):
        raise NotYet(f"the other products lost their prices: {[latest.get(p) for p in KEPT]}.",
                     "only the retired product should go.")
    return f"{RETIRED} is gone without a trace; the other products keep their latest price."
