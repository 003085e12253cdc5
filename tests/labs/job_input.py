"""What the stand-in learner jobs of the lab tests share (labs 04, 07 and 14): their input, in batches."""

import time


def batches(consumer, topic: str, size: int = 100):
    """Subscribe to ``topic`` and yield batches of up to ``size`` records until 3 s pass without one (a check ends a
    run sooner, once the input is drained)."""
    consumer.subscribe([topic])
    last_seen = time.monotonic()
    while time.monotonic() - last_seen < 3:
        batch = [m for m in consumer.consume(size, timeout=0.5) if m.error() is None]
        if batch:
            last_seen = time.monotonic()
            yield batch
