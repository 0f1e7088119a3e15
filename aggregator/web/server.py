"""Run the web app under uvicorn: `aggregator serve`, `aggregator demo` and the daemon.

Why a small wrapper instead of ``uvicorn.run``: callers need the bound port when they ask for
port 0 (tests, the demo), a way to stop the server from another thread (the daemon's signal
handler), and uvicorn's own signal handling left to the caller that owns the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType

import uvicorn

from ..core import Aggregator
from ..errors import AggregatorError
from ..publish import recover
from . import create_app


class _Server(uvicorn.Server):
    """uvicorn's server, minus its habit of re-raising SIGTERM after a graceful shutdown:
    an operator's (or systemd's) stop is a normal end and must exit 0. ``on_exit`` is told
    of the signal at once (the daemon stops its jobs while the requests finish)."""

    on_exit: Callable[[], None] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.on_exit is not None:
            self.on_exit()
        super().handle_exit(sig, frame)

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


def listen(host: str, port: int) -> socket.socket:
    """The web app's listening socket.

    Raises:
        AggregatorError: the address cannot be listened on (taken, not this machine's, a
            port out of range or below 1024 without the right): says which, and what to do.
            `serve` and `demo` ended in a traceback ("OSError: [Errno 98]"; `demo` after its
            whole refresh and build).
    """
    try:
        return socket.create_server((host, port), reuse_port=False)
    except OverflowError:
        raise AggregatorError(f"cannot listen on {host}:{port}: port must be 0-65535: choose "
                              "another --port") from None
    except OSError as error:  # create_server's own text names the address again: the errno's
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise AggregatorError(f"cannot listen on {host}:{port}: {reason}: choose another "
                              "--port (or --host), or stop what listens there") from None


class _Cancelled(logging.Filter):
    """A request still running when the stop's wait for requests ran out (an admin's
    "refresh now" fetching a slow feed) is cancelled: one line saying so, not uvicorn's
    traceback of the cancellation at ERROR, which looked like a crash to whoever watched."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            record.msg, record.args, record.exc_info = (
                "stop: a request still running was cancelled (its client got a 500)", (), None)
        elif "timeout graceful shutdown exceeded" not in record.getMessage():
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class WebServer:
    """The web app on one listening socket; ``serve()`` blocks until ``stop()``. A stop waits
    ``graceful`` seconds for the requests in progress, then cancels them."""

    def __init__(self, aggregator: Aggregator, host: str = "127.0.0.1", port: int = 8000, *,
                 graceful: int = 10, on_exit: Callable[[], None] | None = None) -> None:
        recover(aggregator.settings.output_dir)  # a build killed mid-publish: finish it
        self.socket = listen(host, port)
        self.host = host
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(aggregator), log_level="warning", access_log=False,
            timeout_graceful_shutdown=graceful, lifespan="off",
        )
        self.server = _Server(config)
        self.server.on_exit = on_exit
        uvicorn_log = logging.getLogger("uvicorn.error")  # configured by uvicorn.Config above
        if not any(isinstance(f, _Cancelled) for f in uvicorn_log.filters):
            uvicorn_log.addFilter(_Cancelled())
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
