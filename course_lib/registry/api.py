"""The Confluent Schema Registry REST API over ``http.server``: routes, JSON shapes, error codes.

Only what confluent-kafka's ``SchemaRegistryClient`` and its serializers use, plus what a learner
tries with curl. Shapes follow Confluent's 8.x (the Docker stack's): ``schemaType`` is always
given, ``AVRO`` too (7.x left it out); booleans in the query string may be ``true`` or ``True`` (the Python client sends both), subjects are URL-encoded.
"""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import errors
from .errors import RestError
from .schemas import SCHEMA_TYPES
from .store import CONFIG_FIELDS, Registry, SchemaVersion

__all__ = ["make_server"]

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def _flag(query: dict, name: str) -> bool:
    return query.get(name, "false").lower() == "true"


def _schema_fields(record: SchemaVersion) -> dict:
    return {"id": record.id, "guid": record.guid, "schemaType": record.schema_type, "schema": record.schema}


def _subject_version(record: SchemaVersion) -> dict:
    return {"subject": record.subject, "version": record.version, **_schema_fields(record)}


def _schema_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise errors.schema_not_found(text) from None


class Routes:
    """One method per endpoint; each returns the JSON answer or raises ``RestError``."""

    def __init__(self, registry: Registry):
        self.registry = r = registry
        self.table = [
            ("GET", (), lambda q, b: {}),
            ("GET", ("schemas", "types"), lambda q, b: list(reversed(SCHEMA_TYPES))),
            ("GET", ("schemas", "ids", "*"), self.schema_by_id),
            ("GET", ("schemas", "ids", "*", "schema"), self.raw_schema_by_id),
            ("GET", ("schemas", "ids", "*", "subjects"), self.subjects_by_id),
            ("GET", ("schemas", "ids", "*", "versions"), self.versions_by_id),
            ("GET", ("schemas", "guids", "*"), self.schema_by_guid),
            ("GET", ("subjects",), self.subjects),
            ("POST", ("subjects", "*"), self.lookup),
            ("DELETE", ("subjects", "*"), self.delete_subject),
            ("GET", ("subjects", "*", "metadata"), self.latest_with_metadata),
            ("GET", ("subjects", "*", "versions"), self.versions),
            ("POST", ("subjects", "*", "versions"), self.register),
            ("GET", ("subjects", "*", "versions", "*"), self.version),
            ("DELETE", ("subjects", "*", "versions", "*"), self.delete_version),
            ("GET", ("subjects", "*", "versions", "*", "schema"), self.raw_version),
            ("GET", ("subjects", "*", "versions", "*", "referencedby"), lambda q, b, s, v: []),
            ("POST", ("compatibility", "subjects", "*", "versions", "*"), self.compatibility),
            ("POST", ("compatibility", "subjects", "*", "versions"), self.compatibility_all),
            ("GET", ("config",), lambda q, b: r.config_in_scope(None)),
            ("PUT", ("config",), lambda q, b: self.set_config(q, b, None)),
            ("DELETE", ("config",), lambda q, b: r.delete_config(None)),
            ("GET", ("config", "*"), self.get_config),
            ("PUT", ("config", "*"), self.set_config),
            ("DELETE", ("config", "*"), lambda q, b, s: r.delete_config(s)),
            ("GET", ("mode",), lambda q, b: {"mode": "READWRITE"}),
            ("GET", ("mode", "*"), lambda q, b, s: {"mode": "READWRITE"}),
            ("PUT", ("mode",), lambda q, b: self.set_mode(b)),
            ("PUT", ("mode", "*"), lambda q, b, s: self.set_mode(b)),
            ("DELETE", ("mode",), lambda q, b: {"mode": "READWRITE"}),
            ("DELETE", ("mode", "*"), lambda q, b, s: {"mode": "READWRITE"}),
            ("GET", ("contexts",), lambda q, b: ["."]),
        ]

    def dispatch(self, method: str, segments: list[str], query: dict, body):
        path_known = False
        for verb, shape, handler in self.table:
            if len(shape) != len(segments) or any(p != "*" and p != s for p, s in zip(shape, segments)):
                continue
            path_known = True
            if verb == method:
                captured = [s for p, s in zip(shape, segments) if p == "*"]
                return handler(query, body, *captured)
        if path_known:
            raise RestError(405, 405, "HTTP 405 Method Not Allowed")
        raise RestError(404, 404, "HTTP 404 Not Found")

    # -- schemas by id -------------------------------------------------------------------------
    def schema_by_id(self, query, body, schema_id):
        record = self.registry.schema_by_id(_schema_id(schema_id))
        fields = _schema_fields(record)
        del fields["id"]
        return fields

    def schema_by_guid(self, query, body, guid):
        fields = _schema_fields(self.registry.schema_by_guid(guid))
        del fields["id"]  # Confluent's answer has no id either: the deserializer needs only the schema
        return fields

    def raw_schema_by_id(self, query, body, schema_id):
        return json.loads(self.registry.schema_by_id(_schema_id(schema_id)).schema)

    def _by_id(self, query, schema_id) -> list[SchemaVersion]:
        records = self.registry.by_id(_schema_id(schema_id))
        if not records:
            raise errors.schema_not_found(schema_id)
        return [r for r in records if _flag(query, "deleted") or not r.deleted]

    def subjects_by_id(self, query, body, schema_id):
        return sorted({r.subject for r in self._by_id(query, schema_id)})

    def versions_by_id(self, query, body, schema_id):
        return [{"subject": r.subject, "version": r.version}
                for r in sorted(self._by_id(query, schema_id), key=lambda r: (r.subject, r.version))]

    # -- subjects and versions -------------------------------------------------------------------
    def subjects(self, query, body):
        names = self.registry.subjects(_flag(query, "deleted"), _flag(query, "deleted_only"),
                                       query.get("subjectPrefix", ""))
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", -1))
        return names[offset:] if limit < 0 else names[offset:offset + limit]

    def versions(self, query, body, subject):
        return self.registry.versions(subject, _flag(query, "deleted"), _flag(query, "deleted_only"))

    def version(self, query, body, subject, version):
        return _subject_version(self.registry.get_version(subject, version, _flag(query, "deleted")))

    def raw_version(self, query, body, subject, version):
        return json.loads(self.registry.get_version(subject, version, _flag(query, "deleted")).schema)

    def _parsed(self, query, body, subject):
        """The body's schema, normalized if the query or the subject's config (``normalize``) asks for it."""
        if not isinstance(body, dict):
            raise errors.invalid_schema("The request body must be a JSON object with a \"schema\" field")
        if body.get("references"):
            raise errors.invalid_schema("Schema references are not supported by the course's registry")
        normalize = _flag(query, "normalize") or self.registry.normalizes(subject)
        return self.registry.parse(body.get("schemaType"), body.get("schema"), normalize)

    def register(self, query, body, subject):
        record = self.registry.register(subject, self._parsed(query, body, subject))
        return {**_schema_fields(record), "version": record.version}

    def lookup(self, query, body, subject):
        parsed = self._parsed(query, body, subject)
        return _subject_version(self.registry.lookup(subject, parsed, _flag(query, "deleted")))

    def latest_with_metadata(self, query, body, subject):
        """Confluent's answer for a subject none of whose versions has matching metadata, always: this
        registry keeps no schema metadata. 40401 for an unknown subject, as Confluent."""
        self.registry.versions(subject, _flag(query, "deleted"))
        raise RestError(404, 40403, f"Schema not found: no version of subject '{subject}' has metadata "
                                    f"(the course's registry keeps no schema metadata)")

    def delete_subject(self, query, body, subject):
        return self.registry.delete_subject(subject, _flag(query, "permanent"))

    def delete_version(self, query, body, subject, version):
        return self.registry.delete_version(subject, version, _flag(query, "permanent"))

    # -- compatibility and config ------------------------------------------------------------------
    def _compatibility_answer(self, query, problems):
        answer = {"is_compatible": not problems}
        if _flag(query, "verbose"):
            answer["messages"] = problems
        return answer

    def compatibility(self, query, body, subject, version):
        parsed = self._parsed(query, body, subject)
        return self._compatibility_answer(query, self.registry.test_compatibility(subject, parsed, version))

    def compatibility_all(self, query, body, subject):
        parsed = self._parsed(query, body, subject)
        return self._compatibility_answer(query, self.registry.test_compatibility(subject, parsed, "all"))

    def get_config(self, query, body, subject):
        if _flag(query, "defaultToGlobal"):
            return self.registry.config_in_scope(subject)
        config = self.registry.config(subject)
        if config is None:
            raise RestError(404, 40408, f"Subject '{subject}' does not have subject-level compatibility configured")
        return config

    def set_config(self, query, body, subject):
        """Confluent's request names the level ``compatibility``; ``compatibilityLevel`` (the name in answers,
        and what the client's ``ServerConfig(compatibility_level=...)`` sends) is taken too. Unknown fields
        are ignored. The answer is the resulting config, in the request's shape."""
        if not isinstance(body, dict):
            raise errors.invalid_level(body)
        changes = {k: body[k] for k in CONFIG_FIELDS if k in body}
        if "compatibility" in body:
            changes["compatibilityLevel"] = body["compatibility"]
        config = self.registry.set_config(subject, changes)
        level = config.pop("compatibilityLevel", None)
        return config if level is None else {"compatibility": level, **config}

    def set_mode(self, body):
        mode = body.get("mode") if isinstance(body, dict) else None
        if mode != "READWRITE":
            raise RestError(422, 42204, f"Invalid mode {mode!r}: the course's registry is always READWRITE")
        return {"mode": mode}


def _handler_class(routes: Routes):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the client reuses one connection
        disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed-ACK stall
        server_version = "course-schema-registry"

        def _answer(self, status: int, payload) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str) -> None:
            url = urlsplit(self.path)
            segments = [unquote(s) for s in url.path.strip("/").split("/") if s]
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = None
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError as exc:
                        raise RestError(400, 400, f"Unexpected character in the request body: {exc}") from None
                self._answer(200, routes.dispatch(method, segments, query, body))
            except RestError as error:
                self._answer(error.status, error.body())
            except Exception as exc:  # a bug or a store failure: still a JSON answer the client can read
                self._answer(500, {"error_code": 50001, "message": f"{type(exc).__name__}: {exc}"})

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def do_PUT(self):
            self._handle("PUT")

        def do_DELETE(self):
            self._handle("DELETE")

        def log_message(self, format, *args):  # noqa: A002 - the signature http.server calls
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # socketserver's default of 5 refuses a burst of producers starting at once


def make_server(registry: Registry, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """An HTTP server for ``registry`` bound to ``host:port`` (not yet serving) (course machinery)."""
    return _Server((host, port), _handler_class(Routes(registry)))
