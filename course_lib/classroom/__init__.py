"""The instructor's tools for a class on one shared cluster: ``python -m course_lib class provision|revoke|cleanup``
(README, "Teaching a class").

- ``roster``: the class list (a CSV file) and what a student's name may be;
- ``admin``: who the instructor is on the cluster (the active profile, or the secured cluster's ``admin``), and
  Kafka's refusals in one sentence;
- ``grants``: what a student may do in their namespace (PREFIXED ACLs) and their quotas (``kafka-configs``);
- ``provision``, ``revoke``, ``cleanup``: the three commands.
"""
