"""The lessons' experiments: each runs real clients against the real cluster and returns what it saw.

``placement`` (where keyed records land, lesson 02), ``groups`` (members to grow, shrink and crash,
lesson 05), ``replication`` (ISR shrinking and healing, lesson 06), ``delivery`` (what each producer
setting loses or duplicates when a broker dies, lesson 07), ``perf`` (throughput and latency, lesson 12).
"""
