"""How fast the course's schema registry registers schemas, and how fast AvroSerializer runs against it.

    .venv/bin/python benchmarks/registry.py [--registrations 100] [--messages 20000] [--threads 4]

Uses the course cluster of the current environment (COURSE_HOME, COURSE_*_PORTS, COURSE_REGISTRY_PORT),
starting it if needed. Prints:
- registrations/s: new schemas (each a new id, so each one an acks=all write to ``_schemas`` that
  the registry reads back before answering), one client after another, then from ``--threads`` clients;
- re-registrations/s: a schema the subject already has (answered from memory, no write);
- AvroSerializer msgs/s: ``serializer(record, ctx)`` once the schema id is cached (the first call
  registers it), which is what a producer loop pays per message.
"""

import argparse
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from course_lib import connect
from course_lib.registry import registry_url


def new_schema(tag: str) -> Schema:
    name = "Bench_" + tag.replace("-", "_")
    return Schema(json.dumps({"type": "record", "name": name, "fields": [{"name": "n", "type": "long"}]}))


def rate(count: int, action) -> float:
    started = time.perf_counter()
    action()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    connect(quiet=True)
    url = registry_url()
    run = uuid.uuid4().hex[:8]
    n = args.registrations

    def register_sequentially():
        client = SchemaRegistryClient({"url": url})
        for i in range(n):
            client.register_schema(f"bench-{run}-seq-{i}", new_schema(f"{run}_seq_{i}"))

    def register_in_parallel():
        clients = [SchemaRegistryClient({"url": url}) for _ in range(args.threads)]
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(lambda i: clients[i % args.threads].register_schema(
                f"bench-{run}-par-{i}", new_schema(f"{run}_par_{i}")), range(n)))

    def register_again():  # plain HTTP: the client would answer from its own cache
        body = {"schema": new_schema(f"{run}_seq_0").schema_str, "schemaType": "AVRO", "references": []}
        with httpx.Client() as http:
            for _ in range(n):
                http.post(f"{url}/subjects/bench-{run}-seq-0/versions", json=body).raise_for_status()

    sequential = rate(n, register_sequentially)
    parallel = rate(n, register_in_parallel)
    again = rate(n, register_again)

    serializer = AvroSerializer(SchemaRegistryClient({"url": url}), json.dumps({
        "type": "record", "name": "Reading", "fields": [
            {"name": "sensor", "type": "string"}, {"name": "value", "type": "double"},
            {"name": "at", "type": "long"}]}))
    context = SerializationContext(f"bench-{run}-readings", MessageField.VALUE)
    first = time.perf_counter()
    serializer({"sensor": "s-0", "value": 0.0, "at": 0}, context)
    first_ms = (time.perf_counter() - first) * 1000
    messages = args.messages
    throughput = rate(messages, lambda: [serializer({"sensor": f"s-{i % 10}", "value": i * 0.5, "at": i}, context)
                                         for i in range(messages)])

    print(f"registry at {url}")
    print(f"registrations/s (new schema, 1 client):        {sequential:8.1f}")
    print(f"registrations/s (new schema, {args.threads} clients):       {parallel:8.1f}")
    print(f"re-registrations/s (known schema, no write):   {again:8.1f}")
    print(f"AvroSerializer first message (registers):      {first_ms:8.1f} ms")
    print(f"AvroSerializer msgs/s (schema id cached):      {throughput:8.0f}")


if __name__ == "__main__":
    main()
