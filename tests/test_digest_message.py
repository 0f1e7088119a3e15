"""One digest rendering, many subscribers: each message carries its own links, in valid MIME.

The rendering's text is split and encoded once, then each subscriber's token and calendar key
are put in the bytes (issue 8): these tests hold that to what personalising the text first
gives, line lengths included.
"""

from __future__ import annotations

import email
import email.policy
import gc
from datetime import datetime, timezone

from aggregator.digest import digest_message
from aggregator.digest.message import _PREPARED
from aggregator.digest.render import CALENDAR, TOKEN, RenderedDigest, calendar_key

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=timezone.utc)
ALICE = "QWxpY2UncyB0b2tlbiwgbm90IEJvYidzIQ"
BOB = "Qm9iJ3MgdG9rZW4sIG5vdCBBbGljZSdzIQ"


def message(digest: RenderedDigest, token: str) -> email.message.EmailMessage:
    mail = digest_message(digest, to="someone@example.org", token=token,
                          mail_from="Agenda <digest@agenda.example.org>",
                          base_url="https://agenda.example.org", week="2026-W50", now=NOW)
    parsed = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def parts(parsed: email.message.EmailMessage) -> dict[str, tuple[str, str]]:
    """(transfer encoding, decoded text) by subtype."""
    return {part.get_content_subtype(): (part["Content-Transfer-Encoding"], part.get_content())
            for part in parsed.iter_parts()}


def test_each_subscriber_gets_its_own_links_in_both_parts() -> None:
    digest = RenderedDigest(
        "Cette semaine à Nancy : 3 événements",
        f"<p>Atelier « soudure »</p>\r\n<a href='/unsubscribe/{TOKEN}'>x</a>\n"
        f"<a href='/calendars/mine/{CALENDAR}.ics'>y</a>\r<a href='/preferences/{TOKEN}'>z</a>",
        f"Atelier « soudure »\nSe désabonner : /unsubscribe/{TOKEN}\r\n/calendars/mine/{CALENDAR}.ics\n")
    for token, other in ((ALICE, BOB), (BOB, ALICE), (ALICE, BOB)):  # the second ALICE: reused
        parsed = message(digest, token)
        personal = digest.personalise(token)
        got = parts(parsed)
        assert got["plain"][0] == got["html"][0] == "8bit"
        assert got["plain"][1].splitlines() == personal.text.splitlines()
        assert got["html"][1].splitlines() == personal.html.splitlines()
        raw = parsed.as_bytes()
        assert token.encode() in raw and calendar_key(token).encode() in raw
        assert other.encode() not in raw and calendar_key(other).encode() not in raw
        assert TOKEN.encode() not in raw and CALENDAR.encode() not in raw
        assert parsed["List-Unsubscribe"].startswith(
            f"<https://agenda.example.org/unsubscribe/{token}>")


def test_a_line_the_token_lengthens_past_998_octets_is_sent_in_base64() -> None:
    """RFC 5322 caps a line at 998 octets: the check is made with the subscriber's links in."""
    line = "x" * (998 - len(TOKEN)) + TOKEN  # 998 octets with the placeholder
    digest = RenderedDigest("Semaine", "<p>court</p>", f"début\n{line}\nfin\n")
    assert len(ALICE) > len(TOKEN)
    encoding, text = parts(message(digest, ALICE))["plain"]
    assert encoding == "base64"
    assert text.splitlines() == ["début", "x" * (998 - len(TOKEN)) + ALICE, "fin"]
    short = "c2hvcnQ"  # shorter than the placeholder: the line stays within 998
    encoding, text = parts(message(digest, short))["plain"]
    assert encoding == "8bit" and short in text
    assert parts(message(digest, ALICE))["html"][0] == "8bit"  # each part on its own


def test_the_prepared_parts_go_with_the_rendering() -> None:
    digest = RenderedDigest("Semaine", f"<p>{TOKEN}</p>", f"{TOKEN}\n")
    message(digest, ALICE)
    assert digest in _PREPARED
    del digest
    gc.collect()
    assert not any(d.subject == "Semaine" for d in _PREPARED)
