"""``python -m course_lib tidy``: delete the topics and consumer groups that lessons, labs and tests left behind.

Every partition makes a broker restart slower (after a crash it checks each log and catches up before it
is back in every ISR), and each lesson and lab run adds new ones. No lesson reads a topic an earlier one
made, so none of them is needed later. Kept: topics named ``_…`` (Kafka's own ``__consumer_offsets``,
``__transaction_state`` and ``__share_group_state``, the registry's ``_schemas``, the course's ``_course_ready``), a
student's recorded lab verdicts on a class's shared cluster (``<namespace>course-verdicts``), and consumer groups
that are not empty (a group with members is in use; Kafka refuses to delete it anyway).
"""

import time
from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import dataclass

from confluent_kafka import ConsumerGroupState, KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from .connection import client_config, reason
from .errors import CourseError

__all__ = ["VERDICTS_TOPIC", "Leftovers", "listed_groups", "find_leftovers", "delete_leftovers", "delete_created", "tidy", "sweep",
           "counted"]

ALREADY_GONE = {KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError.GROUP_ID_NOT_FOUND}  # deleted since it was listed
IN_USE = {"stable", "preparing_rebalancing", "completing_rebalancing"}  # states of a group with members


VERDICTS_TOPIC = "course-verdicts"  # where a class's student's lab verdicts are recorded (labs.recorded), namespaced


def is_infrastructure(topic: str) -> bool:
    """Kafka's internal topics (``__*``), ``_schemas`` and ``_course_ready``, and a student's recorded verdicts on a
    class's shared cluster (``<namespace>course-verdicts``): never deleted."""
    return topic.startswith("_") or topic.endswith(VERDICTS_TOPIC)


@dataclass(frozen=True)
class Leftovers:
    """What ``find_leftovers`` found: topics and empty groups to delete, and what is kept (course machinery)."""
    topics: dict[str, int]  # name → partitions, to delete
    kept_topics: dict[str, int]  # infrastructure: name → partitions
    empty_groups: tuple[str, ...]  # to delete
    busy_groups: dict[str, str]  # group → its state (stable, preparing_rebalancing …): kept

    def only(self, wanted: Callable[[str], bool]) -> "Leftovers":
        """The topics and groups whose names are ``wanted``."""
        return Leftovers({t: n for t, n in self.topics.items() if wanted(t)},
                         {t: n for t, n in self.kept_topics.items() if wanted(t)},
                         tuple(g for g in self.empty_groups if wanted(g)),
                         {g: state for g, state in self.busy_groups.items() if wanted(g)})

    def names(self) -> set[str]:
        return {*self.topics, *self.kept_topics, *self.empty_groups, *self.busy_groups}


def listed_groups(admin: AdminClient, timeout: float = 10, loading_wait: float = 15) -> list:
    """Every consumer group the brokers list (``ConsumerGroupListing``s), asked again for up to ``loading_wait`` s
    while a broker answers COORDINATOR_LOAD_IN_PROGRESS: for seconds after a restart a coordinator still loading its
    ``__consumer_offsets`` partitions lists none of its groups. A broker that does not answer (down) is left out.

    Course machinery.
    """
    deadline = time.monotonic() + loading_wait
    while True:
        listing = admin.list_consumer_groups(request_timeout=timeout).result()
        if not any(_is_loading(error) for error in listing.errors or ()) or time.monotonic() > deadline:
            return listing.valid
        time.sleep(0.5)


def _is_loading(error) -> bool:
    """Whether one broker's error in a group listing (a KafkaException, or a KafkaError) says it is still loading."""
    kafka_error = error.args[0] if isinstance(error, KafkaException) and error.args else error
    return getattr(kafka_error, "code", lambda: None)() == KafkaError.COORDINATOR_LOAD_IN_PROGRESS


def find_leftovers(admin: AdminClient, timeout: float = 10) -> Leftovers:
    """Every topic and consumer group on the cluster, sorted into what ``tidy`` deletes and what it keeps.

    Course machinery.
    """
    metadata = admin.list_topics(timeout=timeout).topics
    partitions = {name: len(topic.partitions) for name, topic in sorted(metadata.items()) if topic.error is None}
    listings = sorted(listed_groups(admin, timeout), key=lambda g: g.group_id)
    return Leftovers({t: n for t, n in partitions.items() if not is_infrastructure(t)},
                     {t: n for t, n in partitions.items() if is_infrastructure(t)},
                     tuple(g.group_id for g in listings if g.state == ConsumerGroupState.EMPTY),
                     {g.group_id: g.state.name.lower() for g in listings if g.state != ConsumerGroupState.EMPTY})


def delete_leftovers(admin: AdminClient, leftovers: Leftovers, timeout: float = 30) -> dict[tuple[str, str], str]:
    """Delete ``leftovers.topics`` and ``leftovers.empty_groups``, one request each; ``{("topic" or "group",
    name): why not}`` for those Kafka refused (a group that got a member since it was listed, say).

    Course machinery.
    """
    futures = {}
    if leftovers.topics:
        deleting = admin.delete_topics(list(leftovers.topics), operation_timeout=timeout, request_timeout=timeout)
        futures |= {("topic", name): future for name, future in deleting.items()}
    if leftovers.empty_groups:
        deleting = admin.delete_consumer_groups(list(leftovers.empty_groups), request_timeout=timeout)
        futures |= {("group", name): future for name, future in deleting.items()}
    wait(futures.values(), timeout=timeout + 5)
    refused = {}
    for key, future in futures.items():
        if not future.done():
            refused[key] = f"no answer within {timeout:.0f} s"
        elif isinstance(future.exception(), KafkaException) and future.exception().args[0].code() not in ALREADY_GONE:
            refused[key] = reason(future.exception())
    return refused


def tidy(cluster, dry_run: bool = False, prefixes: tuple[str, ...] = ()) -> str:
    """Delete (``dry_run``: only list) the leftovers on ``cluster`` — only names starting with one of
    ``prefixes`` if any are given (on a class's shared cluster, only in the student's namespace); the report, one
    line per topic and group and a summary.

    Course machinery.
    """
    if cluster.local and not any(node.process.alive for node in cluster.nodes):
        raise CourseError("The course cluster is not running; start it with `python -m course_lib up`, "
                          "then run `python -m course_lib tidy` again.")
    prefixes = tuple(cluster.namespaced(prefix) for prefix in prefixes) or ((cluster.namespace,) if cluster.namespace
                                                                         else ())
    try:
        return sweep(AdminClient(client_config(cluster.bootstrap_servers)), dry_run, prefixes)
    except KafkaException as exc:
        raise CourseError(f"The cluster did not answer ({reason(exc)}); check `python -m course_lib status` "
                          f"and try again.") from None


def sweep(admin: AdminClient, dry_run: bool = False, prefixes: tuple[str, ...] = ()) -> str:
    """What ``tidy`` does once it has an admin client (``class cleanup`` brings the instructor's): delete (or list)
    the leftovers, only names starting with one of ``prefixes`` if any; the report. Raises ``KafkaException``.

    Course machinery.
    """
    leftovers = find_leftovers(admin)
    if prefixes:
        leftovers = leftovers.only(lambda name: name.startswith(prefixes))
    refused = {} if dry_run else delete_leftovers(admin, leftovers)
    return _report(leftovers, refused, dry_run)


def _report(leftovers: Leftovers, refused: dict[tuple[str, str], str], dry_run: bool) -> str:
    done = "would delete" if dry_run else "deleted"
    lines = []
    for topic, count in leftovers.topics.items():
        outcome = refused.get(("topic", topic), done)
        lines.append(f"topic  {topic:<50} {counted(count, 'partition'):>14}  {outcome}")
    for topic, count in leftovers.kept_topics.items():
        lines.append(f"topic  {topic:<50} {counted(count, 'partition'):>14}  kept: Kafka's or the course's own")
    for group in leftovers.empty_groups:
        lines.append(f"group  {group:<50} {'empty':>14}  {refused.get(('group', group), done)}")
    for group, state in leftovers.busy_groups.items():
        why = "it has live members (stop its consumers first)" if state in IN_USE else "not empty"
        lines.append(f"group  {group:<50} {state:>14}  kept: {why}")
    topics = [t for t in leftovers.topics if ("topic", t) not in refused]
    groups = [g for g in leftovers.empty_groups if ("group", g) not in refused]
    kept = [f"{counted(len(leftovers.kept_topics), 'topic')} of Kafka and the course "
            f"({counted(sum(leftovers.kept_topics.values()), 'partition')})"]
    if leftovers.busy_groups:
        kept.append(f"{counted(len(leftovers.busy_groups), 'group')} in use")
    if refused:
        kept.append(f"{len(refused)} that Kafka refused to delete")
    summary = (f"{done.capitalize()} {counted(len(topics), 'topic')} "
               f"({counted(sum(leftovers.topics[t] for t in topics), 'partition')}) "
               f"and {counted(len(groups), 'group')}; kept: {', '.join(kept)}.")
    if dry_run and (topics or groups):
        summary += " Run without --dry-run to delete them."
    return "\n".join(lines + [summary])


def counted(number: int, noun: str) -> str:
    """A count with its noun: "3 topics", "1 group" (course machinery)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def delete_created(admin: AdminClient, existing: set[str], list_timeout: float = 10, delete_timeout: float = 30
                   ) -> tuple[Leftovers, dict[tuple[str, str], str]]:
    """Delete the topics and empty groups whose names are not in ``existing`` (``Leftovers.names()`` taken
    earlier): what was created since. Returns them and what Kafka refused, as ``delete_leftovers`` does.

    Course machinery.
    """
    created = find_leftovers(admin, timeout=list_timeout).only(lambda name: name not in existing)
    return created, delete_leftovers(admin, created, timeout=delete_timeout)
