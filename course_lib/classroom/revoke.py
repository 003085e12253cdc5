"""``python -m course_lib class revoke STUDENT...``: a student's ACLs and quotas deleted, their password changed to one
written nowhere (their user is kept: see ``passwords``), their profile file deleted with ``--out``."""

from pathlib import Path

from confluent_kafka.admin import AclBindingFilter, AclOperation, AclPermissionType, ResourcePatternType, ResourceType

from ..tidy import counted
from .admin import Admin
from .grants import drop_quotas, user_quotas
from .passwords import existing_users, new_password, set_password

__all__ = ["revoke"]


def revoke(admin: Admin, names: list[str], out: Path | None = None, dry_run: bool = False) -> str:
    """Shut each of ``names`` out; one line per student, what was done (or, ``dry_run``, would be) (course machinery)."""
    lines = []
    with admin.session() as client:
        users = existing_users(client, names)
        quotas = user_quotas(admin)
        for name in names:
            every = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, f"User:{name}", None,
                                     AclOperation.ANY, AclPermissionType.ANY)
            acls = client.describe_acls(every, request_timeout=15).result()
            file = out / f"{name}.properties" if out else None
            todo = [what for what, needed in ((f"delete {counted(len(acls), 'ACL')}", acls),
                                              ("delete the quota", quotas.get(name)),
                                              ("change the password to one written nowhere", name in users),
                                              (f"delete {file}", file and file.is_file())) if needed]
            if not dry_run:
                if acls:
                    client.delete_acls([every], request_timeout=15)[every].result()
                if quotas.get(name):
                    drop_quotas(admin, name, list(quotas[name]))
                if name in users:
                    set_password(client, name, new_password())
                if file and file.is_file():
                    file.unlink()
            if not todo:
                lines.append(f"{name}: nothing to revoke (no user, ACL, quota or profile file)")
            else:
                lines.append(f"{name}: {'would ' if dry_run else 'done: '}{', '.join(todo)}")
    return "\n".join(lines)
