"""`aggregator serve` as an operator runs it: a process that serves the build and stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from sites import run, site  # noqa: F401  (fixture)


def test_serve_answers_then_stops_on_sigterm(site: Any, tmp_path: Path) -> None:
    assert run("refresh").exit_code == 0 and run("build").exit_code == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "serve", "--port", "0"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        calendar = httpx.get(found.group(0) + "/calendar.ics", timeout=10)
        assert calendar.status_code == 200
        assert calendar.content == (tmp_path / "output" / "calendar.ics").read_bytes()
        assert "Rencontre IA" in httpx.get(found.group(0) + "/", timeout=10).text
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert time.monotonic() - started < 15
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
