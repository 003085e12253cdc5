"""TLS material for the secured cluster (lesson 20), made with the JDK's ``keytool``: a course CA, and one broker
certificate it signs for ``localhost`` and ``127.0.0.1``.

A client trusts the CA (``ca.pem``: librdkafka's ``ssl.ca.location``, or a Java client's PEM truststore), so
it accepts any broker certificate the CA signed and checks that the name it dialled is in the certificate.
Everything is made once per install under the cluster's ``tls/`` folder, with a random store password; it is
never committed (the course's data directory is gitignored).
"""

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from ..toolchain.java import java_executable

__all__ = ["TlsFiles", "ensure_tls_files"]

SUBJECT_ALT_NAMES = "SAN=dns:localhost,ip:127.0.0.1"
DAYS = 3650


@dataclass(frozen=True)
class TlsFiles:
    """Where the CA certificate, the broker keystore (PKCS12) and its password are (course machinery)."""
    folder: Path

    @property
    def ca_pem(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def keystore(self) -> Path:
        return self.folder / "broker.p12"

    @property
    def password(self) -> str:
        return (self.folder / "store.password").read_text().strip()

    def complete(self) -> bool:
        return all(path.exists() for path in (self.ca_pem, self.keystore, self.folder / "store.password"))


def _keytool() -> str:
    """The ``keytool`` of the JDK that runs Kafka (it sits beside ``java``)."""
    keytool = Path(java_executable()).resolve().parent / "keytool"
    if not keytool.exists():
        raise CourseError(f"The JDK at {keytool.parent} has no keytool, which makes the secured cluster's "
                          "certificates; install a full JDK (Debian/Ubuntu: openjdk-17-jdk-headless).")
    return str(keytool)


def _run(*args: str) -> None:
    result = subprocess.run([_keytool(), *args], capture_output=True, text=True)
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise CourseError(f"keytool {args[0]} failed ({said[-1] if said else 'no output'}); delete the folder "
                          "of the secured cluster's certificates and start it again.")


def ensure_tls_files(folder: Path) -> TlsFiles:
    """Make the CA and the broker's keystore in ``folder`` unless they are all there (course machinery)."""
    files = TlsFiles(folder)
    if files.complete():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    password = secrets.token_urlsafe(18)
    (folder / "store.password").write_text(password + "\n")
    ca, csr, signed = folder / "ca.p12", folder / "broker.csr", folder / "broker.pem"
    store = ("-storetype", "PKCS12", "-storepass", password, "-keypass", password)
    _run("-genkeypair", "-alias", "ca", "-dname", "CN=Kafka course CA", "-ext", "bc:c", "-keyalg", "RSA",
         "-keysize", "2048", "-validity", str(DAYS), "-keystore", str(ca), *store)
    _run("-exportcert", "-rfc", "-alias", "ca", "-keystore", str(ca), "-file", str(files.ca_pem), *store)
    _run("-genkeypair", "-alias", "broker", "-dname", "CN=localhost", "-ext", SUBJECT_ALT_NAMES, "-keyalg", "RSA",
         "-keysize", "2048", "-validity", str(DAYS), "-keystore", str(files.keystore), *store)
    _run("-certreq", "-alias", "broker", "-keystore", str(files.keystore), "-file", str(csr), *store)
    _run("-gencert", "-alias", "ca", "-keystore", str(ca), "-infile", str(csr), "-outfile", str(signed), "-rfc",
         "-ext", SUBJECT_ALT_NAMES, "-validity", str(DAYS), *store)
    _run("-importcert", "-noprompt", "-alias", "ca", "-file", str(files.ca_pem), "-keystore", str(files.keystore), *store)
    _run("-importcert", "-alias", "broker", "-file", str(signed), "-keystore", str(files.keystore), *store)
    return files
