"""An operator edits sources.yaml while `aggregator run` serves: the daemon takes the new
sources at its next tick, or at once on SIGHUP (`systemctl reload`), refuses a broken edit
without stopping, and says which settings wait for a restart. Real processes and feeds."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from sites import SOON, ics
from test_daemon import Node, nodes, wait_for_calendar  # noqa: F401  (fixture)

SOURCE = """  - id: {id}
    name: {name}
    kind: association
    city: Metz
    country: FR
    feeds:
      - url: {url}
"""


def write_sources(path: Path, feed_server: Any, *ids: str, settings: str = "") -> None:
    path.write_text(settings + "sources:\n" + "".join(
        SOURCE.format(id=ident, name=ident.title(), url=feed_server.url(f"/{ident}.ics"))
        for ident in ids), encoding="utf-8")


def serve_feeds(feed_server: Any, *ids: str) -> None:
    for number, ident in enumerate(ids):
        feed_server.set(f"/{ident}.ics", ics(f"{ident}@x", f"Soirée {ident}",
                                             SOON + timedelta(days=number)), "text/calendar")


def until(condition: Callable[[], bool], node: Node, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, node.logs()
        time.sleep(0.3)


def status_of(title: str, text: str) -> str:
    """The STATUS of the VEVENT named ``title`` in a calendar ("": none such); a cancelled
    one's title says so ("Annulé : …")."""
    for block in text.split("BEGIN:VEVENT")[1:]:
        if f"SUMMARY:{title}" in block or f"SUMMARY:Annulé : {title}" in block:
            found = re.search(r"^STATUS:(\w+)", block, re.M)
            return found.group(1) if found else "CONFIRMED"
    return ""


def calendar(node: Node) -> str:
    return httpx.get(node.url + "/calendar.ics", timeout=10).text


def start(feed_server: Any, tmp_path: Path, nodes: list[Node],  # noqa: F811
          **env: str) -> tuple[Node, Path]:
    """A daemon serving source alpha (beta's feed is served too, not listed yet), and the
    sources.yaml it reads."""
    serve_feeds(feed_server, "alpha", "beta")
    sources = tmp_path / "sources.yaml"
    write_sources(sources, feed_server, "alpha")
    node = Node(tmp_path, "solo", AGGREGATOR_DB=f"sqlite:///{tmp_path / 'aggregator.db'}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"), **env)
    nodes.append(node)
    wait_for_calendar(node.url)
    return node, sources


def stopped_cleanly(node: Node) -> bool:
    code, _ = node.stop()
    return code == 0 and "Traceback" not in node.logs()


def test_an_edited_sources_file_is_taken_at_the_next_tick(
    feed_server: Any, tmp_path: Path, nodes: list[Node],  # noqa: F811
) -> None:
    node, sources = start(feed_server, tmp_path, nodes)
    assert "Soirée alpha" in calendar(node) and "Soirée beta" not in calendar(node)

    write_sources(sources, feed_server, "alpha", "beta")  # a source added
    until(lambda: "Soirée beta" in calendar(node), node)
    assert "Beta" in httpx.get(node.url + "/sources", timeout=10).text

    sources.write_text("sources:\n  - id: Not A Slug\n", encoding="utf-8")  # a slip
    until(lambda: "refused, the daemon goes on" in node.logs(), node)
    assert "Soirée beta" in calendar(node) and node.process.poll() is None

    write_sources(sources, feed_server, "beta", settings="settings:\n  base_url: "
                                                         "https://agenda.example.org\n")
    until(lambda: status_of("Soirée alpha", calendar(node)) == "CANCELLED", node)  # it left
    assert "changed base_url: applied at the next restart" in node.logs()
    assert stopped_cleanly(node), node.logs()


def test_sighup_rereads_the_sources_at_once_and_does_not_stop_the_daemon(
    feed_server: Any, tmp_path: Path, nodes: list[Node],  # noqa: F811
) -> None:
    """`systemctl reload` sends SIGHUP, which killed the daemon (Python's default)."""
    node, sources = start(feed_server, tmp_path, nodes, AGGREGATOR_TICK="1h")  # no tick sees it
    write_sources(sources, feed_server, "alpha", "beta")
    node.process.send_signal(signal.SIGHUP)
    until(lambda: "Soirée beta" in calendar(node), node)
    assert node.process.poll() is None
    assert stopped_cleanly(node), node.logs()
