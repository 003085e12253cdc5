"""``python -m course_lib class provision roster.csv --out DIR``: each student's user, ACLs, quotas and profile file.

Idempotent: what is there already is left as it is, and a second run says "already there". A student's password
comes from the roster, else from their profile file of an earlier run, else ``secrets``; it is set again on every
run (the same one, so the student notices nothing), which also lets a revoked student back in.
"""

import uuid
from pathlib import Path

from ..clients.admin import applied_everywhere
from ..profile import Profile, read_profile, write_properties
from ..tidy import counted
from .admin import Admin
from .grants import granted, grants, set_quotas, user_quotas
from .passwords import existing_users, new_password, set_password
from .roster import Student

__all__ = ["provision", "student_profile"]


def provision(admin: Admin, students: list[Student], out: Path, quotas: dict[str, int] | None = None,
              dry_run: bool = False) -> str:
    """Give each student a user, their ACLs, ``quotas`` (``{"producer_byte_rate": bytes per second, …}``) and
    ``out/<student>.properties``; one line per student, what was done (or, ``dry_run``, would be) (course machinery)."""
    quotas = quotas or {}
    lines = []
    with admin.session() as client:
        users = existing_users(client, [student.name for student in students])
        quotas_now = user_quotas(admin) if quotas else {}
        for student in students:
            file = out / f"{student.name}.properties"
            password = student.password or (read_profile(file).security.get("sasl.password") if file.is_file()
                                            else None) or new_password()
            profile = student_profile(admin, student, password)
            missing = grants(student.name) - granted(client, student.name)
            quota_changes = {key: value for key, value in quotas.items()
                             if quotas_now.get(student.name, {}).get(key) != value}
            rewrite = not file.is_file() or read_profile(file).properties() != profile.properties()
            todo = [what for what, needed in (("user", student.name not in users),
                                              (counted(len(missing), "ACL"), missing),
                                              ("quota", quota_changes), (str(file), rewrite)) if needed]
            if not dry_run:
                set_password(client, student.name, password)
                if missing:
                    for future in client.create_acls(sorted(missing, key=str), request_timeout=15).values():
                        future.result()
                if quota_changes:
                    set_quotas(admin, student.name, quota_changes)
                if rewrite:
                    out.mkdir(parents=True, exist_ok=True)
                    write_properties(profile, file)
            verb = "would create" if dry_run else "created"
            lines.append(f"{student.name}: {verb} {', '.join(todo)}" if todo else f"{student.name}: already there")
    if not dry_run:  # so that a student who starts at once is not refused by a broker a moment behind
        applied_everywhere(admin.config, f"_course_provision_sync_{uuid.uuid4().hex[:8]}")
    return "\n".join(lines)


def student_profile(admin: Admin, student: Student, password: str) -> Profile:
    """What ``student`` hands to ``COURSE_PROFILE``: the admin's address and TLS trust, the student's SCRAM
    login and namespace, the admin's registry URL (course machinery)."""
    tls = "SSL" in admin.config.get("security.protocol", "").upper()
    security = {"security.protocol": "SASL_SSL" if tls else "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512",
                "sasl.username": student.name, "sasl.password": password}
    if "ssl.ca.location" in admin.config:
        security["ssl.ca.location"] = str(admin.config["ssl.ca.location"])
    return Profile(admin.bootstrap_servers, security, student.namespace, admin.registry_url)
