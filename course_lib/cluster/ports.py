"""Is a TCP port on 127.0.0.1 free, and if not, who holds it?"""

import ipaddress
import os
import shutil
import socket
import subprocess
from pathlib import Path

from ..errors import CourseError

__all__ = ["listening_addresses", "port_accepts", "port_is_free", "port_owner", "port_taken", "ports_from_env",
           "require_free"]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port`` (we try to bind it, as the broker will) (course machinery)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def port_accepts(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when a server accepts connections on ``host:port`` (course machinery)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(inode)
    return inodes


def _address(hex_address: str) -> tuple[str, int]:
    """``0100007F:2384`` (or its IPv6 form) from /proc/net/tcp* as ("127.0.0.1", 9092); an IPv4 address a Java
    server binds shows up IPv4-mapped (``::ffff:127.0.0.1``) in tcp6, and is given as IPv4."""
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # each 32-bit word is little-endian
    address = ipaddress.ip_address(words)
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address), int(port, 16)


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """Every (address, port) process ``pid`` listens on, from /proc (Linux): lesson 20 and the tests check that the
    course binds loopback only (course machinery)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.add(_address(fields[1]))
    return found


def _describe(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmdline = "?"
    return f"process {pid} ({cmdline[:70]})"


def port_owner(port: int) -> str | None:
    """A short description of the process listening on ``port`` ("process 123 (java ...)"), if we can tell.

    Course machinery.
    """
    inodes = _listening_inodes(port)
    if inodes:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        return _describe(int(pid))
            except OSError:
                continue
    lsof = shutil.which("lsof")  # macOS and systems without /proc
    if lsof:
        out = subprocess.run([lsof, "-nP", f"-iTCP:{port}", "-sTCP:LISTEN", "-t"], capture_output=True, text=True).stdout.split()
        if out:
            return f"process {out[0]}"
    return None


def port_taken(port: int, what: str, remedy: str) -> CourseError:
    """The one sentence for a taken ``port``: what wanted it, which process holds it, and ``remedy``.

    Course machinery.
    """
    return CourseError(f"Port {port} ({what}) is already taken by {port_owner(port) or 'another process'}; {remedy}.")


def require_free(port: int, what: str, setting: str) -> None:
    """Raise :func:`port_taken` unless ``port`` is free; ``setting`` is the environment variable that moves it.

    Course machinery.
    """
    if not port_is_free(port):
        raise port_taken(port, what, f"stop it, or choose a free port with the {setting} environment variable")


def ports_from_env(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """The ports in environment variable ``name`` (``"9092,9093,9094"``), else ``default``; a bad value is one
    sentence (the test lanes and a class on one machine move clusters this way).

    Course machinery.
    """
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        ports = tuple(int(p) for p in raw.split(","))
    except ValueError:
        raise CourseError(f"{name}={raw!r} is not a comma-separated list of port numbers; "
                          f"use e.g. {name}={','.join(map(str, default))}.") from None
    if len(ports) != len(default):
        raise CourseError(f"{name} must list {len(default)} ports, one per node (got {len(ports)}).")
    return ports
