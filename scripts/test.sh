#!/usr/bin/env bash
# The whole test suite: install, start the cluster, run pytest over course_lib and nbval over every
# notebook and lab, and stop every course process afterwards — even when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export COURSE_BROWSER_TESTS="${COURSE_BROWSER_TESTS:-1}"
bash scripts/setup.sh
py=.venv/bin/python

stop_everything() {
  $py -m course_lib down || true
  $py -m course_lib down --zookeeper 2>/dev/null || true
}
trap stop_everything EXIT
$py -m course_lib up

notebooks=$(ls notebooks/*.ipynb labs/*/solution.ipynb 2>/dev/null || true)
nbval=(--nbval-lax --nbval-current-env --nbval-cell-timeout=600)
$py -m pytest tests $notebooks "${nbval[@]}" --durations=15 -q "$@"

echo "Second pass: every notebook and lab solution again, on the same cluster (they must be re-runnable)."
$py -m pytest $notebooks "${nbval[@]}" -q "$@"
