"""Lab 20's checks on lesson 20's real secured cluster: the right team set-up and the right quota pass; each plausible
wrong one — a wildcard, ALL, LITERAL, a reader that writes, no group ACL, a grant to everyone, a grant on the
cluster, a prefix without its dot, users that cannot log in; no quota, a quota on the wrong user, too high, or of the
wrong kind — is rejected with the reason; and nothing a check made is left on the cluster but its users, who may
do nothing."""

import pytest
from confluent_kafka.admin import (AclBinding, AclOperation, AclPermissionType, AdminClient, ResourcePatternType,
                                   ResourceType, ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion)

from course_lib.cluster.secure import MECHANISM, SecureCluster
from course_lib.labs import Lab
from course_lib.labs import lab20 as checks
from course_lib.paths import REPO_ROOT
from course_lib.toolchain.kafka_tools import run_tool
from course_lib.waiting import poll_until
from untouched import assert_told_not_yet  # tests/labs/untouched.py

TOPIC, GROUP, BROKER = ResourceType.TOPIC, ResourceType.GROUP, ResourceType.BROKER
PREFIXED, LITERAL = ResourcePatternType.PREFIXED, ResourcePatternType.LITERAL
READ, WRITE, DESCRIBE = AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE
OTHER_SCRAM = next(m for m in (ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512) if m != checks.SCRAM)


@pytest.fixture(scope="module")
def lab():
    """Lab 20 prepared as its set-up cell does; the secured cluster stopped after, unless it ran before."""
    ran_before = SecureCluster().is_running()
    lab = Lab("20")
    checks.prepare(lab)
    yield lab
    if not ran_before:
        checks.finish(lab)


def least_privilege(team: str) -> list[tuple]:
    """The grants task 1 asks for: (resource type, name, pattern, principal, operation)."""
    writer, reader, prefix = f"User:{team}-writer", f"User:{team}-reader", f"{team}."
    return [(TOPIC, prefix, PREFIXED, writer, WRITE), (TOPIC, prefix, PREFIXED, writer, DESCRIBE),
            (TOPIC, prefix, PREFIXED, reader, READ), (TOPIC, prefix, PREFIXED, reader, DESCRIBE),
            (GROUP, prefix, PREFIXED, reader, READ)]


def team_setup(grants=least_privilege, mechanism=checks.SCRAM, password=None, users=True):
    """A ``set_up_team`` like the solution's, with one of a learner's plausible slips."""
    def set_up_team(admin_config, team, passwords):
        admin = AdminClient(admin_config)
        if users:
            upserts = [UserScramCredentialUpsertion(user, ScramCredentialInfo(mechanism, 8192),
                                                    (password or passwords[user]).encode()) for user in passwords]
            for future in admin.alter_user_scram_credentials(upserts).values():
                future.result()
        bindings = [AclBinding(restype, name, pattern, principal, "*", operation, AclPermissionType.ALLOW)
                    for restype, name, pattern, principal, operation in grants(team)]
        for future in admin.create_acls(bindings).values():
            future.result()
    return set_up_team


def changed(**change):
    """``least_privilege`` changed: the writer's or reader's topic name or operation (``writer_name="*"``,
    ``reader_operation=…``), the group's name (``group_name``), every name or pattern (``all_name``, ``all_pattern``),
    a resource type dropped (``drop=GROUP``), ``extra`` grants added."""
    def grants(team):
        out = []
        for restype, name, pattern, principal, operation in least_privilege(team):
            role = "writer" if principal.endswith("-writer") else "reader"
            key = "group_name" if restype == GROUP else f"{role}_name"
            if key in change:
                name, pattern = change[key], LITERAL if change[key] == "*" else pattern
            operation = change.get(f"{role}_operation", operation) if operation != DESCRIBE else operation
            pattern = change.get("all_pattern", pattern)
            name = change.get("all_name", name)
            if change.get("drop") == restype:
                continue
            out.append((restype, name.format(team=team), pattern, principal, operation))
        return out + [(restype, name.format(team=team), pattern, principal.format(team=team), operation)
                      for restype, name, pattern, principal, operation in change.get("extra", ())]
    return grants


def test_task1_accepts_least_privilege(lab):
    verdict = checks.task1(lab, team_setup())
    assert verdict, verdict


@pytest.mark.parametrize("wrong, why", [
    (team_setup(changed(writer_name="*")), ("-writer wrote to", "-audit, outside the team's prefix", "wildcard '*'")),
    (team_setup(changed(group_name="*")), ("-reader read in the group", "-audit", "wildcard '*'")),
    (team_setup(changed(writer_operation=AclOperation.ALL)), ("-writer read", "grants ALL operations")),
    (team_setup(changed(all_pattern=LITERAL)), ("could not write to", "a LITERAL ACL names exactly one resource")),
    (team_setup(changed(all_pattern=LITERAL, all_name="{team}.orders")), ("but not to", "payments", "LITERAL")),
    (team_setup(changed(extra=[(TOPIC, "{team}.", PREFIXED, "User:{team}-reader", WRITE)])),
     ("-reader wrote to", "lets the reader WRITE")),
    (team_setup(changed(drop=GROUP)), ("could not read", "GROUP_AUTHORIZATION_FAILED")),
    (team_setup(changed(extra=[(TOPIC, "{team}.", PREFIXED, "User:*", READ)])),
     ("-writer read", "every user there is")),
    (team_setup(changed(extra=[(TOPIC, "{team}.", PREFIXED, "User:*", WRITE)])),
     ("-reader wrote", "every user there is")),
    (team_setup(changed(extra=[(BROKER, "kafka-cluster", LITERAL, "User:{team}-writer",
                                AclOperation.IDEMPOTENT_WRITE)])), ("over the whole cluster",)),
    (team_setup(changed(extra=[(TOPIC, "{team}.", PREFIXED, "User:{team}-writer", AclOperation.ALTER_CONFIGS)])),
     ("lets the writer ALTER_CONFIGS",)),
    (team_setup(changed(all_name="{team}")), ("-writer wrote to", "-audit", "reaches beyond the team's prefix")),
    (team_setup(password="team-secret"), ("cannot log in with the password",)),
    (team_setup(users=False), ("there is no user",)),
    (team_setup(mechanism=OTHER_SCRAM), (f"{MECHANISM} only",)),
    (lambda admin_config, team, passwords: (_ for _ in ()).throw(NotImplementedError), ("not written yet",)),
], ids=["wildcard topic", "wildcard group", "ALL", "LITERAL", "LITERAL orders", "reader writes", "no group ACL",
        "User:* reads", "User:* writes", "cluster", "alter configs", "prefix without dot", "wrong password", "no users",
        "other SCRAM", "not written"])
def test_task1_rejects(lab, wrong, why):
    verdict = checks.task1(lab, wrong)
    assert not verdict and all(part in verdict.message for part in why), verdict


def quota_tool(*entity, config="producer_byte_rate", scale=1):
    """A ``limit_writer`` like the solution's, putting ``config`` on ``entity`` (the writer when empty)."""
    def limit_writer(admin_properties, bootstrap_servers, team, bytes_per_second):
        target = [arg.format(team=team) for arg in entity] or ["--entity-name", f"{team}-writer"]
        run_tool("kafka-configs", "--bootstrap-server", bootstrap_servers, "--command-config", admin_properties,
                 "--alter", "--add-config", f"{config}={bytes_per_second * scale}", "--entity-type", "users", *target)
    return limit_writer


def test_task2_accepts_a_quota_on_the_writer(lab):
    verdict = checks.task2(lab, quota_tool())
    assert verdict, verdict
    assert "throttled" in verdict.message


@pytest.mark.parametrize("wrong, why", [
    (lambda admin_properties, bootstrap_servers, team, bytes_per_second: None, "has no quota"),
    (quota_tool("--entity-name", "{team}-reader"), "not on the writer"),
    (quota_tool("--entity-default"), "the default user"),
    (quota_tool("--entity-name", "User:{team}-writer"), "not on the writer"),
    (quota_tool(scale=1024), "asked for"),
    (quota_tool(config="consumer_byte_rate"), "no producer_byte_rate"),
], ids=["no quota", "on the reader", "on every user", "User: in the name", "1024 times too high", "consumer quota"])
def test_task2_rejects(lab, wrong, why):
    verdict = checks.task2(lab, wrong)
    assert not verdict and why in verdict.message, verdict


def test_a_writer_without_a_quota_is_never_throttled(lab):
    """The behaviour task 2 judges tells a quota from none: without one, the whole load goes through unthrottled."""
    team = checks._Team(SecureCluster())
    try:
        team.set_up()
        team.sync()  # every broker knows the users and ACLs before the load starts
        written, throttles, _, _ = checks._flood(team.login(team.writer), team.orders, 32 * 1024)
    finally:
        team.close()
    assert sum(count for _, count in written) >= 30 * 32 * 1024 and not [t for t in throttles if t[1] > 0], throttles


def test_the_checks_leave_nothing_behind_but_powerless_users(lab):
    """No ACL, quota or topic of a check stays; its users do (Kafka 4.4.0: see lab20's docstring), allowed nothing."""
    secure = SecureCluster()
    admin = AdminClient(secure.client_config("admin"))

    def left() -> list:  # a broker learns of a deletion a moment after the controller made it
        return ([b for b in checks._all_acls(admin) if "lab20" in b.principal or b.name.startswith("lab20")
                 or b.principal == "User:*" or b.name == "*"]
                + [t for t in admin.list_topics(timeout=10).topics if t.startswith("lab20")])
    poll_until(left, "the checks' ACLs and topics to be gone", timeout=15, done=lambda found: not found)
    assert not [name for name in checks._quotas(secure) if name is None or "lab20" in name]


def test_the_untouched_student_copy_is_told_not_yet(lab):
    assert_told_not_yet(REPO_ROOT / "labs" / "20_listeners_and_security" / "student.ipynb")
