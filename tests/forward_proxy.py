"""A forward proxy on 127.0.0.1, as a company's or a university's: what curl, pip and httpx
reach through HTTPS_PROXY / HTTP_PROXY. It tunnels ``CONNECT host:port`` (https) and forwards
an absolute-URI ``GET http://host:port/path`` (http), resolving names through its own table
(``feeds.invalid`` is a test server on loopback, which no DNS would say), and writes down each
request it saw. It can ask for credentials (407), refuse a host (403, 502) as such proxies do.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

HOP_BY_HOP = (b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization")


@dataclass(frozen=True)
class Seen:
    """One request as the proxy received it."""

    method: str
    target: str
    """``host:port`` for CONNECT, the absolute URI for GET."""
    headers: dict[str, str]


@dataclass
class ForwardProxy:
    """Runs in a thread of its own; ``url`` is where to point HTTP(S)_PROXY."""

    hosts: dict[str, str] = field(default_factory=dict)
    """Names the proxy resolves itself (to 127.0.0.1, say); others go to the system."""
    credentials: tuple[str, str] | None = None
    """When set, a request without these (Basic) is answered 407."""
    refused: dict[str, int] = field(default_factory=dict)
    """Hosts the proxy answers with this status instead of reaching them."""
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    tunnels: int = 0
    most_tunnels: int = 0
    """Connections open at once through the proxy (tunnels and forwarded GETs), the highest."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def targets(self) -> list[str]:
        return [f"{s.method} {s.target}" for s in self.seen]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        finally:
            writer.transport.abort()  # cancelled at shutdown too: nothing left open

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        line, *rest = head.decode("latin-1").split("\r\n")
        method, target, _ = line.split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (h.partition(":") for h in rest if h)}
        self.seen.append(Seen(method, target, headers))
        host, port = _host_port(method, target)
        refusal = self._refusal(headers, host)
        if refusal is not None:
            writer.write(refusal)
            await _close(writer)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.hosts.get(host, host), port)
        except OSError:
            writer.write(_answer(502, "Bad Gateway"))
            await _close(writer)
            return
        self.tunnels += 1
        self.most_tunnels = max(self.most_tunnels, self.tunnels)
        answer = b""
        try:
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await asyncio.gather(_pipe(reader, upstream_writer),
                                     _pipe(upstream_reader, writer))
            else:
                upstream_writer.write(_origin_form(line, rest, target))
                answer = await _origin_answer(upstream_reader)
        finally:
            # a forwarded GET's origin connection is closed before its answer is relayed: the
            # client, answered, may ask again at once, and must not find it still counted
            self.tunnels -= 1
            upstream_writer.transport.abort()
        if method != "CONNECT":
            with suppress(ConnectionError, OSError):
                writer.write(answer)
            await _close(writer)

    def _refusal(self, headers: dict[str, str], host: str) -> bytes | None:
        if self.credentials is not None:
            token = base64.b64encode(":".join(self.credentials).encode()).decode()
            if headers.get("proxy-authorization") != f"Basic {token}":
                return _answer(407, "Proxy Authentication Required",
                               b'Proxy-Authenticate: Basic realm="campus"\r\n')
        if host in self.refused:
            status = self.refused[host]
            return _answer(status, {403: "Forbidden", 502: "Bad Gateway"}.get(status, "No"))
        return None

    @contextmanager
    def running(self) -> Iterator[ForwardProxy]:
        loop = asyncio.new_event_loop()
        started = threading.Event()
        server: asyncio.Server | None = None

        async def serve() -> None:
            nonlocal server
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            started.set()

        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        asyncio.run_coroutine_threadsafe(serve(), loop)
        started.wait(5)
        try:
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(_shut(server), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()


async def _shut(server: asyncio.Server | None) -> None:
    """Stop listening, end every connection still open (a pooled client's), wait for them."""
    if server is not None:
        server.close()
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if server is not None:
        await server.wait_closed()


def _host_port(method: str, target: str) -> tuple[str, int]:
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return host.strip("[]"), int(port)
    parts = urlsplit(target)
    return parts.hostname or "", parts.port or 80


def _origin_form(line: str, rest: list[str], target: str) -> bytes:
    """The request as the origin server reads it: its path, Connection: close (one request
    per forwarded connection keeps this proxy simple)."""
    parts = urlsplit(target)
    method, _, version = line.split(" ", 2)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kept = [h for h in rest if h and h.partition(":")[0].strip().lower().encode() not in HOP_BY_HOP]
    return "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""]
                       ).encode("latin-1")


async def _origin_answer(upstream: asyncio.StreamReader) -> bytes:
    """The origin's whole answer (the tests' bodies are small), its hop-by-hop headers
    dropped and Connection: close said, as this proxy closes its own side after it."""
    with suppress(asyncio.IncompleteReadError, ConnectionError):
        head = await upstream.readuntil(b"\r\n\r\n")
        lines = [h for h in head.split(b"\r\n") if h and
                 h.partition(b":")[0].strip().lower() not in HOP_BY_HOP]
        body = bytearray()
        while chunk := await upstream.read(65536):
            body += chunk
        return b"\r\n".join([*lines, b"Connection: close", b"", b""]) + bytes(body)
    return b""


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with suppress(ConnectionError, asyncio.IncompleteReadError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    await _close(writer)


async def _close(writer: asyncio.StreamWriter) -> None:
    with suppress(ConnectionError, OSError):
        await writer.drain()
        writer.close()
        await writer.wait_closed()


def _answer(status: int, phrase: str, extra: bytes = b"") -> bytes:
    body = f"{status} {phrase}\n".encode()
    return (f"HTTP/1.1 {status} {phrase}\r\nContent-Length: {len(body)}\r\n".encode() + extra
            + b"Connection: close\r\n\r\n" + body)
