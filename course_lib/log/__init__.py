"""Kafka's log on disk, read byte by byte (lessons 03, 05 and 08): segments, batches, retention, offsets topic.

``segments`` (the ``.log``/``.index`` files), ``record_bytes`` (one batch and one record labelled),
``batches`` (batch headers, whatever the compression), ``retention`` (segments rolled and deleted),
``offsets_topic`` (what group coordinators write to ``__consumer_offsets``).
"""
