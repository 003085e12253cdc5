"""Resolve Kafka's jars from Maven Central into the course's jar cache, once.

Each flavour (``kraft``: Kafka 4.x; ``zookeeper``: Kafka 3.9 + ZooKeeper) has a small POM under
``course_lib/toolchain/maven/``. The jars land in ``<COURSE_HOME>/jars/<flavour>/``; a stamp file holding the
POM's hash makes a second call instant and a changed POM re-resolve. Archives among them (Connect plugins,
``connect-plugins``) are unpacked in place: a Connect worker's ``plugin.path`` wants folders of jars. The course's
own remote storage manager (Java sources in ``tiered/``, lesson 23) is built the same way, once, into
``<COURSE_HOME>/jars/tiered/``.
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

__all__ = ["ensure_jars", "classpath", "jar_dir", "tiered_storage_jar"]

POM_DIR = Path(__file__).parent / "maven"
TIERED_DIR = Path(__file__).parent / "tiered"  # the Java sources of the remote storage manager (lesson 23)
TIERED_JAR = "course-tiered-storage.jar"
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
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    return _cached(jar_dir(flavour), digest, lambda staging: _resolve(pom, staging, quiet))


def tiered_storage_jar(quiet: bool = False) -> Path:
    """The course's RemoteStorageManager (``tiered/``: a directory as Kafka's remote tier), built by Maven once and
    again whenever its sources change; the broker of lesson 23 loads it (lesson 23)."""
    sources = sorted(path for path in TIERED_DIR.rglob("*") if path.is_file() and "target" not in path.parts)
    digest = hashlib.sha256(b"".join(path.relative_to(TIERED_DIR).as_posix().encode() + b"\0" + path.read_bytes()
                                     for path in sources)).hexdigest()
    return _cached(jar_dir("tiered"), digest, lambda staging: _build_tiered(staging, quiet)) / TIERED_JAR


def _cached(target: Path, digest: str, make) -> Path:
    """``target``, made by ``make(staging)`` unless its stamp holds ``digest`` already."""
    stamp = target / ".pom-sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return target
    # One Maven run at a time on this machine: two downloading the same artifact into ~/.m2 at once (two test
    # lanes, two notebooks) can leave one of them a half-written jar.
    MAVEN_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(MAVEN_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == digest:  # made while this process waited for the lock
            return target
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        make(staging)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        stamp.write_text(digest)
        return target


def _maven(argv: list[str], what: str) -> None:
    """Run Maven with ``argv``; a failure is one sentence naming its ERROR lines."""
    result = subprocess.run([maven_executable(), "-B", "-q", *argv], capture_output=True, text=True)
    if result.returncode != 0:
        tail = " | ".join(line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line)[-400:]
        raise CourseError(f"Maven could not {what} ({tail or 'no error text'}); "
                          "check that Maven Central is reachable and run the command again.")


def _resolve(pom: Path, staging: Path, quiet: bool) -> None:
    if not quiet:
        print(f"Downloading Kafka jars ({pom.stem}) from Maven Central into {staging.with_suffix('')} (once) ...",
              flush=True)
    _maven(["-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={staging}"],
           "download the Kafka jars")
    for archive in staging.glob("*.tar.gz"):
        with tarfile.open(archive) as tar:  # the "data" filter (Python 3.10.12+, 3.11.4+) refuses odd members
            tar.extractall(staging, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        archive.unlink()


def _build_tiered(staging: Path, quiet: bool) -> None:
    if not quiet:
        print(f"Building the course's remote storage manager into {staging.with_suffix('')} (once) ...", flush=True)
    build = staging / "build"  # Maven writes here, never into the repository
    _maven(["-f", str(TIERED_DIR / "pom.xml"), "package", f"-Dcourse.build.dir={build}"],
           "build the course's remote storage manager")
    shutil.copy(build / TIERED_JAR, staging / TIERED_JAR)
    shutil.rmtree(build)


def classpath(flavour: str = "kraft") -> str:
    """A JVM classpath (``dir/*``) for ``flavour``, resolving the jars first if needed (course machinery)."""
    return str(ensure_jars(flavour, quiet=False) / "*")
