"""A reverse proxy on 127.0.0.1 that serves an app under a path, as an operator's nginx does
with ``location /agenda/ { proxy_pass http://app/; }``: it strips the path and forwards the
rest, and passes the answer back untouched (Location, Set-Cookie and all). What is not under
the path is a 404, as the host's other sites would be to the app."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
              "accept-encoding", "te", "upgrade", "proxy-connection"}
"""Not forwarded; Host is, as ``proxy_set_header Host $host`` does."""


class PrefixProxy:
    """Forwards ``prefix/rest`` to ``upstream + /rest``; ``upstream`` is set once it runs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.upstream = ""
        self.client = httpx.Client(timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            do_HEAD = do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        if not handler.path.startswith(self.prefix + "/"):
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = [(k, v) for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP]
        answer = self.client.request(handler.command,
                                     self.upstream + handler.path[len(self.prefix):],
                                     headers=headers, content=body)
        handler.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in HOP_BY_HOP | {"content-encoding"}:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(answer.content)


@contextmanager
def prefix_proxy(prefix: str) -> Iterator[PrefixProxy]:
    proxy = PrefixProxy(prefix)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
        proxy.client.close()
