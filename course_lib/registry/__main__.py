"""``python -m course_lib.registry --bootstrap ... --port ...``: the registry process.

Started detached by ``RegistryService`` (so it outlives notebook kernels); SIGTERM stops it cleanly.
It binds its port first (so a taken port fails at once), then reads ``_schemas`` to its end, and
only then answers HTTP — an answer therefore always means "ready".
"""

import argparse
import signal
import sys
import threading

from .api import make_server  # course_lib/__init__.py has spared it jsonschema's slow optional import
from .kafka_log import SchemasTopic, TopicProblem
from .store import Registry


def main(argv: list[str] | None = None) -> int:
    """Serve the registry until SIGTERM; the exit status (1: port taken or ``_schemas`` unusable) (course machinery)."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.registry",
                                     description="The course's Confluent-compatible schema registry.")
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--home", help="the registry's directory (marks this process as the course's)")
    args = parser.parse_args(argv)

    registry = Registry()
    try:
        server = make_server(registry, args.port, args.host)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr, flush=True)
        return 1
    log = SchemasTopic(args.bootstrap, registry.apply)
    registry.attach(log)
    try:
        log.ensure_topic()
        log.start()
    except TopicProblem as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(f"schema registry ready on http://{args.host}:{args.port} (bootstrap {args.bootstrap}, "
          f"{len(registry.subjects())} subjects)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        log.close()
    print("schema registry stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
