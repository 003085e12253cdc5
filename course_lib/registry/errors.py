"""The registry's error answers: Confluent's HTTP statuses, error codes and messages.

A learner's ``SchemaRegistryError`` must carry the same ``http_status_code`` and ``error_code``
from our registry as from Confluent's, so code that branches on them works on either stack.
"""

__all__ = ["RestError", "subject_not_found", "version_not_found", "schema_not_found", "invalid_schema",
           "invalid_version", "invalid_level", "incompatible", "store_timeout"]


class RestError(Exception):
    """An HTTP error answer: ``{"error_code": code, "message": message}`` with ``status`` (course machinery)."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict:
        return {"error_code": self.code, "message": self.message}


def subject_not_found(subject: str) -> RestError:
    """404, 40401: the subject does not exist (course machinery)."""
    return RestError(404, 40401, f"Subject '{subject}' not found.")


def version_not_found(version) -> RestError:
    """404, 40402: the subject has no such version (course machinery)."""
    return RestError(404, 40402, f"Version {version} not found.")


def schema_not_found(schema_id=None) -> RestError:
    """404, 40403: no schema has that id (course machinery)."""
    return RestError(404, 40403, "Schema not found" if schema_id is None else f"Schema {schema_id} not found")


def invalid_schema(message: str) -> RestError:
    """422, 42201: the schema is not valid (course machinery)."""
    return RestError(422, 42201, message)


def invalid_version(version) -> RestError:
    """422, 42202: not a version id (1 … 2^31-1 or ``latest``) (course machinery)."""
    return RestError(422, 42202, f"The specified version '{version}' is not a valid version id. Allowed values are "
                                 f"between [1, 2^31-1] and the string \"latest\"")


def invalid_level(level) -> RestError:
    """422, 42203: not a compatibility level (course machinery)."""
    return RestError(422, 42203, f"Invalid compatibility level {level!r}. Valid values are none, backward, forward, "
                                 f"full, backward_transitive, forward_transitive, and full_transitive")


def incompatible(subject: str, problems: list[str], level: str) -> RestError:
    # 40901 as in Confluent's registry 8.0.4, 8.1.2 and 8.2.0 on (the Docker stack's 8.3); older ones said 409.
    """409, 40901: the schema breaks the subject's compatibility level (course machinery)."""
    return RestError(409, 40901, f"Schema being registered is incompatible with an earlier schema for subject "
                               f"\"{subject}\", details: [{'; '.join(problems)}; compatibility: '{level}']")


def store_timeout(what: str) -> RestError:
    """500, 50002: the ``_schemas`` topic did not answer in time (course machinery)."""
    return RestError(500, 50002, f"{what} timed out: the _schemas topic did not answer in time")
