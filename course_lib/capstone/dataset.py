"""The capstone's data set: ride-hailing events, generated with a fixed seed (introduced in lesson 13).

Real enough to be interesting — a few heavy riders and many occasional ones, rush-hour surges,
city-specific tariffs, some cancelled rides — and identical on every machine, so a notebook can
compare what the pipeline wrote with an answer computed straight from the data. Money and distance
are whole cents and metres: sums of integers are exact, whatever order a pipeline adds them in.
"""

import json
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

__all__ = ["CITIES", "SEED", "Ride", "Tariff", "generate_rides", "ride_from_json", "ride_to_json"]

SEED = 2024
DAY_START_MS = int(datetime(2024, 6, 3, 6, 0, tzinfo=timezone.utc).timestamp() * 1000)


@dataclass(frozen=True)
class Tariff:
    """A city's prices in cents: a base fare plus a rate per km and per minute (course machinery)."""
    base_cents: int
    cents_per_km: int
    cents_per_minute: int


CITIES = {
    "Lisbon": Tariff(250, 95, 20),
    "Porto": Tariff(220, 85, 18),
    "Madrid": Tariff(300, 110, 22),
    "Berlin": Tariff(390, 150, 30),
    "Paris": Tariff(420, 170, 35),
}


@dataclass(frozen=True)
class Ride:
    """One ride request and how it ended; ``fare_cents`` and ``distance_m`` are 0 when cancelled."""
    ride_id: str
    rider_id: str
    driver_id: str
    city: str
    requested_at: int  # milliseconds since the epoch
    distance_m: int
    duration_s: int
    fare_cents: int
    status: str  # "completed" or "cancelled"
    payment: str  # "card", "wallet" or "cash"


def ride_to_json(ride: Ride) -> str:
    """``ride`` as compact JSON, the value ``produce_rides`` sends (course machinery)."""
    return json.dumps(asdict(ride), separators=(",", ":"))


def ride_from_json(text: str | bytes) -> Ride:
    """The ``Ride`` that a ``ride_to_json`` text describes (course machinery)."""
    return Ride(**json.loads(text))


def _surge(hour: float) -> float:
    """Prices rise in the morning and evening rush hours."""
    if 7.5 <= hour < 9.5 or 17 <= hour < 19.5:
        return 1.5
    if 22 <= hour:
        return 1.2
    return 1.0


def generate_rides(count: int, seed: int = SEED, riders: int = 40) -> list[Ride]:
    """``count`` rides over one day, in time order; the same ``seed`` always gives the same rides."""
    rng = random.Random(seed)
    cities = sorted(CITIES)
    homes = {f"rider-{i:03d}": rng.choice(cities) for i in range(1, riders + 1)}
    rider_ids = sorted(homes)
    activity = [1 / rank ** 0.8 for rank in range(1, riders + 1)]  # a few riders ride a lot
    gap_ms = 18 * 3600 * 1000 // max(count, 1)
    rides, now = [], DAY_START_MS
    for number in range(1, count + 1):
        now += int(rng.expovariate(1 / gap_ms)) + 1
        rider = rng.choices(rider_ids, weights=activity)[0]
        city = homes[rider] if rng.random() < 0.9 else rng.choice(cities)
        driver = f"driver-{city[:3].lower()}-{rng.randint(1, 12):02d}"
        payment = rng.choices(["card", "wallet", "cash"], weights=[6, 3, 1])[0]
        if rng.random() < 0.08:
            rides.append(Ride(f"ride-{number:05d}", rider, driver, city, now, 0, 0, 0, "cancelled", payment))
            continue
        distance_m = int(min(rng.lognormvariate(8.4, 0.6), 40_000))
        duration_s = int(distance_m / rng.uniform(5.0, 11.0)) + 60
        tariff = CITIES[city]
        hour = (now - DAY_START_MS) / 3_600_000 + 6
        fare = (tariff.base_cents + tariff.cents_per_km * distance_m / 1000
                + tariff.cents_per_minute * duration_s / 60) * _surge(hour % 24)
        rides.append(Ride(f"ride-{number:05d}", rider, driver, city, now, distance_m, duration_s,
                          int(round(fare)), "completed", payment))
    return rides
