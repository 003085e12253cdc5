"""Lessons 10-14's figures: ZooKeeper vs KRaft, the Docker stack and the tools, performance, the exactly-once
capstone, consumers in production."""

from canvas import CONTROL, GONE, INK, LEADER, MUTED, PENDING, PLAIN, RED, SYNCED, Figure


def kraft_vs_zookeeper():
    """Lesson 10: where the metadata lives and who the controller is, in each mode."""
    f = Figure(890, 470, "ZooKeeper mode versus the KRaft controller quorum")
    f.label(20, 28, "Where the metadata lives: ZooKeeper mode (≤ 3.9) versus KRaft (the only mode since 4.0)",
            size=16, anchor="start", bold=True)
    # ZooKeeper mode
    f.box(10, 45, 425, 360, PLAIN, rx=10)
    f.label(222, 68, "ZooKeeper mode (Kafka 3.9)", bold=True)
    f.box(67, 82, 310, 92, GONE)
    f.label(222, 102, "ZooKeeper ensemble (separate system)", size=12, bold=True)
    f.lines(95, 122, ["/controller → broker 1   (e)", "/brokers/ids/1, 2, 3   (e)", "/brokers/topics/orders/…"],
            size=11.5, anchor="start", mono=True, gap=16)
    for i in range(3):
        x = 25 + i * 138
        controller = i == 0
        f.box(x, 250, 122, 70, CONTROL if controller else LEADER)
        f.label(x + 61, 276, f"broker {i + 1}", bold=True)
        if controller:
            f.label(x + 61, 296, "+ the controller", size=11.5, colour=CONTROL[1], bold=True)
        f.line(x + 61, 250, 150 + i * 72, 174, MUTED, dashed=True)
    f.label(300, 208, "ZooKeeper sessions", size=11, colour=MUTED)
    f.elbow([(86, 320), (86, 336), (224, 336), (224, 320)], colour=CONTROL[1])
    f.elbow([(70, 320), (70, 344), (362, 344), (362, 320)], colour=CONTROL[1])
    f.lines(222, 368, ["The controller won the race for /controller and", "pushes metadata to each broker (UpdateMetadata)."],
            size=11.5, colour=MUTED)
    # KRaft
    f.box(455, 45, 425, 360, PLAIN, rx=10)
    f.label(667, 68, "KRaft (Kafka 4.4, the course cluster)", bold=True)
    for i in range(3):
        x, leader = 465 + i * 137, i == 0
        f.box(x, 90, 128, 150, CONTROL if leader else PLAIN)
        f.label(x + 64, 112, f"node {i + 1}", bold=True)
        f.label(x + 64, 130, "broker + controller", size=11)
        f.label(x + 64, 148, "quorum leader" if leader else "voter (follower)", size=11.5,
                colour=CONTROL[1], bold=leader)
        f.label(x + 64, 180, "__cluster_metadata", size=10, mono=True)
        f.cells(x + 14, 188, ["0", "1", "2", "…"], w=25, h=24, size=11, colours=[CONTROL] * 4)
    f.elbow([(666, 240), (666, 254), (545, 254), (545, 240)], colour=CONTROL[1])
    f.elbow([(803, 240), (803, 262), (515, 262), (515, 240)], colour=CONTROL[1])
    f.label(667, 282, "voters fetch the log from the leader (Raft)", size=11.5, colour=CONTROL[1])
    f.lines(667, 310, ["No ZooKeeper: every metadata change is a record", "appended to __cluster_metadata. The active",
                       "controller is the Raft leader; brokers read the log", "at their own offset, like consumers."],
            size=11.5, colour=MUTED, gap=16)
    f.lines(20, 430, ["(e) = ephemeral znode, gone when the owner's ZooKeeper session ends.  Production clusters often run",
                      "the controllers as separate nodes (process.roles=controller); the course cluster combines both roles."],
            size=11.5, anchor="start", colour=MUTED, gap=16)
    return f


def docker_stack():
    """Lesson 11: the docker/ stack's containers, each broker's two client listeners, and Kafka's tools."""
    f = Figure(880, 470, "The Docker stack: three KRaft brokers, each with an EXTERNAL listener for your computer and "
                         "an INTERNAL one for containers, and Kafka's command-line tools")
    f.label(20, 28, "The docker/ stack: each broker has one listener for your computer, one for containers",
            size=16, anchor="start", bold=True)
    # your computer
    f.box(20, 46, 230, 350, PLAIN, rx=10)
    f.label(135, 68, "Your computer", bold=True)
    f.label(135, 84, "ports published on 127.0.0.1 only", size=11, colour=MUTED)
    f.box(32, 96, 206, 50, PLAIN)
    f.label(135, 116, "notebooks, course_lib", size=12, bold=True)
    f.label(135, 134, "confluent-kafka (librdkafka)", size=11)
    f.box(32, 158, 206, 158, PLAIN)
    f.label(135, 177, "Kafka's command-line tools", size=12, bold=True)
    f.lines(46, 195, ["kafka-topics", "kafka-console-producer", "kafka-console-consumer", "kafka-consumer-groups",
                      "kafka-producer-perf-test", "kafka-dump-log"], size=11, anchor="start", mono=True, gap=15)
    f.lines(135, 288, ["run_tool(): java on the course's jars,", "the arguments of bin/kafka-*.sh"],
            size=10.5, colour=MUTED, gap=13)
    f.box(32, 338, 206, 48, PLAIN)
    f.label(135, 356, ".course/docker/kafka-N/data", size=10.5, mono=True)
    f.label(135, 373, "= /var/lib/kafka/data (bind mount)", size=10.5, colour=MUTED)
    f.arrow(180, 316, 180, 338, colour=MUTED, dashed=True)
    f.label(186, 331, "reads segments", size=10, anchor="start", colour=MUTED)
    # the Docker project
    f.box(300, 46, 570, 350, PLAIN, rx=10, dashed=True)
    f.label(585, 66, "Docker · docker/compose.yaml · Confluent Platform 8.3 (Kafka 4.3)", bold=True)
    f.label(585, 82, "network kafka-course_default: containers find each other by name", size=11,
            colour=MUTED)
    bx, bw, pw = 312, 352, 158
    for n in (1, 2, 3):
        y = 95 + (n - 1) * 104
        f.box(bx, y, bw, 80, LEADER)
        f.label(bx + 10, y + 18, f"kafka-{n}", size=12.5, anchor="start", bold=True)
        f.label(bx + 70, y + 18, f"node {n} · broker + KRaft controller", size=11, anchor="start",
                colour=MUTED)
        pills = ((bx + 10, ("EXTERNAL", f"listens 0.0.0.0:{9091 + n}", f"advertises localhost:{9091 + n}")),
                 (bx + 184, ("INTERNAL", "listens 0.0.0.0:29092", f"advertises kafka-{n}:29092")))
        for px, (name, bind, adv) in pills:
            f.box(px, y + 26, pw, 48, PLAIN, rx=4)
            f.label(px + pw / 2, y + 39, name, size=11, bold=True)
            f.label(px + pw / 2, y + 53, bind, size=10, mono=True)
            f.label(px + pw / 2, y + 67, adv, size=10, mono=True)
        f.arrow(250, y + 50, bx + 10, y + 50, colour=INK)
        f.label(281, y + 44, f":{9091 + n}", size=10.5, colour=INK, bold=True)
    for y in (95, 199):  # brokers replicate over INTERNAL: followers fetch from the leaders
        f.arrow(bx + 263, y + 102, bx + 263, y + 130, colour=MUTED)
        f.arrow(bx + 263, y + 102, bx + 263, y + 74, colour=MUTED)
        f.label(bx + 272, y + 96, "replication", size=10, anchor="start", colour=MUTED)
    # the other containers, on INTERNAL
    sx, sw = 700, 160
    services = [("schema-registry", "localhost:8081", PLAIN, False),
                ("control-center", "web UI, localhost:9021", PLAIN, False),
                ("kafka-ui", "--profile ui · localhost:8080", GONE, True)]
    f.line(682, 128, 682, 353, MUTED)
    for i, (name, port, colours, dashed) in enumerate(services):
        y = 100 + i * 78
        f.box(sx, y, sw, 56, colours, dashed=dashed)
        f.label(sx + sw / 2, y + 22, name, size=12, bold=True, mono=True)
        f.label(sx + sw / 2, y + 41, port, size=10.5, colour=MUTED)
        f.line(sx, y + 28, 682, y + 28, MUTED)
    for n in (1, 2, 3):
        f.arrow(682, 95 + (n - 1) * 104 + 50, bx + 184 + pw, 95 + (n - 1) * 104 + 50, colour=MUTED)
    f.lines(sx + sw / 2, 350, ["bootstrap: kafka-1:29092,", "kafka-2:29092,kafka-3:29092"], size=10, mono=True,
            colour=MUTED, gap=14)
    f.lines(20, 420, [
        "A client bootstraps from one address, then connects to what the brokers advertise on the listener it came in on: your",
        "computer is told localhost:9092-9094, a container kafka-N:29092. Two more listeners serve the KRaft quorum: CONTROLLER",
        "(kafka-N:29093, never published) and CONTROLLER_EXTERNAL (localhost:19092-19094, for kafka-metadata-quorum).",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def producer_batching():
    """Lesson 12: records wait per partition until batch.size or linger.ms sends the batch; what section 3 measures."""
    f = Figure(880, 496, "The producer's path: records accumulate per partition into batches, sent when batch.size "
                         "fills or linger.ms expires, compressed per batch, several requests in flight")
    f.label(20, 28, "The producer batches: a batch goes when it is full or its first record has waited linger.ms",
            size=16, anchor="start", bold=True)
    # your code
    f.box(20, 82, 136, 92, PLAIN)
    f.label(88, 102, "your code", bold=True)
    f.lines(88, 122, ["produce(topic,", "key, value)"], size=11, mono=True, gap=14)
    f.label(88, 163, "returns at once", size=11, colour=MUTED)
    f.arrow(156, 120, 214, 120)
    f.lines(185, 100, ["key →", "partition"], size=10, colour=MUTED, gap=11)
    # the queue in librdkafka
    f.box(214, 46, 402, 222, PLAIN, rx=10)
    f.label(415, 66, "in the client (librdkafka): each partition's next batch", size=12.5, bold=True)
    rows = [("partition 0", 10, "full: batch.size reached → sent now"),
            ("partition 1", 3, "first record waited linger.ms → sent"),
            ("partition 2", 2, "1 ms old, not full: keeps waiting")]
    cx, cw = 310, 26
    for i, (name, filled, note) in enumerate(rows):
        y = 82 + i * 56
        f.label(300, y + 19, name, size=11.5, anchor="end", mono=True)
        f.cells(cx, y, [""] * 10, w=cw, h=28, colours=[PENDING] * filled + [GONE] * (10 - filled))
        f.label(cx, y + 42, note, size=11, anchor="start", colour=PENDING[1] if i < 2 else MUTED)
    f.label(415, 256, "batch.size: librdkafka 1 000 000 bytes (Java 16 384)", size=11, colour=MUTED)
    # requests and the broker
    f.box(700, 70, 160, 130, LEADER)
    f.label(780, 92, "partition leaders", bold=True)
    f.lines(780, 114, ["store each batch as it", "came (compressed too),", "answer when acks is met",
                       "(acks=all: every ISR", "replica has it)"],
            size=11, gap=15)
    f.arrow(574, 96, 700, 96, colour=INK)
    f.arrow(574, 152, 700, 152, colour=INK)
    f.lines(658, 112, ["Produce", "requests:", "several in", "flight"], size=10.5, colour=INK, gap=12)
    f.elbow([(780, 200), (780, 292), (88, 292), (88, 174)], colour=LEADER[1])
    f.label(438, 286, "ack → delivery report (its callback runs in poll() or flush())", size=11.5, colour=LEADER[1])
    f.lines(628, 222, ["compression.type (none): gzip, snappy,", "lz4, zstd compress the whole batch"],
            size=10.5, anchor="start", colour=MUTED, gap=13)
    # what section 3 measures
    f.label(20, 324, "Section 3 paces 2 000 records/s, one every 0.5 ms; with linger.ms = 5 a batch collects about 10:",
            size=13, anchor="start", bold=True)
    t0, per_ms, ty = 40, 90, 360
    for k in range(10):
        f.box(t0 + k * per_ms / 2 + 4, ty, 36, 26, PENDING, rx=0, width=1.2)
    f.line(t0, ty + 36, t0 + 5.5 * per_ms, ty + 36, MUTED)
    for ms in range(6):
        x = t0 + ms * per_ms
        f.line(x, ty + 32, x, ty + 40, MUTED)
        f.label(x, ty + 54, f"{ms} ms", size=10.5, colour=MUTED)
    f.mark(t0 + 5 * per_ms, ty - 6, ty + 40, "linger.ms = 5: send", colour=RED, anchor="middle", size=11)
    f.box(560, 342, 300, 76, PLAIN)
    f.label(575, 360, "linger.ms", size=11.5, anchor="start", bold=True)
    f.label(845, 360, "records per batch", size=11.5, anchor="end", bold=True)
    for i, (ms, per) in enumerate((("0", "about 1"), ("5 (default)", "about 10"), ("50", "about 100"))):
        f.label(575, 377 + i * 15, ms, size=11, anchor="start", mono=True)
        f.label(845, 377 + i * 15, per, size=11, anchor="end", mono=True)
    f.lines(20, 446, [
        "Latency = produce() to delivery report (p50, p99); throughput = records ÷ (first produce() to last ack). Lingering adds up to",
        "linger.ms per record, yet linger.ms = 0 can be slowest: one-record requests queue when the cluster cannot answer 2 000 a second.",
        "librdkafka also caps a batch at batch.num.messages (10 000) and allows 1 000 000 requests in flight per connection (Java: 5).",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def exactly_once_pipeline():
    """Lesson 13: one batch of rides read, transformed and written in one transaction with its input offsets."""
    f = Figure(880, 520, "The capstone's consume-transform-produce loop: outputs and input offsets committed in "
                         "one transaction")
    f.label(20, 28, "Exactly once: the outputs and the input offsets commit in one transaction",
            size=16, anchor="start", bold=True)
    # the input topic
    f.box(20, 92, 160, 96, PLAIN)
    f.label(100, 116, "capstone-rides", bold=True, mono=True, size=12.5)
    f.lines(100, 138, ["3 partitions", "key = rider id", "300 rides"], size=12, colour=MUTED, gap=16)
    # the processor: its consumer and its transactional producer
    f.box(225, 50, 260, 222, PLAIN, rx=10)
    f.label(355, 72, "RideProcessor", bold=True)
    f.box(240, 84, 230, 72, SYNCED)
    f.label(355, 102, "consumer", size=12, bold=True)
    f.label(355, 118, "group capstone-processor-…", size=11, mono=True)
    f.lines(355, 134, ["isolation.level=read_committed", "enable.auto.commit=false"], size=11, mono=True, gap=14)
    f.arrow(290, 156, 290, 186, colour=INK)
    f.label(298, 175, "completed_ride(), add_ride()", size=11, anchor="start", colour=MUTED)
    f.box(240, 186, 230, 74, PLAIN)
    f.label(355, 204, "producer", size=12, bold=True)
    f.lines(355, 220, ["transactional.id =", "capstone-processor-…"], size=11, mono=True, gap=14)
    f.label(355, 252, "one transaction per batch (≤ 50 rides)", size=10.5, colour=MUTED)
    f.arrow(180, 125, 240, 117, colour=INK)
    f.label(210, 108, "read", size=11, colour=MUTED)
    # one transaction: three destinations
    f.box(545, 50, 315, 222, PLAIN, rx=10, dashed=True)
    f.label(712, 70, "written in ONE transaction", size=12.5, bold=True, colour=CONTROL[1])
    outputs = [("capstone-completed-rides", "each completed ride, with its price per km"),
               ("capstone-rider-totals", "compacted: the batch's riders' new totals"),
               ("__consumer_offsets", "the group's next offset per partition")]
    for i, (topic, what) in enumerate(outputs):
        y = 84 + i * 62
        f.box(560, y, 285, 48, LEADER)
        f.label(702, y + 19, topic, size=12.5, bold=True, mono=True)
        f.label(702, y + 37, what, size=11, colour=MUTED)
    f.arrow(470, 210, 560, 108, colour=INK)
    f.arrow(470, 220, 560, 170, colour=INK)
    f.arrow(470, 232, 560, 232, colour=INK)
    f.step(508, 157, 2)
    f.step(515, 195, 2)
    f.step(515, 232, 3)
    f.step(240, 186, 1)
    f.step(598, 66, 4)
    # the four calls
    f.lines(20, 298, [
        "1. begin_transaction()",
        "2. produce() each completed ride, and each changed rider's totals",
        "3. send_offsets_to_transaction(next offsets, consumer_group_metadata())",
        "4. commit_transaction(): a COMMIT marker in every partition written — outputs and offsets visible at once",
    ], size=12, anchor="start", gap=16)
    # one output partition after a crash and a restart
    cells = [("r1", SYNCED), ("r2", SYNCED), ("COMMIT", CONTROL), ("r3", GONE), ("r4", GONE), ("ABORT", CONTROL),
             ("r3", SYNCED), ("r4", SYNCED), ("COMMIT", CONTROL)]
    w, x0, y = 70, 215, 385
    f.label(x0 - 10, y + 16, "capstone-completed-rides,", size=11.5, anchor="end", mono=True)
    f.label(x0 - 10, y + 31, "one partition", size=11.5, anchor="end", colour=MUTED)
    f.cells(x0, y, [t for t, _ in cells], w=w, h=34, colours=[c for _, c in cells], size=11.5)
    f.label(x0 + 4.5 * w, y - 10, "crash mid-batch → restart with the same transactional.id", size=12, colour=RED,
            bold=True)
    f.brace(x0 + 3, x0 + 3 * w - 3, y + 46, "batch committed")
    f.brace(x0 + 3 * w + 3, x0 + 6 * w - 3, y + 46, "crashed batch, aborted")
    f.brace(x0 + 6 * w + 3, x0 + 9 * w - 3, y + 46, "read again, committed")
    f.lines(20, 470, [
        "The restart's init_transactions() fences the old producer and aborts its open transaction. Its offsets were never",
        "committed, so the group reads that batch again, with the totals rebuilt from capstone-rider-totals (committed data",
        "only). read_committed readers see each ride once; a read_uncommitted reader sees r3 and r4 twice.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def dead_letter_queue():
    """Lesson 14, section 4: a consumer loop that sends poison records to a dead-letter topic and goes on."""
    f = Figure(880, 492, "A consumer loop that writes poison records to a dead-letter topic with error headers, "
                         "commits, and goes on")
    f.label(20, 28, "A poison record goes to a dead-letter topic, and the loop goes on",
            size=16, anchor="start", bold=True)
    # the input: 20 payments, two of them poison
    w, x0, y = 30, 230, 56
    f.label(x0 - 10, y + 14, "lesson14-payments-…", size=12, anchor="end", mono=True, bold=True)
    f.label(x0 - 10, y + 30, "1 partition, 20 payments", size=11, anchor="end", colour=MUTED)
    f.cells(x0, y, [str(i) for i in range(20)], w=w, h=30, size=11)
    for offset, what in ((5, "not json at all"), (13, "\"amount\": \"ten\"")):
        f.box(x0 + offset * w, y, w, 30, ("none", RED), rx=0, width=2.5)
        f.label(x0 + offset * w + w / 2, y + 46, what, size=11, colour=RED, mono=True)
    f.label(x0 + 20 * w + 8, y + 20, "offset", size=11, anchor="start", colour=MUTED)
    # the loop
    top, low = 128, 216
    f.box(20, top + 14, 120, 50, PLAIN)
    f.label(80, top + 44, "poll()", mono=True, bold=True)
    f.box(190, top + 14, 170, 50, PLAIN)
    f.label(275, top + 34, "process(value)", mono=True, bold=True, size=12.5)
    f.label(275, top + 52, "json.loads, check amount", size=11, colour=MUTED)
    f.arrow(140, top + 39, 190, top + 39)
    f.box(440, top - 6, 250, 44, LEADER)
    f.label(565, top + 12, "lesson14-totals-…", mono=True, bold=True, size=12)
    f.label(565, top + 29, "the payment's fee", size=11, colour=MUTED)
    f.box(440, low - 14, 250, 66, LEADER)
    f.label(565, low + 4, "lesson14-payments-dlt-…", mono=True, bold=True, size=12)
    f.lines(565, low + 22, ["the record as it came, with headers", "error and source (topic/partition/offset)"],
            size=11, colour=MUTED, gap=14)
    f.arrow(360, top + 28, 440, top + 16, colour=SYNCED[1])
    f.label(388, top + 8, "ok: produce()", size=11, colour=SYNCED[1], bold=True)
    f.arrow(360, top + 52, 440, low + 12, colour=RED)
    f.lines(385, low + 12, ["ValueError, KeyError:", "produce() + headers"], size=11, colour=RED, anchor="end",
            gap=13, bold=True)
    f.box(745, top + 14, 115, 50, PLAIN)
    f.label(802, top + 34, "flush()", mono=True, bold=True, size=12)
    f.label(802, top + 52, "commit(message)", mono=True, size=11)
    f.arrow(690, top + 16, 745, top + 30)
    f.arrow(690, low + 16, 745, top + 50)
    f.elbow([(802, top + 64), (802, 300), (80, 300), (80, top + 64)], colour=INK)
    f.label(440, 293, "handled (processed or dead-lettered): commit it, then the next record", size=11.5,
            colour=MUTED)
    f.elbow([(x0 + w / 2, y + 30), (x0 + w / 2, 108), (80, 108), (80, top + 14)], colour=MUTED)
    # what the dead-letter topic holds
    f.label(20, 332, "lesson14-payments-dlt-… afterwards:", size=12, anchor="start", bold=True)
    cols = [20, 62, 314, 676]
    for x, head in zip(cols, ["offset", "value (bytes, as they came)", "header error", "header source"]):
        f.label(x, 352, head, size=11, anchor="start", colour=MUTED)
    rows = [("0", "b'not json at all'", "JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
             "lesson14-payments-…/0/5"),
            ("1", "b'{\"payment\": 13, \"amount\": \"ten\"}'",
             "ValueError: amount 'ten' is not a whole number of cents", "lesson14-payments-…/0/13")]
    for i, row in enumerate(rows):
        ry = 360 + i * 26
        f.box(16, ry, 848, 24, PLAIN, rx=3, width=1)
        for j, (x, text) in enumerate(zip(cols, row)):
            f.label(x + (12 if j == 0 else 0), ry + 16, text, size=11, anchor="start", mono=j in (1, 3))
    f.lines(20, 432, [
        "Without the dead-letter topic the exception escapes at offset 5: the loop stops, commits nothing past it, and stops",
        "there again after every restart. With it, all 20 are handled: 18 fees in lesson14-totals-…, 2 dead letters.",
        "The lesson's other guards fit the same loop: commit in on_revoke before partitions move, store_offsets() after",
        "processing, a stable group.instance.id, and a poll() at least every max.poll.interval.ms.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


FIGURES = [kraft_vs_zookeeper, docker_stack, producer_batching, exactly_once_pipeline, dead_letter_queue]
