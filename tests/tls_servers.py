"""HTTPS servers on loopback for the fetcher's TLS tests: a certificate from a test authority
(trustme) that no public store holds, and a calendar as the answer.

Shared by the direct (test_fetch_tls), proxied (test_review_proxy) and operator's-authority
(test_fetch_authorities) tests, so that each says only what it checks.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme


def server_context(certificate: trustme.LeafCert) -> ssl.SSLContext:
    """A server's TLS context presenting ``certificate``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return context


def serve_calendar(body: bytes, context: ssl.SSLContext | None = None, status: int = 200
                   ) -> tuple[ThreadingHTTPServer, int]:
    """A server on 127.0.0.1 answering every GET with ``body`` as text/calendar, over TLS with
    ``context`` (plain http without), with ``status``: the server, to :func:`stop`, and its
    port."""

    class Calendar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server, server.server_address[1]


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def calendar_server(body: bytes, context: ssl.SSLContext | None = None, status: int = 200
                    ) -> Iterator[int]:
    """:func:`serve_calendar` for the block: its port."""
    server, port = serve_calendar(body, context, status)
    try:
        yield port
    finally:
        stop(server)


@contextlib.contextmanager
def lingering_server(body: bytes, context: ssl.SSLContext) -> Iterator[int]:
    """A TLS server answering ``body`` with ``Connection: close`` and keeping its side open a
    moment after, as a far server's close arrives a round trip later: its port."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer(connection: socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: "
                        + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            time.sleep(0.3)

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
