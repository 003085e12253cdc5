"""The pipeline's three topics, and creating them (introduced in lesson 13).

``rides`` (input, keyed by rider) → ``completed-rides`` (transformed) and ``rider-totals``
(aggregated, compacted: only the latest totals per rider need to survive, like a table).
All three have the same partition count, so a rider's rides and totals share a partition number.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..clients.admin import create_topic

__all__ = ["PipelineTopics", "create_pipeline_topics", "pipeline_topics"]


@dataclass(frozen=True)
class PipelineTopics:
    """The three topic names of one pipeline (returned by ``pipeline_topics``, lesson 13)."""
    rides: str
    completed: str
    totals: str


def pipeline_topics(prefix: str = "capstone") -> PipelineTopics:
    """The topic names for one pipeline: ``<prefix>-rides``, ``<prefix>-completed-rides``, ``<prefix>-rider-totals``."""
    return PipelineTopics(f"{prefix}-rides", f"{prefix}-completed-rides", f"{prefix}-rider-totals")


def create_pipeline_topics(topics: PipelineTopics, partitions: int = 3, recreate: bool = False,
                           cluster=None) -> PipelineTopics:
    """Create the three topics side by side (``recreate``: start them empty); the totals topic is compacted."""
    configs = {topics.rides: {}, topics.completed: {},
               topics.totals: {"cleanup.policy": "compact", "segment.ms": 60_000, "min.cleanable.dirty.ratio": 0.1}}
    with ThreadPoolExecutor(len(configs)) as pool:
        futures = [pool.submit(create_topic, name, partitions, config=config, recreate=recreate, cluster=cluster)
                   for name, config in configs.items()]
        for future in futures:
            future.result()
    return topics
