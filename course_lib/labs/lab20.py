"""Checks for lab 20 (listeners and security), on lesson 20's secured cluster (SASL_SSL, SCRAM, ACLs).

Each check makes a team of its own — a fresh name ``lab20<hex>``, the topics ``<team>.orders`` and
``<team>.payments`` under the team's prefix and ``<team>-audit`` outside it — calls the learner's function as the
administrator, then logs in as the team's users and tries, for real, what they may and may not do. Afterwards it
deletes every ACL the attempt made, the quotas it changed and the topics. It keeps the users, with no ACL and a
password nobody kept: on Kafka 4.4.0 a restart after a SCRAM user was deleted leaves every broker rejecting every
SCRAM password (seen while lesson 20 was written, not every time), so the course never deletes one.

- task 1: the learner's ``set_up_team`` makes two SCRAM users and least-privilege PREFIXED ACLs — the
  writer writes the team's topics, the reader reads them in the team's groups, and nobody does anything else. The
  check judges what the brokers allow and refuse, and what ``describe_acls`` lists: a grant no attempt exercises
  (one on the cluster, or ALTER on the topics) is over-broad all the same;
- task 2: the learner's ``limit_writer`` puts a produce quota on the writer with Kafka's ``kafka-configs``: the
  check reads every user's quotas back (``--describe``), then writes as fast as it can as the writer and wants the
  broker to throttle it down to the quota.

``prepare(lab)`` starts the secured cluster and deletes the ACLs, quotas and topics an interrupted check left there
(names ``lab20…``).
"""

import random
import re
import secrets
import time
import uuid
from collections.abc import Callable

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient,
                                   NewTopic, ResourcePatternType, ResourceType, ScramCredentialInfo, ScramMechanism,
                                   UserScramCredentialUpsertion)

from ..clients.admin import applied_everywhere
from ..cluster.secure import MECHANISM, SecureCluster
from ..connection import quiet_logger
from ..toolchain.kafka_tools import run_tool
from .checking import NotYet, answer_of, task_check

__all__ = ["TEAM_PREFIX", "SCRAM", "prepare", "task1", "task2", "finish"]

TEAM_PREFIX = "lab20"  # every name a check makes starts with it, so prepare() can find what an interrupted one left
SCRAM = ScramMechanism[MECHANISM.replace("-", "_")]  # the one mechanism the cluster's listeners take
OUTSIDER = "alice"  # a user of the secured cluster who is on no check's team
GRANT_TIMEOUT = 3.0  # an allowed action is retried this long (the check waits for the brokers first: _Team.sync)
AFTER_THROTTLE = 2.5  # task 2 measures the writer this long after the broker first throttled it
FLOOD_TIMEOUT = 12.0  # and gives up waiting for a throttle after this long
_SET_UP_FIRST = "run the set-up cell at the top of the lab: checks.prepare(lab) starts the secured cluster."
_REFUSED = {"TOPIC_AUTHORIZATION_FAILED", "GROUP_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED"}
_ALL_ACLS = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY,
                             AclPermissionType.ANY)
# Least privilege: what each role needs, and nothing else. Kafka lets READ and WRITE imply DESCRIBE, so granting
# DESCRIBE as well is allowed, not required.
_NEEDS = {"writer": {ResourceType.TOPIC: {AclOperation.WRITE, AclOperation.DESCRIBE}},
          "reader": {ResourceType.TOPIC: {AclOperation.READ, AclOperation.DESCRIBE},
                     ResourceType.GROUP: {AclOperation.READ, AclOperation.DESCRIBE}}}
_NEEDS_SAID = {"writer": "WRITE on the team's topics", "reader": "READ on the team's topics and groups"}


# -- the secured cluster ----------------------------------------------------------------------------------------

def _secure() -> SecureCluster:
    secure = SecureCluster()
    if not secure.is_running():
        raise NotYet("the secured cluster is not running.", _SET_UP_FIRST)
    return secure


def _admin(secure: SecureCluster) -> AdminClient:
    return AdminClient({**secure.client_config("admin"), "logger": quiet_logger})


def _all_acls(admin: AdminClient) -> list[AclBinding]:
    return admin.describe_acls(_ALL_ACLS, request_timeout=15).result()


def _delete_acls(admin: AdminClient, bindings: list[AclBinding]) -> None:
    if bindings:
        filters = [AclBindingFilter(b.restype, b.name, b.resource_pattern_type, b.principal, b.host, b.operation,
                                    b.permission_type) for b in bindings]
        for future in admin.delete_acls(filters, request_timeout=15).values():
            future.result()


_QUOTA_LINE = re.compile(r"Quota configs for (?:(?:user-principal|client-id) '(?P<name>.*)'|the default \S+) "
                         r"are (?P<configs>.*)$")


def _tool(secure: SecureCluster, *args: str):
    """``kafka-configs`` against the secured cluster, as admin."""
    return run_tool("kafka-configs", "--bootstrap-server", secure.bootstrap_servers, "--command-config",
                    str(secure.client_properties("admin")), *args, timeout=60)


def _quotas(secure: SecureCluster, entity_type: str = "users") -> dict:
    """Every quota of ``entity_type`` (users or clients) as ``kafka-configs --describe`` prints them:
    {name: {config: value}}, the default entity under the name None."""
    quotas = {}
    for line in _tool(secure, "--describe", "--entity-type", entity_type).lines:
        if match := _QUOTA_LINE.match(line.strip()):
            pairs = (pair.split("=", 1) for pair in match["configs"].split(", ") if "=" in pair)
            quotas[match["name"]] = {key: float(value) for key, value in pairs}
    return quotas


def _entity(entity_type: str, name: str | None) -> tuple[str, ...]:
    return ("--entity-type", entity_type, *(("--entity-name", name) if name is not None else ("--entity-default",)))


def _restore_quotas(secure: SecureCluster, before: dict, after: dict, entity_type: str = "users") -> None:
    """Put every quota of ``entity_type`` that changed between ``before`` and ``after`` back as it was."""
    for name in set(before) | set(after):
        old, new = before.get(name, {}), after.get(name, {})
        if old == new:
            continue
        if added := [key for key in new if key not in old]:
            _tool(secure, "--alter", "--delete-config", ",".join(added), *_entity(entity_type, name))
        if changed := {key: value for key, value in old.items() if new.get(key) != value}:
            values = ",".join(f"{key}={_number(value)}" for key, value in changed.items())
            _tool(secure, "--alter", "--add-config", values, *_entity(entity_type, name))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def prepare(lab) -> SecureCluster:
    """Start lesson 20's secured cluster if it is not running, and delete what an interrupted check of lab 20 left on
    it: the ACLs, quotas and topics of names that start with ``lab20`` (its users stay: see the module's docstring)."""
    secure = SecureCluster().up()
    admin = _admin(secure)
    _delete_acls(admin, [b for b in _all_acls(admin)
                         if b.principal.startswith(f"User:{TEAM_PREFIX}") or b.name.startswith(TEAM_PREFIX)])
    for entity_type in ("users", "clients"):
        quotas = _quotas(secure, entity_type)
        left = {name: configs for name, configs in quotas.items() if name and TEAM_PREFIX in name}
        _restore_quotas(secure, {}, left, entity_type)
    topics = [topic for topic in admin.list_topics(timeout=15).topics if topic.startswith(TEAM_PREFIX)]
    if topics:
        for future in admin.delete_topics(topics, operation_timeout=30).values():
            future.result()
    return secure


def finish(lab) -> str:
    """Stop lesson 20's secured cluster (lab 20); ``checks.prepare(lab)`` or ``python -m course_lib up --secure``
    starts it again."""
    SecureCluster().down()
    return "Secured cluster stopped."


# -- a check's team ---------------------------------------------------------------------------------------------

class _Team:
    """One check's team: its name, users, passwords and topics; ``close()`` deletes what the attempt made (but the
    users: their passwords die with this object)."""

    def __init__(self, secure: SecureCluster):
        self.secure, self.admin = secure, _admin(secure)
        self.name = f"{TEAM_PREFIX}{uuid.uuid4().hex[:6]}"
        self.prefix = f"{self.name}."
        self.writer, self.reader = f"{self.name}-writer", f"{self.name}-reader"
        self.passwords = {user: secrets.token_urlsafe(12) for user in (self.writer, self.reader)}
        self.orders, self.payments = f"{self.prefix}orders", f"{self.prefix}payments"
        self.group = f"{self.prefix}readers"
        self.outside = f"{self.name}-audit"  # a topic and a group outside the prefix — but not outside 'lab20abc'
        self.acls_before = set(_all_acls(self.admin))
        self.quotas_before: dict | None = None  # the users' quotas before the learner's code ran (task 2)
        self.topics = [self.orders, self.payments, self.outside]
        self.syncs = 0
        futures = self.admin.create_topics([NewTopic(topic, 1, 3) for topic in self.topics], operation_timeout=30)
        try:
            for future in futures.values():
                future.result()
        except KafkaException:
            self.close()
            raise

    def __enter__(self) -> "_Team":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def login(self, user: str) -> dict:
        """A client configuration for ``user`` (a team member with the check's password, or a course user)."""
        config = self.secure.client_config("admin")
        password = self.passwords.get(user) or self.secure.password(user)
        return {**config, "sasl.username": user, "sasl.password": password, "logger": quiet_logger}

    def sync(self) -> None:
        """Wait until every broker has applied what the learner's code just changed (``applied_everywhere``)."""
        self.syncs += 1
        applied_everywhere(self.login("admin"), f"{self.name}-sync{self.syncs}")

    def new_acls(self) -> list[AclBinding]:
        """The ACLs made since the team was: the learner's."""
        return sorted(set(_all_acls(self.admin)) - self.acls_before)

    def set_up(self) -> None:
        """What task 1 asks for, done by the check (task 2 starts from a team that is right)."""
        for user, password in self.passwords.items():
            upsert = UserScramCredentialUpsertion(user, ScramCredentialInfo(SCRAM, 8192), password.encode())
            for future in self.admin.alter_user_scram_credentials([upsert]).values():
                future.result()
        grants = [(ResourceType.TOPIC, self.writer, AclOperation.WRITE),
                  (ResourceType.TOPIC, self.reader, AclOperation.READ),
                  (ResourceType.GROUP, self.reader, AclOperation.READ)]
        bindings = [AclBinding(restype, self.prefix, ResourcePatternType.PREFIXED, f"User:{user}", "*", operation,
                               AclPermissionType.ALLOW) for restype, user, operation in grants]
        for future in self.admin.create_acls(bindings).values():
            future.result()

    def close(self) -> None:
        mine = [b for b in _all_acls(self.admin) if b not in self.acls_before
                or b.principal in (f"User:{self.writer}", f"User:{self.reader}") or b.name.startswith(self.name)]
        _delete_acls(self.admin, mine)
        if self.quotas_before is not None:
            _restore_quotas(self.secure, self.quotas_before, _quotas(self.secure))
        for future in self.admin.delete_topics(self.topics, operation_timeout=30).values():
            try:
                future.result()
            except KafkaException:
                pass  # already gone


# -- what a user may do: tried for real --------------------------------------------------------------------------

def _login_failed(errors: list) -> bool:
    return any(error.code() == KafkaError._AUTHENTICATION for error in errors)


def _write(config: dict, topic: str, timeout: float = 10.0) -> str | None:
    """Produce one record with ``config``: None once it is written, else why not — "login" when the broker refused
    the password, else the error's name (TOPIC_AUTHORIZATION_FAILED)."""
    errors, outcome = [], []
    producer = Producer({**config, "message.timeout.ms": int(timeout * 1000), "error_cb": errors.append})
    producer.produce(topic, b"written by the lab 20 check", on_delivery=lambda error, msg: outcome.append(error))
    deadline = time.monotonic() + timeout + 1
    while not outcome and not _login_failed(errors) and time.monotonic() < deadline:
        producer.poll(0.1)
    producer.purge()
    producer.flush(0)
    if outcome and outcome[0] is None:
        return None
    if _login_failed(errors):
        return "login"
    return outcome[0].name() if outcome else "no answer"


def _read(config: dict, topic: str, group: str | None = None, timeout: float = 10.0) -> str | None:
    """Read ``topic`` from its start with ``config``, subscribed in ``group`` (or, without one, assigned partition 0,
    no group used): None once a record arrives, else "login", the refusal's name, or "no record"."""
    errors = []
    consumer = Consumer({**config, "group.id": group or f"{TEAM_PREFIX}-unused-{uuid.uuid4().hex[:6]}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False, "error_cb": errors.append})
    try:
        # A user refused even DESCRIBE (which READ implies) gets no error from a fetch: the topic's metadata says it.
        try:
            refused = consumer.list_topics(topic, timeout=timeout).topics[topic].error
        except KafkaException:
            return "login" if _login_failed(errors) else "no metadata"
        if refused is not None and refused.name() in _REFUSED:
            return refused.name()
        if group:
            consumer.subscribe([topic])
        else:
            consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _login_failed(errors):
                return "login"
            msg = consumer.poll(0.3)
            if msg is None:
                continue
            if not msg.error():
                return None
            # Without a group of its own to use, a consumer that reads by assignment still looks for the group's
            # coordinator, and is refused it: that is no refusal to read.
            if msg.error().name() in _REFUSED and (group or msg.error().name() != "GROUP_AUTHORIZATION_FAILED"):
                return msg.error().name()
        return "no record"
    finally:
        consumer.close()


def _until_allowed(attempt: Callable[[], str | None], timeout: float = GRANT_TIMEOUT) -> str | None:
    """Try ``attempt`` until it succeeds (None) or ``timeout`` passes; the last outcome."""
    deadline = time.monotonic() + timeout
    while (outcome := attempt()) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    return outcome


# -- judging the learner's ACLs ----------------------------------------------------------------------------------

def _shown(b: AclBinding) -> str:
    return (f"`{b.permission_type.name} {b.principal} {b.operation.name} on {b.restype.name} '{b.name}' "
            f"({b.resource_pattern_type.name})`")


def _overreach(team: _Team, b: AclBinding) -> str | None:
    """Why the learner's ACL ``b`` grants more than least privilege, in one sentence; None when it does not."""
    roles = {f"User:{team.writer}": "writer", f"User:{team.reader}": "reader"}
    if b.principal not in roles:
        who = "every user there is" if b.principal == "User:*" else f"{b.principal}, who is not on the team"
        return f"your ACL {_shown(b)} is for {who}: the team's grants belong to its writer and its reader only."
    if b.permission_type == AclPermissionType.DENY:
        return None  # taking a right away is never over-broad
    role = roles[b.principal]
    if b.restype == ResourceType.BROKER:  # Kafka's CLUSTER resource, 'kafka-cluster'
        return (f"your ACL {_shown(b)} gives the {role} a power over the whole cluster (Kafka's CLUSTER resource); "
                f"it needs only {_NEEDS_SAID[role]}.")
    kind = b.restype.name.lower()
    if b.name == "*":
        return f"your ACL {_shown(b)} uses the wildcard '*': every {kind} of the cluster, not only the team's."
    if b.operation == AclOperation.ALL:
        return (f"your ACL {_shown(b)} grants ALL operations — delete, alter, read, write — where the {role} needs "
                f"only {_NEEDS_SAID[role]}.")
    if not b.name.startswith(team.prefix):
        reach = (f" — it covers '{team.outside}' too" if b.resource_pattern_type == ResourcePatternType.PREFIXED
                 and team.outside.startswith(b.name) else "")
        return f"your ACL {_shown(b)} reaches beyond the team's prefix '{team.prefix}'{reach}."
    if b.restype not in _NEEDS[role]:
        return f"your ACL {_shown(b)} gives the {role} a {kind} right it does not need: only {_NEEDS_SAID[role]}."
    if b.operation not in _NEEDS[role][b.restype]:
        return (f"your ACL {_shown(b)} lets the {role} {b.operation.name} a {kind} — more than it needs "
                f"({_NEEDS_SAID[role]}).")
    return None


def _granting(bindings: list[AclBinding], principal: str, restype: ResourceType, name: str,
              operation: AclOperation) -> AclBinding | None:
    """The first of ``bindings`` that allows ``principal`` ``operation`` on the ``restype`` called ``name``."""
    for b in bindings:
        if (b.permission_type == AclPermissionType.ALLOW and b.principal in (principal, "User:*")
                and b.restype == restype and b.operation in (operation, AclOperation.ALL)
                and (b.name == "*" or b.name == name
                     or (b.resource_pattern_type == ResourcePatternType.PREFIXED and name.startswith(b.name)))):
            return b
    return None


def _refused_because(bindings: list[AclBinding], restype: ResourceType, principal: str) -> str:
    """Why an action the task allows was refused, from the learner's ACLs of ``principal`` on ``restype``."""
    own = [b for b in bindings if b.principal == principal and b.restype == restype
           and b.permission_type == AclPermissionType.ALLOW]
    if not own:
        return f"no ACL of yours lets {principal} at a {restype.name}."
    if any(b.resource_pattern_type == ResourcePatternType.LITERAL for b in own):
        return ("a LITERAL ACL names exactly one resource, and PREFIXED covers every name under the prefix: "
                + ", ".join(map(_shown, own)) + ".")
    return f"your ACLs of {principal} on a {restype.name}: " + ", ".join(map(_shown, own)) + "."


_LOGIN_HINT = ("alter_user_scram_credentials([UserScramCredentialUpsertion(user, ScramCredentialInfo("
               f"ScramMechanism.{SCRAM.name}, 8192), passwords[user].encode())]) — the password given, as bytes.")
_ACL_HINT = ("grant only: the writer WRITE on TOPIC '<team>.' (PREFIXED); the reader READ on TOPIC '<team>.' and on "
             "GROUP '<team>.' (PREFIXED); each to 'User:<name>', host '*', ALLOW.")


@task_check("Task 1 · a team: two users, least privilege")
def task1(lab, set_up_team: Callable) -> str:
    """Call ``set_up_team(admin_config, team, passwords)`` for a fresh team, then log in as its writer and reader and
    try what each may and may not do; want exactly the PREFIXED grants the task asks for."""
    secure = _secure()
    with _Team(secure) as team:
        answer_of(set_up_team, secure.client_config("admin"), team.name, dict(team.passwords))
        team.sync()
        described = team.admin.describe_user_scram_credentials([team.writer, team.reader])
        for user, future in described.items():
            try:
                mechanisms = [info.mechanism for info in future.result().scram_credential_infos]
            except KafkaException:
                raise NotYet(f"there is no user {user} on the cluster.", _LOGIN_HINT) from None
            if SCRAM not in mechanisms:
                raise NotYet(f"{user} has a {mechanisms[0].name.replace('_', '-')} password, but the cluster's "
                             f"listener takes {MECHANISM} only.", _LOGIN_HINT)
        bindings = team.new_acls()
        writer, reader = f"User:{team.writer}", f"User:{team.reader}"

        wrote = _until_allowed(lambda: _write(team.login(team.writer), team.orders))
        if wrote == "login":
            raise NotYet(f"{team.writer} cannot log in with the password it was given.", _LOGIN_HINT)
        if wrote is not None:
            raise NotYet(f"{team.writer} could not write to {team.orders} ({wrote}): "
                         + _refused_because(bindings, ResourceType.TOPIC, writer), _ACL_HINT)
        wrote = _write(team.login(team.writer), team.payments)
        if wrote is not None:
            raise NotYet(f"{team.writer} wrote to {team.orders} but not to {team.payments}, another topic of the team "
                         f"({wrote}): " + _refused_because(bindings, ResourceType.TOPIC, writer), _ACL_HINT)
        read = _until_allowed(lambda: _read(team.login(team.reader), team.orders, team.group))
        if read == "login":
            raise NotYet(f"{team.reader} cannot log in with the password it was given.", _LOGIN_HINT)
        if read is not None:
            restype = ResourceType.GROUP if read == "GROUP_AUTHORIZATION_FAILED" else ResourceType.TOPIC
            raise NotYet(f"{team.reader} could not read {team.orders} in the group {team.group} ({read}): "
                         + _refused_because(bindings, restype, reader), _ACL_HINT)

        # What least privilege refuses: each tried as it would happen, the first that was allowed reported.
        attempts = [
            (f"{team.writer} read {team.orders}", writer, ResourceType.TOPIC, team.orders, AclOperation.READ,
             lambda: _read(team.login(team.writer), team.orders)),
            (f"{team.reader} wrote to {team.orders}", reader, ResourceType.TOPIC, team.orders, AclOperation.WRITE,
             lambda: _write(team.login(team.reader), team.orders)),
            (f"{team.writer} wrote to {team.outside}, outside the team's prefix", writer, ResourceType.TOPIC,
             team.outside, AclOperation.WRITE, lambda: _write(team.login(team.writer), team.outside)),
            (f"{team.reader} read in the group {team.outside}, outside the team's prefix", reader, ResourceType.GROUP,
             team.outside, AclOperation.READ, lambda: _read(team.login(team.reader), team.orders, team.outside)),
            (f"{OUTSIDER}, who is not on the team, wrote to {team.orders}", f"User:{OUTSIDER}", ResourceType.TOPIC,
             team.orders, AclOperation.WRITE, lambda: _write(team.login(OUTSIDER), team.orders)),
            (f"{OUTSIDER}, who is not on the team, read {team.orders}", f"User:{OUTSIDER}", ResourceType.TOPIC,
             team.orders, AclOperation.READ, lambda: _read(team.login(OUTSIDER), team.orders)),
        ]
        for said, principal, restype, name, operation, attempt in attempts:
            # an attempt an ACL grants gets the time a grant takes to work; one nothing grants, a single try
            granted = _granting(bindings, principal, restype, name, operation)
            if (_until_allowed(attempt) if granted else attempt()) is None:
                why = ((_overreach(team, granted) or f"your ACL {_shown(granted)} allows it.") if granted
                       else "an ACL that was on the cluster before allows it (describe_acls shows which).")
                raise NotYet(f"{said}, which least privilege refuses: {why}", _ACL_HINT)
    reasons = [reason for b in bindings if (reason := _overreach(team, b))]
    if reasons:
        raise NotYet(reasons[0], _ACL_HINT)
    return (f"{team.writer} wrote to the team's topics and {team.reader} read them in the group {team.group}; the "
            f"writer could not read, the reader could not write, neither reached {team.outside}, nor did "
            f"{OUTSIDER} — {len(bindings)} ACLs, none broader than the task.")


# -- task 2: a produce quota ------------------------------------------------------------------------------------

def _flood(config: dict, topic: str, quota: int) -> tuple[list, list, float, float]:
    """Write as fast as the broker lets ``config``'s user: until the broker has throttled it and ``AFTER_THROTTLE`` s
    more have passed, or 30 s' worth of ``quota`` is written unthrottled, or ``FLOOD_TIMEOUT`` s pass.
    ([(when, bytes) of each record written], [(when, seconds) of each throttle reported], started, ended)."""
    written, throttles = [], []
    size = max(1024, quota // 16)
    producer = Producer({**config, "acks": "all", "linger.ms": 5, "batch.size": 16384,
                         "queue.buffering.max.kbytes": 256,
                         "throttle_cb": lambda event: throttles.append((time.monotonic(), event.throttle_time))})
    value = bytes(size)

    def delivered(error, msg):
        if error is None:
            written.append((time.monotonic(), len(msg.value())))

    started, offered = time.monotonic(), 0
    while True:
        now = time.monotonic()
        held = next((when for when, pause in throttles if pause > 0), None)
        if ((held and now - held >= AFTER_THROTTLE) or sum(count for _, count in written) >= 30 * quota
                or now - started >= FLOOD_TIMEOUT):
            break
        if offered < 40 * quota:
            try:
                producer.produce(topic, value, on_delivery=delivered)
                offered += size
            except BufferError:  # the client's queue is full: the broker holds the writer back
                producer.poll(0.05)
        else:
            producer.poll(0.05)
        producer.poll(0)
    producer.purge()
    producer.flush(0)
    return written, throttles, started, now


def _kib(count: float) -> str:
    return f"{count / 1024:.0f} KiB"


_QUOTA_HINT = ('run_tool("kafka-configs", "--bootstrap-server", bootstrap_servers, "--command-config", '
               'admin_properties, "--alter", "--add-config", f"producer_byte_rate={bytes_per_second}", '
               '"--entity-type", "users", "--entity-name", f"{team}-writer").')


@task_check("Task 2 · a produce quota for the writer")
def task2(lab, limit_writer: Callable) -> str:
    """Set up a team as task 1 asks, call ``limit_writer(admin_properties, bootstrap_servers, team,
    bytes_per_second)``, read the users' quotas back, then write as the writer as fast as it can: want the broker to
    throttle the writer, and only it, to the quota."""
    secure = _secure()
    quota = random.choice((32, 48, 64, 80)) * 1024
    with _Team(secure) as team:
        team.set_up()
        team.quotas_before = before = _quotas(secure)
        answer_of(limit_writer, str(secure.client_properties("admin")), secure.bootstrap_servers, team.name, quota)
        team.sync()
        after = _quotas(secure)
        changed = [name for name in set(before) | set(after) if before.get(name) != after.get(name)]
        others = [name for name in changed if name != team.writer]
        said = ", ".join("the default user (every user without a quota of its own)" if name is None
                         else f"'{name}'" for name in others)
        if others and team.writer not in changed:
            hint = ("--entity-name takes the user's name alone, without 'User:'." if f"User:{team.writer}" in others
                    else _QUOTA_HINT)
            raise NotYet(f"your quota went on {said}, not on the writer '{team.writer}'.", hint)
        if others:
            raise NotYet(f"you changed the quotas of {said} as well as the writer's; only the writer is to be limited.",
                         _QUOTA_HINT)
        if not changed:
            clients = {name: configs for name, configs in _quotas(secure, "clients").items()
                       if name and team.name in name}
            _restore_quotas(secure, {}, clients, "clients")  # what the learner put on the team's client ids goes
            elsewhere = f" (there is one on the client id '{next(iter(clients))}')" if clients else ""
            raise NotYet(f"the writer '{team.writer}' has no quota: `kafka-configs --describe --entity-type users` "
                         f"shows none{elsewhere}.", _QUOTA_HINT)
        configs = after[team.writer]
        if "producer_byte_rate" not in configs:
            shown = ", ".join(f"{key}={_number(value)}" for key, value in configs.items())
            raise NotYet(f"the writer's quota is {shown}, with no producer_byte_rate: that is what limits writing.",
                         _QUOTA_HINT)
        if configs["producer_byte_rate"] != quota:
            raise NotYet(f"the writer's producer_byte_rate is {_number(configs['producer_byte_rate'])} bytes/s, not "
                         f"the {quota} asked for.", "pass bytes_per_second as it is: the quota is in bytes per second.")

        written, throttles, started, ended = _flood(team.login(team.writer), team.orders, quota)
    held = [(when, pause) for when, pause in throttles if pause > 0]
    total = sum(count for _, count in written)
    if not held:
        raise NotYet(f"the writer wrote {_kib(total)} in {ended - started:.1f} s and the broker never throttled it: "
                     "the quota is not in force.", _QUOTA_HINT)
    first = held[0][0]
    burst = sum(count for when, count in written if when <= first)
    later = sum(count for when, count in written if when > first) / max(ended - first, 0.5)
    if later > 2 * quota:
        raise NotYet(f"after the broker first throttled the writer it still wrote {_kib(later)}/s, more than twice "
                     f"the quota of {_kib(quota)}/s.", _QUOTA_HINT)
    return (f"writing as fast as it could, the writer got its first {_kib(burst)} through at once (a quota is measured "
            f"over an 11-s window, so a new user may write ~10 s' worth first); then the broker throttled it — "
            f"up to {max(pause for _, pause in held):.1f} s per request — to {_kib(later)}/s, within the quota of "
            f"{_kib(quota)}/s. Nobody else's quota changed.")
