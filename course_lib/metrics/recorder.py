"""A tiny Prometheus for one experiment: every broker scraped every second in the background, rates worked out
afterwards (lesson 22; the dashboard's Metrics tab and lab 22 use it too).

A counter (``..._total``) only grows, so what a chart shows is its rate: the difference between two scrapes
divided by the seconds between them. A broker that restarts starts its counters from 0; a drop is read as that
restart (the new value is what was counted since), as Prometheus's ``rate()`` reads it.
"""

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from .broker import Scrape, metrics_url, scrape

__all__ = ["MetricsRecorder", "rate_between"]

SCRAPE_TIMEOUT = 2.0  # s: a broker that answers later counts as silent in that round


def rate_between(earlier: Scrape, later: Scrape, key: str) -> float | None:
    """Per second, how much counter ``key`` grew between two scrapes of one broker; None if the broker did not
    answer one of them. A counter the broker does not list yet counts as 0: a topic's appear with its first record
    (course machinery)."""
    if earlier.values is None or later.values is None or later.at <= earlier.at:
        return None
    before, after = earlier.values.get(key, 0.0), later.values.get(key, 0.0)
    return (after - before if after >= before else after) / (later.at - earlier.at)


class MetricsRecorder:
    """Scrapes each broker of ``cluster`` every ``interval`` s from ``start()`` to ``stop()`` (or a ``with`` block)
    and keeps each round of scrapes in ``rounds`` (the last ``keep`` of them, if given); a broker that does not
    answer is kept as a scrape without values. ``mark(name)`` notes a moment — a kill, a change — in ``marks``
    (lesson 22)."""

    def __init__(self, cluster, interval: float = 1.0, keep: int | None = None):
        self.interval = interval
        self.rounds: deque[list[Scrape]] = deque(maxlen=keep)
        self.marks: dict[str, float] = {}  # name → seconds since start()
        self.started_at = time.time()
        self._urls = {node.node_id: metrics_url(node) for node in cluster.nodes}
        self._pool = ThreadPoolExecutor(len(self._urls), thread_name_prefix="metrics-scrape")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def brokers(self) -> list[int]:
        return list(self._urls)

    def start(self) -> "MetricsRecorder":
        """Scrape every broker once now (the baseline: what happens after ``start`` is in the rates), then every
        ``interval`` s in the background."""
        self.started_at = time.time()
        self._stop.clear()
        self.scrape_round()
        self._thread = threading.Thread(target=self._run, name="metrics-recorder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop scraping — after one last round if it was recording, so the last change is in — for good."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.scrape_round()
        self._pool.shutdown(wait=False)

    def __enter__(self) -> "MetricsRecorder":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        began = time.monotonic()
        while not self._stop.wait(max(0.0, self.interval - (time.monotonic() - began))):
            began = time.monotonic()
            self.scrape_round()

    def scrape_round(self) -> list[Scrape]:
        """Scrape every broker at once, keep the round and return it (the dashboard's Metrics tab calls it itself)."""
        at = time.time()  # one time per round: the brokers' rows line up
        answers = self._pool.map(lambda url: scrape(url, timeout=SCRAPE_TIMEOUT), self._urls.values())
        scraped = [Scrape(at, broker, values) for broker, values in zip(self._urls, answers)]
        self.rounds.append(scraped)
        return scraped

    def mark(self, name: str) -> float:
        """Note that ``name`` (a kill, a change of settings) happens now; returns the seconds since ``start()``."""
        self.marks[name] = time.time() - self.started_at
        return self.marks[name]

    def of_broker(self, broker: int) -> list[Scrape]:
        """Broker ``broker``'s scrapes, oldest first."""
        position = self.brokers.index(broker)
        return [scraped[position] for scraped in list(self.rounds)]

    def series(self, key: str, rate: bool = False) -> dict[int, list[tuple[float, float | None]]]:
        """{broker: [(unix time, value)]} of metric ``key`` — its per-second rate with ``rate=True`` (a counter's);
        None where the broker did not answer."""
        series = {}
        for broker in self._urls:
            scrapes = self.of_broker(broker)
            if rate:
                series[broker] = [(later.at, rate_between(earlier, later, key))
                                  for earlier, later in zip(scrapes, scrapes[1:])]
            else:
                series[broker] = [(s.at, s.get(key)) for s in scrapes]
        return series

    def frame(self, key: str, rate: bool = False) -> pd.DataFrame:
        """``series`` as a table: one column per broker ("broker 1" …), one row per round of scrapes, indexed by
        seconds since ``start()``."""
        frame = pd.DataFrame({f"broker {broker}": pd.Series(dict(points), dtype="float64")
                              for broker, points in self.series(key, rate).items()}).sort_index()
        frame.index = (frame.index - self.started_at).round(1)
        frame.index.name = "seconds"
        return frame
