"""Put the data set into the pipeline's input topic (introduced in lesson 13).

Keyed by rider, so each rider's rides stay in order in one partition — the aggregation relies on it.
The producer is idempotent: a retry after a lost acknowledgement cannot write a ride twice.
"""

from collections.abc import Iterable

from ..clients.produce import produce
from .dataset import Ride, ride_to_json

__all__ = ["produce_rides"]


def produce_rides(topic: str, rides: Iterable[Ride], cluster=None) -> int:
    """Send ``rides`` to ``topic`` (key = rider id, value = JSON) and return how many were acknowledged."""
    records = [(ride.rider_id, ride_to_json(ride)) for ride in rides]
    return len(produce(topic, records, cluster=cluster, enable_idempotence=True, linger_ms=20))
