"""`aggregator serve` as an operator runs it: a process that serves the build and stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

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



@pytest.mark.parametrize("command", ["serve", "run", "demo"])
def test_a_port_that_cannot_be_listened_on_is_said_not_a_traceback(
        command: str, site: Any, tmp_path: Path) -> None:
    """`serve` ended in "OSError: [Errno 98] Address already in use" and its traceback;
    `demo` after its whole refresh and build."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        for wanted, reason in ((port, "Address already in use"),
                               ("70000", "port must be 0-65535")):
            result = subprocess.run(
                [sys.executable, "-m", "aggregator", command, "--port", wanted], cwd=tmp_path,
                capture_output=True, text=True, timeout=60)
            said = " ".join(result.stderr.split())  # Rich may wrap the line
            assert result.returncode == 1, result.stderr
            assert f"error: cannot listen on 127.0.0.1:{wanted}: {reason}: choose another " \
                "--port" in said
            assert "Traceback" not in result.stderr + result.stdout
            assert "refreshed" not in result.stdout  # said before any work


@pytest.mark.parametrize("command", ["serve", "run"])
def test_an_admin_token_anyone_could_guess_is_warned_of_at_start(
        command: str, site: Any, tmp_path: Path) -> None:
    """AGGREGATOR_ADMIN_TOKEN=admin opened the admin pages (approve, hide, switch sources
    off) to a few guesses from each of a few addresses, without a word."""
    with socket.create_server(("127.0.0.1", 0)) as taken:  # the command stops at once
        port = str(taken.getsockname()[1])
        said = {}
        for token in ("admin2026", "kQ3v9XzT_4bWm1pR7sLc2nYh"):
            result = subprocess.run(
                [sys.executable, "-m", "aggregator", command, "--port", port], cwd=tmp_path,
                capture_output=True, text=True, timeout=60,
                env={**os.environ, "AGGREGATOR_ADMIN_TOKEN": token})
            said[token] = " ".join(result.stderr.split())
    assert ("warning: AGGREGATOR_ADMIN_TOKEN has 9 characters: anyone could guess it; set it "
            "to a random one of 32, such as `python3 -c 'import secrets; print("
            "secrets.token_urlsafe(24))'`") in said["admin2026"]
    assert "AGGREGATOR_ADMIN_TOKEN" not in said["kQ3v9XzT_4bWm1pR7sLc2nYh"]
