#!/usr/bin/env bash
# Install everything the course needs, idempotently and quickly when already done:
# Java 17+, Maven and PostgreSQL (Debian packages, only when missing and we may install them), the virtualenv
# .venv with course_lib and its Python packages, and Kafka's jars from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ "${COURSE_BROWSER_TESTS:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
# PostgreSQL, for lesson 18's change data capture: installed here when we may; otherwise that lesson says how
if ! command -v postgres >/dev/null && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then missing+=(postgresql)
  else echo "note: PostgreSQL is not installed; lesson 18 needs it (e.g. sudo apt-get install postgresql)."; fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: the course needs these system packages: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]}) and run this again." >&2
    exit 1
  fi
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "error: the course needs Python 3.10 or newer; $(python3 --version) was found." >&2
  exit 1
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.course-installed
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing Python packages into .venv (once) ..."
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,book]'
  # Lessons 15-16's stream processor. It pins confluent-kafka below 2.13 for speed, not correctness (quix-streams
  # issue 1139: smaller consume batches, slower back-pressure in 2.13.x), and the course needs 2.16.1 (share
  # groups), so it goes in without its pins; its other requirements are in pyproject.toml, and the lessons,
  # the labs and tests/streams run it on this confluent-kafka.
  .venv/bin/python -m pip install -q --no-deps quixstreams==3.28.1
  echo "$want" > "$stamp"
fi
.venv/bin/python -m course_lib setup >/dev/null
.venv/bin/python -m course_lib setup --zookeeper >/dev/null  # lesson 10's: in ~/.m2 before the test lanes start
