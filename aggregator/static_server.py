"""Serve the output directory over HTTP with the right content types (until the web app lands).

A plain threaded static server: `aggregator serve` and `aggregator demo` use it so that a
calendar client can subscribe to http://127.0.0.1:8000/calendar.ics straight away.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class _OutputHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None


def make_static_server(directory: Path, host: str, port: int) -> ThreadingHTTPServer:
    """Bind (port 0 = any free port) and return the server; call serve_forever() to run it."""
    handler = functools.partial(_OutputHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)
