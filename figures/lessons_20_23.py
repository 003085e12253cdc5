"""Lessons 20-23's figures: listeners and security, share groups, the brokers' metrics, tiered storage."""

from canvas import CONTROL, GONE, INK, LEADER, MUTED, PENDING, PLAIN, RED, SYNCED, Figure


def advertised_listeners():
    """Lesson 20: the advertised.listeners trap, its fix, and two listeners on one broker."""
    f = Figure(880, 478, "The advertised.listeners trap: bootstrap at localhost:9392 succeeds, the metadata names "
                         "127.0.0.2:9392, the connection there is refused; the fix, and INTERNAL/EXTERNAL listeners")
    f.label(20, 28, "advertised.listeners: bootstrap works, then the client goes where the metadata says",
            size=16, anchor="start", bold=True)
    # the trap: a client, the broker, and the advertised address nobody listens on
    f.box(20, 70, 180, 150, PLAIN)
    f.lines(110, 96, ["Producer"], bold=True)
    f.label(110, 122, "bootstrap.servers =", size=11.5)
    f.label(110, 140, "localhost:9392", size=12, mono=True)
    f.lines(110, 170, ["the only address", "you typed"], size=11, colour=MUTED, gap=14)
    f.box(450, 52, 410, 112, LEADER)
    f.label(655, 74, "Broker 1 (the one-broker cluster of section 2)", bold=True)
    f.label(465, 100, "listeners=PLAINTEXT://127.0.0.1:9392", size=11.5, mono=True, anchor="start")
    f.label(465, 122, "advertised.listeners=PLAINTEXT://127.0.0.2:9392", size=11.5, mono=True, anchor="start",
            colour=RED)
    f.label(655, 150, "binds 127.0.0.1 (localhost), tells clients 127.0.0.2", size=11, colour=MUTED)
    f.box(450, 184, 410, 48, GONE, dashed=True)
    f.label(655, 205, "127.0.0.2:9392", size=12, mono=True, colour=MUTED)
    f.label(655, 223, "nothing listens here", size=11, colour=RED)
    f.arrow(200, 92, 450, 92, colour=INK)
    f.label(334, 84, "Metadata request: bootstrap OK", size=11.5)
    f.step(213, 76, 1)
    f.arrow(450, 132, 200, 132, colour=LEADER[1])
    f.label(332, 124, "metadata: broker 1 at 127.0.0.2:9392", size=11.5, colour=LEADER[1])
    f.step(213, 150, 2)
    f.arrow(200, 208, 450, 208, colour=RED, dashed=True)
    f.label(332, 200, "connect: Connection refused", size=11.5, colour=RED)
    f.label(332, 226, "the write: _MSG_TIMED_OUT", size=11.5, colour=RED)
    f.step(213, 192, 3)
    # the fix
    f.box(20, 252, 400, 150, SYNCED)
    f.label(220, 274, "The fix is the broker's setting, not the client's", bold=True)
    f.label(220, 300, "advertised.listeners=PLAINTEXT://localhost:9392", size=11.5, mono=True, colour=SYNCED[1])
    f.lines(220, 326, ["an address the clients can reach: the metadata now", "names localhost:9392, and the same client",
                       "code's write is acknowledged. A client in Docker, a VM", "or on another host asks from where it runs."],
            size=11.5, gap=16)
    # two listeners
    f.box(440, 252, 420, 150, PLAIN)
    f.label(650, 274, "Two listeners: one address inside, one outside", bold=True)
    rows = [("listener", "binds", "advertises"), ("INTERNAL", "127.0.0.1:29392", "127.0.0.1:29392"),
            ("EXTERNAL", "127.0.0.1:9392", "localhost:9392")]
    for r, (name, binds, advertises) in enumerate(rows):
        y = 298 + r * 20
        head = r == 0
        f.label(455, y, name, size=11.5, anchor="start", mono=not head, bold=head, colour=MUTED if head else INK)
        f.label(550, y, binds, size=11.5, anchor="start", mono=not head, bold=head, colour=MUTED if head else INK)
        f.label(700, y, advertises, size=11.5, anchor="start", mono=not head, bold=head,
                colour=MUTED if head else INK)
    f.lines(650, 360, ["A client gets the addresses of the listener it bootstrapped",
                       "through; the brokers replicate over INTERNAL",
                       "(inter.broker.listener.name=INTERNAL)."], size=11, gap=15, colour=MUTED)
    f.lines(20, 428, [
        "A client needs one reachable broker to bootstrap; the metadata then gives every broker's ADVERTISED address, and the",
        "client connects to each partition's leader there. The Docker stack (lesson 11) is the two-listener case:",
        "INTERNAL://kafka-1:29092 for containers and brokers, EXTERNAL://localhost:9092 for programs on your machine.",
    ], size=11.5, anchor="start", gap=16, colour=MUTED)
    return f


def share_group():
    """Lesson 21: a share group's members share one partition, record by record, with per-record states."""
    f = Figure(880, 530, "A consumer group gives each partition to one member; a share group's members share a "
                         "partition and acquire, accept, release or reject each record")
    f.label(20, 28, "Share groups (KIP-932): several consumers read the same partition, record by record",
            size=16, anchor="start", bold=True)
    # a consumer group: one member per partition
    f.box(20, 50, 255, 262, PLAIN, rx=10)
    f.label(147, 72, "Consumer group (lesson 05)", bold=True)
    f.label(147, 89, "6 consumers, a 2-partition topic", size=11, colour=MUTED)
    for p, py in (("P0", 128), ("P1", 188)):
        f.box(35, py - 17, 70, 34, LEADER)
        f.label(70, py + 4, p, size=12, mono=True)
    for i in range(6):
        y = 104 + i * 31
        busy = i < 2
        f.box(185, y, 75, 25, SYNCED if busy else GONE, dashed=not busy)
        f.label(222, y + 17, f"w{i}" + ("" if busy else " idle"), size=11, colour=INK if busy else MUTED)
    f.arrow(105, 128, 185, 116, colour=INK)
    f.arrow(105, 188, 185, 148, colour=INK)
    f.label(147, 300, "one member per partition, 4 idle", size=11, colour=MUTED)
    # a share group: members share a partition
    f.box(295, 50, 565, 262, PLAIN, rx=10)
    f.label(577, 72, "Share group (Kafka 4): members share each partition", bold=True)
    f.label(577, 89, "one partition of the topic, a state per record", size=11, colour=MUTED)
    states = [SYNCED, SYNCED, GONE, SYNCED, PENDING, PENDING, PENDING, PENDING, LEADER, LEADER, LEADER]
    w, x0, y0 = 44, 335, 112
    f.cells(x0, y0, [str(o) for o in range(len(states))], w=w, h=32, colours=states, size=12)
    f.label(x0 - 8, y0 + 21, "P0", size=12, mono=True, anchor="end")
    holders = [(4, 5, "w0"), (6, 6, "w1"), (7, 7, "w2")]
    for n, (first, last, worker) in enumerate(holders):
        wx = 395 + n * 120
        f.box(wx, 196, 90, 30, PENDING)
        f.label(wx + 45, 216, worker, size=12)
        for o in range(first, last + 1):
            f.arrow(x0 + o * w + w / 2, y0 + 32, wx + 45, 196, colour=PENDING[1])
    f.label(577, 248, "each record is acquired by ONE member and locked to it for", size=11.5)
    f.label(577, 265, "share.record.lock.duration.ms (30 s by default)", size=11.5, mono=True)
    legend = [(SYNCED, "acknowledged"), (PENDING, "acquired"), (LEADER, "available"), (GONE, "archived")]
    for i, (colour, text) in enumerate(legend):
        lx = 330 + i * 130
        f.box(lx, 284, 18, 14, colour, rx=0, dashed=colour is GONE, width=1.2)
        f.label(lx + 25, 296, text, size=11.5, anchor="start")
    # the life of one record
    f.label(20, 340, "One record's states, as the share-partition leader keeps them:", size=13, anchor="start",
            bold=True)
    f.box(20, 358, 130, 40, LEADER)
    f.label(85, 383, "available", size=12.5)
    f.box(310, 358, 170, 40, PENDING)
    f.label(395, 383, "acquired (locked)", size=12.5)
    f.box(670, 358, 190, 40, SYNCED)
    f.label(765, 383, "acknowledged", size=12.5)
    f.box(670, 418, 190, 40, GONE, dashed=True)
    f.label(765, 443, "archived", size=12.5, colour=MUTED)
    f.arrow(150, 372, 310, 372, colour=INK)
    f.label(230, 364, "poll(): delivery count + 1", size=11, colour=INK)
    f.arrow(480, 372, 670, 372, colour=SYNCED[1])
    f.label(575, 364, "ACCEPT", size=11.5, colour=SYNCED[1], bold=True)
    f.elbow([(470, 398), (470, 438), (670, 438)], colour=MUTED)
    f.label(575, 430, "REJECT", size=11.5, colour=MUTED, bold=True)
    f.label(575, 454, "or RELEASE at the limit", size=11, colour=MUTED)
    f.elbow([(330, 398), (330, 418), (85, 418), (85, 398)], colour=PENDING[1])
    f.label(207, 432, "RELEASE, lock expired, member gone:", size=11, colour=PENDING[1])
    f.label(207, 446, "redelivered (maybe to another member)", size=11, colour=PENDING[1])
    f.lines(20, 480, [
        "With share.acknowledgement.mode=explicit the worker acknowledges each record of a poll before it polls again. A record",
        "released at its 5th delivery (share.delivery.count.limit) is archived; Kafka 4.4 can put what the group gives up in its",
        "dead-letter topic (dlq.…). A new share group starts at the END unless the group's share.auto.offset.reset=earliest.",
    ], size=11.5, anchor="start", gap=16, colour=MUTED)
    return f


def metrics_paths():
    """Lesson 22: where the numbers come from: the brokers' MBeans over HTTP, and librdkafka's statistics."""
    f = Figure(880, 470, "A broker's MBeans served over HTTP by the Prometheus JMX exporter and scraped by one GET; "
                         "librdkafka's statistics JSON handed to stats_cb")
    f.label(20, 28, "Where the numbers come from: the brokers' MBeans over HTTP, the producer's own statistics",
            size=16, anchor="start", bold=True)
    # broker n's JVM: the MBeans and the exporter beside them
    f.box(20, 48, 450, 192, PLAIN, rx=10)
    f.label(245, 70, "Broker 1's JVM (Kafka 4.4; brokers 2 and 3 alike)", bold=True)
    f.box(32, 86, 190, 140, PLAIN)
    f.label(127, 105, "MBeans (JMX)", size=12.5, bold=True)
    for i, (group, name) in enumerate([("BrokerTopicMetrics", "MessagesInPerSec"),
                                       ("ReplicaManager", "UnderReplicatedPartitions"),
                                       ("RequestMetrics", "TotalTimeMs (Produce)")]):
        f.label(42, 124 + i * 28, group, size=10.5, anchor="start", mono=True)
        f.label(54, 138 + i * 28, name, size=10.5, anchor="start", mono=True)
    f.label(127, 218, "only Java can read them", size=11, colour=MUTED)
    f.box(250, 86, 208, 140, PLAIN)
    f.label(354, 105, "Prometheus JMX exporter", size=12.5, bold=True)
    f.label(354, 121, "a Java agent (1.0.1) in the JVM", size=11, colour=MUTED)
    f.lines(354, 142, ["-javaagent:<jar>=", "127.0.0.1:9792:", "jmx-exporter.yaml"], size=10.5, mono=True, gap=14)
    f.lines(354, 198, ["serves the MBeans its yaml lists,", "renamed kafka_<group>_<name>"], size=10.5,
            colour=MUTED, gap=13)
    f.arrow(222, 170, 250, 170, colour=INK)
    # one HTTP GET, and back Prometheus text
    f.arrow(605, 104, 470, 104, "GET /metrics", colour=INK)
    f.lines(537, 126, ["127.0.0.1:979(1+n)", "9792 · 9793 · 9794"], size=10.5, colour=MUTED, mono=True, gap=14)
    f.label(537, 154, "broker 1 · 2 · 3", size=11, colour=MUTED)
    f.arrow(470, 172, 605, 172, "Prometheus text", colour=INK, side=17)
    # who scrapes
    f.box(605, 48, 255, 192, PLAIN, rx=10)
    f.label(732, 70, "The scraper: one HTTP GET", bold=True)
    f.lines(617, 92, ["scrape_broker(cluster, n)"], size=11, anchor="start", mono=True)
    f.lines(617, 108, ["one GET, parsed into a dict"], size=11.5, anchor="start", colour=MUTED)
    f.lines(617, 130, ["MetricsRecorder(interval=1.0)"], size=11, anchor="start", mono=True)
    f.lines(617, 146, ["every broker, every second,", "as a Prometheus server would"], size=11.5, anchor="start",
            colour=MUTED, gap=15)
    f.lines(617, 190, ["counter (…_total): only grows;", "chart its rate = Δcount / Δt",
                       "gauge: a value now"], size=11.5, anchor="start", gap=15)
    # what the GET returns
    f.box(200, 256, 660, 74, PLAIN)
    f.label(212, 274, "two lines of what the GET returns (the value here is an example):", size=11, anchor="start",
            colour=MUTED, italic=True)
    f.label(212, 295, 'kafka_server_brokertopicmetrics_messagesin_total{topic="lesson22-readings-…"} 1042.0',
            size=10.5, anchor="start", mono=True)
    f.label(848, 295, "counter", size=11, anchor="end", colour=MUTED)
    f.label(212, 316, "kafka_server_replicamanager_underreplicatedpartitions 0.0", size=10.5, anchor="start",
            mono=True)
    f.label(848, 316, "gauge", size=11, anchor="end", colour=MUTED)
    # the client's side: librdkafka's statistics
    f.box(20, 350, 260, 74, PLAIN)
    f.label(150, 370, "Producer (librdkafka)", bold=True)
    f.lines(150, 390, ["statistics.interval.ms: 1000", "stats_cb: <your function>"], size=10.5, mono=True,
            gap=15)
    f.arrow(60, 350, 60, 240, colour=INK)
    f.lines(70, 266, ["produce requests:", "the brokers count", "them too"], size=11, anchor="start", gap=14)
    f.arrow(280, 387, 420, 387, "JSON every 1 s", colour=INK)
    f.label(350, 403, "from poll() / flush()", size=11, colour=MUTED)
    f.box(420, 350, 440, 74, PLAIN)
    f.label(640, 370, "stats_cb(json_text): what the lesson reads", bold=True)
    f.label(432, 391, 'topics[TOPIC]["batchcnt"]["avg"]', size=10.5, anchor="start", mono=True)
    f.label(848, 391, "records per batch", size=11, anchor="end", colour=MUTED)
    f.label(432, 411, 'brokers[name]["rtt"]["avg"]', size=10.5, anchor="start", mono=True)
    f.label(848, 411, "round trip, µs", size=11, anchor="end", colour=MUTED)
    f.lines(20, 444, [
        "A killed broker's exporter dies with it: its scrape fails at once (a gap; up == 0 in Prometheus). A group's lag is not among",
        "these metrics: it comes from offsets (lesson 04). Kafka's Java producer reports batch-size-avg etc. as JMX metrics instead.",
    ], size=11.5, anchor="start", gap=15, colour=MUTED)
    return f


def tiered_storage():
    """Lesson 23: one tiered partition's segments on the broker's disk and in the remote tier, and its offsets."""
    f = Figure(880, 550, "Tiered storage: closed segments copied to the remote tier and deleted locally, the active "
                         "segment on disk only; earliest versus earliest-local")
    f.label(20, 28, "Tiered storage: closed segments move to the remote tier, the active one stays on disk",
            size=16, anchor="start", bold=True)
    f.label(20, 50, "lesson23-tiered-…, partition 0: remote.storage.enable=true, segment.bytes=1 MiB, "
                    "local.retention.bytes=1 MiB, retention.ms=7 days", size=10.5, anchor="start", mono=True)
    w, x0 = 130, 170

    def at(i):
        """The left edge of segment i (0-based)."""
        return x0 + i * w

    names = [f"segment {i + 1}" for i in range(5)]
    # the remote tier
    f.box(160, 64, 700, 96, PLAIN, rx=10, dashed=True)
    f.label(172, 82, "remote-tier/lesson23-tiered-…-0/  written by the course's RSM (DirectoryRemoteStorageManager)",
            size=11.5, anchor="start", colour=MUTED)
    f.cells(at(0), 94, names[:4], w=w, h=34, colours=[SYNCED] * 4, size=12, mono=False,
            caption=["copy", "copy", "copy", "copy (also on disk)"])
    f.lines(775, 108, ["retention.ms = 7 days:", "bounds both tiers"], size=11, colour=MUTED, gap=14)
    f.label(20, 100, "Remote tier", bold=True, anchor="start")
    f.lines(20, 118, ["a directory here;", "S3, GCS, Azure Blob", "in production"], size=11, anchor="start",
            colour=MUTED, gap=14)
    # the broker's disk
    f.box(160, 230, 700, 96, PLAIN, rx=10)
    f.cells(at(0), 250, names, w=w, h=34, colours=[GONE] * 3 + [LEADER, PENDING], size=12, mono=False,
            caption=["deleted", "deleted", "deleted", "closed", "active: never copied"])
    f.label(at(0) + 4, 315, "the oldest beyond local.retention.bytes, once copied", size=11, anchor="start",
            colour=MUTED)
    f.label(20, 266, "Broker's disk", bold=True, anchor="start")
    f.lines(20, 284, ["one-node cluster,", "localhost:9692"], size=11, anchor="start", colour=MUTED, gap=14)
    # copying: closed segments go up; the metadata manager records each copy
    for i in range(4):
        f.arrow(at(i) + w / 2, 248, at(i) + w / 2, 146, colour=SYNCED[1])
    f.step(at(0) + w / 2 + 22, 180, 1)
    f.label(at(0) + w / 2 + 38, 184, "copy", size=12, anchor="start", colour=SYNCED[1], bold=True)
    f.step(at(0) + w / 2 + 22, 210, 2)
    f.label(at(0) + w / 2 + 38, 214, "delete locally", size=12, anchor="start", colour=RED, bold=True)
    f.step(at(4) + w / 2, 176, 3)
    f.lines(at(4) + w / 2, 202, ["still written:", "no copy yet"], size=11, colour=PENDING[1], gap=14)
    f.box(20, 170, 130, 50, CONTROL)
    f.lines(85, 188, ["__remote_log_", "metadata"], size=10.5, mono=True, gap=13)
    f.label(85, 232, "which copy is where", size=10, colour=CONTROL[1])
    # the offsets
    for x, text, note, anchor, colour in [
            (at(0), "earliest = 0", "the log start offset, in the remote tier", "start", INK),
            (at(3), "earliest-local", "first offset on disk", "start", RED),
            (at(5), "latest = 5000", "next offset to write", "end", INK)]:
        f.mark(x, 362, 94 if x == at(0) else 250, text, colour=colour, anchor=anchor)
        f.label(x + (4 if anchor == "start" else -4), 392, note, size=11, anchor=anchor, colour=MUTED)
    # a consumer from offset 0
    f.arrow(at(0), 428, at(3), 428, colour=SYNCED[1])
    f.arrow(at(3), 428, at(5), 428, colour=LEADER[1])
    f.label((at(0) + at(3)) / 2, 420, "from the remote tier, through the broker", size=11.5, colour=SYNCED[1])
    f.label((at(3) + at(5)) / 2, 420, "from the broker's disk", size=11.5, colour=LEADER[1])
    f.step(30, 428, 4)
    f.lines(46, 424, ["Consumer at", "OFFSET_BEGINNING"], size=11, anchor="start", gap=13)
    f.lines(20, 464, [
        "1. Within a second here (remote.log.manager.task.interval.ms; default 30 s) the RSM copies each closed segment",
        "(copyLogSegmentData); the copy is recorded in __remote_log_metadata. 2. Local retention deletes the oldest local segments,",
        "copied ones only, while at least local.retention.bytes stays on disk. 3. The active segment is never copied. 4. The broker",
        "serves offsets below earliest-local from the RSM (fetchIndex, fetchLogSegment). Total retention (retention.*) deletes remote",
        "copies too. Beside it, lesson23-deleting-… (retention.bytes=1 MiB, no remote tier) lost its old records: earliest = earliest-local.",
    ], size=11.5, anchor="start", gap=15, colour=MUTED)
    return f


FIGURES = [advertised_listeners, share_group, metrics_paths, tiered_storage]
