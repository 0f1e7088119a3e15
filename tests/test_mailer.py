"""The mailer against a real SMTP server: results per message, 4xx transient, 5xx permanent."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from aggregator.config import build_settings
from aggregator.mailer import send_messages, send_one
from mailsink import Sink, free_port, smtp_server  # noqa: F401


def settings_for(port: int, tmp_path: Path) -> object:
    return build_settings((), None, {"AGGREGATOR_SMTP_HOST": "127.0.0.1",
                                      "AGGREGATOR_SMTP_PORT": str(port),
                                      "AGGREGATOR_MAIL_FROM": "Agenda <digest@example.org>"})


def message(to: str, subject: str = "Bonjour") -> EmailMessage:
    mail = EmailMessage()
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content("Texte accentué : été.\n")
    return mail


def test_each_message_gets_its_own_outcome(smtp_server: Sink, tmp_path: Path) -> None:
    smtp_server.soft.add("grey@example.org")
    smtp_server.hard.add("gone@example.org")
    settings = settings_for(smtp_server.port, tmp_path)
    results = send_messages(settings, [message("a@example.org"), message("grey@example.org"),
                                       message("gone@example.org"), message("b@example.org")])
    assert [(r.recipient, r.outcome) for r in results] == [
        ("a@example.org", "sent"), ("grey@example.org", "transient"),
        ("gone@example.org", "permanent"), ("b@example.org", "sent")]
    assert results[1].code == 451 and results[2].code == 550
    assert "no such mailbox" in results[2].reason
    received = smtp_server.messages
    assert [m["To"] for m in received] == ["a@example.org", "b@example.org"]
    assert received[0]["From"] == "Agenda <digest@example.org>"
    assert received[0]["Message-ID"].endswith("@example.org>") and received[0]["Date"]
    assert received[0].get_content().strip() == "Texte accentué : été."


def test_send_one_says_what_went_wrong(smtp_server: Sink, tmp_path: Path) -> None:
    settings = settings_for(smtp_server.port, tmp_path)
    assert send_one(settings, message("a@example.org")) is None
    smtp_server.hard.add("x@example.org")
    problem = send_one(settings, message("x@example.org"))
    assert problem is not None and "550" in problem and "\n" not in problem


def test_an_unreachable_server_makes_every_message_transient(tmp_path: Path) -> None:
    settings = settings_for(free_port(), tmp_path)
    results = send_messages(settings, [message("a@example.org"), message("b@example.org")])
    assert [r.outcome for r in results] == ["transient", "transient"]
    assert "unreachable" in results[0].reason
    assert send_one(settings, message("a@example.org")) is not None


def test_throttle_spaces_the_messages(smtp_server: Sink, tmp_path: Path) -> None:
    import time

    settings = settings_for(smtp_server.port, tmp_path)
    started = time.monotonic()
    results = send_messages(settings, [message(f"r{i}@example.org") for i in range(4)],
                            per_minute=600)  # one every 0.1 s
    assert all(r.sent for r in results)
    assert time.monotonic() - started >= 0.3


class RefusingRelay(Sink):
    """A relay that refuses us, not the recipient: our sender at MAIL FROM, or relaying."""

    sender_answer = ""
    rcpt_answer = ""
    mail_commands = 0

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: Any) -> str:
        self.mail_commands += 1
        if self.sender_answer:
            return self.sender_answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        return self.rcpt_answer or await super().handle_RCPT(
            server, session, envelope, address, rcpt_options)


@pytest.mark.parametrize(("answers", "setting"), [
    (("553 5.7.1 Sender address rejected: not owned by user", ""), "AGGREGATOR_MAIL_FROM"),
    (("", "554 5.7.1 <a@example.org>: Relay access denied"), "AGGREGATOR_SMTP_USER"),
])
def test_a_relay_refusing_us_is_our_setup_not_a_bounce(
    tmp_path: Path, answers: tuple[str, str], setting: str,
) -> None:
    """A 5xx about our sender or our right to relay is no recipient's bounce: the message is
    transient, says which setting to fix, and the session tries no further message."""
    relay = RefusingRelay()
    relay.sender_answer, relay.rcpt_answer = answers
    relay.port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=relay.port)
    controller.start()
    try:
        results = send_messages(settings_for(relay.port, tmp_path),
                                [message("a@example.org"), message("b@example.org")])
    finally:
        controller.stop()
    assert [(r.outcome, r.our_setup) for r in results] == [("transient", True)] * 2
    assert setting in results[0].reason and results[1].reason == results[0].reason
    assert relay.mail_commands == 1
