"""Kafka's clients as the course uses them (lessons 01–04 and 07): topics, producing, consuming.

``admin`` (topics, configs, groups, watermarks), ``produce`` and ``consume``, ``reading`` (a whole topic,
once), ``records`` (what a helper hands back), ``lag`` (a group's position and lag), ``partitioning``
(which partition a key goes to), ``background`` (consumer-group members in threads or processes: the runner
that lesson 05's groups, lesson 12's measurements and the dashboard build on, and the one exit hook).
A client's config is ``course_lib.connection.client_config``.
"""
