"""A real HTTP server on 127.0.0.1 whose paths misbehave on command (redirects, drips, bombs).

The demo's FeedServer serves well-behaved feeds; this one exists to show that the fetcher
survives what real servers do wrong. Each route is a small function writing to the handler.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[BaseHTTPRequestHandler], None]


def redirect(status: int, location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return route


def body(data: bytes, content_type: str = "text/calendar", status: int = 200, **headers: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(data)
    return route


def drip(total: int, every: float) -> Route:
    """One byte every ``every`` seconds: never finishes within a sane deadline."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        try:
            for _ in range(total):
                handler.wfile.write(b"B")
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
    return route


def endless(chunk: int = 65536, declare_length: bool = False) -> Route:
    """Streams zeros until the client hangs up (a 'huge' body without a real 300 MB buffer)."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if declare_length:
            handler.send_header("Content-Length", str(300 * 1024 * 1024))
        handler.end_headers()
        block = b"0" * chunk
        try:
            for _ in range(300 * 1024 * 1024 // chunk):
                handler.wfile.write(block)
        except OSError:
            pass
    return route


def gzip_bomb(decompressed: int = 64 * 1024 * 1024) -> Route:
    compressor_input = b"\0" * (1024 * 1024)
    data = gzip.compress(compressor_input * (decompressed // len(compressor_input)), 9)
    return body(data, "application/rss+xml", Content_Encoding="gzip")


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    hits: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        with self.lock:
            self.hits[self.path] = self.hits.get(self.path, 0) + 1
            self.headers_seen = dict(self.headers)
        route = self.routes.get(self.path)
        if route is None:
            body(b"not found", "text/plain", 404)(self)
            return
        route(self)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


class MisbehavingServer:
    """Routes are set by tests; ``url(path)`` gives the absolute URL."""

    def __init__(self, server: ThreadingHTTPServer, handler: type[_Handler]) -> None:
        self.server = server
        self.handler = handler
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"

    def route(self, path: str, route: Route) -> str:
        self.handler.routes[path] = route
        return self.url(path)

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        return self.handler.hits.get(path, 0)


@contextmanager
def misbehaving_server() -> Iterator[MisbehavingServer]:
    handler = type("Handler", (_Handler,), {"routes": {}, "hits": {}, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield MisbehavingServer(server, handler)
    finally:
        server.shutdown()
        server.server_close()
