#!/bin/sh
# Every benchmark and the table of figures: bench/run_all.sh [--sizes 300,1000,3000] [--quick]
# (installs the benchmark-only packages, e.g. lemon24/reader, into the venv first).
set -e
cd "$(dirname "$0")/.."
.venv/bin/pip install -q -r bench/requirements.txt
exec .venv/bin/python bench/run_all.py "$@"
