"""`aggregator run`: the daemon (scheduled jobs and the web server in one process)."""

from __future__ import annotations

import logging
import os
import sys
import threading

import click

from . import AppContext, cli, console, errors_to_exit, pass_app, warn_of_admin_token


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def run(app: AppContext, host: str, port: int) -> None:
    """The daemon: refresh due feeds, build, send the weekly digest, and serve the web app."""
    from ..daemon import Daemon

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("apscheduler", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warn_of_admin_token(app)
    with errors_to_exit():
        daemon = Daemon(app.aggregator, host, port)  # AggregatorError when it cannot listen
        daemon.run(on_ready=lambda: console.print(
            f"serving {daemon.url}/ and running the jobs as {daemon.node} (Ctrl-C stops)"))
    if daemon.busy or _working_threads():
        # A fetch the stop abandoned, or a request's work it cancelled (an admin's refresh),
        # would keep the interpreter waiting for its thread; every write of the jobs has
        # finished (the daemon waited for it) and the leases are given back.
        sys.stdout.flush()
        sys.stderr.flush()
        app.close()
        os._exit(0)


def _working_threads() -> list[str]:
    """Threads other than this one still at work, which the interpreter would wait for."""
    return [thread.name for thread in threading.enumerate()
            if thread.is_alive() and not thread.daemon and thread is not threading.current_thread()]
