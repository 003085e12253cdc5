"""What runs Kafka without a Kafka download: Java and Maven found, jars resolved, Kafka's tools run.

``java`` (find Java and Maven, or say what to install), ``jars`` (Maven Central → the jar cache, once),
``kafka_tools`` (``kafka-topics`` and friends from the jars, by script name or main class: lessons 03 and 10,
and the KRaft cluster's storage formatting).
"""
