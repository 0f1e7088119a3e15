"""The digest benchmark (issue 8's "10,000 digests in under 60 s") still runs: a change to
`send_digest` (the far-week guard) made `bench/digest.py` send nothing and exit 1, and only
the next full benchmark run noticed. Run small, as its own process, as the benchmark is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_digest_benchmark_sends_every_digest_once_per_week() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "digest.py"), "30"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert [(run["sent"], run["second_run_sent"]) for run in figures["runs"]] == [(30, 0)] * 2
    assert figures["received_by_sink"] == 60
