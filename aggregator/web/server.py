"""Run the web app under uvicorn: `aggregator serve`, `aggregator demo` and the daemon.

Why a small wrapper instead of ``uvicorn.run``: callers need the bound port when they ask for
port 0 (tests, the demo), a way to stop the server from another thread (the daemon's signal
handler), and uvicorn's own signal handling left to the caller that owns the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator

import uvicorn

from ..core import Aggregator
from . import create_app


class _Server(uvicorn.Server):
    """uvicorn's server, minus its habit of re-raising SIGTERM after a graceful shutdown:
    an operator's (or systemd's) stop is a normal end and must exit 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT,
                                                                          signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class WebServer:
    """The web app on one listening socket; ``serve()`` blocks until ``stop()``."""

    def __init__(self, aggregator: Aggregator, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.socket = socket.create_server((host, port), reuse_port=False)
        self.host = host
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(aggregator), log_level="warning", access_log=False,
            timeout_graceful_shutdown=10, lifespan="off",
        )
        self.server = _Server(config)
        self.aggregator = aggregator
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve(self, on_ready: Callable[[], None] | None = None) -> None:
        """Serve until stop() (or Ctrl-C, which stops it cleanly); meanwhile a thread loads
        each new build's view as it lands (``Aggregator.keep_published_fresh``)."""
        if on_ready is not None:
            threading.Thread(target=self._when_started, args=(on_ready,), daemon=True).start()
        threading.Thread(target=self.aggregator.keep_published_fresh, args=(self._stopped,),
                         name="published-view", daemon=True).start()
        try:
            asyncio.run(self.server.serve(sockets=[self.socket]))
        except KeyboardInterrupt:
            pass
        finally:
            self._stopped.set()
            self.socket.close()

    def stop(self) -> None:
        self.server.should_exit = True

    def _when_started(self, on_ready: Callable[[], None]) -> None:
        while not self.server.started and not self.server.should_exit:
            threading.Event().wait(0.02)
        on_ready()


def serve_forever(aggregator: Aggregator, host: str, port: int,
                  announce: Callable[[str], None]) -> None:
    """The web app until Ctrl-C or SIGTERM; ``announce`` receives its URL once it listens."""
    server = WebServer(aggregator, host, port)
    server.serve(on_ready=lambda: announce(server.url))


__all__ = ["WebServer", "serve_forever"]
