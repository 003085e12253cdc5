"""Lessons 15-19's figures: stream processing, Kafka Streams, Kafka Connect, change data capture, MirrorMaker 2."""

from canvas import CONTROL, GONE, INK, LEADER, MUTED, PENDING, PLAIN, RED, SYNCED, Figure


def tumbling_window():
    """Lesson 15: rides counted in 60 s event-time tumbling windows with 10 s of grace, state in a changelog."""
    f = Figure(880, 520, "Tumbling windows in event time: records counted per key and minute, a late record inside "
                         "grace counted and one after it dropped, the state in a local store and a changelog topic")
    f.label(20, 28, "Tumbling windows: each record counts in the minute it happened, not when it arrives",
            size=16, anchor="start", bold=True)
    f.label(20, 50, "Section 2: key \"north\" on lesson15-late-…, records numbered in arrival order;  "
            "tumbling_window(60_000, grace_ms=10_000)", size=11.5, anchor="start", colour=MUTED)

    def x(second):
        """Event time (seconds after a minute boundary) to x."""
        return 50 + 4.5 * second

    axis = 190
    windows = [(0, 60, SYNCED), (60, 120, SYNCED), (120, 180, PENDING)]
    for start, end, colours in windows:
        f.box(x(start), 66, x(end) - x(start), axis - 66, colours, rx=0)
        f.label((x(start) + x(end)) / 2, 86, f"window [{start} s, {end} s)", size=12, bold=True)
    f.line(x(0), axis, x(180), axis, INK, width=1.5)
    for second in (0, 60, 70, 120, 130, 180):
        f.line(x(second), axis, x(second), axis + 5, INK)
        f.label(x(second), axis + 17, f"{second} s", size=10.5, colour=MUTED)
    f.label(x(180) - 2, axis - 6, "event time", size=10.5, anchor="end", colour=MUTED)
    for end in (60, 120):
        f.brace(x(end) + 1, x(end + 10) - 1, axis + 30, "grace")
    # (arrival, event second, stem top, counted?)
    records = [(1, 5, 132, True), (2, 30, 132, True), (3, 62, 150, True), (4, 40, 150, True),
               (5, 75, 132, True), (6, 50, 124, False), (7, 140, 132, True)]
    for n, second, top, counted in records:
        f.mark(x(second), top, axis, f"{n}" if counted else f"{n} ✗", colour=INK if counted else RED,
               anchor="middle", size=12.5)
    # what .agg(rides=Count()).final() emitted: a window once it closed
    results = [(0, "rides = 3: emitted once 5 arrives"), (60, "rides = 2: emitted once 7 arrives"),
               (120, "open: nothing emitted yet")]
    for start, text in results:
        f.label(x(start + 30), axis + 64, text, size=11.5, bold=start < 120,
                colour=SYNCED[1] if start < 120 else PENDING[1])
    # arrival order, event time, stream time
    w, tx, ty = 40, 108, 292
    f.label(20, ty - 10, "As the records arrive:", size=12, anchor="start", bold=True)
    f.label(tx - 8, ty + 17, "arrival", size=11, anchor="end", colour=MUTED)
    f.cells(tx, ty, [str(n) for n, *_ in records], w=w, h=26, size=11.5)
    f.label(tx - 8, ty + 43, "event time", size=11, anchor="end", colour=MUTED)
    f.cells(tx, ty + 26, [f"{s} s" for _, s, _, _ in records], w=w, h=26, size=11,
            colours=[LEADER if ok else GONE for *_, ok in records])
    stream, seen = [], 0
    for _, second, _, _ in records:
        seen = max(seen, second)
        stream.append(f"{seen} s")
    f.label(tx - 8, ty + 69, "stream time", size=11, anchor="end", colour=MUTED)
    f.cells(tx, ty + 52, stream, w=w, h=26, size=11)
    f.lines(20, ty + 100, [
        "Stream time: the highest event time seen so far.",
        "4 is late but inside grace: stream time 62 < 60 + 10, counted.",
        "6 comes at stream time 75 ≥ 70: [0 s, 60 s) is closed and",
        "emitted, so 6 is dropped and on_late() is called.",
    ], size=11.5, anchor="start", gap=15)
    # where the state lives (sections 1 and 4)
    f.box(440, 276, 420, 178, PLAIN, rx=10)
    f.label(650, 296, "Section 4: where the counts live", size=12, bold=True)
    f.box(452, 310, 124, 58, LEADER)
    f.label(514, 329, "lesson15-rides-…", size=10.5, mono=True, bold=True)
    f.lines(514, 345, ["key = zone", "3 partitions"], size=10, colour=MUTED, gap=13)
    f.box(598, 306, 118, 66, PLAIN)
    f.label(657, 325, "processor", size=11.5, bold=True)
    f.lines(657, 341, ["a state store per", "partition (RocksDB)"], size=10, colour=MUTED, gap=13)
    f.box(738, 310, 112, 58, LEADER)
    f.label(794, 329, "lesson15-counts-…", size=10, mono=True, bold=True)
    f.lines(794, 345, ["key = zone", "start, end, rides"], size=10, colour=MUTED, gap=13)
    f.arrow(576, 339, 598, 339)
    f.arrow(716, 339, 738, 339)
    f.box(520, 392, 274, 52, LEADER)
    f.label(657, 410, "changelog__… topic (compacted)", size=11, mono=True, bold=True)
    f.lines(657, 425, ["every store update; a restarted processor", "rebuilds its store from it"], size=10,
            colour=MUTED, gap=13)
    f.arrow(647, 372, 647, 392, colour=INK)
    f.arrow(667, 392, 667, 372, colour=MUTED, dashed=True)
    f.lines(20, 482, [
        "Section 4 counts 1 200 rides keyed by zone (north, south, east) in these windows with processing_guarantee=",
        "\"exactly-once\": output, changelog updates and offsets commit in one transaction; a kill and a wiped store change no count.",
    ], size=11.5, anchor="start", gap=15, colour=MUTED)
    return f


def streams_topology():
    """Lesson 16: WordCount's topology, its repartition and changelog topics, and its four tasks."""
    f = Figure(880, 490, "Kafka Streams WordCount: two sub-topologies joined by a repartition topic, a state store "
                         "backed by a compacted changelog topic, one task per sub-topology and partition")
    f.label(20, 28, "Kafka Streams WordCount: the topology runs in your JVM, its state lives in topics",
            size=16, anchor="start", bold=True)
    # the application's JVM
    f.box(20, 42, 840, 210, PLAIN, rx=10)
    f.label(440, 62, "Your application: one JVM running WordCountDemo · application.id = lesson16-wordcount-<run>",
            bold=True)

    def node(x, w, title, text, y=110):
        f.box(x, y, w, 46, PLAIN)
        f.label(x + w / 2, y + 19, title, size=12, bold=True)
        f.label(x + w / 2, y + 36, text, size=10.5, colour=MUTED)

    # sub-topology 0: stateless, ends in the repartition topic
    f.box(32, 74, 402, 168, PLAIN, rx=8)
    f.label(233, 94, "Sub-topology 0 · tasks 0_0, 0_1", size=12.5, bold=True)
    node(42, 62, "source", "input")
    node(124, 106, "flatMapValues", "line → words")
    node(250, 92, "groupBy", "key = the word")
    node(362, 62, "sink", "repartition")
    for x1, x2 in ((104, 124), (230, 250), (342, 362)):
        f.arrow(x1, 133, x2, 133)
    f.lines(233, 180, ["stateless: each line becomes its words, keyed by", "the word; the sink sends each word to the",
                       "repartition partition its key hashes to"], size=11, colour=MUTED, gap=15)
    # sub-topology 1: stateful
    f.box(446, 74, 402, 168, PLAIN, rx=8)
    f.label(647, 94, "Sub-topology 1 · tasks 1_0, 1_1", size=12.5, bold=True)
    node(456, 62, "source", "repartition")
    node(538, 100, "count()", "word → count")
    node(658, 84, "toStream", "each update")
    node(762, 76, "sink", "output")
    for x1, x2 in ((518, 538), (638, 658), (742, 762)):
        f.arrow(x1, 133, x2, 133)
    f.box(514, 174, 148, 58, PLAIN, width=2.2)
    f.label(588, 191, "state store (RocksDB)", size=11.5, bold=True)
    f.lines(588, 207, ["KSTREAM-AGGREGATE-", "STATE-STORE-0000000003"], size=9.5, mono=True, gap=12)
    f.line(588, 156, 588, 174, INK, width=2)
    f.lines(676, 190, ["keeps one count per", "word, on local disk", "(state.dir)"], size=11, anchor="start",
            colour=MUTED, gap=15)
    # the cluster
    f.box(20, 292, 840, 122, PLAIN, rx=10)
    f.label(440, 402, "The cluster (brokers 1–3): four topics, and one consumer group named lesson16-wordcount-<run>",
            size=12.5, bold=True)

    def topic(x, name, config, tasks=None):
        f.label(x, 314, name, size=11, mono=True)
        f.cells(x - 48, 322, ["p0", "p1"], w=48, h=24, colours=[LEADER, LEADER], size=11,
                caption=tasks and [f"task {t}" for t in tasks])
        f.label(x, 378, config, size=10.5, colour=MUTED)

    topic(120, "streams-plaintext-input", "lines of text, no key", ["0_0", "0_1"])
    topic(420, "<id>-STORE-repartition", "delete; purged after commits", ["1_0", "1_1"])
    topic(620, "<id>-STORE-changelog", "cleanup.policy=compact", ["1_0", "1_1"])
    topic(775, "streams-wordcount-output", "String → Long")
    # data between the JVM and the cluster
    f.arrow(73, 302, 73, 156)
    f.label(80, 272, "consume", size=11, anchor="start")
    f.arrow(393, 156, 393, 302)
    f.label(386, 272, "produce", size=11, anchor="end")
    f.arrow(487, 302, 487, 156)
    f.label(480, 272, "consume", size=11, anchor="end")
    f.arrow(600, 232, 600, 302)
    f.label(594, 272, "every update", size=11, anchor="end")
    f.arrow(640, 302, 640, 232, dashed=True)
    f.label(647, 272, "restore (section 4)", size=11, anchor="start")
    f.arrow(800, 156, 800, 302)
    f.label(807, 272, "produce", size=11, anchor="start")
    f.lines(20, 438, [
        "<id> = application.id = lesson16-wordcount-<run>; STORE = KSTREAM-AGGREGATE-STATE-STORE-0000000003 (count() was not",
        "given a name). One task per sub-topology and partition: 0_p reads input partition p, 1_p repartition partition p with its",
        "own slice of the store, backed by changelog partition p. One instance, one thread: its single member runs all four tasks.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def connect_worker():
    """Lesson 17: a distributed Connect worker, its REST API, a source and a sink connector, its three topics."""
    f = Figure(880, 560, "A Kafka Connect worker in distributed mode: REST API, a FileStream source and sink connector "
                         "split into tasks, converters, and the worker's three internal topics")
    f.label(20, 28, "Kafka Connect: connectors are configuration, tasks copy, the cluster keeps the state",
            size=16, anchor="start", bold=True)
    # the worker and its REST API
    f.box(140, 42, 550, 444, PLAIN, rx=10)
    f.label(415, 62, "Connect worker (a JVM) · distributed mode · group.id = course-connect", bold=True)
    f.box(150, 72, 530, 28, CONTROL)
    f.label(415, 91, "REST API 127.0.0.1:8083 · PUT /connectors/<name>/config · GET …/status", size=11, mono=True)
    f.box(20, 66, 100, 40, PLAIN)
    f.label(70, 91, "you: httpx", size=12)
    f.arrow(120, 86, 150, 86)

    def node(x, y, w, title, text):
        f.box(x, y, w, 44, PLAIN)
        f.label(x + w / 2, y + 18, title, size=12, bold=True)
        f.label(x + w / 2, y + 35, text, size=10.5, colour=MUTED)

    def connector(y, kind, name, text):
        f.box(160, y, 322, 40, PLAIN, dashed=True)
        f.label(170, y + 16, kind, size=12, anchor="start", bold=True)
        f.label(298, y + 16, name, size=11, anchor="start", mono=True)
        f.label(170, y + 33, text, size=11, anchor="start", colour=MUTED)

    # the source connector and its task
    connector(114, "Source connector", "lesson17-file-source-<run>", "FileStreamSourceConnector: one file → one task")
    f.arrow(225, 154, 225, 174, dashed=True)
    node(160, 174, 130, "task 0", "reads new lines")
    f.arrow(290, 196, 340, 196)
    node(340, 174, 110, "SMTs", "see section 4")
    f.arrow(450, 196, 490, 196)
    node(490, 174, 130, "value.converter", "StringConverter")
    f.arrow(620, 196, 708, 196)
    f.label(628, 189, "produce", size=11, anchor="start")
    f.lines(566, 246, ["Connect record ↔ bytes", "(worker default: JsonConverter)"], size=10.5, colour=MUTED, gap=14)
    # the sink connector and its task
    connector(240, "Sink connector", "lesson17-file-sink-<run>", "FileStreamSinkConnector: its tasks form a group")
    f.arrow(225, 280, 225, 300, dashed=True)
    node(160, 300, 130, "task 0", "appends lines")
    f.arrow(340, 322, 290, 322)
    node(340, 300, 110, "SMTs", "none here")
    f.arrow(490, 322, 450, 322)
    node(490, 300, 130, "value.converter", "StringConverter")
    f.arrow(708, 322, 620, 322)
    f.label(628, 315, "consume", size=11, anchor="start")
    # the files
    f.box(20, 166, 100, 60, PLAIN)
    f.label(70, 183, "lines.txt", size=11.5, mono=True, bold=True)
    f.lines(70, 199, ["alpha beta", "gamma delta"], size=10.5, mono=True, gap=13)
    f.arrow(120, 196, 160, 196)
    f.box(20, 292, 100, 60, PLAIN)
    f.label(70, 309, "out.txt", size=11.5, mono=True, bold=True)
    f.lines(70, 325, ["the same", "four lines"], size=10.5, colour=MUTED, gap=13)
    f.arrow(160, 322, 120, 322)
    # the cluster: the data topic and the worker's three topics
    f.box(700, 42, 160, 444, PLAIN, rx=10)
    f.lines(780, 62, ["Kafka cluster", "(brokers 1–3)"], size=12.5, bold=True, gap=16)
    f.box(708, 168, 144, 176, PLAIN)
    f.label(780, 186, "lesson17-raw-<run>", size=10.5, mono=True)
    f.cells(712, 196, ["alpha", "beta", "gamma", "delta"], w=34, h=28, colours=[LEADER] * 4, size=9.5,
            caption=["0", "1", "2", "3"])
    f.label(780, 256, "offsets 0–3, plain text", size=10.5, colour=MUTED)
    f.lines(780, 296, ["read by consumer group", "connect-lesson17-", "file-sink-<run>"], size=10.5, colour=MUTED,
            gap=14)
    f.label(415, 380, "Its state lives on the cluster (any worker of the group can take over):", size=12, bold=True)
    f.label(780, 384, "compacted:", size=11, colour=MUTED)
    internal = [("connect-configs", "connector and task configs, as PUT"),
                ("connect-offsets", "source offsets: {\"position\": 23} in lines.txt"),
                ("connect-status", "states: RUNNING, FAILED …")]
    for i, (name, what) in enumerate(internal):
        y = 392 + i * 30
        f.box(712, y, 136, 24, CONTROL)
        f.label(780, y + 16, name, size=11, mono=True)
        f.arrow(480, y + 12, 712, y + 12, colour=CONTROL[1])
        f.label(472, y + 16, what, size=11.5, anchor="end")
    f.lines(20, 510, [
        "A connector is configuration: the worker stores a PUT in connect-configs and starts the connector, which splits the work",
        "into tasks (tasks.max caps them; one file makes one task). Tasks copy; the converter turns records into bytes and back.",
        "A source's position goes to connect-offsets (a byte position here); a sink's is its consumer group's committed offsets.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def change_data_capture():
    """Lesson 18: Debezium reads PostgreSQL's WAL through a replication slot; one event per row change."""
    f = Figure(880, 496, "Change data capture: Debezium's PostgreSQL connector reads the write-ahead log through a "
                         "logical replication slot and writes one change event per row to <prefix>.<schema>.<table>")
    f.label(20, 28, "Change data capture: each row change in PostgreSQL's WAL becomes a Kafka record",
            size=16, anchor="start", bold=True)
    # PostgreSQL
    f.box(20, 42, 310, 236, PLAIN, rx=10)
    f.label(175, 62, "PostgreSQL · wal_level=logical", bold=True)
    f.lines(32, 84, ["INSERT INTO customers_<run> VALUES (3, …)", "UPDATE … SET email = … WHERE id = 1",
                     "DELETE FROM … WHERE id = 2"], size=10.5, anchor="start", mono=True, gap=14)
    f.box(32, 122, 286, 30, PLAIN)
    f.label(175, 142, "table customers_<run> (id PK, name, email)", size=11)
    f.label(32, 183, "WAL", size=11.5, anchor="start", bold=True)
    f.cells(74, 164, ["…", "INSERT", "UPDATE", "DELETE"], w=60, h=28, size=10.5, caption=["", "id 3", "id 1", "id 2"])
    f.line(134, 158, 134, 214, INK, width=2.5)
    f.box(32, 214, 286, 54, PLAIN, width=2.2)
    f.label(42, 231, "replication slot lesson18_<run>", size=11.5, anchor="start", bold=True)
    f.label(42, 246, "plugin pgoutput, publication lesson18_<run>", size=11, anchor="start")
    f.label(42, 261, "keeps the WAL from its confirmed position on", size=11, anchor="start", colour=MUTED)
    # the Connect worker and Debezium
    f.box(350, 42, 240, 236, PLAIN, rx=10)
    f.label(470, 62, "Connect worker (lesson 17)", bold=True)
    f.box(362, 74, 216, 194, PLAIN)
    f.label(470, 92, "Debezium PostgresConnector", size=11.5, bold=True)
    f.label(470, 107, "lesson18-cdc-<run>", size=10.5, mono=True)
    f.label(372, 141, "1. snapshot: SELECTs the rows,", size=11, anchor="start")
    f.label(386, 156, "each an event with op r", size=11, anchor="start")
    f.label(470, 193, "→ JsonConverter (no schemas)", size=11, colour=MUTED)
    f.label(372, 232, "2. streams from the slot: c, u, d,", size=11, anchor="start")
    f.label(386, 247, "a tombstone after each d", size=11, anchor="start")
    f.arrow(318, 137, 362, 137, dashed=True)
    f.arrow(318, 241, 362, 241)
    # the cluster
    f.box(610, 42, 250, 236, PLAIN, rx=10)
    f.label(735, 62, "Kafka cluster (brokers 1–3)", bold=True)
    f.label(735, 86, "lesson18-<run>.public.customers_<run>", size=10.5, mono=True)
    f.label(735, 101, "<topic.prefix>.<schema>.<table>", size=10.5, mono=True, colour=MUTED)
    f.cells(621, 112, ["r", "r", "c", "u", "d", "—"], w=38, h=30, size=12, colours=[LEADER] * 5 + [GONE],
            caption=["id 1", "id 2", "id 3", "id 1", "id 2", "id 2"])
    f.label(735, 174, "offsets 0–5 · key = the primary key", size=10.5, colour=MUTED)
    f.label(735, 190, "1 partition · cleanup.policy=compact", size=10.5, colour=MUTED)
    f.box(645, 222, 180, 44, CONTROL)
    f.label(735, 240, "connect-offsets", size=11, mono=True)
    f.label(735, 256, "{\"lsn\": …}: last change sent", size=10.5)
    f.arrow(578, 127, 621, 127)
    f.arrow(578, 244, 645, 244, colour=CONTROL[1])
    # one event
    f.label(20, 304, "Offset 3, the update of id 1, as it is on the topic (JsonConverter, schemas.enable=false):",
            size=12.5, anchor="start", bold=True)

    def field(x, w, name, texts):
        f.box(x, 334, w, 66, PLAIN)
        f.label(x + 8, 350, name, size=11, anchor="start", mono=True, bold=True)
        f.lines(x + 8, 366, texts, size=10, anchor="start", mono=True, gap=13)

    field(20, 96, "key", ["{\"id\": 1}"])
    f.box(126, 316, 734, 92, LEADER, rx=8)
    f.label(136, 330, "value: Debezium's envelope", size=11, anchor="start", bold=True, colour=LEADER[1])
    field(136, 96, "before", ["null"])
    field(240, 222, "after", ["{\"id\": 1, \"name\": \"Ada\",", " \"email\": \"ada@lovelace.org\"}"])
    field(470, 226, "source", ["{\"db\": \"postgres\",", " \"table\": \"customers_<run>\",",
                               " \"lsn\": …, \"txId\": …, …}"])
    field(704, 66, "op", ["\"u\""])
    field(778, 74, "ts_ms", ["…"])
    f.lines(20, 430, [
        "op: r = read by the snapshot, c = insert, u = update, d = delete. before is the old row: by default PostgreSQL logs only",
        "its key (REPLICA IDENTITY DEFAULT: null for this update, the id alone for the delete), the whole row with FULL; a d has",
        "no after, and a tombstone follows it (same key, no value) so that compaction can drop the row. The slot keeps the WAL",
        "Debezium has not confirmed, and connect-offsets its position: a crashed worker resumes where it was (at-least-once).",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def mirrormaker2():
    """Lesson 19: MirrorMaker 2's connectors copy a topic to the backup as kraft.<topic> and translate offsets."""
    f = Figure(880, 512, "MirrorMaker 2 between the primary (alias kraft) and the backup (alias backup): the topic "
                         "copied as kraft.<topic>, offset syncs, checkpoints and the group's translated offsets")
    f.label(20, 28, "MirrorMaker 2: the topic copied as kraft.<topic>, the group's offsets translated",
            size=16, anchor="start", bold=True)
    committed = 5

    def partition(x, y, w):
        """Partition 0 of the topic: offsets 0..7, read and committed below `committed`."""
        f.cells(x, y, [str(o) for o in range(7)] + ["…"], w=w, h=26, size=11,
                colours=[SYNCED] * committed + [LEADER] * 3)
        f.mark(x + committed * w, y - 14, y + 26, f"committed offset = {committed}", colour=SYNCED[1],
               anchor="middle", size=10.5)

    # the primary
    f.box(20, 50, 250, 270, PLAIN, rx=10)
    f.label(145, 72, "Primary: the course cluster", bold=True)
    f.label(145, 89, "KRaft · alias kraft · localhost:9092-9094", size=10.5, colour=MUTED)
    f.label(145, 113, "lesson19-orders-…", size=11, mono=True, bold=True)
    partition(37, 150, 27)
    f.label(145, 193, "partition 0 of 3", size=10.5, colour=MUTED)
    f.box(35, 212, 220, 52, SYNCED)
    f.label(145, 232, "group lesson19-readers-…", size=11, mono=True)
    f.label(145, 252, "read 40 of 60 orders, committed", size=11)
    f.label(145, 290, "then the primary is \"gone\"", size=10.5, colour=MUTED)
    # the Connect worker
    f.box(305, 50, 255, 270, PLAIN, rx=10, dashed=True)
    f.label(432, 72, "Connect worker: MirrorMaker 2", bold=True)
    f.label(432, 89, "beside the backup · REST localhost:8084", size=10.5, colour=MUTED)
    f.box(318, 104, 229, 62, PLAIN)
    f.label(432, 122, "MirrorSourceConnector", size=12, bold=True)
    f.lines(432, 139, ["copies records and topic settings,", "notes (upstream, downstream) pairs"], size=10.5,
            gap=14)
    f.box(318, 196, 229, 62, PLAIN)
    f.label(432, 214, "MirrorCheckpointConnector", size=12, bold=True)
    f.lines(432, 231, ["reads the group's commits and", "translates them with the pairs"], size=10.5, gap=14)
    f.box(318, 272, 170, 38, GONE, dashed=True)
    f.label(403, 287, "MirrorHeartbeatConnector", size=10.5, colour=MUTED)
    f.label(403, 302, "(heartbeats: not used)", size=10.5, colour=MUTED)
    # the backup
    f.box(595, 50, 265, 312, PLAIN, rx=10)
    f.label(727, 72, "Backup: lesson 10's cluster", bold=True)
    f.label(727, 89, "ZooKeeper mode · alias backup · :9192-9194", size=10.5, colour=MUTED)
    f.label(727, 113, "kraft.lesson19-orders-…", size=11, mono=True, bold=True)
    partition(615, 150, 28)
    f.label(727, 193, "same partitions, records, offsets", size=10.5, colour=MUTED)
    f.box(610, 204, 235, 42, CONTROL)
    f.label(727, 220, "mm2-offset-syncs.kraft.internal", size=10.5, mono=True)
    f.label(727, 237, "(upstream, downstream) offset pairs", size=10.5)
    f.box(610, 256, 235, 42, CONTROL)
    f.label(727, 272, "kraft.checkpoints.internal", size=10.5, mono=True)
    f.label(727, 289, "group, topic, partition 0: 5 → 5", size=10.5)
    f.box(610, 308, 220, 42, SYNCED)
    f.label(720, 324, "group lesson19-readers-…", size=10.5, mono=True)
    f.label(720, 341, "committed 5: reads on from there", size=10.5)
    # the flows
    f.arrow(253, 163, 318, 130, colour=INK)
    f.arrow(547, 130, 615, 160, colour=INK)
    f.step(282, 128, 1)
    f.step(580, 126, 1)
    f.arrow(547, 156, 610, 214, colour=CONTROL[1])
    f.step(566, 196, 2)
    f.arrow(255, 238, 318, 226, colour=SYNCED[1])
    f.arrow(610, 232, 547, 232, colour=CONTROL[1])
    f.arrow(547, 250, 610, 272, colour=CONTROL[1])
    f.elbow([(525, 258), (525, 329), (610, 329)], colour=SYNCED[1])
    f.step(287, 210, 3)
    f.label(568, 345, "commits", size=10.5, colour=SYNCED[1])
    f.step(845, 329, 4)
    f.lines(20, 388, [
        "1. The source connector reads the topic on the primary and writes it to the backup, renamed <source alias>.<topic>",
        "    (DefaultReplicationPolicy): kraft.lesson19-orders-…, 3 partitions and retention.ms as on the primary.",
        "2. As it copies, it writes offset syncs: which upstream offset became which downstream offset.",
        "3. The checkpoint connector reads the group's committed offsets on the primary, translates them with the offset",
        "    syncs, writes checkpoints and, with sync.group.offsets.enabled, commits them for the same group on the backup.",
        "4. Fail over: the same group.id on the backup starts at the translated offsets, and nothing is skipped.",
    ], size=11.5, anchor="start", gap=15)
    f.lines(20, 484, [
        "Here the copy began with the empty topic, so upstream = downstream; after retention or a later start they differ.",
        "Without the exact offset pair MM2 rounds down: a fail-over may read a few records twice, never skip one.",
    ], size=11.5, anchor="start", gap=15, colour=MUTED)
    return f


FIGURES = [tumbling_window, streams_topology, connect_worker, change_data_capture, mirrormaker2]
