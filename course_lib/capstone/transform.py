"""The pipeline's business logic, as pure functions: no Kafka here, so it is easy to test and to read.

``completed_ride`` is the *transform* step (drop cancelled rides, add a derived field);
``add_ride`` is the *aggregate* step (fold one completed ride into its rider's running totals).
Introduced in lesson 13.
"""

__all__ = ["add_ride", "completed_ride"]


def completed_ride(ride: dict) -> dict | None:
    """The ride as the ``completed-rides`` topic stores it, or None for a cancelled ride."""
    if ride["status"] != "completed":
        return None
    km = ride["distance_m"] / 1000
    return {
        "ride_id": ride["ride_id"],
        "rider_id": ride["rider_id"],
        "city": ride["city"],
        "requested_at": ride["requested_at"],
        "distance_m": ride["distance_m"],
        "fare_cents": ride["fare_cents"],
        "cents_per_km": round(ride["fare_cents"] / km) if km else None,
    }


def add_ride(totals: dict | None, ride: dict) -> dict:
    """The rider's totals after one more completed ride (``totals`` None: the rider's first ride)."""
    totals = totals or {"rider_id": ride["rider_id"], "rides": 0, "distance_m": 0, "fare_cents": 0,
                        "last_ride_at": 0}
    return {
        "rider_id": totals["rider_id"],
        "rides": totals["rides"] + 1,
        "distance_m": totals["distance_m"] + ride["distance_m"],
        "fare_cents": totals["fare_cents"] + ride["fare_cents"],
        "last_ride_at": max(totals["last_ride_at"], ride["requested_at"]),
    }
