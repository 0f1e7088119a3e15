"""`aggregator demo`: the whole product on bundled feeds, with no internet.

The demo feeds are generated for today's date, served on a loopback port by the same server the
tests use, refreshed and built like real feeds into the output directory, then served on
http://127.0.0.1:8000 (or ``--port``, which its links follow unless AGGREGATOR_BASE_URL is set). Its sources and database live in data/demo/, apart from the operator's.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from rich.console import Console

from .. import config
from ..config import DEFAULT_BASE_URL, DEFAULT_DB
from ..core import Aggregator, make_aggregator
from .feeds import build_demo
from .server import FeedServer

DEMO_DIR = Path("data/demo")
DEMO_DB = f"sqlite:///{DEMO_DIR}/aggregator.db"


def run_demo(*, once: bool, port: int, console: Console, today: date | None = None) -> None:
    """Serve the demo feeds, refresh, build, then (unless ``once``) serve the output."""
    if not once:  # a port taken is said before the refresh and build, not after them
        from ..web.server import listen

        listen("127.0.0.1", port).close()
    with FeedServer({}) as feed_server:
        site = build_demo(today or date.today(), feed_server.base_url)
        for target, demo_file in site.files.items():
            feed_server.set(target, demo_file.body, demo_file.content_type)
        DEMO_DIR.mkdir(parents=True, exist_ok=True)
        for stale in DEMO_DIR.glob("aggregator.db*"):  # feed URLs change with the port: start afresh
            stale.unlink()
        sources_path = DEMO_DIR / "sources.yaml"
        sources_path.write_text(site.sources_yaml, encoding="utf-8")
        settings = config.load(sources_path)
        settings = dataclasses.replace(
            settings,
            allow_private_networks=True,
            db_url=DEMO_DB if settings.db_url == DEFAULT_DB else settings.db_url,
            # its pages, calendars and digest link to where it serves, unless told otherwise
            base_url=(f"http://127.0.0.1:{port}" if settings.base_url == DEFAULT_BASE_URL
                      else settings.base_url),
        )
        console.print(f"demo feeds: {len(site.files)} files on {feed_server.base_url}")
        aggregator = make_aggregator(settings)
        try:
            outcomes = aggregator.refresh(force=True)
            failed = [o for o in outcomes if o.result == "error"]
            console.print(f"refreshed {len(outcomes)} feeds ({len(failed)} failed)")
            for outcome in failed:
                console.print(f"  [red]{outcome.source_id}[/] {outcome.url}: {outcome.error}")
            report = aggregator.build()
            console.print(f"built {report.events} events and {report.items} news items "
                          f"in {report.elapsed:.2f} s")
            # This week's digest in the archive (/digests): what a subscriber would receive.
            digest = aggregator.digest_preview()
            if once:
                for path in (*report.files, *digest):
                    console.print(str(path))
                return
            # The demo feeds stay up while the web app runs, so /admin can refresh them.
            _serve(aggregator, port, console)
        finally:
            aggregator.close()


def _serve(aggregator: Aggregator, port: int, console: Console) -> None:
    from ..web.server import serve_forever

    serve_forever(aggregator, "127.0.0.1", port,
                  lambda url: console.print(f"open {url}/ (Ctrl-C stops)"))
