"""Find Java and Maven, and say in one sentence what to install when they are missing or too old."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import CourseError

__all__ = ["MIN_JAVA", "MIN_MAVEN", "java_executable", "java_major_version", "maven_executable", "parse_maven_version"]

MIN_JAVA = 17  # Kafka 4.x brokers and tools require Java 17.
MIN_MAVEN = (3, 6, 3)  # older Mavens fail on today's Maven Central plugins with errors that blame the network

_INSTALL_JAVA = "install a JDK 17 or newer (Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless`, macOS: `brew install openjdk@17`) or point JAVA_HOME at one"


def java_executable() -> str:
    """The ``java`` to run Kafka with: ``$JAVA_HOME/bin/java`` if set, else the one on PATH (course machinery)."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise CourseError(f"Java was not found; {_INSTALL_JAVA}.")
    return found


def parse_java_version(version_output: str) -> int:
    """The major version from ``java -version`` output ("1.8.0_402" → 8, "17.0.15" → 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        raise CourseError(f"Could not read the Java version from `java -version` ({version_output.strip()[:80]!r}); {_INSTALL_JAVA}.")
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return minor if major == 1 else major


def java_major_version(java: str | None = None) -> int:
    """Check that Java is new enough for Kafka 4 and return its major version (course machinery)."""
    java = java or java_executable()
    output = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    major = parse_java_version(output)
    if major < MIN_JAVA:
        raise CourseError(f"Kafka 4 needs Java {MIN_JAVA} or newer but {java} is Java {major}; {_INSTALL_JAVA}.")
    return major


_INSTALL_MAVEN = "install it (Debian/Ubuntu: `apt-get install maven`, macOS: `brew install maven`)"


def maven_executable() -> str:
    """The ``mvn`` that resolves the Kafka jars from Maven Central, checked to be new enough (course machinery)."""
    found = shutil.which("mvn")
    if not found:
        raise CourseError(f"Maven (`mvn`) was not found and the course needs it once to download Kafka's jars; "
                          f"{_INSTALL_MAVEN}.")
    output = subprocess.run([found, "-v"], capture_output=True, text=True)
    version = parse_maven_version(output.stdout + output.stderr)
    if version < MIN_MAVEN:
        wanted, have = ".".join(map(str, MIN_MAVEN)), ".".join(map(str, version))
        raise CourseError(f"The course needs Maven {wanted} or newer but {found} is Maven {have}; "
                          f"{_INSTALL_MAVEN.replace('install it', 'install a newer one')}.")
    return found


def parse_maven_version(version_output: str) -> tuple[int, ...]:
    """``(3, 8, 7)`` from ``mvn -v`` output ("Apache Maven 3.8.7 (...)"; colour codes allowed) (course machinery)."""
    match = re.search(r"Apache Maven (\d+)\.(\d+)(?:\.(\d+))?", version_output)
    if not match:
        raise CourseError(f"Could not read Maven's version from `mvn -v` ({version_output.strip()[:80]!r}); "
                          f"{_INSTALL_MAVEN}.")
    return tuple(int(part or 0) for part in match.groups())
