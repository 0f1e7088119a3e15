"""Review of the daemon as an operator runs it for months: a process killed mid-work, restarts,
clock changes, feeds that misbehave. Real processes, real HTTP servers, real databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from aggregator.publish import write_outputs

GENERATION = ("calendar.ics", "calendars/metz.ics", "events.json", "index.html", "news.json")

KILLED_AT_SECOND_MOVE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from aggregator.publish import write_outputs

    output = Path(sys.argv[1])
    moves = 0

    def kill_at_the_second_move(event, args):
        global moves
        if event == "os.rename" and not os.path.basename(args[1]).startswith(".publish"):
            moves += 1
            if moves == 2:  # one file of the new generation in place, the others not yet
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(kill_at_the_second_move)
    write_outputs(output, {name: b"v2" for name in sys.argv[2:]}, whole_generation=True)
""")


def _killed_mid_publish(output: Path) -> None:
    """v1 of every file (and a city calendar v2 drops), then a v2 writer SIGKILLed between
    its first and second move."""
    write_outputs(output, {**{name: b"v1" for name in GENERATION}, "calendars/nancy.ics": b"v1"},
                  whole_generation=True)
    write_outputs(output, {"digest/2026-W49.html": b"archive"})  # another writer's file
    process = subprocess.run([sys.executable, "-c", KILLED_AT_SECOND_MOVE, str(output), *GENERATION],
                             env={**os.environ}, capture_output=True, timeout=60)
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def _generations(output: Path) -> set[bytes]:
    return {(output / name).read_bytes() for name in GENERATION}


def test_a_writer_killed_between_two_moves_is_rolled_forward_by_the_next_writer(
        tmp_path: Path) -> None:
    """publish._commit moved the staged files one by one: SIGKILL between two moves left
    calendar.ics of the new build beside events.json of the old until the next build (and for
    ever under `aggregator serve` alone). The next writer, here the digest's archive copy,
    finishes the killed one's moves from its journal."""
    output = tmp_path / "output"
    _killed_mid_publish(output)
    write_outputs(output, {"digest/2026-W50.html": b"archive"})
    assert _generations(output) == {b"v2"}
    assert not (output / "calendars/nancy.ics").exists()  # v2 no longer produces it
    assert (output / "digest/2026-W49.html").read_bytes() == b"archive"
    assert not list(output.rglob("*.tmp")) and not (output / ".publish-journal").exists()


def test_a_writer_killed_between_two_moves_is_rolled_forward_when_the_web_server_starts(
        tmp_path: Path) -> None:
    """`aggregator serve` alone (no build to come) served the two generations side by side."""
    output = tmp_path / "output"
    _killed_mid_publish(output)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    env = {**os.environ, "AGGREGATOR_CONFIG": str(tmp_path / "sources.yaml"),
           "AGGREGATOR_DB": f"sqlite:///{tmp_path / 'agg.db'}", "AGGREGATOR_OUTPUT": str(output)}
    server = subprocess.Popen([sys.executable, "-m", "aggregator", "serve", "--port", "0"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None
        line = server.stdout.readline().decode()  # printed once it listens
        assert "http://" in line, server.stderr.read().decode() if server.stderr else line
        assert _generations(output) == {b"v2"}
    finally:
        server.terminate()
        server.communicate(timeout=30)

