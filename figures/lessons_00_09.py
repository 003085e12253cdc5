"""Lessons 00-09's figures: the cluster, producing, the log, consuming, groups, replication, delivery guarantees,
retention and compaction, the schema registry's wire format."""

from canvas import CONTROL, GONE, INK, LEADER, MUTED, PENDING, PLAIN, RED, SYNCED, Figure


def course_map():
    """Lesson 00: the course cluster's three KRaft nodes, the schema registry, the notebook's clients, .course/."""
    f = Figure(880, 445, "The course cluster: three Kafka 4.4 nodes in KRaft mode, each a broker and a controller, "
                         "the schema registry, and the notebook's confluent-kafka clients")
    f.label(20, 28, "Your own Kafka cluster: three Kafka 4.4 nodes on this machine, driven from the notebook",
            size=16, anchor="start", bold=True)
    # the notebook
    f.box(20, 55, 250, 215, PLAIN)
    f.label(145, 79, "This notebook (Python)", bold=True)
    f.label(145, 103, "cluster = course_lib.connect()", size=11.5, mono=True)
    f.lines(145, 130, ["confluent-kafka 2.16 (librdkafka):", "Producer · Consumer · AdminClient"], size=12)
    f.label(145, 178, "bootstrap.servers =", size=11.5, colour=MUTED)
    f.lines(145, 196, ["localhost:9092,", "localhost:9093,", "localhost:9094"], size=11.5, mono=True, gap=15)
    f.label(145, 258, "whichever answers lists all three", size=11, colour=MUTED)
    # the cluster
    f.box(330, 45, 530, 240, PLAIN, rx=10)
    f.label(595, 68, "The course cluster · Kafka 4.4, KRaft mode (no ZooKeeper)", bold=True)
    for i in range(3):
        x = 343 + i * 173
        f.box(x, 82, 158, 162, PLAIN)
        f.label(x + 79, 103, f"node {i + 1}", bold=True)
        f.label(x + 79, 119, "one Java process", size=11, colour=MUTED)
        f.box(x + 12, 129, 134, 46, PLAIN)
        f.label(x + 79, 147, "broker", size=12, bold=True)
        f.label(x + 79, 166, f"localhost:{9092 + i}", size=12, mono=True)
        f.box(x + 12, 185, 134, 46, CONTROL)
        f.label(x + 79, 203, "controller", size=12, bold=True, colour=CONTROL[1])
        f.label(x + 79, 222, f"127.0.0.1:{19092 + i}", size=12, mono=True)
    for i in range(2):
        f.line(343 + i * 173 + 146, 208, 343 + (i + 1) * 173 + 12, 208, CONTROL[1], width=2)
    f.label(595, 266, "the three controllers elect one active controller (section 2 shows which)",
            size=11.5, colour=CONTROL[1])
    # the notebook talks to the brokers
    f.arrow(270, 152, 355, 152, colour=INK)
    f.label(300, 142, "Kafka", size=11, colour=MUTED)
    f.label(300, 170, "protocol", size=11, colour=MUTED)
    # the schema registry, itself a client of the cluster
    f.box(330, 305, 270, 80, PLAIN)
    f.label(465, 328, "Schema registry · 127.0.0.1:8081", size=12.5, bold=True)
    f.lines(465, 348, ["the course's own (Confluent's REST API),", "a Python process; it keeps schemas", "in the _schemas topic"],
            size=11, colour=MUTED, gap=14)
    f.arrow(465, 305, 465, 287, colour=MUTED, dashed=True)
    f.elbow([(145, 270), (145, 345), (330, 345)], colour=INK)
    f.label(237, 337, "HTTP (lesson 09)", size=11, colour=MUTED)
    # where data lives
    f.box(620, 305, 240, 80, PLAIN)
    f.label(740, 328, ".course/ · all the course's files", size=12.5, bold=True)
    f.label(634, 348, "jars/", size=11, mono=True, anchor="start")
    f.label(676, 348, "Kafka's jars, fetched once", size=11, anchor="start", colour=MUTED)
    f.label(634, 363, "kraft/node-1/ … node-3/", size=11, mono=True, anchor="start")
    f.label(634, 377, "each: server.properties, data/, logs/", size=11, anchor="start", colour=MUTED)
    f.lines(20, 412, [
        "The cluster keeps running when the kernel stops: python -m course_lib status | down | up | reset in a terminal.",
        "A client reaches any broker first (bootstrap), then talks to each partition's leader at the address it was given.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def produce_path():
    """Lesson 01: one acks=all write, from produce() to the delivery report."""
    f = Figure(880, 430, "The produce path with acks=all: leader, followers' fetches, high watermark, ack")
    f.label(20, 28, "The produce path (acks=all): a record is acknowledged once every in-sync replica has it",
            size=16, anchor="start", bold=True)
    # the producer
    f.box(20, 95, 160, 96, PLAIN)
    f.lines(100, 122, ["Producer", "acks=all", "orders-0 ← \"o-5\""], size=13, anchor="middle")
    # the leader and its log: offsets 0..4, the new record at 4, high watermark still 4
    f.box(300, 60, 300, 170, LEADER)
    f.label(450, 84, "Broker 1 · leader of orders-0", bold=True)
    f.cells(320, 110, ["0", "1", "2", "3", "4"], w=48, colours=[LEADER] * 4 + [PENDING])
    f.mark(320 + 4 * 48, 104, 150, "HW = 4", colour=RED, anchor="end")
    f.mark(320 + 5 * 48, 104, 150, "→ 5", colour=RED, anchor="start")
    f.lines(450, 176, ["appends \"o-5\" at offset 4 (log end → 5)",
                       "waits until the ISR {1, 2, 3} has it"], size=12, colour=MUTED)
    # the followers
    for n, y in ((2, 40), (3, 250)):
        f.box(690, y, 170, 110, SYNCED)
        f.label(775, y + 24, f"Broker {n} · follower", bold=True)
        f.cells(702, y + 40, ["0", "1", "2", "3", "4"], w=29, h=28, colours=[LEADER] * 4 + [PENDING], size=11)
        f.label(775, y + 92, "copies offset 4", size=11, colour=MUTED)
    # the steps
    f.arrow(180, 120, 300, 120, colour=INK)
    f.step(240, 104, 1)
    f.arrow(690, 95, 600, 112, colour=SYNCED[1])
    f.arrow(690, 305, 600, 205, colour=SYNCED[1])
    f.step(645, 85, 2)
    f.step(645, 268, 2)
    f.step(440, 98, 3)
    f.arrow(300, 175, 180, 175, colour=LEADER[1])
    f.step(240, 191, 4)
    f.lines(20, 300, [
        "1. produce(): the client batches the record and sends it to the",
        "    partition's leader, which appends it to its log.",
        "2. Each follower keeps fetching from the leader at its own log end",
        "    offset: Fetch(4) returns the record, the next Fetch(5) tells the",
        "    leader the follower has it.",
        "3. When every replica in the ISR has it, the leader moves the high",
        "    watermark past it (4 → 5): consumers may now read offset 4.",
        "4. Only then the leader answers: the delivery report says",
        "    partition 0, offset 4.",
    ], size=12, anchor="start", gap=15)
    f.lines(440, 385, ["With acks=1 the leader answers right after step 1;",
                       "with acks=0 nobody answers. min.insync.replicas",
                       "refuses acks=all writes while the ISR is smaller."],
            size=11.5, anchor="start", colour=MUTED, gap=15)
    return f


def key_to_partition():
    """Lesson 02, sections 3 and 5: each key hashed to one partition; the partitions' leaders on three brokers."""
    # lesson02-ordering: 3 partitions; events 0, 1, 2, ... for alice, erin, mallory, trent in turn
    people = ["alice", "erin", "mallory", "trent"]
    crc = {"alice": 2, "erin": 0, "mallory": 1, "trent": 1}       # zlib.crc32(key) % 3: librdkafka's default
    murmur = {"alice": 0, "erin": 2, "mallory": 0, "trent": 1}    # (murmur2(key) & 0x7fffffff) % 3: Java's
    f = Figure(880, 445, "Key to partition: the producer hashes each key and takes the remainder by the partition "
                         "count, so one key always lands in one partition; each partition has its leader on a broker")
    f.label(20, 28, "Key → partition: the producer hashes the key, so one key always lands in one partition",
            size=16, anchor="start", bold=True)
    # the producer and its records
    f.box(20, 50, 190, 196, PLAIN)
    f.label(115, 73, "Producer", bold=True)
    f.label(115, 90, "confluent-kafka, default", size=11, colour=MUTED)
    f.label(115, 104, "partitioner = consistent_random", size=10.5, colour=MUTED)
    f.cells(35, 118, [f"{p[0]}{i}" for i, p in enumerate(people * 2)][:4], w=40, h=26, size=11)
    f.cells(35, 150, [f"{p[0]}{i + 4}" for i, p in enumerate(people)], w=40, h=26, size=11)
    f.lines(115, 198, ["a0 = event 0, key \"alice\";", "events 0 … 19 sent in order,", "the four keys in turn"],
            size=11, colour=MUTED, gap=15)
    # the hash
    f.box(250, 50, 270, 196, PLAIN)
    f.label(385, 73, "partition = hash(key) % 3", bold=True, mono=True)
    f.label(300, 98, "key", size=11, colour=MUTED, bold=True)
    f.label(388, 92, "CRC32 % 3", size=11, bold=True)
    f.label(388, 105, "(the default)", size=10.5)
    f.label(470, 92, "murmur2 % 3", size=11, colour=MUTED, bold=True)
    f.label(470, 105, "(Java)", size=10.5, colour=MUTED)
    for r, person in enumerate(people):
        y = 128 + r * 22
        f.label(300, y, f"\"{person}\"", size=12, mono=True)
        f.label(388, y, f"→ {crc[person]}", size=12, mono=True, bold=True)
        f.label(470, y, str(murmur[person]), size=12, mono=True, colour=MUTED)
    f.lines(385, 218, ["picked by the producer, not the broker;", "one key, one partition (while there are 3)"],
            size=11, colour=MUTED, gap=14)
    f.arrow(210, 148, 250, 148)
    # the topic's partitions
    f.box(560, 50, 300, 196, PLAIN)
    f.label(710, 73, "lesson02-ordering", bold=True, mono=True)
    rows = {p: [(f"{person[0]}{i}") for i in range(12) for person in [people[i % 4]] if crc[person] == p]
            for p in range(3)}
    for p in range(3):
        y = 90 + p * 50
        f.label(572, y + 11, f"partition {p}", size=11, anchor="start", colour=MUTED)
        f.cells(572, y + 17, rows[p] + ["…"], w=38, h=26, size=11)
    f.arrow(520, 148, 560, 148)
    # leaders on the brokers
    f.label(20, 280, "Each partition has 3 replicas, one per broker; its leader takes the writes and serves the reads.",
            size=12, anchor="start")
    for b in range(3):
        x = 20 + b * 200
        f.box(x, 292, 180, 64, PLAIN)
        f.label(x + 90, 311, f"broker {b + 1}", size=12, bold=True)
        f.cells(x + 27, 320, [f"P{p}" for p in range(3)], w=42, h=26, size=11,
                colours=[LEADER if p == b else SYNCED for p in range(3)])
    f.box(625, 298, 18, 14, LEADER, rx=0)
    f.label(650, 310, "leader", size=11.5, anchor="start")
    f.box(625, 320, 18, 14, SYNCED, rx=0)
    f.label(650, 332, "follower, in sync", size=11.5, anchor="start")
    f.label(625, 352, "(one placement: describe_topic shows yours)", size=10.5, anchor="start", colour=MUTED)
    f.lines(20, 385, [
        "Order holds within a partition: alice's events 0, 4, 8 arrive in order; across partitions there is none.",
        "Java producers hash with murmur2 and put alice, erin and mallory elsewhere: set partitioner=\"murmur2_random\".",
        "No key, no hash: librdkafka sends keyless records to one random partition for sticky.partitioning.linger.ms (10 ms),",
        "then to another, so over time they spread over every partition.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def partition_log():
    """Lesson 03, section 9: the four positions in one partition."""
    start, committed, hw, end, shown = 3, 7, 11, 13, 15  # log start, group's committed, high watermark, log end
    w, x0, y = 52, 40, 130
    f = Figure(860, 300, "One partition's log: log start offset, committed offset, high watermark, log end offset")
    f.label(20, 28, "One partition's log, as its leader holds it", size=16, anchor="start", bold=True)
    colours = [GONE] * start + [SYNCED] * (committed - start) + [LEADER] * (hw - committed) \
        + [PENDING] * (end - hw) + [GONE] * (shown - end)
    texts = [str(i) for i in range(shown)]
    f.cells(x0, y, texts, w=w, h=40, colours=colours, size=13)

    def at(offset):
        """The left edge of an offset's cell."""
        return x0 + offset * w

    f.mark(at(start), y - 38, y + 40, f"log start offset = {start}", anchor="start")
    f.mark(at(hw), y - 38, y + 40, f"high watermark = {hw}", colour=RED, anchor="end")
    f.mark(at(end), y - 62, y + 40, f"log end offset = {end}", anchor="start")
    f.line(at(end), y - 62, at(end), y - 38, INK, width=2.5)
    f.mark(at(committed), y + 84, y, f"committed offset of group \"billing\" = {committed}",
           colour=SYNCED[1], anchor="middle")
    f.brace(at(0), at(start), y + 56, "deleted (retention,")
    f.label((at(0) + at(start)) / 2, y + 84, "delete_records)", size=11, colour=MUTED)
    f.brace(at(start) + 3, at(committed) - 3, y + 56, "read and committed")
    f.brace(at(committed) + 3, at(hw) - 3, y + 56, f"readable: the group's lag = {hw - committed}")
    f.brace(at(hw) + 3, at(end) - 3, y + 56, "not on every ISR")
    f.label(at(hw) + w, y + 84, "replica yet", size=11, colour=MUTED)
    f.lines(20, 250, [
        "log start ≤ high watermark ≤ log end offset. Offsets are never reused: deleting moves the log start offset;",
        "each append moves the log end offset (the next offset to write); the high watermark follows the slowest in-sync",
        "replica. A group's committed offset is the next offset it will read (retention can overtake a slow group's).",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def consumer_position():
    """Lesson 04: one partition as a consumer and its group see it: position, committed offset, high watermark, lag."""
    # orders-04 partition 0 (keys user-3 and user-4) after section 7: 12 orders read and committed, 4 late orders;
    # then a consumer of the group polls twice
    committed, position, hw = 12, 14, 16
    w, x0, y, h = 44, 40, 180, 40
    f = Figure(880, 475, "A consumer's place in one partition: its position, its group's committed offset, "
                         "the high watermark, the lag, and where auto.offset.reset starts a group with no commit")
    f.label(20, 28, "Consuming one partition: position, committed offset, high watermark, lag",
            size=16, anchor="start", bold=True)

    def at(offset):
        """The left edge of an offset's cell."""
        return x0 + offset * w

    colours = [SYNCED] * committed + [LEADER] * (hw - committed) + [GONE]
    f.cells(x0, y, [str(i) for i in range(hw + 1)], w=w, h=h, colours=colours, size=13)
    f.label(at(0) + 44, y - 10, "orders-04, partition 0", size=12, anchor="start", mono=True)
    # where a group without a commit starts
    f.box(20, 46, 300, 52, PLAIN, dashed=True)
    f.label(170, 67, "A group with no committed offset here:", size=12, bold=True)
    f.label(170, 86, "auto.offset.reset decides where it starts", size=11.5, colour=MUTED)
    f.elbow([(at(0) + 22, 98), (at(0) + 22, y - 2)])
    f.label(at(0) + 28, 130, "earliest → 0", size=12, anchor="start", bold=True)
    f.label(at(0) + 28, 145, "(the log start)", size=11, anchor="start", colour=MUTED)
    f.elbow([(320, 72), (at(hw) + 22, 72), (at(hw) + 22, y - 2)])
    f.label(545, 64, "latest (the default) → 16: only records written from now on", size=12, bold=True)
    # the log's end and the lag
    f.mark(at(hw), 112, y + h, "high watermark = 16 (end offset)", colour=RED, anchor="end")
    f.line(at(committed) + 3, 170, at(hw) - 3, 170, MUTED, width=1.2)
    f.line(at(committed) + 3, 170, at(committed) + 3, 175, MUTED, width=1.2)
    f.line(at(hw) - 3, 170, at(hw) - 3, 175, MUTED, width=1.2)
    f.label((at(committed) + at(hw)) / 2, 162, "lag = 16 − 12 = 4", size=12, bold=True, colour=MUTED)
    # below the log: the group's commit and the consumer's position
    f.brace(at(0) + 3, at(committed) - 3, y + h + 16, "read and committed: the group resumes after them")
    f.line(at(committed), y, at(committed), 305, SYNCED[1], width=2.5)
    f.label(at(committed) - 5, 280, "committed offset = 12", size=12, anchor="end", bold=True, colour=SYNCED[1])
    f.line(at(position), y, at(position), 305, INK, width=2.5)
    f.label(at(position) + 5, 280, "position = 14", size=12, anchor="start", bold=True)
    f.box(250, 305, 340, 78, SYNCED)
    f.label(420, 326, "Group coordinator (a broker)", bold=True)
    f.label(420, 345, "__consumer_offsets: billing, orders-04 [0] → 12", size=11, mono=True)
    f.label(420, 365, "where the group resumes after a restart", size=11.5, colour=MUTED)
    f.box(630, 305, 230, 78, PLAIN)
    f.label(745, 326, "A consumer of group billing", bold=True)
    f.label(745, 345, "poll() returned 12, then 13", size=11.5)
    f.label(745, 365, "position: next offset, in memory", size=11.5, colour=MUTED)
    f.elbow([(745, 383), (745, 400), (420, 400), (420, 385)], colour=SYNCED[1])
    f.label(582, 416, "commit: every 5 s (enable.auto.commit) and on close() — then committed = 14", size=11.5,
            colour=SYNCED[1])
    # legend
    for i, (colour, text) in enumerate([(SYNCED, "read and committed"), (LEADER, "not yet committed: the lag"),
                                        (GONE, "the next offset to be written")]):
        f.box(20, 296 + i * 24, 18, 14, colour, rx=0, dashed=colour is GONE)
        f.label(46, 308 + i * 24, text, size=11.5, anchor="start")
    f.lines(20, 442, [
        "If this consumer crashed now, the next consumer of partition 0 in the group would start at the committed offset, 12,",
        "not at the position, 14: records 12 and 13 come again. A group with a commit here ignores auto.offset.reset.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def rebalance():
    """Lesson 05: a third member joins a group reading 3 partitions (range assignor)."""
    before = {"C1": ["P0", "P1"], "C2": ["P2"]}
    after = {"C1": ["P0"], "C2": ["P1"], "C3": ["P2"]}
    f = Figure(860, 380, "A consumer group's assignment before and after a rebalance")
    f.label(20, 28, "A rebalance: a third consumer joins a group reading a 3-partition topic",
            size=16, anchor="start", bold=True)

    def panel(x, title, assignment, moved):
        f.box(x, 50, 370, 250, PLAIN, rx=10)
        f.label(x + 185, 74, title, bold=True)
        rows = {p: 110 + i * 60 for i, p in enumerate(["P0", "P1", "P2"])}
        for p, py in rows.items():
            f.box(x + 20, py - 18, 90, 36, PENDING if p in moved else LEADER)
            f.label(x + 65, py + 5, f"clicks {p}", size=12)
        members = list(assignment)
        for i, member in enumerate(members):
            my = 110 + i * 60 if len(members) == 3 else 140 + i * 60
            f.box(x + 250, my - 20, 100, 40, SYNCED)
            f.label(x + 300, my + 5, f"consumer {member}", size=12)
            for p in assignment[member]:
                f.arrow(x + 110, rows[p], x + 250, my, colour=PENDING[1] if p in moved else INK)
        f.label(x + 185, 285, "each partition to exactly one member", size=11, colour=MUTED)

    panel(20, "Before: 2 consumers, group.id = \"workers\"", before, moved=())
    panel(470, "After C3 joins: 3 consumers", after, moved=("P1", "P2"))
    f.arrow(395, 175, 465, 175, colour=RED)
    f.lines(430, 150, ["rebalance"], size=11, colour=RED)
    f.lines(20, 325, [
        "The group's coordinator (a broker) notices the join and starts a rebalance. With the eager range assignor (librdkafka's",
        "first default) every member gives up all its partitions, then P1 and P2 move. cooperative-sticky, or Kafka 4's",
        "group.protocol=consumer, moves only P1 to C3 and the others keep reading. A 4th consumer would sit idle.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def replication_isr():
    """Lesson 06: one partition on three brokers, one follower out of the ISR."""
    f = Figure(880, 370, "Replication and the ISR: a leader, a follower in sync and a follower out of sync")
    f.label(20, 28, "Replication: orders-0 with replicas [1, 2, 3], leader 1, ISR [1, 2]",
            size=16, anchor="start", bold=True)
    brokers = [  # (name, role, colours, log end offset)
        ("Broker 1", "leader · in the ISR", LEADER, 10),
        ("Broker 2", "follower · in the ISR", SYNCED, 10),
        ("Broker 3", "follower · OUT of the ISR", PENDING, 6),
    ]
    for i, (name, role, colours, leo) in enumerate(brokers):
        x = 20 + i * 295
        f.box(x, 60, 260, 170, colours, dashed=colours is PENDING)
        f.label(x + 130, 84, name, bold=True)
        f.label(x + 130, 102, role, size=12, colour=colours[1], bold=True)
        f.cells(x + 15, 120, [str(o) for o in range(10)], w=23, h=28, size=11,
                colours=[LEADER if o < leo else GONE for o in range(10)])
        f.label(x + 130, 172, f"log end offset = {leo}", size=12, mono=True)
        f.label(x + 130, 192, "high watermark = 10" if i == 0 else
                ("caught up" if leo == 10 else "4 records behind for > 30 s"), size=12,
                colour=RED if i == 0 else MUTED)
    f.arrow(315, 145, 280, 145, colour=SYNCED[1])
    f.label(297, 135, "Fetch", size=11, colour=SYNCED[1])
    f.elbow([(740, 230), (740, 246), (190, 246), (190, 230)], colour=PENDING[1], dashed=True)
    f.label(470, 262, "Fetch (too slow: broker 3 is behind)", size=11, colour=PENDING[1])
    f.label(20, 262, "Followers fetch from the leader,", size=12, anchor="start", colour=MUTED)
    f.label(20, 276, "as a consumer would.", size=12, anchor="start", colour=MUTED)
    f.lines(20, 300, [
        "ISR = the replicas caught up with the leader. A follower not caught up for replica.lag.time.max.ms (30 s), or on a",
        "broker the controller fenced, is dropped from it: the leader asks the controller (AlterPartition) to shrink the ISR.",
        "The high watermark is the lowest log end offset in the ISR, so broker 3 no longer holds it back; acks=all waits",
        "for brokers 1 and 2 only, and min.insync.replicas=2 still accepts writes. A new leader is chosen from the ISR only.",
    ], size=12, anchor="start", gap=16)
    return f


def transaction_markers():
    """Lesson 07, section 8: a transaction over two partitions, its COMMIT markers, the last stable offset."""
    f = Figure(860, 370, "A transaction's records in two partitions, its COMMIT markers, and the last stable offset")
    f.label(20, 28, "Transactions: COMMIT markers and the last stable offset", size=16, anchor="start", bold=True)
    T1, T2, MARK = SYNCED, PENDING, CONTROL
    rows = [  # (partition, cells as (text, colour))
        ("payments-0", [("a1", T1), ("a2", T1), ("COMMIT", MARK), ("b1", T2), ("b2", T2)]),
        ("payments-1", [("a3", T1), ("COMMIT", MARK), ("b3", T2)]),
    ]
    w, x0 = 70, 150
    for r, (partition, cells) in enumerate(rows):
        y = 90 + r * 100
        f.label(x0 - 12, y + 23, partition, anchor="end", mono=True, size=13)
        f.cells(x0, y, [t for t, _ in cells], w=w, h=36, colours=[c for _, c in cells], size=12,
                caption=[f"offset {i}" for i in range(len(cells))])
        lso = next(i for i, (_, c) in enumerate(cells) if c is T2)
        f.mark(x0 + lso * w, y - 14, y + 50, f"LSO = {lso}", colour=RED, anchor="end")
        f.mark(x0 + len(cells) * w, y - 14, y + 50, f"HW = {len(cells)}", anchor="start")
    f.box(590, 70, 260, 178, PLAIN)
    legend = [(T1, "transaction A, committed"), (T2, "transaction B, still open"), (MARK, "control record (marker)")]
    for i, (colour, text) in enumerate(legend):
        f.box(605, 88 + i * 28, 22, 18, colour, rx=0)
        f.label(636, 102 + i * 28, text, size=12, anchor="start")
    f.lines(605, 188, ["A read_committed consumer reads", "up to the LSO; read_uncommitted", "up to the HW."],
            size=12, anchor="start", gap=16)
    f.lines(20, 275, [
        "commit_transaction(): the transaction coordinator writes a COMMIT marker into every partition the transaction",
        "wrote (an abort writes ABORT markers). A marker takes an offset but is never handed to a consumer. The last stable",
        "offset (LSO) is the first offset of the earliest still-open transaction: read_committed stops there even though",
        "b1..b3 are stored, and skips an aborted transaction's records. librdkafka consumers default to read_committed.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def retention_and_compaction():
    """Lesson 08: delete drops whole old segments; compact keeps the last value per key, then drops tombstones."""
    f = Figure(880, 510, "cleanup.policy=delete removes whole old segments; cleanup.policy=compact keeps the last "
                         "value of every key and later removes tombstones")
    f.label(20, 28, "Two cleanup policies: delete drops whole old segments, compact keeps each key's last value",
            size=16, anchor="start", bold=True)

    # --- delete: the segments of by-time-0 ------------------------------------------------------------------
    f.label(20, 56, "cleanup.policy=delete · topic by-time: retention.ms = 8 s, segment.ms = 2 s, "
                    "a batch of 40 records every ~2 s", size=13, anchor="start", bold=True)
    w, gap, x0, y = 118, 6, 20, 70
    states = ["deleted", "deleted", "closed", "closed", "closed", "active"]
    for i, state in enumerate(states):
        x = x0 + i * (w + gap)
        colours = GONE if state == "deleted" else SYNCED
        f.box(x, y, w, 58, colours, rx=3, dashed=state == "deleted", width=2.5 if state == "active" else 1.5)
        base = 40 * i
        f.label(x + w / 2, y + 19, f"offsets {base}–{base + 39}", size=12, mono=True,
                colour=MUTED if state == "deleted" else INK)
        name = f"…{base:05d}.log" + (".deleted" if state == "deleted" else "")
        f.label(x + w / 2, y + 35, name, size=10, mono=True, colour=MUTED)
        f.label(x + w / 2, y + 51, state, size=11.5, bold=True,
                colour=MUTED if state == "deleted" else SYNCED[1])
    end = x0 + 6 * (w + gap) - gap
    f.arrow(868, y + 29, end + 2, y + 29, colour=INK)
    f.label((868 + end) / 2, y + 21, "appends", size=11, colour=INK)
    f.brace(x0 + 2, x0 + 2 * (w + gap) - gap - 2, 142, "newest record older than 8 s: gone")
    f.mark(x0 + 2 * (w + gap) - gap / 2, 150, 64, "log start offset = 80", anchor="start")
    f.mark(end, 150, 64, "log end offset = 240", anchor="end")
    f.lines(20, 188, [
        "Retention deletes whole segments, oldest first: by time once a segment's newest record is older than retention.ms",
        "(checked every 5 s here, 5 min by default); by size (topic by-size, retention.bytes = 2000) while the rest still holds",
        "2000 bytes. The active segment goes only once all of it has expired (Kafka rolls a new one first).",
    ], size=12, anchor="start", gap=16, colour=MUTED)

    # --- compact: sensor-latest-0 before and after cleaning -------------------------------------------------
    f.label(20, 258, "cleanup.policy=compact · topic sensor-latest: 20 readings per sensor, then a tombstone "
                     "for sensor-4", size=13, anchor="start", bold=True)
    cw, cx0 = 68, 120
    active_x = cx0 + 9 * cw + 10

    def at(i):
        return active_x if i == 9 else cx0 + i * cw

    def record(i, y, offset, key, value, colours):
        x = at(i)
        f.box(x, y, cw, 52, colours, rx=0, dashed=colours is GONE, width=2.5 if i == 9 else 1.2)
        ink = MUTED if colours is GONE else INK
        f.label(x + cw / 2, y + 14, offset, size=10, colour=MUTED)
        f.label(x + cw / 2, y + 30, key, size=11, mono=True, colour=ink)
        f.label(x + cw / 2, y + 45, value, size=11, mono=True, colour=RED if value == "null" else ink)

    before = [("offset 0", "sensor-0", "20.0 °C"), ("offset 1", "sensor-1", "20.0 °C"),
              ("2 … 94", "…", "…")] + \
        [(f"offset {95 + s}", f"sensor-{s}", "21.9 °C") for s in range(5)] + \
        [("offset 100", "sensor-4", "null"), ("offset 101", "marker", "…")]
    r1, r2 = 290, 378
    f.label(at(0), r1 - 8, "closed segment (rolled after segment.ms = 1 s)", size=11, anchor="start", colour=MUTED)
    f.label(at(9) + cw, r1 - 8, "active segment", size=11, anchor="end", bold=True)
    for i, (offset, key, value) in enumerate(before):
        record(i, r1, offset, key, value, CONTROL if value == "null" else PLAIN)
    for i, (offset, key, value) in enumerate(before):
        gone = i in (0, 1, 2, 7)
        colours = GONE if gone else CONTROL if value == "null" else SYNCED
        record(i, r2, offset, key, value, colours)
    f.label(108, r1 + 31, "written", size=12, anchor="end", bold=True)
    f.label(108, r2 + 24, "after the", size=12, anchor="end", bold=True)
    f.label(108, r2 + 39, "cleaner", size=12, anchor="end", bold=True)
    f.arrow(70, r1 + 52, 70, r2 - 4, colour=INK)
    f.label(at(0), r1 + 69, "the log cleaner rewrites closed segments once they are dirty enough "
                            "(min.cleanable.dirty.ratio = 0.01 here, 0.5 by default)",
            size=11.5, anchor="start", colour=INK)
    f.brace(at(0) + 2, at(3) - 2, r2 + 62, "older values: removed")
    f.brace(at(3) + 2, at(7) - 2, r2 + 62, "each key's last value, same offset")
    f.lines(at(8) + cw / 2, r2 + 68, ["tombstone: removed later,", "after delete.retention.ms = 8 s"], size=11,
            colour=CONTROL[1], gap=14)
    f.lines(20, 484, [
        "Compaction never renumbers: the records kept stay at their offsets, with gaps between. compact alone never deletes by retention.ms;",
        "compact,delete (topic sensor-history) compacts and also deletes segments older than retention.ms, last values included.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


def wire_format():
    """Lesson 09, section 5: the bytes of an Avro record value with the schema registry's framing."""
    avro = [("02", "id = 1"), ("08 62 6f 6f 6b", "item = \"book\""),
            ("00 00 00 00 00 00 29 40", "price = 12.5"), ("04", "quantity = 2")]
    f = Figure(880, 320, "The schema registry's wire format: magic byte 0, 4-byte big-endian schema id, Avro payload")
    f.label(20, 28, "A record's value on the wire: 5-byte header, then the Avro binary payload",
            size=16, anchor="start", bold=True)
    payload = " ".join(b for b, _ in avro).split()
    data = ["00", "00", "00", "00", "01", *payload]
    colours = [CONTROL] + [LEADER] * 4 + [SYNCED] * len(payload)
    w, x0, y = 40, 40, 80
    f.cells(x0, y, data, w=w, h=36, colours=colours, size=13, caption=[str(i) for i in range(len(data))])
    f.label(x0 - 8, y + 49, "byte", size=10, anchor="end", colour=MUTED)
    f.brace(x0 + 2, x0 + w - 2, y + 80, "magic")
    f.label(x0 + w / 2, y + 108, "byte 0", size=11, colour=MUTED)
    f.brace(x0 + w + 2, x0 + 5 * w - 2, y + 80, "schema id = 1")
    f.label(x0 + 3 * w, y + 108, "4 bytes, big-endian", size=11, colour=MUTED)
    start = 5
    for text, meaning in avro:
        n = len(text.split())
        f.brace(x0 + start * w + 2, x0 + (start + n) * w - 2, y + 80, meaning, colour=SYNCED[1])
        start += n
    f.label(x0 + 12.5 * w, y + 125, "Avro binary: values in schema order, no field names", size=12,
            colour=SYNCED[1], bold=True)
    f.lines(20, 245, [
        "The serializer writes struct.pack(\">bI\", 0, schema_id) + avro_bytes; the deserializer reads the id, fetches the",
        "writer's schema from the registry (GET /schemas/ids/1) and decodes the rest. Avro ints and longs are zig-zag varints",
        "(1 → 02, 2 → 04), a string is its length then UTF-8, a double 8 bytes little-endian. JSON Schema keeps the same header.",
    ], size=12, anchor="start", gap=16, colour=MUTED)
    return f


FIGURES = [course_map, produce_path, key_to_partition, partition_log, consumer_position, rebalance, replication_isr, transaction_markers, retention_and_compaction, wire_format]
