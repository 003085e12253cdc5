"""Resolve Kafka's jars from Maven Central into the course's jar cache, once.

Each flavour (``kraft``: Kafka 4.x; ``zookeeper``: Kafka 3.9 + ZooKeeper) has a small POM under
``course_lib/toolchain/maven/``. The jars land in ``<COURSE_HOME>/jars/<flavour>/``; a stamp file holding the
POM's hash makes a second call instant and a changed POM re-resolve. Archives among them (Connect plugins,
``connect-plugins``) are unpacked in place: a Connect worker's ``plugin.path`` wants folders of jars.
"""

import fcntl
import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

from ..errors import CourseError
from ..paths import course_home
from .java import maven_executable

__all__ = ["ensure_jars", "classpath", "jar_dir"]

POM_DIR = Path(__file__).parent / "maven"
MAVEN_LOCK = Path.home() / ".m2" / "course-maven.lock"


def _pom(flavour: str) -> Path:
    pom = POM_DIR / f"{flavour}.xml"
    if not pom.exists():
        raise CourseError(f"Unknown jar set {flavour!r}; choose one of {sorted(p.stem for p in POM_DIR.glob('*.xml'))}.")
    return pom


def jar_dir(flavour: str) -> Path:
    """Where ``flavour``'s jars are (or will be) cached (course machinery)."""
    return course_home() / "jars" / flavour


def ensure_jars(flavour: str = "kraft", quiet: bool = False) -> Path:
    """Download the jars for ``flavour`` if the cache is missing or stale; return their directory (course machinery)."""
    pom = _pom(flavour)
    target = jar_dir(flavour)
    stamp = target / ".pom-sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return target
    # One Maven run at a time on this machine: two downloading the same artifact into ~/.m2 at once (two test
    # lanes, two notebooks) can leave one of them a half-written jar.
    MAVEN_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(MAVEN_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _resolve(pom, target, stamp, digest, quiet)


def _resolve(pom: Path, target: Path, stamp: Path, digest: str, quiet: bool) -> Path:
    if stamp.exists() and stamp.read_text() == digest:  # resolved while this process waited for the lock
        return target
    if not quiet:
        print(f"Downloading Kafka jars ({pom.stem}) from Maven Central into {target} (once) ...", flush=True)
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    result = subprocess.run(
        [maven_executable(), "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
         f"-DoutputDirectory={staging}"],
        capture_output=True, text=True)
    if result.returncode != 0:
        tail = " | ".join(line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line)[-400:]
        raise CourseError(f"Maven could not download the Kafka jars ({tail or 'no error text'}); "
                          "check that Maven Central is reachable and run the command again.")
    for archive in staging.glob("*.tar.gz"):
        with tarfile.open(archive) as tar:  # the "data" filter (Python 3.10.12+, 3.11.4+) refuses odd members
            tar.extractall(staging, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        archive.unlink()
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    stamp.write_text(digest)
    return target


def classpath(flavour: str = "kraft") -> str:
    """A JVM classpath (``dir/*``) for ``flavour``, resolving the jars first if needed (course machinery)."""
    return str(ensure_jars(flavour, quiet=False) / "*")
