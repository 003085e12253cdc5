"""``python -m course_lib <command>``: control the course cluster from a terminal.

Every failure the learner can fix is printed as one sentence (a ``CourseError``), exit status 1.
"""

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from .cluster import ZooKeeperCluster, course_cluster
from .errors import CourseError, exit_status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_lib", description="Control the course's Kafka cluster.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    commands.add_parser("up", help="start the cluster (no-op if running) and wait until it is ready")
    commands.add_parser("down", help="stop every process the course started")
    commands.add_parser("status", help="show nodes, pids, ports, liveness and the active controller")
    commands.add_parser("reset", help="stop everything and delete all cluster data (jars are kept)")
    for name, text in (("stop-broker", "stop broker N gracefully"), ("kill-broker", "SIGKILL broker N, as in a crash"),
                       ("start-broker", "start broker N again")):
        commands.add_parser(name, help=text).add_argument("node", type=int, metavar="N")
    logs = commands.add_parser("logs", help="print the end of broker N's log")
    logs.add_argument("node", type=int, metavar="N")
    logs.add_argument("-n", "--lines", type=int, default=40)
    commands.add_parser("setup", help="download the Kafka jars, and the Kafka Streams and Connect jars and "
                                      "plugins of lessons 16 to 18, and build lesson 23's remote storage manager "
                                      "(done when needed)")
    for name, text in (("connect", "the Kafka Connect worker (lessons 17 and 18)"), ("postgres", "PostgreSQL (lesson 18)")):
        commands.add_parser(name, help=f"start, stop or show {text}").add_argument("action", choices=("up", "down",
                                                                                                      "status"))
    tidy = commands.add_parser("tidy", help="delete the topics and empty consumer groups lessons, labs and tests "
                                            "left behind (Kafka's and the registry's own are kept)")
    tidy.add_argument("--dry-run", action="store_true", help="only list what would be deleted")
    tidy.add_argument("prefixes", nargs="*", metavar="PREFIX", help="only names starting with PREFIX, e.g. lesson03")
    _class_parser(commands)
    for name in ("up", "down", "status", "reset", "stop-broker", "kill-broker", "start-broker", "logs", "setup",
                 "connect"):
        commands.choices[name].add_argument("--zookeeper", action="store_true",
                                            help="the ZooKeeper-mode cluster (Kafka 3.9) instead of the KRaft one")
    for name in ("up", "down", "status", "reset", "stop-broker", "kill-broker", "start-broker", "logs"):
        commands.choices[name].add_argument("--secure", action="store_true",
                                            help="the secured cluster of lesson 20 (SASL_SSL, SCRAM, ACLs)")
    # tidy: only the KRaft cluster, where the lessons leave their topics
    parser.set_defaults(zookeeper=False, secure=False)
    return parser


def _class_parser(commands) -> None:
    """``class provision|revoke|cleanup``: the instructor's tools for a class on one shared cluster."""
    klass = commands.add_parser("class", help="a class on one shared cluster: provision students, revoke them, delete "
                                              "their topics (as the active profile's admin, or --secure)")
    actions = klass.add_subparsers(dest="action", required=True, metavar="action")
    provision = actions.add_parser("provision", help="give each student of a roster a user, ACLs on their namespace, "
                                                     "optional quotas and a profile file (idempotent)")
    provision.add_argument("roster", type=Path, help="CSV file with a header: student[,password]")
    provision.add_argument("--out", type=Path, required=True, metavar="DIR", help="where the profile files go")
    for flag, text in (("--produce-quota", "producer_byte_rate"), ("--consume-quota", "consumer_byte_rate")):
        provision.add_argument(flag, type=_bytes_per_second, metavar="BYTES_PER_S", help=f"the students' {text}")
    provision.add_argument("--registry-url", metavar="URL", help="the schema registry the students' profiles name "
                                                                 "(default: the admin profile's)")
    revoke = actions.add_parser("revoke", help="delete students' ACLs and quotas and change their passwords to ones "
                                               "written nowhere")
    revoke.add_argument("students", nargs="+", metavar="STUDENT")
    revoke.add_argument("--out", type=Path, metavar="DIR", help="also delete DIR/STUDENT.properties")
    cleanup = actions.add_parser("cleanup", help="delete the topics and empty groups in students' namespaces")
    cleanup.add_argument("students", nargs="*", metavar="STUDENT", help="a student's name, or a prefix such as 'x.'")
    cleanup.add_argument("--all", action="store_true", help="every namespace of the --roster")
    cleanup.add_argument("--roster", type=Path, help="the roster CSV file (with --all)")
    for action in (provision, revoke, cleanup):
        action.add_argument("--dry-run", action="store_true", help="only say what would be done")
        action.add_argument("--secure", action="store_true",
                            help="act as admin of the course's secured cluster instead of the active profile")


def _bytes_per_second(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number of bytes per second")
    return int(text)


def _class(args) -> str:
    """Run ``class provision|revoke|cleanup``; its report."""
    from .classroom.admin import admin_side
    from .classroom.roster import check_name, read_roster
    if args.action == "provision":
        from .classroom.provision import provision
        students = read_roster(args.roster)
        quotas = {key: value for key, value in (("producer_byte_rate", args.produce_quota),
                                                ("consumer_byte_rate", args.consume_quota)) if value}
        admin = admin_side(args.secure)
        if args.registry_url:
            admin = dataclasses.replace(admin, registry_url=args.registry_url)
        return provision(admin, students, args.out, quotas, args.dry_run)
    if args.action == "revoke":
        from .classroom.revoke import revoke
        names = [check_name(name, "class revoke") for name in args.students]
        return revoke(admin_side(args.secure), names, args.out, args.dry_run)
    from .classroom.cleanup import cleanup, namespaces
    return cleanup(admin_side(args.secure), namespaces(args.students, args.all, args.roster), args.dry_run)


def _cluster(zookeeper: bool, secure: bool = False):
    """The cluster a command controls: the course cluster (or a class's shared one, ``course_cluster``); ``--zookeeper``
    keeps the backend ``COURSE_BACKEND`` chose, ``--secure`` runs on JVMs only."""
    if zookeeper and secure:
        raise CourseError("Choose one cluster: --zookeeper or --secure.")
    if secure:
        if os.environ.get("COURSE_BACKEND") == "docker":
            raise CourseError("The secured cluster of lesson 20 runs only from the course's jars; unset COURSE_BACKEND "
                              "(or set it to embedded) for commands with --secure.")
        from .cluster.secure import SecureCluster
        return SecureCluster()
    if not zookeeper:
        return course_cluster()  # under a profile the class's shared cluster: `up` reaches it, and no more
    if os.environ.get("COURSE_BACKEND") == "docker":
        from .cluster.docker import ZOOKEEPER_STACK, DockerCluster
        return DockerCluster(ZOOKEEPER_STACK)
    return ZooKeeperCluster()


def run(argv: list[str]) -> None:
    """Run one command line (``argv`` without the program name) (course machinery)."""
    args = _parser().parse_args(argv)
    if args.command == "class":
        print(_class(args))
        return
    cluster = _cluster(args.zookeeper, args.secure)
    if args.command == "up":
        cluster.up()
        print(cluster.status_table())
    elif args.command == "down":
        cluster.down()
        print("Stopped.")
    elif args.command == "status":
        print(cluster.status_table())
    elif args.command == "reset":
        cluster.reset()
        print(f"Stopped and deleted {cluster.home}.")
    elif args.command == "stop-broker":
        cluster.stop_broker(args.node)
        print(f"Broker {args.node} stopped.")
    elif args.command == "kill-broker":
        cluster.kill_broker(args.node)
        print(f"Broker {args.node} killed.")
    elif args.command == "start-broker":
        cluster.start_broker(args.node)
        print(f"Broker {args.node} is back in the cluster.")
    elif args.command == "logs":
        print(cluster.logs(args.node, args.lines))
    elif args.command == "setup":
        from .toolchain.jars import ensure_jars, tiered_storage_jar
        for flavour in ("zookeeper",) if args.zookeeper else ("kraft", "jmx-exporter", "streams", "connect",
                                                               "connect-plugins"):
            print(ensure_jars(flavour))
        if not args.zookeeper:  # Maven's build plugins reach ~/.m2 now, while Maven Central is reachable
            print(tiered_storage_jar())
    elif args.command in ("connect", "postgres"):
        _beside_the_cluster(cluster, args.command, args.action, args.zookeeper)
    elif args.command == "tidy":
        from .tidy import tidy
        print(tidy(cluster, dry_run=args.dry_run, prefixes=tuple(args.prefixes)))


def _beside_the_cluster(cluster, what: str, action: str, zookeeper: bool = False) -> None:
    """``connect|postgres up|down|status``: the Connect worker or PostgreSQL of the course cluster (``connect
    --zookeeper``: the worker beside the ZooKeeper-mode cluster, lesson 19's)."""
    if what == "connect":
        from .cluster.connect_worker import ConnectWorker
        server, where = ConnectWorker(cluster), lambda: f"REST {server.url}"
    else:
        from .cluster.postgres import PostgresServer
        server, where = PostgresServer(cluster), lambda: f"127.0.0.1:{server.port}"
    if action == "up":
        if what == "connect" and not cluster.is_running():
            flag = " --zookeeper" if zookeeper else ""
            raise CourseError("The cluster is not running, and a Connect worker keeps its state on it; start it "
                              f"with `python -m course_lib up{flag}` first.")
        server.start()
    elif action == "down":
        server.stop()
    row = server.status()
    print(f"{row.role}: {'running' if row.alive else 'stopped'}"
          + (f", pid {row.pid}, {where()}" if row.alive else "") + f" (log: {server.process.log_file})")


def main() -> int:
    """``python -m course_lib``: run ``sys.argv``, a ``CourseError`` printed as one sentence; the exit status.

    Course machinery.
    """
    return exit_status(lambda: run(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
