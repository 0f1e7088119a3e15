"""`aggregator demo`: the whole product on bundled feeds, with no internet.

The demo feeds are generated for today's date, served on a loopback port by the same server the
tests use, refreshed and built like real feeds into the output directory, then served on
http://127.0.0.1:8000. Its sources and database live in data/demo/, apart from the operator's.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from rich.console import Console

from .. import config
from ..config import DEFAULT_DB
from ..core import make_aggregator
from .feeds import build_demo
from .server import FeedServer

DEMO_DIR = Path("data/demo")
DEMO_DB = f"sqlite:///{DEMO_DIR}/aggregator.db"


def run_demo(*, once: bool, port: int, console: Console, today: date | None = None) -> None:
    """Serve the demo feeds, refresh, build, then (unless ``once``) serve the output."""
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
        finally:
            aggregator.close()
        console.print(
            f"built {report.events} events and {report.items} news items in {report.elapsed:.2f} s"
        )
        output = settings.output_dir
        if once:
            for path in report.files:
                console.print(str(path))
            return
    _serve(output, port, console)


def _serve(output: Path, port: int, console: Console) -> None:
    from ..static_server import make_static_server

    server = make_static_server(output, "127.0.0.1", port)
    console.print(f"open http://127.0.0.1:{port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
