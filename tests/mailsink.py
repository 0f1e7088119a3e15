"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for the mail tests.

Recipients can be told to answer 4xx (``soft``) or 5xx (``hard``) at RCPT time, as a greylisting
relay or an unknown mailbox would.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    soft: set[str] = field(default_factory=set)
    hard: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    keep: bool = True
    count: int = 0
    delay: float = 0.0
    """Seconds each DATA answer waits (lets a test kill a sender mid-run)."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.hard:
            return "550 5.1.1 no such mailbox"
        if address in self.soft:
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
            if self.keep:
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                self.messages.append(parsed)  # type: ignore[arg-type]
                self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
                if address in rcpts]


def run_sink(keep: bool = True) -> tuple[Sink, Controller]:
    sink = Sink(keep=keep)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp_server() -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1 (a free port); ``.messages`` holds the parsed mail."""
    sink, controller = run_sink()
    try:
        yield sink
    finally:
        controller.stop()
