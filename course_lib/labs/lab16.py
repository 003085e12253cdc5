"""Checks for lab 16 (Kafka Streams): the set-up runs Apache's WordCount demo (a Kafka Streams JVM, through
``StreamsApp``) over lines it writes; each check calls the learner's function with a config of its own and
compares the answer with what the cluster holds:

- task 1: ``latest_counts(config)`` reads WordCount's output with a ``Consumer`` — Java ``Long`` values, one update
  per change — and returns each word's current count;
- task 2: ``state_topics(config, application_id)`` finds the application's internal topics with an
  ``AdminClient`` and says how each is cleaned up (the changelog compacted, the repartition topic not).
"""

import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable

from confluent_kafka import Producer

from ..clients.admin import create_topic, delete_topic, list_topics, topic_config, wait_until_group_empty
from ..clients.reading import read_all
from ..clients.records import to_bytes
from ..cluster.streams_app import StreamsApp
from ..connection import client_config
from ..errors import CourseError
from ..session import cluster_or_course
from .checking import NotYet, answer_of, require_topic, task_check
from .faults import delete_group

__all__ = ["INPUT", "OUTPUT", "LINES", "wordcount", "prepare", "word_counts", "task1", "task2", "finish"]

INPUT, OUTPUT = "streams-plaintext-input", "streams-wordcount-output"  # the names WordCount is built with
LINES = ["to be or not to be", "that is the question", "to stream or to batch", "the stream is the log",
         "be the log"]
_SET_UP_FIRST = "run the set-up cell at the top of the lab first."


def wordcount(lab) -> StreamsApp:
    """This attempt's WordCount application, running or not."""
    return StreamsApp(cluster_or_course(), {"application.id": lab.group("wordcount"), "commit.interval.ms": 500,
                                              "session.timeout.ms": 10000})  # it stays in its group after stop


def word_counts(lines: list[str]) -> Counter:
    """Each word's count, split as WordCount splits (lower case, on non-word characters)."""
    return Counter(word for line in lines for word in re.split(r"\W+", line.lower()) if word)


def _output_counts(cluster) -> dict[str, int]:
    """The latest count per word in OUTPUT, as the check reads it (its own group-less consumer)."""
    counts = {}
    for record in read_all(OUTPUT, cluster=cluster):
        counts[record.key] = int.from_bytes(to_bytes(record.value), "big", signed=True)  # read_all decoded it
    return counts


def prepare(lab) -> str:
    """Fresh input and output topics, the lab's lines written, and WordCount running on them until it has counted
    every line (re-running the cell while it runs changes nothing)."""
    cluster, app = cluster_or_course(), wordcount(lab)
    if not app.alive:
        for topic in (INPUT, OUTPUT):
            if topic in list_topics():
                delete_topic(topic)
            create_topic(topic, partitions=2)
        producer = Producer(client_config(cluster.bootstrap_servers))
        for line in LINES:
            producer.produce(INPUT, value=line)
        if producer.flush(30):
            raise CourseError("Could not write the lab's lines; check `python -m course_lib status` and run the "
                              "cell again.")
        app.start()
    wanted, deadline = dict(word_counts(LINES)), time.monotonic() + 60
    while _output_counts(cluster) != wanted:
        if time.monotonic() > deadline:
            raise CourseError(f"WordCount did not count the lab's lines within 60 s; the end of its log "
                              f"({app.process.log_file}) says:\n{app.log(10)}")
        time.sleep(0.5)
    return (f"WordCount ({app.application_id}) is running and has counted {len(LINES)} lines from {INPUT} into "
            f"{OUTPUT}")


def _require_app(lab) -> StreamsApp:
    app = wordcount(lab)
    if not app.alive:
        raise NotYet("this attempt's WordCount is not running.", _SET_UP_FIRST)
    require_topic(OUTPUT, _SET_UP_FIRST)
    return app


@task_check("Task 1 · each word's count, from a Java application's output")
def task1(lab, latest_counts: Callable) -> str:
    """Call ``latest_counts(config)`` with a new group and want the counts WordCount's output holds now."""
    _require_app(lab)
    group = f"{lab.group('reader')}-{uuid.uuid4().hex[:6]}"
    config = {"bootstrap.servers": cluster_or_course().bootstrap_servers, "group.id": group}
    try:
        got = answer_of(latest_counts, dict(config))
    finally:
        delete_group(group)
    wanted = _output_counts(cluster_or_course())
    if not isinstance(got, dict):
        raise NotYet(f"your function returned {type(got).__name__}, not a dict.", "return {word: count}.")
    if not got:
        raise NotYet("your function read nothing: a new group starts at the end of a topic unless told otherwise.",
                     "add 'auto.offset.reset': 'earliest' to the config, and poll until the topic is read.")
    if any(not isinstance(word, str) for word in got):
        raise NotYet(f"your keys are {type(next(iter(got))).__name__}, not text.", "decode each key: key().decode().")
    if any(isinstance(count, (bytes, str)) for count in got.values()):
        raise NotYet("your counts are not numbers: WordCount writes each count as a Java Long — 8 bytes.",
                     "struct.unpack('>q', message.value())[0].")
    if got == wanted:
        return f"all {len(wanted)} words, each with its latest count (e.g. 'the': {wanted['the']})."
    if all(count > 2 ** 32 for count in got.values()):
        raise NotYet(f"your counts are huge (e.g. {next(iter(got.values())):,}): Java writes a Long most "
                     "significant byte first — big-endian.", "struct.unpack('>q', ...) (or int.from_bytes(..., 'big')).")
    if set(got) == set(wanted) and all(got[word] >= wanted[word] for word in wanted):
        raise NotYet(f"'{_differs(got, wanted)}' has {got[_differs(got, wanted)]}, but it is "
                     f"{wanted[_differs(got, wanted)]} times in the lines: each update is the word's new total, not "
                     "an increment.", "keep the last value per word (a dict assignment), do not add them up.")
    if set(got) == set(wanted) and all(got[word] <= wanted[word] for word in wanted):
        raise NotYet(f"'{_differs(got, wanted)}' has {got[_differs(got, wanted)]}, but its latest count is "
                     f"{wanted[_differs(got, wanted)]}: you kept an earlier update.",
                     "a later update of a word replaces the earlier one: keep the last.")
    missing = sorted(set(wanted) - set(got))
    if missing:
        raise NotYet(f"{len(missing)} of the {len(wanted)} words are missing (e.g. {missing[0]!r}): the topic was "
                     "not read to its end.", "poll until a poll returns nothing for a second or two.")
    raise NotYet(f"'{_differs(got, wanted)}' has {got.get(_differs(got, wanted))}; WordCount says "
                 f"{wanted.get(_differs(got, wanted))}.", "one entry per word, its latest count.")


def _differs(got: dict, wanted: dict) -> str:
    return next(word for word in sorted(set(got) | set(wanted)) if got.get(word) != wanted.get(word))


@task_check("Task 2 · the application's own topics, and how each is cleaned up")
def task2(lab, state_topics: Callable) -> str:
    """Call ``state_topics(config, application_id)`` and want ``{internal topic: cleanup.policy}``."""
    app = _require_app(lab)
    config = {"bootstrap.servers": cluster_or_course().bootstrap_servers}
    got = answer_of(state_topics, dict(config), app.application_id)
    wanted = {name: topic_config(name, only_changed=False)["cleanup.policy"]
              for name in list_topics() if name.startswith(f"{app.application_id}-")}
    if not isinstance(got, dict):
        raise NotYet(f"your function returned {type(got).__name__}, not a dict.", "return {topic: cleanup.policy}.")
    extra = sorted(set(got) - set(wanted))
    if extra:
        raise NotYet(f"{extra[0]} is not one of {app.application_id}'s own topics: Kafka Streams names each of them "
                     "'<application.id>-…'.", "keep the topics whose name starts with the application.id and '-'.")
    missing = sorted(set(wanted) - set(got))
    if missing:
        raise NotYet(f"{missing[0]} is missing: the application made {len(wanted)} topics.",
                     "list every topic (AdminClient.list_topics) and keep the application's.")
    for name in sorted(wanted):
        if got[name] != wanted[name]:
            raise NotYet(f"{name}: you said cleanup.policy={got[name]!r}; the cluster says {wanted[name]!r}.",
                         "ask the cluster: AdminClient.describe_configs([ConfigResource('topic', name)]).")
    return (f"{len(wanted)} topics: the store's changelog compacted (a table: the latest count per word), the "
            "repartition topic cleanup.policy=delete (a passage: Kafka Streams purges what it has read).")


def finish(lab) -> str:
    """Stop this attempt's WordCount and delete what it made (its internal topics, its group, its state folder)."""
    app = wordcount(lab)
    was_running = app.alive
    app.stop()
    shutil.rmtree(app.dir, ignore_errors=True)
    internal = [name for name in list_topics() if name.startswith(f"{app.application_id}-")]
    for name in internal + [topic for topic in (INPUT, OUTPUT) if topic in list_topics()]:
        delete_topic(name)
    if was_running:
        wait_until_group_empty(app.application_id)  # Kafka Streams does not leave on close: its session runs out
    delete_group(app.application_id)
    return f"WordCount stopped; deleted {len(internal)} internal topics, {INPUT}, {OUTPUT} and its group."
