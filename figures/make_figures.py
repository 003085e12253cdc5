"""The course's static figures, drawn as plain SVG from the descriptions below.

Edit a figure's function, then run

    python figures/make_figures.py           # rewrite every figures/*.svg
    python figures/make_figures.py --check   # exit 1 naming the SVGs that differ from this script

Standard library only, deterministic (same script, same bytes). The SVGs are plain SVG 1.1 with a white
background, generic font families and no scripts or links, so they render the same on GitHub, in JupyterLab
without a kernel, and on a dark theme. Facts follow Kafka 4.4 in KRaft mode and the lessons' own text.
"""

import argparse
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

# Colours: (fill, stroke) pairs, one meaning each across all figures.
INK, MUTED = "#1f2933", "#52606d"
LEADER = ("#dbeafe", "#1d4ed8")      # a leader, a record every in-sync replica holds
SYNCED = ("#dcfce7", "#15803d")      # in sync, committed, readable
PENDING = ("#ffedd5", "#c2410c")     # not yet replicated, out of sync, not yet readable
GONE = ("#f1f5f9", "#94a3b8")        # deleted, empty, idle
CONTROL = ("#ede9fe", "#6d28d9")     # controllers, markers, metadata
PLAIN = ("#ffffff", "#3e4c59")
RED = "#b91c1c"


def num(value):
    """A coordinate as short, stable text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Figure:
    """An SVG canvas; the drawing primitives append elements in order."""

    def __init__(self, width, height, title):
        assert width <= 900, "figures stay readable in a notebook: at most 900 px wide"
        self.width, self.height, self.title = width, height, title
        self.parts = []

    def box(self, x, y, w, h, colours=PLAIN, rx=6, dashed=False, width=1.5):
        fill, stroke = colours
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{num(rx)}" '
                          f'fill="{fill}" stroke="{stroke}" stroke-width="{num(width)}"{dash}/>')

    def label(self, x, y, text, size=13, anchor="middle", bold=False, colour=INK, mono=False, italic=False):
        family = "monospace" if mono else "sans-serif"
        extra = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
        self.parts.append(f'<text x="{num(x)}" y="{num(y)}" font-family="{family}" font-size="{num(size)}" '
                          f'text-anchor="{anchor}" fill="{colour}"{extra}>{escape(text)}</text>')

    def lines(self, x, y, texts, size=13, gap=None, **kw):
        """Several labels, one under the other."""
        for i, text in enumerate(texts):
            self.label(x, y + i * (gap or size * 1.35), text, size=size, **kw)

    def line(self, x1, y1, x2, y2, colour=INK, width=1.5, dashed=False):
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.parts.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
                          f'stroke="{colour}" stroke-width="{num(width)}"{dash}/>')

    def arrow(self, x1, y1, x2, y2, text="", colour=INK, dashed=False, side=-8, size=12, anchor="middle"):
        """A line with a head at (x2, y2), and an optional label beside its middle."""
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        ux, uy = dx / length, dy / length
        bx, by = x2 - 10 * ux, y2 - 10 * uy  # the base of the head
        self.line(x1, y1, bx, by, colour, dashed=dashed)
        head = [(x2, y2), (bx - 5 * uy, by + 5 * ux), (bx + 5 * uy, by - 5 * ux)]
        points = " ".join(f"{num(px)},{num(py)}" for px, py in head)
        self.parts.append(f'<polygon points="{points}" fill="{colour}"/>')
        if text:
            self.label((x1 + x2) / 2, (y1 + y2) / 2 + side, text, size=size, colour=colour, anchor=anchor)

    def elbow(self, points, colour=INK, dashed=False):
        """An arrow along several straight segments, its head at the last point."""
        for (x1, y1), (x2, y2) in zip(points[:-2], points[1:-1]):
            self.line(x1, y1, x2, y2, colour, dashed=dashed)
        self.arrow(*points[-2], *points[-1], colour=colour, dashed=dashed)

    def step(self, x, y, n):
        """A numbered circle: step n of a sequence."""
        self.parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="10" fill="{INK}"/>')
        self.label(x, y + 4.5, str(n), size=12, bold=True, colour="#ffffff")

    def cells(self, x, y, texts, w=40, h=34, colours=None, size=12, mono=True, caption=None):
        """A row of cells (offsets of a log, bytes of a record); colours per cell, caption under each."""
        for i, text in enumerate(texts):
            colour = colours[i] if colours else PLAIN
            self.box(x + i * w, y, w, h, colour, rx=0, dashed=colour is GONE, width=1.2)
            self.label(x + i * w + w / 2, y + h / 2 + size * 0.35, text, size=size, mono=mono,
                       colour=MUTED if colour is GONE else INK)
            if caption:
                self.label(x + i * w + w / 2, y + h + 13, caption[i], size=10, colour=MUTED)

    def mark(self, x, y1, y2, text, colour=INK, anchor="start", size=12, bold=True):
        """A vertical position marker from y1 to y2, labelled at y1's end."""
        self.line(x, y1, x, y2, colour, width=2.5)
        above = y1 < y2
        self.label(x + (4 if anchor == "start" else -4 if anchor == "end" else 0), y1 - 5 if above else y1 + 15,
                   text, size=size, anchor=anchor, colour=colour, bold=bold)

    def brace(self, x1, x2, y, text, colour=MUTED, size=11):
        """A bracket under a span from x1 to x2, labelled beneath it."""
        self.parts.append(f'<polyline points="{num(x1)},{num(y - 5)} {num(x1)},{num(y)} {num(x2)},{num(y)} '
                          f'{num(x2)},{num(y - 5)}" fill="none" stroke="{colour}" stroke-width="1.2"/>')
        self.label((x1 + x2) / 2, y + 14, text, size=size, colour=colour)

    def svg(self):
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}">')
        body = [f"<title>{escape(self.title)}</title>",
                f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#ffffff"/>', *self.parts]
        return "\n".join([head, *("  " + part for part in body), "</svg>"]) + "\n"


# ---------------------------------------------------------------------------------------------- the figures

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


FIGURES = [produce_path, partition_log, rebalance, replication_isr, kraft_vs_zookeeper, transaction_markers,
           wire_format]


def render_all():
    """{file name: SVG text} for every figure."""
    return {f"{figure.__name__}.svg": figure().svg() for figure in FIGURES}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any SVG is stale")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write to (default: figures/)")
    args = parser.parse_args(argv)
    rendered = render_all()
    if args.check:
        stale = [name for name, text in rendered.items()
                 if not (args.out / name).exists() or (args.out / name).read_bytes() != text.encode()]
        if stale:
            print("stale figures (run python figures/make_figures.py):", ", ".join(stale))
            return 1
        print(f"{len(rendered)} figures up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (args.out / name).write_bytes(text.encode())
    print(f"wrote {len(rendered)} figures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
